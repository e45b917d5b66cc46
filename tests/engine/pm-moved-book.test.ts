/**
 * movedPmBook (engine/margin/pm-moved-book.ts) against what it replaces in the liquidation search:
 * each position moved as the search moves it, deribitPmModel's record() of each, added into a
 * zeroed total in position order. Equal bit for bit (Object.is on every entry), for coin and USD
 * accounts, calls and puts, delta-one, expired options, vols the down shock drives under the floor,
 * positions of another underlying in the group, and moves from tiny to −95 % and +500 %.
 */
import { describe, expect, it } from 'vitest'
import deribitPm from '../../resources/params/deribit-pm-2024-06.json'
import { deribitPmModel, type PmContext } from '../../src-main/engine/margin/deribit-pm'
import { deltaOnePosition, optionPosition, pnlInAtValue, pnlInFrom, positionBase, type MarginPosition } from '../../src-main/engine/margin/margin-position'
import { movedPmBook, movedUnitShare } from '../../src-main/engine/margin/pm-moved-book'
import { mulberry32 } from '../../src-main/engine/random/mulberry32'
import { shippedDeribitPmSet } from '../../src-main/services/margin-params'

const asOfMs = Date.parse('2024-06-17T08:00:00Z')
const DAY = 86_400_000

/** The search's moved copy (services/account-health.ts) and the record sum maintenanceOf adds. */
function referenceTotal(positions: readonly MarginPosition[], u: string, m: number, ctx: PmContext): { total: Float64Array; valueUsd: number[]; mm: number } {
  const moved = positions.map((p) => (p.underlying !== u ? p : { ...p, sizeCoin: p.inverse && p.kind !== 'option' ? p.sizeCoin / (1 + m) : p.sizeCoin, priceUsd: p.priceUsd * (1 + m), indexUsd: p.indexUsd * (1 + m) }))
  const model = deribitPmModel(moved, ctx)
  const total = new Float64Array(model.width)
  const row = new Float64Array(model.width)
  for (const q of moved) {
    row.fill(0)
    model.record(q, row, 0)
    for (let j = 0; j < row.length; j++) total[j]! += row[j]!
  }
  return { total, valueUsd: moved.map((q, r) => (positions[r]!.underlying === u ? positionBase(q, asOfMs).valueUsd : NaN)), mm: model.evaluate(total, 0).maintenanceMargin }
}

function book(seed: number, inverse: boolean, underlying: string, forwardUsd: number): MarginPosition[] {
  const rnd = mulberry32(seed)
  const out: MarginPosition[] = []
  const expiries = [asOfMs - DAY, asOfMs + 3 * 3600_000, asOfMs + 2 * DAY, asOfMs + 11 * DAY, asOfMs + 40 * DAY, asOfMs + 200 * DAY]
  for (let k = 0; k < 60; k++) {
    const expiryMs = expiries[k % expiries.length]!
    // Strikes from deep in to far out of the money; vols from 5 % (the down shock passes the floor) to 250 %.
    const strikeUsd = Math.round(forwardUsd * (0.3 + 2.2 * rnd()))
    const vol = k % 7 === 0 ? 0.05 : 0.2 + 2.3 * rnd()
    out.push(optionPosition({ underlying, inverse, sizeCoin: (rnd() - 0.5) * 40, forwardUsd: forwardUsd * (1 + (expiryMs - asOfMs) / (365 * DAY) * 0.05), strikeUsd, expiryMs, vol, optionType: rnd() < 0.5 ? 'call' : 'put', markCoin: 0.01, indexUsd: forwardUsd }))
  }
  out.splice(7, 0, deltaOnePosition({ underlying, kind: 'perpetual', inverse, sizeCoin: 3.25, priceUsd: forwardUsd * 1.0003, indexUsd: forwardUsd }))
  out.splice(19, 0, deltaOnePosition({ underlying, kind: 'future', inverse, sizeCoin: -7.5, priceUsd: forwardUsd * 1.01, expiryMs: asOfMs + 40 * DAY, indexUsd: forwardUsd }))
  return out
}

const MOVES = [0, 1e-7, -1e-7, 0.01, -0.02, 0.05, 0.0734, -0.1234567, 0.15, -0.3, 0.5, -0.66, 0.75, 1, 2, -0.9, -0.95, 5]

function expectSame(positions: MarginPosition[], u: string, ctx: PmContext): void {
  const b = movedPmBook(positions, u, ctx)
  for (const m of MOVES) {
    const ref = referenceTotal(positions, u, m, ctx)
    const total = b.totalAt(m)
    expect(total.length).toBe(ref.total.length)
    for (let j = 0; j < total.length; j++) if (!Object.is(total[j], ref.total[j])) expect.fail(`move ${m}: column ${j} ${total[j]} ≠ ${ref.total[j]}`)
    positions.forEach((p, r) => {
      if (!Object.is(b.valueUsd[r], ref.valueUsd[r])) expect.fail(`move ${m}: position ${r} value ${b.valueUsd[r]} ≠ ${ref.valueUsd[r]}`)
      if (p.underlying !== u) return
      // The equity's revaluation from that value equals pnlInFrom's, coin and USD.
      const base = positionBase(p, asOfMs)
      for (const coin of [true, false]) if (!Object.is(pnlInAtValue(coin, p, base, m, b.valueUsd[r]!), pnlInFrom(coin, p, base, m, p.vol, 0))) expect.fail(`move ${m}: position ${r} P&L (${coin ? 'coin' : 'USD'})`)
    })
    expect(Object.is(b.model.evaluate(total, 0).maintenanceMargin, ref.mm)).toBe(true)
  }
}

/**
 * lowerTotalAt: the chosen columns as totalAt has them, the other scenario columns 0, and a margin
 * never above totalAt's (the search's shortcut rests on it).
 */
function expectLowerBound(positions: MarginPosition[], u: string, ctx: PmContext): void {
  const b = movedPmBook(positions, u, ctx)
  const S0 = 27
  const S = S0 + ctx.params.extendedMoves.length
  let below = 0
  for (const m of MOVES) {
    const full = Float64Array.from(b.totalAt(m))
    const fullMm = b.model.evaluate(full, 0).maintenanceMargin
    const fullValues = Float64Array.from(b.valueUsd)
    const worst = b.standardWorstIndex(full)
    for (const chosen of [[worst], [worst, (worst + 3) % S0], [0, 13, 26], []]) {
      const lower = b.lowerTotalAt(m, chosen)
      for (let j = 0; j < full.length; j++) {
        const expected = j < S && !(j < S0 && chosen.includes(j)) ? 0 : full[j]
        if (!Object.is(lower[j], expected)) expect.fail(`move ${m}, scenarios ${chosen}: column ${j} ${lower[j]} ≠ ${expected}`)
      }
      expect(Array.from(b.valueUsd)).toEqual(Array.from(fullValues))
      const lowerMm = b.model.evaluate(lower, 0).maintenanceMargin
      expect(lowerMm).toBeLessThanOrEqual(fullMm)
      // With the worst standard scenario among the chosen, the bound is the margin itself (no extended bite).
      if (chosen.includes(worst) && lowerMm === fullMm) below++
    }
  }
  expect(below).toBeGreaterThan(0)
}

describe('movedPmBook: the liquidation search\'s PM revaluation, bit for bit', () => {
  it('books sharing their options\' revaluations at the same moves: the same totals', () => {
    const ctx = { currency: 'BTC', asOfMs, params: deribitPm.currencies.BTC, paramsId: deribitPm.id, marketId: 't' }
    const chain = book(8, true, 'BTC', 65_000)
    // Two accounts holding many of the same options at their own sizes, in their own order.
    const first = chain.filter((_, k) => k % 3 !== 0)
    const second = chain.filter((_, k) => k % 2 === 0).map((p) => ({ ...p, sizeCoin: p.sizeCoin * -1.7 })).reverse()
    const share = movedUnitShare(MOVES)
    const shared = [first, second].map((positions) => movedPmBook(positions, 'BTC', ctx))
    shared.forEach((b) => b.shareWith(share, (p) => p.kind === 'option'))
    const own = [first, second].map((positions) => movedPmBook(positions, 'BTC', ctx))
    for (const m of [...MOVES, 0.123]) {
      for (let g = 0; g < 2; g++) {
        const a = Float64Array.from(shared[g]!.totalAt(m))
        const b = own[g]!.totalAt(m)
        for (let j = 0; j < a.length; j++) if (!Object.is(a[j], b[j])) expect.fail(`book ${g}, move ${m}: column ${j} ${a[j]} ≠ ${b[j]}`)
        expect(Array.from(shared[g]!.valueUsd)).toEqual(Array.from(own[g]!.valueUsd))
      }
    }
    // The second book read options the first revalued.
    expect([...share.at(0.05)!.values()].reduce((n, e) => n + e.length, 0)).toBeLessThan(first.length + second.length - 4)
  })

  it('lowerTotalAt bounds the margin from below with the same numbers', () => {
    expectLowerBound(book(4, true, 'BTC', 65_000), 'BTC', { currency: 'BTC', asOfMs, params: deribitPm.currencies.BTC, paramsId: deribitPm.id, marketId: 't' })
    expectLowerBound([...book(5, false, 'BTC', 65_000), ...book(6, false, 'ETH', 3_400)], 'ETH', { currency: 'USDC', asOfMs, params: deribitPm.currencies.USDC, paramsId: deribitPm.id, marketId: 't' })
  })

  it('a BTC coin account: inverse options, a perpetual and a future', () => {
    const ctx = { currency: 'BTC', asOfMs, params: deribitPm.currencies.BTC, paramsId: deribitPm.id, marketId: 't' }
    expectSame(book(1, true, 'BTC', 65_000), 'BTC', ctx)
  })

  it('a USDC account: linear options of two underlyings, one moving', () => {
    const ctx = { currency: 'USDC', asOfMs, params: deribitPm.currencies.USDC, paramsId: deribitPm.id, marketId: 't' }
    const positions = [...book(2, false, 'BTC', 65_000), ...book(3, false, 'ETH', 3_400)].sort((a, b) => (a.strikeUsd % 7) - (b.strikeUsd % 7))
    expectSame(positions, 'ETH', ctx)
    expectSame(positions, 'BTC', ctx)
  })

  it('the venue\'s own parameters (vega powers, USD dampener, offset cap): the same totals and margins, the USD amounts at the moved index', () => {
    const published = shippedDeribitPmSet('deribit-pm-2024-06-published')!
    // Powers off Deribit's values and a dampener small enough to bite at the large moves.
    const params = { ...published.currencies.BTC!, shortTermVegaPower: 0.27, longTermVegaPower: 0.11, extendedDampenerUsd: 25_000, pnlOffset: 0.5, maxOffsetablePnlUsd: 40_000 }
    const ctx = { currency: 'BTC', asOfMs, params, paramsId: published.id, marketId: 't' }
    expectSame(book(9, true, 'BTC', 65_000), 'BTC', ctx)
    // The dampened extended table determines the margin at some moves, so its conversion at the moved index is exercised.
    const b = movedPmBook(book(9, true, 'BTC', 65_000), 'BTC', ctx)
    const bites = MOVES.filter((m) => b.model.evaluate(b.totalAt(m), 0).components.find((c) => c.name === 'extended scenarios')!.amount > 0)
    expect(bites.length).toBeGreaterThan(0)
    expectLowerBound(book(10, true, 'BTC', 65_000), 'BTC', ctx)
    const usdc = { currency: 'USDC', asOfMs, params: { ...published.currencies.USDC!, extendedDampenerUsd: 2_000 }, paramsId: published.id, marketId: 't' }
    expectSame([...book(11, false, 'BTC', 65_000), ...book(12, false, 'ETH', 3_400)], 'ETH', usdc)
  })
})
