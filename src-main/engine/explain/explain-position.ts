/**
 * One position's P&L between two snapshots, in its settlement currency, split into components
 * (docs/METHODOLOGY.md, "P&L explain"). The rule (after the Basel Committee's hypothetical vs actual
 * P&L, BCBS d352 Appendix B: the previous day's portfolio revalued at today's market, trading activity
 * apart):
 * - the size held at `from` is revalued from the `from` market to the `to` market, and that change is
 *   split into Taylor terms (option-taylor.ts) and the residual the terms leave;
 * - every fill between the two instants earns the move from its trade price to the `to` mark: a fill
 *   that reduces the position (taken in time order from the `from` size) is a close, the rest a new
 *   trade. A fill without a price, or a size change no fill accounts for, is counted at the `to` mark
 *   (its P&L is then 0 and the whole move is in the Taylor terms of the `from` size) — ours, stated.
 * Delta-one contracts (perpetuals, futures, spot) have one driver, their price: their whole price P&L
 * is delta, inverse convexity N·(1/F0 − 1/F1) included, as the venues' delta N/F moves with the price.
 */
import { notionalUsd, sizeInCoin, type Instrument } from '../instruments/instrument'
import { futuresPnl } from '../positions/fills'
import { resolvePosition, type ResolvedPosition } from '../positions/resolve-position'
import { outOfRange, withinBound } from '../instruments/bounds'
import { isUsdLike } from '../market/currency'
import type { MarketView } from '../market/market-view'
import { optionSensitivities, optionSettleValue, taylorTerms } from './option-taylor'
import type { ExplainAmounts, ExplainPoint } from './explain-types'
import { zeroAmounts } from './explain-types'

/** A fill as the position sees it: signed contracts, price in the price currency or null. */
export interface PositionFill {
  signedContracts: number
  price: number | null
}

export interface PositionExplain {
  settle: ExplainAmounts
  from: ExplainPoint | null
  to: ExplainPoint
  /** Settlement-currency value of the `from` size at the `from` market (options; 0 for delta-one: their P&L is cash). */
  valueFromSettle: number
}

/** USD per unit of `currency` on a market: 1 for USD-like, the coin's index; throws naming what is missing. */
export function usdPerUnit(view: MarketView, currency: string): number {
  if (isUsdLike(currency)) return 1
  const index = view.curves.get(currency.toUpperCase())?.indexUsd
  if (!(index !== undefined && index > 0)) throw new RangeError(`no ${currency.toUpperCase()} index in the market of ${new Date(view.snapshot.asOfMs).toISOString()} to convert ${currency.toUpperCase()} to USD`)
  return index
}

/** The position's inputs at a market, or a message saying why it cannot be priced there. */
export function resolveAt(instrument: Instrument, sizeContracts: number, view: MarketView, which: 'from' | 'to'): ResolvedPosition | string {
  const r = resolvePosition(instrument, sizeContracts === 0 ? 1 : sizeContracts, view)
  if (r.ok) return r
  // The reason without the position's own name (the row names it): positions missing for the same
  // reason (an expiry without its settlement price, an underlying without a market) share one
  // reason, so the CLI and the report list them as one line with a count, not one line each.
  const own = `${instrument.venue}:${instrument.symbol}: `
  const message = r.message.startsWith(own) ? r.message.slice(own.length) : r.message
  return r.reason === 'expired' && which === 'to' ? `expired between the two instants and no settlement price is known: ${message}` : `${which} market: ${message}`
}

/**
 * A position that expired between the two markets, at its expiry: the price it moves with is the
 * expiry's settlement price and no time is left, so an option is worth its payoff there (Black-76 at
 * τ = 0, black76.ts) and the time its `from` value had left all passes in theta's Δt. No implied vol
 * exists at expiry: the `from` vol is kept, so the vega terms are 0 (ours, stated); what the Taylor
 * terms miss of the payoff's kink is the residual, shown.
 */
export function resolvedAtExpiry(i: Instrument, sizeContracts: number, settlementUsd: number, rFrom: ResolvedPosition | null): ResolvedPosition | string {
  const size = sizeContracts === 0 ? 1 : sizeContracts
  // resolvePosition's input bounds (METHODOLOGY §9), at the settlement price.
  const usd = notionalUsd(i, size, settlementUsd)
  if (!withinBound('sizeContracts', size)) return `at its expiry: its size ${size} contracts is ${outOfRange('sizeContracts')} (docs/METHODOLOGY.md §9): check the position`
  if (!withinBound('notionalUsd', usd)) return `at its expiry: its USD notional ${usd.toPrecision(3)} is ${outOfRange('notionalUsd')} (docs/METHODOLOGY.md §9): check the position`
  return {
    ok: true,
    instrument: i,
    sizeContracts: size,
    asOfMs: i.expiryMs!,
    forwardUsd: settlementUsd,
    indexUsd: settlementUsd,
    notional: size * i.contractSize,
    sizeCoin: sizeInCoin(i, size, settlementUsd)!,
    notionalUsd: usd,
    inverse: i.settlement === 'inverse',
    settleCurrency: i.settleCurrency,
    years: 0,
    vol: i.kind === 'option' ? (rFrom?.vol ?? 0) : null
  }
}

const pointOf = (r: ResolvedPosition, view: MarketView): ExplainPoint => ({ priceUsd: r.forwardUsd, vol: r.vol, years: r.years, usdPerSettle: usdPerUnit(view, r.settleCurrency) })

/**
 * Explain one position held at `from` (sizeFrom, may be 0) and traded by `fills` (time order).
 * `rFrom` is required when sizeFrom ≠ 0. Amounts are in the settlement currency; `residual` is the
 * full revaluation minus the explained parts, so the identity holds to the last bit of a subtraction.
 */
export function explainPosition(i: Instrument, sizeFrom: number, fills: readonly PositionFill[], rFrom: ResolvedPosition | null, rTo: ResolvedPosition, views: { from: MarketView; to: MarketView }): PositionExplain {
  const a = zeroAmounts()
  const to = pointOf(rTo, views.to)
  const from = rFrom ? pointOf(rFrom, views.from) : null
  const held = sizeFrom !== 0 && rFrom !== null
  let valueFromSettle = 0

  // Per-contract P&L of a fill from its price to the `to` mark, and the carried size's revaluation.
  let fillPnl: (contracts: number, price: number | null) => number
  if (i.kind === 'option') {
    const optionAt = (r: ResolvedPosition) => ({ forwardUsd: r.forwardUsd, strikeUsd: i.strikeUsd!, years: r.years!, vol: r.vol!, optionType: i.optionType! })
    const inverse = rTo.inverse
    const u1 = optionSettleValue(optionAt(rTo), inverse)
    // Options are sized in coin (contracts × contract size); their prices are per coin of underlying.
    const coins = (contracts: number): number => sizeInCoin(i, contracts, rTo.forwardUsd)!
    fillPnl = (contracts, price) => (price === null ? 0 : coins(contracts) * (u1 - price))
    if (held) {
      const s = optionSensitivities(optionAt(rFrom), inverse)
      const units = rFrom.sizeCoin
      const t = taylorTerms(s, rTo.forwardUsd - rFrom.forwardUsd, rTo.vol! - rFrom.vol!, rFrom.years! - rTo.years!)
      a.delta = units * t.delta
      a.gamma = units * t.gamma
      a.vega = units * t.vega
      a.theta = units * t.theta
      a.vanna = units * t.vanna
      a.volga = units * t.volga
      a.charm = units * t.charm
      a.veta = units * t.veta
      a.revaluation = units * (u1 - s.value)
      valueFromSettle = units * s.value
    }
  } else {
    fillPnl = (contracts, price) => (price === null ? 0 : futuresPnl(i, contracts, price, rTo.forwardUsd))
    if (held) {
      a.delta = futuresPnl(i, sizeFrom, rFrom.forwardUsd, rTo.forwardUsd)
      a.revaluation = a.delta
    }
  }

  // Fills in time order from the `from` size: the part that reduces the position closes, the rest opens.
  let size = sizeFrom
  for (const f of fills) {
    const s = f.signedContracts
    const closing = size !== 0 && Math.sign(s) !== Math.sign(size) ? Math.sign(s) * Math.min(Math.abs(s), Math.abs(size)) : 0
    const opening = s - closing
    if (closing !== 0) a.closes += fillPnl(closing, f.price)
    if (opening !== 0) a.newTrades += fillPnl(opening, f.price)
    a.revaluation += fillPnl(s, f.price)
    size += s
  }
  a.residual = a.revaluation - (a.delta + a.gamma + a.vega + a.theta + a.vanna + a.volga + a.charm + a.veta + a.newTrades + a.closes)
  return { settle: a, from, to, valueFromSettle }
}
