/**
 * Black-76 on a forward (docs/METHODOLOGY.md §3). Crypto options are priced undiscounted
 * (rate 0); an optional continuously compounded rate discounts by e^(−rT) for listed futures
 * options (Haug 2007 §1.1.3; Hull, Options, Futures and Other Derivatives, §18.8).
 *
 * Units: prices and Greeks in USD per 1 coin of underlying (one "unit" of the forward); vega and
 * volga per 1.00 of vol (×0.01 for a vol point), theta per calendar day (ACT/365), delta per USD
 * of forward move, gamma per USD², vanna per USD per 1.00 of vol. Sign: the value of a long option.
 */
import { normCdf } from './normal'
import type { OptionType } from '../instruments/instrument'

export interface Black76Input {
  /** Forward price of the underlying for the option's expiry, USD. */
  forwardUsd: number
  strikeUsd: number
  /** Time to expiry, ACT/365 years; ≤ 0 means expired: the option is worth its payoff. */
  years: number
  /** Implied volatility as a fraction (0.45 = 45 %). */
  vol: number
  optionType: OptionType
  /** Continuously compounded discount rate; 0 (the crypto convention) when omitted. */
  rate?: number
}

export interface Black76Greeks {
  priceUsd: number
  /** ∂V/∂F: the forward delta venues display, e^(−rT)·N(d1) for a call. */
  delta: number
  gamma: number
  /** ∂V/∂σ per 1.00 of vol. */
  vega: number
  /** Value change over one calendar day with everything else fixed (negative for a long option). */
  thetaPerDay: number
  vanna: number
  volga: number
}

export const MS_PER_YEAR = 365 * 24 * 3600 * 1000
export const DAYS_PER_YEAR = 365
const INV_SQRT_2PI = 0.3989422804014327

/** ACT/365 year fraction between two instants in epoch ms (negative once expired). */
export const yearsBetween = (fromMs: number, toMs: number): number => (toMs - fromMs) / MS_PER_YEAR

/** Why the inputs cannot be priced, or null. NaN, zero and negative prices never reach a formula. */
export function black76InputError(i: Black76Input): string | null {
  if (!(Number.isFinite(i.forwardUsd) && i.forwardUsd > 0)) return `forward ${i.forwardUsd} is not a positive price`
  if (!(Number.isFinite(i.strikeUsd) && i.strikeUsd > 0)) return `strike ${i.strikeUsd} is not a positive price`
  if (!Number.isFinite(i.years)) return `time to expiry ${i.years} is not a number of years`
  if (i.years > 0 && !(Number.isFinite(i.vol) && i.vol > 0)) return `volatility ${i.vol} is not a positive number`
  if (i.rate !== undefined && !Number.isFinite(i.rate)) return `rate ${i.rate} is not a number`
  if (i.optionType !== 'call' && i.optionType !== 'put') return `option type ${String(i.optionType)} is neither call nor put`
  return null
}

function assertPriceable(i: Black76Input): void {
  const error = black76InputError(i)
  if (error) throw new RangeError(`Black-76: ${error}`)
}

const payoff = (f: number, k: number, type: OptionType): number => (type === 'call' ? Math.max(f - k, 0) : Math.max(k - f, 0))

/** Option value in USD per coin of underlying. Throws RangeError naming a bad input. */
export function black76PriceUsd(i: Black76Input): number {
  assertPriceable(i)
  const { forwardUsd: f, strikeUsd: k, years: t, vol } = i
  if (t <= 0) return payoff(f, k, i.optionType)
  const df = i.rate ? Math.exp(-i.rate * t) : 1
  const sd = vol * Math.sqrt(t)
  const d1 = Math.log(f / k) / sd + sd / 2
  const d2 = d1 - sd
  return i.optionType === 'call' ? df * (f * normCdf(d1) - k * normCdf(d2)) : df * (k * normCdf(-d2) - f * normCdf(-d1))
}

/** Price and Greeks in one pass. An expired option has its payoff and the payoff's delta, nothing else. */
export function black76Greeks(i: Black76Input): Black76Greeks {
  assertPriceable(i)
  const { forwardUsd: f, strikeUsd: k, years: t, vol } = i
  const call = i.optionType === 'call'
  if (t <= 0) {
    const itm = call ? f > k : k > f
    return { priceUsd: payoff(f, k, i.optionType), delta: itm ? (call ? 1 : -1) : 0, gamma: 0, vega: 0, thetaPerDay: 0, vanna: 0, volga: 0 }
  }
  const r = i.rate ?? 0
  const df = r ? Math.exp(-r * t) : 1
  const sqrtT = Math.sqrt(t)
  const sd = vol * sqrtT
  const d1 = Math.log(f / k) / sd + sd / 2
  const d2 = d1 - sd
  const pdf = INV_SQRT_2PI * Math.exp(-0.5 * d1 * d1)
  // Puts use N(−d) directly: 1 − N(d) cancels to nothing in the wings.
  const n1 = normCdf(call ? d1 : -d1)
  const n2 = normCdf(call ? d2 : -d2)
  const priceUsd = call ? df * (f * n1 - k * n2) : df * (k * n2 - f * n1)
  const vega = df * f * pdf * sqrtT
  // −∂V/∂T: time decay of the volatility term plus the discounting drift (zero when r = 0).
  const thetaPerYear = (-df * f * pdf * vol) / (2 * sqrtT) + r * priceUsd
  return {
    priceUsd,
    delta: call ? df * n1 : -df * n1,
    gamma: (df * pdf) / (f * sd),
    vega,
    thetaPerDay: thetaPerYear / DAYS_PER_YEAR,
    vanna: (-df * pdf * d2) / vol,
    volga: (vega * d1 * d2) / vol
  }
}

export interface InverseOptionFigures {
  /** Value in coin per coin of underlying: B76 / F (Deribit, OKX inverse options). */
  priceCoin: number
  /** Forward delta N(d1) (calls) as venues display it. */
  forwardDelta: number
  /**
   * Delta of the position's coin value in coin: ∂V/∂F − V/F. The premium itself is coin, so a
   * long call holds less USD exposure than N(d1): e.g. N(d1) − price_coin for a call.
   */
  coinDelta: number
  gammaCoin: number
  /** Per 1.00 of vol, in coin. */
  vegaCoin: number
  thetaCoinPerDay: number
}

/** Coin-denominated figures of an inverse (coin-settled) option, per coin of underlying. */
export function inverseOptionFigures(i: Black76Input): InverseOptionFigures {
  const g = black76Greeks(i)
  const f = i.forwardUsd
  const priceCoin = g.priceUsd / f
  const coinDelta = g.delta - priceCoin
  return {
    priceCoin,
    forwardDelta: g.delta,
    coinDelta,
    // d(coinDelta)/dF = Γ − d(V/F)/dF = Γ − (Δ − V/F)/F
    gammaCoin: g.gamma - coinDelta / f,
    vegaCoin: g.vega / f,
    thetaCoinPerDay: g.thetaPerDay / f
  }
}

/** Inverse (coin-settled) option value in coin per 1 coin of underlying: B76 / F. */
export function black76InverseCoin(input: Black76Input): number {
  return black76PriceUsd(input) / input.forwardUsd
}
