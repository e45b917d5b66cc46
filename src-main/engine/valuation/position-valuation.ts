/**
 * What a position is worth now and how it moves, from the engine (docs/METHODOLOGY.md §3).
 * Amounts come in the settlement currency (coin for inverse contracts) and in USD (coin amounts at
 * the index; USDT and USDC counted 1:1 with USD). Greeks are position totals:
 * - deltaCoin: exposure in coins: ∂V_usd/∂F for options and linear contracts, N/F for inverse
 *   futures and perpetuals (the venues' convention);
 * - gammaCoinPer1Pct: change of deltaCoin for a +1 % move of the underlying;
 * - vegaUsdPerPoint: USD per +1 vol point; thetaUsdPerDay: USD over one calendar day.
 */
import { isUsdLike } from '../market/currency'
import type { Instrument, UnpricedInstrument } from '../instruments/instrument'
import type { MarketView } from '../market/market-view'
import { requireResolved, type ResolvedPosition } from '../positions/resolve-position'
import { black76Greeks } from '../pricing/black76'

export interface PositionValuation {
  /** The price the position moves with: forward (futures, options), mark (perpetuals), index (spot). USD. */
  underlyingUsd: number
  /** Model price per unit in the instrument's price currency (coin for inverse options). */
  modelPrice: number
  /** Implied vol used for options, fraction. */
  vol: number | null
  settleCurrency: string
  /** Options and spot: what the holding is worth. Futures and perpetuals: their mark-to-market P&L. */
  valueSettle: number
  valueUsd: number
  /** Against the average entry price; null when the entry price is unknown. */
  pnlSettle: number | null
  pnlUsd: number | null
  deltaCoin: number
  gammaCoinPer1Pct: number
  vegaUsdPerPoint: number
  thetaUsdPerDay: number
}


/** USD per 1 unit of `currency`: 1 for USD-like, the index for a coin. */
function usdRate(view: MarketView, i: Instrument, currency: string): number {
  if (isUsdLike(currency)) return 1
  const index = view.curves.get(currency.toUpperCase())?.indexUsd
  if (!index) throw new RangeError(`${i.venue}:${i.symbol}: no ${currency} index to convert to USD`)
  return index
}

/**
 * Value a position; throws an UnresolvedPositionError with the reason (resolve-position.ts) when it
 * cannot be priced: an unknown symbol, expired (awaiting settlement), or missing market data.
 */
export function valuePosition(i: Instrument | UnpricedInstrument, sizeContracts: number, avgPrice: number | null, view: MarketView): PositionValuation {
  return valueResolved(requireResolved(i, sizeContracts, view), avgPrice, view)
}

/** Value a resolved position (its inputs from resolvePosition). */
export function valueResolved(r: ResolvedPosition, avgPrice: number | null, view: MarketView): PositionValuation {
  const i = r.instrument
  const f = r.forwardUsd
  const toUsd = usdRate(view, i, r.settleCurrency)
  const settleCurrency = r.settleCurrency
  const inverse = r.inverse

  if (i.kind === 'option') {
    const units = r.sizeCoin
    const vol = r.vol!
    const g = black76Greeks({ forwardUsd: f, strikeUsd: i.strikeUsd!, years: r.years!, vol, optionType: i.optionType! })
    const modelPrice = inverse ? g.priceUsd / f : g.priceUsd
    const valueSettle = units * modelPrice
    const pnlSettle = avgPrice === null ? null : units * (modelPrice - avgPrice)
    return {
      underlyingUsd: f,
      modelPrice,
      vol,
      settleCurrency,
      valueSettle,
      valueUsd: valueSettle * toUsd,
      pnlSettle,
      pnlUsd: pnlSettle === null ? null : pnlSettle * toUsd,
      deltaCoin: units * g.delta,
      gammaCoinPer1Pct: units * g.gamma * f * 0.01,
      vegaUsdPerPoint: (units * g.vega) / 100,
      thetaUsdPerDay: units * g.thetaPerDay
    }
  }

  if (inverse) {
    const notionalUsd = r.notionalUsd
    const pnlSettle = avgPrice === null ? null : notionalUsd * (1 / avgPrice - 1 / f)
    return {
      underlyingUsd: f,
      modelPrice: f,
      vol: null,
      settleCurrency,
      valueSettle: pnlSettle ?? 0,
      valueUsd: (pnlSettle ?? 0) * toUsd,
      pnlSettle,
      pnlUsd: pnlSettle === null ? null : pnlSettle * toUsd,
      // Venue convention (Deribit's position delta): the coin amount the USD notional buys at the
      // current price, N/F. The USD value of the coin P&L moves by N/F0; the gap is the P&L's own coin.
      deltaCoin: notionalUsd / f,
      gammaCoinPer1Pct: 0,
      vegaUsdPerPoint: 0,
      thetaUsdPerDay: 0
    }
  }

  const units = r.sizeCoin
  const pnlSettle = avgPrice === null ? null : units * (f - avgPrice)
  const valueSettle = i.kind === 'spot' ? units * f : (pnlSettle ?? 0)
  return {
    underlyingUsd: f,
    modelPrice: f,
    vol: null,
    settleCurrency,
    valueSettle,
    valueUsd: valueSettle * toUsd,
    pnlSettle,
    pnlUsd: pnlSettle === null ? null : pnlSettle * toUsd,
    deltaCoin: units,
    gammaCoinPer1Pct: 0,
    vegaUsdPerPoint: 0,
    thetaUsdPerDay: 0
  }
}
