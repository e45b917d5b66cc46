/**
 * Issue 18, acceptance 3: one resolve step from a held position to engine inputs. An expired
 * option, an unpriced one and a USD-sized inverse future go through margin, the positions grid, the
 * scenario arrays and the P&L explorer, and each gives the same verdict: the same reason for the
 * first two (an expired option awaits its settlement, never priced at intrinsic off today's index),
 * the same coin size for the future (its USD notional at the forward it moves with).
 */
import { describe, expect, it } from 'vitest'
import type { HeldPosition } from '../../src-main/book/positions-repository'
import { parseSymbol } from '../../src-main/engine/instruments/parse-symbol'
import type { Instrument, UnpricedInstrument } from '../../src-main/engine/instruments/instrument'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import type { MarketSnapshotData } from '../../src-main/engine/market/snapshot'
import { requireResolved, resolvePosition, UnresolvedPositionError, type PositionResolution } from '../../src-main/engine/positions/resolve-position'
import { buildPortfolioArrays, emptyPortfolioArrays, ROW_INVERSE, setPortfolioRow } from '../../src-main/engine/scenarios/portfolio-arrays'
import { valuePosition } from '../../src-main/engine/valuation/position-valuation'
import { yearsBetween } from '../../src-main/engine/pricing/black76'
import { bookMargin, marginGroups, toMarginPosition } from '../../src-main/services/margin-service'
import { toPositionRow } from '../../src-main/services/positions-view'
import { valuedPositions } from '../../src-main/services/var-service'
import { profileModel } from '../../src-main/services/whatif/explorer-service'
import { greeksByUnderlying } from '../../src-main/services/whatif/book-diff'

const asOfMs = Date.parse('2026-01-10T08:00:00Z')
const MAR27 = Date.parse('2026-03-27T08:00:00Z')
const snapshot: MarketSnapshotData = {
  id: 'resolve-test',
  asOfMs,
  source: 'test',
  indexUsd: { BTC: 100_000, ETH: 3_000 },
  forwardsUsd: { BTC: { [String(MAR27)]: 101_000 } },
  // The future's own mark is off its curve's forward: the grid used to size it at the mark.
  marks: {
    'deribit:BTC-27MAR26': { price: 101_500, currency: 'USD' },
    'deribit:BTC-27MAR26-100000-C': { price: 0.05, currency: 'BTC', ivPct: 50 },
    // A stale mark IV of an expired option must not price it.
    'deribit:BTC-26DEC25-100000-C': { price: 0.01, currency: 'BTC', ivPct: 45 }
  },
  fundingRate8h: {}
}
const view = buildMarketView(snapshot)

const unknown: UnpricedInstrument = { venue: 'deribit', symbol: 'BTC-FANCY-X', kind: 'unknown', parseError: 'no parser for BTC-FANCY-X' }
const expiredCall = parseSymbol('deribit', 'BTC-26DEC25-100000-C')
// ETH has an index but the snapshot has no ETH implied vols and no mark IV: unpriced.
const unpricedPut = parseSymbol('deribit', 'ETH-27MAR26-3000-P')
const usdFuture = parseSymbol('deribit', 'BTC-27MAR26')
const liveCall = parseSymbol('deribit', 'BTC-27MAR26-100000-C')

let id = 0
const held = (instrument: HeldPosition['instrument'], sizeContracts: number): HeldPosition => ({
  positionId: ++id, accountId: 1, accountName: 'Deribit main', venue: 'deribit', instrument, sizeContracts, avgPrice: null
})
const book: HeldPosition[] = [held(expiredCall, -2), held(unpricedPut, 3), held(usdFuture, 5_000), held(liveCall, 1), held(unknown, 7)]
const [expiredPos, unpricedPos, futurePos, livePos, unknownPos] = book as [HeldPosition, HeldPosition, HeldPosition, HeldPosition, HeldPosition]

/** The failure of one resolution (the test's own expectation of its reason). */
const failure = (r: PositionResolution) => {
  if (r.ok) throw new Error('expected the position not to resolve')
  return r
}

describe('resolvePosition: one rule, a typed reason', () => {
  it('an expired option awaits settlement, whatever its stale mark says', () => {
    const r = failure(resolvePosition(expiredCall, -2, view))
    expect(r.reason).toBe('expired')
    expect(r.message).toBe(
      "deribit:BTC-26DEC25-100000-C: expired 2025-12-26 08:00 UTC, before the market's as-of (2026-01-10 08:00 UTC): awaiting settlement price (import the venue's statement with its delivery, or daily BTC history covering the expiry)"
    )
  })

  it('an option without a vol, an underlying without an index, an unknown symbol', () => {
    expect(failure(resolvePosition(unpricedPut, 3, view))).toEqual({ ok: false, reason: 'unpriced', message: 'deribit:ETH-27MAR26-3000-P: no ETH implied vols in market snapshot' })
    expect(failure(resolvePosition(parseSymbol('deribit', 'SOL_USDC-PERPETUAL'), 1, view))).toEqual({ ok: false, reason: 'unpriced', message: 'deribit:SOL_USDC-PERPETUAL: no SOL index in market snapshot' })
    expect(failure(resolvePosition(unknown, 7, view))).toEqual({ ok: false, reason: 'unknown-instrument', message: 'not priced: no parser for BTC-FANCY-X' })
  })

  it('expired comes first: an expired contract awaits its settlement even with no market for it', () => {
    const noEth = buildMarketView({ ...snapshot, indexUsd: { BTC: 100_000 } })
    expect(failure(resolvePosition(parseSymbol('deribit', 'ETH-26DEC25'), 1, noEth)).reason).toBe('expired')
    expect(failure(resolvePosition(parseSymbol('deribit', 'ETH-27MAR26'), 1, noEth))).toMatchObject({ reason: 'unpriced', message: 'deribit:ETH-27MAR26: no ETH index in market snapshot' })
  })

  it('a USD-sized future: contracts × $10 / the forward of its expiry, in coin', () => {
    const r = requireResolved(usdFuture, 5_000, view)
    expect(usdFuture).toMatchObject({ contractUnit: 'usd', contractSize: 10 })
    expect(r).toMatchObject({ forwardUsd: 101_000, indexUsd: 100_000, notional: 50_000, notionalUsd: 50_000, inverse: true, settleCurrency: 'BTC', vol: null })
    expect(r.sizeCoin).toBe(50_000 / 101_000)
    expect(r.years).toBe(yearsBetween(asOfMs, MAR27))
    expect(() => requireResolved(expiredCall, 1, view)).toThrow(UnresolvedPositionError)
  })
})

describe('acceptance 3: margin, the positions grid, the scenario arrays and the explorer agree', () => {
  const margin = bookMargin(book, view)
  const rows = book.map((p) => toPositionRow(p, snapshot, view))
  const explorer = profileModel(book, view)
  /** The scenario arrays' verdict on one position: the typed error's reason and message. */
  const arraysVerdict = (p: HeldPosition) => {
    const a = emptyPortfolioArrays(1)
    try {
      setPortfolioRow(a, 0, { instrument: p.instrument as Instrument, sizeContracts: p.sizeContracts }, view, ['BTC', 'ETH'])
      return { ok: true as const, arrays: a }
    } catch (e) {
      expect(e).toBeInstanceOf(UnresolvedPositionError)
      return { ok: false as const, reason: (e as UnresolvedPositionError).reason, message: (e as Error).message }
    }
  }
  const reasonIn = (list: { symbol: string; reason: string }[], p: HeldPosition) => list.filter((n) => n.symbol === p.instrument.symbol).map((n) => n.reason)

  it.each([
    ['the expired option', expiredPos, 'expired'],
    ['the unpriced option', unpricedPos, 'unpriced']
  ] as const)('%s: the same reason from each', (_, p, reason) => {
    const r = failure(resolvePosition(p.instrument, p.sizeContracts, view))
    expect(r.reason).toBe(reason)
    // Margin: not covered, with the reason.
    expect(reasonIn(margin.notCovered, p)).toEqual([r.message])
    expect(margin.accounts.flatMap((g) => g.symbols)).not.toContain(p.instrument.symbol)
    // The positions grid: no valuation, the reason in its place (and no intrinsic value).
    const row = rows.find((x) => x.positionId === p.positionId)!
    expect(row).toMatchObject({ valuation: null, valuationError: r.message })
    // The scenario arrays: a typed error, not a vol-0 row.
    expect(arraysVerdict(p)).toEqual({ ok: false, reason, message: r.message })
    // The explorer (and VaR, stress, backtests, the ES hedge: the same valuedPositions): not covered.
    expect(reasonIn(explorer.notCovered, p)).toEqual([r.message])
    expect(explorer.book.legs.map((l) => l.symbol)).not.toContain(p.instrument.symbol)
    expect(reasonIn(valuedPositions(book, view).notCovered, p)).toEqual([r.message])
    // Single-position consumers (hedgers, tickets, what-if) throw the same typed error.
    expect(() => valuePosition(p.instrument, p.sizeContracts, null, view)).toThrow(r.message)
    expect(() => toMarginPosition(p.instrument as Instrument, p.sizeContracts, view)).toThrow(r.message)
  })

  it('the unknown symbol: the same reason from each', () => {
    const message = 'not priced: no parser for BTC-FANCY-X'
    expect(reasonIn(margin.notCovered, unknownPos)).toEqual([message])
    expect(rows.find((x) => x.positionId === unknownPos.positionId)).toMatchObject({ valuation: null, valuationError: message })
    expect(reasonIn(explorer.notCovered, unknownPos)).toEqual([message])
  })

  it('the USD-sized future: the same coin size in all four, at the forward it moves with', () => {
    const sizeCoin = requireResolved(usdFuture, futurePos.sizeContracts, view).sizeCoin
    expect(sizeCoin).toBeCloseTo(0.49504950495, 10)
    // Margin.
    const group = marginGroups(book, view, []).find((g) => g.held.some((h) => h.positionId === futurePos.positionId))!
    expect(group.positions[group.held.findIndex((h) => h.positionId === futurePos.positionId)]!.sizeCoin).toBe(sizeCoin)
    expect(margin.accounts.flatMap((g) => g.symbols)).toContain('BTC-27MAR26')
    // The positions grid (it sized the future at its own mark, 101,500, before: 0.4926 BTC).
    const row = rows.find((x) => x.positionId === futurePos.positionId)!
    expect(row.sizeCoin).toBe(sizeCoin)
    expect(row.valuation!.deltaCoin).toBe(sizeCoin)
    // The scenario arrays: an inverse row of USD notional at the forward.
    const arrays = buildPortfolioArrays([{ instrument: usdFuture, sizeContracts: futurePos.sizeContracts }], view, ['BTC'])
    expect(arrays.kind[0]).toBe(ROW_INVERSE)
    expect(arrays.units[0]! / arrays.forward[0]!).toBe(sizeCoin)
    // The explorer.
    const k = explorer.book.legs.findIndex((l) => l.symbol === 'BTC-27MAR26')
    expect(explorer.book.arrays.units[k]! / explorer.book.arrays.forward[k]!).toBe(sizeCoin)
  })

  it('the live option: priced alike everywhere (its own mark IV, the forward)', () => {
    const r = requireResolved(liveCall, 1, view)
    expect(r).toMatchObject({ vol: 0.5, forwardUsd: 101_000, sizeCoin: 1 })
    const group = marginGroups(book, view, []).find((g) => g.held.some((h) => h.positionId === livePos.positionId))!
    expect(group.positions[group.held.findIndex((h) => h.positionId === livePos.positionId)]).toMatchObject({ vol: 0.5, priceUsd: 101_000, sizeCoin: 1 })
    expect(rows.find((x) => x.positionId === livePos.positionId)!.valuation).toMatchObject({ volPct: 50, underlyingUsd: 101_000 })
    const k = explorer.book.legs.findIndex((l) => l.symbol === liveCall.symbol)
    expect([explorer.book.arrays.vol[k], explorer.book.arrays.forward[k], explorer.book.arrays.units[k]]).toEqual([0.5, 101_000, 1])
    expect(explorer.book.legs.map((l) => l.symbol).sort()).toEqual(['BTC-27MAR26', 'BTC-27MAR26-100000-C'])
  })

  it('the what-if comparison Greeks leave the expired option out instead of counting its intrinsic delta', () => {
    const withExpired = greeksByUnderlying([expiredPos, futurePos, livePos], view)
    const without = greeksByUnderlying([futurePos, livePos], view)
    expect(withExpired).toEqual(without)
  })
})
