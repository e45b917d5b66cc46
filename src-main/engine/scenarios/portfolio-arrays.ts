/**
 * Positions as struct-of-arrays for the revaluation kernel: everything a scenario needs per row,
 * resolved once from instrument and market (forward, strike, time, vol, base value).
 * Sizes: `units` is coins of underlying for linear contracts and options, USD notional for
 * inverse futures and perpetuals.
 */
import type { Instrument } from '../instruments/instrument'
import type { MarketView } from '../market/market-view'
import { surfaceVol } from '../market/vol-surface'
import { requireResolved, type ResolvedPosition } from '../positions/resolve-position'
import { black76PriceUsd } from '../pricing/black76'

/** Row kinds of the kernel. P&L currency: quote for linear rows, coin for inverse rows. */
export const ROW_LINEAR = 0
export const ROW_INVERSE = 1
export const ROW_OPTION_LINEAR = 2
export const ROW_OPTION_INVERSE = 3

export interface PortfolioArrays {
  count: number
  /** Currency each row's P&L is in (its settlement currency); currencyIndex points here. */
  currencies: string[]
  kind: Uint8Array
  underlyingIndex: Int32Array
  currencyIndex: Int32Array
  units: Float64Array
  forward: Float64Array
  strike: Float64Array
  years: Float64Array
  vol: Float64Array
  isCall: Uint8Array
  /** Option value at the base scenario per unit: USD for linear, coin for inverse options. */
  baseValue: Float64Array
  /**
   * One-sided slopes of today's smile at the strike, dσ/d ln K above and below it (0 without a
   * surface): what moves the vol of a sticky-moneyness scenario (scenario-set.ts). One-sided, because
   * smiles interpolated between quoted strikes have kinks, often right at a quoted strike.
   */
  volSkewUp: Float64Array
  volSkewDown: Float64Array
}

export interface HeldInstrument {
  instrument: Instrument
  sizeContracts: number
}

export function emptyPortfolioArrays(count: number, currencies: string[] = []): PortfolioArrays {
  return {
    count,
    currencies,
    kind: new Uint8Array(count),
    underlyingIndex: new Int32Array(count),
    currencyIndex: new Int32Array(count),
    units: new Float64Array(count),
    forward: new Float64Array(count),
    strike: new Float64Array(count),
    years: new Float64Array(count),
    vol: new Float64Array(count),
    isCall: new Uint8Array(count),
    baseValue: new Float64Array(count),
    volSkewUp: new Float64Array(count),
    volSkewDown: new Float64Array(count)
  }
}

/**
 * Fill row `r` from a held instrument. Throws naming the instrument when its underlying is not in
 * the scenario set, or an UnresolvedPositionError with the reason when it cannot be priced
 * (resolve-position.ts: unknown, expired and awaiting settlement, or missing market data).
 */
export function setPortfolioRow(a: PortfolioArrays, r: number, p: HeldInstrument, view: MarketView, underlyings: string[]): void {
  const i = p.instrument
  if (!underlyings.includes(i.underlying)) throw new RangeError(`${i.venue}:${i.symbol}: the scenario set does not move ${i.underlying}`)
  setResolvedRow(a, r, requireResolved(i, p.sizeContracts, view), view, underlyings)
}

/** Fill row `r` from a resolved position (resolvePosition). */
export function setResolvedRow(a: PortfolioArrays, r: number, p: ResolvedPosition, view: MarketView, underlyings: string[]): void {
  const i = p.instrument
  const u = underlyings.indexOf(i.underlying)
  if (u < 0) throw new RangeError(`${i.venue}:${i.symbol}: the scenario set does not move ${i.underlying}`)
  const price = p.forwardUsd
  const inverse = p.inverse
  let currency = p.settleCurrency
  a.underlyingIndex[r] = u
  a.forward[r] = price
  a.strike[r] = 0
  a.years[r] = 0
  a.vol[r] = 0
  a.isCall[r] = 0
  a.baseValue[r] = 0
  a.volSkewUp[r] = 0
  a.volSkewDown[r] = 0
  if (i.kind === 'option') {
    const years = p.years!
    const vol = p.vol!
    a.kind[r] = inverse ? ROW_OPTION_INVERSE : ROW_OPTION_LINEAR
    a.units[r] = p.sizeCoin
    a.strike[r] = i.strikeUsd!
    a.years[r] = years
    a.vol[r] = vol
    a.isCall[r] = i.optionType === 'call' ? 1 : 0
    const usd = black76PriceUsd({ forwardUsd: price, strikeUsd: i.strikeUsd!, years, vol, optionType: i.optionType! })
    a.baseValue[r] = inverse ? usd / price : usd
    ;[a.volSkewUp[r], a.volSkewDown[r]] = smileSlopes(view, i, price)
    if (!inverse && i.settleCurrency !== i.quoteCurrency) currency = i.settleCurrency
  } else if (inverse) {
    a.kind[r] = ROW_INVERSE
    a.units[r] = p.notionalUsd
  } else {
    a.kind[r] = ROW_LINEAR
    a.units[r] = p.sizeCoin
  }
  let c = a.currencies.indexOf(currency)
  if (c < 0) c = a.currencies.push(currency) - 1
  a.currencyIndex[r] = c
}

export function buildPortfolioArrays(held: readonly HeldInstrument[], view: MarketView, underlyings: string[]): PortfolioArrays {
  const a = emptyPortfolioArrays(held.length)
  held.forEach((p, r) => setPortfolioRow(a, r, p, view, underlyings))
  return a
}

/** Slopes dσ/d ln K of today's smile from the strike to ±5 % in strike: [above, below]. */
const SLOPE_STEP = 0.05
function smileSlopes(view: MarketView, i: Instrument, forwardUsd: number): [number, number] {
  const surface = view.surfaces.get(i.underlying)
  if (!surface) return [0, 0]
  const at = (k: number): number | null => surfaceVol(surface, i.expiryMs!, k, forwardUsd)
  const mid = at(i.strikeUsd!)
  const up = at(i.strikeUsd! * Math.exp(SLOPE_STEP))
  const down = at(i.strikeUsd! * Math.exp(-SLOPE_STEP))
  if (mid === null || up === null || down === null) return [0, 0]
  return [(up - mid) / SLOPE_STEP, (mid - down) / SLOPE_STEP]
}
