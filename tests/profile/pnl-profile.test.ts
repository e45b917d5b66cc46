/**
 * The P&L explorer's curves against a scalar twin written from the textbook (Black-76 per leg,
 * payoff for expired legs): a Deribit calendar spread (short the 27 Nov call, long the 25 Dec call
 * at the same strike) on the demo market, before and after the first expiry.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { findBook, listBooks } from '../../src-main/book/books-repository'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import { underlyingPriceFor, volFor } from '../../src-main/engine/market/market-view'
import { parseSymbol } from '../../src-main/engine/instruments/parse-symbol'
import { black76PriceUsd, yearsBetween } from '../../src-main/engine/pricing/black76'
import { buildProfileBook } from '../../src-main/engine/profile/profile-book'
import { breakevens, evaluateProfile, expiryDays, legsAt, profileEvaluator, trough } from '../../src-main/engine/profile/pnl-profile'

const book = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-profile-')), 'book.sqlite'))
const view = buildMarketView(loadMarketSnapshot(book.db, findBook(book.db, listBooks(book.db).find((b) => b.kind === 'demo')!.id)!.marketSnapshotId!)!)
const shortNov = parseSymbol('deribit', 'BTC-27NOV26-95000-C')
const longDec = parseSymbol('deribit', 'BTC-25DEC26-95000-C')
const legs = [
  { instrument: shortNov, sizeContracts: -2, account: 'Deribit main' },
  { instrument: longDec, sizeContracts: 2, account: 'Deribit main' }
]
const moves = Array.from({ length: 81 }, (_, k) => -0.4 + k * 0.01)
const indexUsd = view.curves.get('BTC')!.indexUsd

/** USD P&L of one inverse option leg at a move, date and vol shift: coin P&L at the moved index. */
function twinLeg(i: typeof shortNov, size: number, move: number, days: number, volShiftPts: number): number {
  const f0 = underlyingPriceFor(view, i)
  const vol0 = volFor(view, i, f0)
  const t0 = yearsBetween(view.snapshot.asOfMs, i.expiryMs!)
  const f = f0 * (1 + move)
  const t = t0 - days / 365
  const k = i.strikeUsd!
  const usd = t <= 0 ? Math.max(f - k, 0) : black76PriceUsd({ forwardUsd: f, strikeUsd: k, years: t, vol: Math.max(vol0 + volShiftPts / 100, 0.01), optionType: 'call' })
  const base = black76PriceUsd({ forwardUsd: f0, strikeUsd: k, years: t0, vol: vol0, optionType: 'call' }) / f0
  return size * (usd / f - base) * indexUsd * (1 + move)
}
const twin = (move: number, days: number, vol: number, which = legs): number => which.reduce((s, l) => s + twinLeg(l.instrument, l.sizeContracts, move, days, vol), 0)

describe('P&L explorer on a calendar spread', () => {
  const profile = buildProfileBook(legs, view)
  const ev = profileEvaluator(profile, 'BTC', moves)
  const firstExpiry = expiryDays(profile, 'BTC')[0]!

  it('knows the expiries: 27 Nov 08:00 is 6.96 days after the 20 Nov 09:00 snapshot', () => {
    expect(firstExpiry).toBeCloseTo(6 + 23 / 24, 9)
    expect(expiryDays(profile, 'BTC')).toHaveLength(2)
  })

  it('now, unmoved, is exactly zero; every point matches the textbook twin', () => {
    const now = evaluateProfile(ev, { days: 0, volShiftPts: 0 })
    expect(now[40]).toBeCloseTo(0, 9) // move 0
    moves.forEach((m, j) => expect(now[j]).toBeCloseTo(twin(m, 0, 0), 6))
    const shifted = evaluateProfile(ev, { days: 3, volShiftPts: 7 })
    moves.forEach((m, j) => expect(shifted[j]).toBeCloseTo(twin(m, 3, 7), 6))
  })

  it('past the first expiry the short call is at its payoff: frozen against vol and further time', () => {
    const day8 = evaluateProfile(ev, { days: 8, volShiftPts: 0 })
    moves.forEach((m, j) => expect(day8[j]).toBeCloseTo(twin(m, 8, 0), 6))
    // The expired leg alone: the same curve whatever the vol shift or the later date.
    const shortOnly = profileEvaluator(buildProfileBook([legs[0]!], view), 'BTC', moves)
    const a = Array.from(evaluateProfile(shortOnly, { days: 8, volShiftPts: 0 }))
    const b = Array.from(evaluateProfile(shortOnly, { days: 20, volShiftPts: 25 }))
    a.forEach((x, j) => expect(b[j]).toBeCloseTo(x, 9))
    // …and it is the payoff: −2 × max(F − K, 0) in USD against today's value.
    const f0 = underlyingPriceFor(view, shortNov)
    const j = moves.findIndex((m) => Math.abs(m - 0.1) < 1e-9)
    const fUp = f0 * 1.1
    const base = black76PriceUsd({ forwardUsd: f0, strikeUsd: 95000, years: yearsBetween(view.snapshot.asOfMs, shortNov.expiryMs!), vol: volFor(view, shortNov, f0), optionType: 'call' }) / f0
    expect(a[j]).toBeCloseTo(-2 * ((fUp - 95000) / fUp - base) * indexUsd * 1.1, 6)
    // The dates either side of expiry say which legs are alive.
    expect(legsAt(profile, 'BTC', 6).map((l) => l.state)).toEqual(['live', 'live'])
    expect(legsAt(profile, 'BTC', 8).map((l) => l.state)).toEqual(['expired', 'live'])
  })

  it('the calendar tent: the trough is on a wing, breakevens either side of the strike', () => {
    const atExpiry = Array.from(evaluateProfile(ev, { days: firstExpiry, volShiftPts: 0 }))
    const t = trough(moves, atExpiry)
    expect(Math.abs(t.move)).toBeGreaterThan(0.1)
    expect(Math.min(...atExpiry)).toBe(t.pnl)
    const be = breakevens(moves, atExpiry)
    expect(be).toHaveLength(2)
    // Brute force: each breakeven's neighbours on a fine grid straddle zero.
    for (const x of be) expect(Math.sign(twin(x - 0.002, firstExpiry, 0)) * Math.sign(twin(x + 0.002, firstExpiry, 0))).toBe(-1)
    const strikeMove = 95000 / underlyingPriceFor(view, shortNov) - 1
    expect(be[0]!).toBeLessThan(strikeMove)
    expect(be[1]!).toBeGreaterThan(strikeMove)
  })
})
