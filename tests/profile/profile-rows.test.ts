/**
 * The explorer's collapsed rows (profile-rows.ts) against the sweep over every leg by the kernel
 * itself (pnl-profile-reference.ts): the demo book and seeded synthetic books on the demo market,
 * at dates before, on and past expiries and vol shifts either way. Equal to 1e-12 of the curve's
 * largest magnitude (legs' sizes are summed in another order, so the last bits may differ).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { findBook, listBooks } from '../../src-main/book/books-repository'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import { listHeldPositions } from '../../src-main/book/positions-repository'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import { buildProfileBook, type ProfileBook } from '../../src-main/engine/profile/profile-book'
import { evaluateProfile, expiryDays, PROFILE_MOVES, profileEvaluator } from '../../src-main/engine/profile/pnl-profile'
import { evaluateProfileByLegs } from '../../src-main/engine/profile/pnl-profile-reference'
import { syntheticBook } from '../../src-main/services/books/synthetic-book'
import { valuedPositions } from '../../src-main/services/var-service'

const book = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-profile-rows-')), 'book.sqlite'))
const demo = findBook(book.db, listBooks(book.db).find((b) => b.kind === 'demo')!.id)!
const market = loadMarketSnapshot(book.db, demo.marketSnapshotId!)!
const view = buildMarketView(market)

function demoProfile(): ProfileBook {
  const { valued } = valuedPositions(listHeldPositions(book.db, demo.id), view)
  return buildProfileBook(valued.map((p) => ({ instrument: p.instrument, sizeContracts: p.sizeContracts, account: p.accountName, positionId: p.positionId })), view)
}
const synthetic = (n: number, divisor: number): ProfileBook =>
  buildProfileBook(syntheticBook(market, n, 7, { strikeStepDivisor: divisor }).map((p) => ({ instrument: p.instrument, sizeContracts: p.sizeContracts, account: 'synthetic' })), view)

function expectSameCurves(profile: ProfileBook): void {
  for (const u of profile.underlyings) {
    const ev = profileEvaluator(profile, u, PROFILE_MOVES)
    const exp = expiryDays(profile, u)
    const dates = [0, 0.25, ...exp, ...exp.map((d) => d + 0.5), (exp.at(-1) ?? 30) + 3]
    for (const days of dates) {
      for (const volShiftPts of [-30, -7, 0, 12]) {
        const fast = evaluateProfile(ev, { days, volShiftPts })
        const legs = evaluateProfileByLegs(ev, { days, volShiftPts })
        const scale = Math.max(...Array.from(legs, Math.abs), 1e-300)
        for (let j = 0; j < legs.length; j++) expect(Math.abs(fast[j]! - legs[j]!), `${u} T+${days} ${volShiftPts} pts at ${PROFILE_MOVES[j]}`).toBeLessThanOrEqual(1e-12 * scale)
      }
    }
  }
}

describe('the explorer sweeps collapsed rows: the same curves as every leg by the kernel', () => {
  it('the demo book', () => {
    const p = demoProfile()
    expect(p.arrays.count).toBeGreaterThan(5)
    expectSameCurves(p)
  })

  it('a 2,000-leg synthetic book on a fine strike ladder, and calls and puts of one strike pair into one row', () => {
    const p = synthetic(2000, 10)
    expectSameCurves(p)
    const ev = profileEvaluator(p, 'BTC', PROFILE_MOVES)
    const legs = p.rowEnd[p.underlyings.indexOf('BTC')]! - p.rowStart[p.underlyings.indexOf('BTC')]!
    expect(ev.rows.count).toBeLessThan(legs)
  })

  it('a book on Deribit strike steps collapses to far fewer rows than legs', () => {
    const p = synthetic(4000, 1)
    expectSameCurves(p)
    const ev = profileEvaluator(p, 'BTC', PROFILE_MOVES)
    const legs = p.rowEnd[p.underlyings.indexOf('BTC')]! - p.rowStart[p.underlyings.indexOf('BTC')]!
    expect(ev.rows.count * 3).toBeLessThan(legs)
  })

  it('legs of one contract in two accounts add their sizes; opposite legs cancel to nothing', () => {
    const [a, b] = syntheticBook(market, 40, 3).filter((p) => p.instrument.kind === 'option')
    const twice = buildProfileBook([{ ...a!, account: 'x' }, { ...a!, account: 'y' }], view)
    const once = buildProfileBook([{ ...a!, sizeContracts: 2 * a!.sizeContracts, account: 'x' }], view)
    const u = a!.instrument.underlying
    const t = { days: 2, volShiftPts: 3 }
    const x = evaluateProfile(profileEvaluator(twice, u, PROFILE_MOVES), t)
    const y = evaluateProfile(profileEvaluator(once, u, PROFILE_MOVES), t)
    x.forEach((v, j) => expect(v).toBeCloseTo(y[j]!, 9))
    const flat = buildProfileBook([{ ...b!, account: 'x' }, { ...b!, sizeContracts: -b!.sizeContracts, account: 'y' }], view)
    expect(Array.from(evaluateProfile(profileEvaluator(flat, b!.instrument.underlying, PROFILE_MOVES), t)).every((v) => v === 0)).toBe(true)
  })
})
