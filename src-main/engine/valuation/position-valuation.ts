/**
 * What a position is worth now and how it moves, from the engine (../shared/METHODOLOGY.md §3).
 * Amounts come in the settlement currency (coin for inverse contracts) and in USD (coin amounts at
 * the index; USDT and USDC counted 1:1 with USD). Greeks are position totals:
 * - deltaCoin: exposure in coins: ∂V_usd/∂F for options and linear contracts, N/F for inverse
 *   futures and perpetuals (the venues' convention);
 * - gammaCoinPer1Pct: change of deltaCoin for a +1 % move of the underlying;
 * - vegaUsdPerPoint: USD per +1 vol point; thetaUsdPerDay: USD over one calendar day.
 */
import { isUsdLike } from '../market/currency'
import type { Instrument } from '../instruments/instrument'
import type { MarketView } from '../market/market-view'
import { underlyingPriceFor, volFor } from '../market/market-view'
import { black76Greeks, yearsBetween } from '../pricing/black76'

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

export function valuePosition(i: Instrument, sizeContracts: number, avgPrice: number | null, view: MarketView): PositionValuation {
  const f = underlyingPriceFor(view, i)
  const contracts = sizeContracts * i.contractSize
  const toUsd = usdRate(view, i, i.settleCurrency)
  const settleCurrency = i.settleCurrency
  const inverse = i.settlement === 'inverse'

  if (i.kind === 'option') {
    const units = i.contractUnit === 'usd' ? contracts / f : contracts
    const years = yearsBetween(view.snapshot.asOfMs, i.expiryMs!)
    const vol = years > 0 ? volFor(view, i, f) : 0
    const g = black76Greeks({ forwardUsd: f, strikeUsd: i.strikeUsd!, years, vol, optionType: i.optionType! })
    const modelPrice = inverse ? g.priceUsd / f : g.priceUsd
    const valueSettle = units * modelPrice
    const pnlSettle = avgPrice === null ? null : units * (modelPrice - avgPrice)
    return {
      underlyingUsd: f,
      modelPrice,
      vol: years > 0 ? vol : null,
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
    const notionalUsd = i.contractUnit === 'usd' ? contracts : contracts * f
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

  const units = i.contractUnit === 'usd' ? contracts / f : contracts
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
