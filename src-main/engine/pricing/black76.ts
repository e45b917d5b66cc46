/**
 * Black-76 option value on a forward, undiscounted (r = 0, ../shared/METHODOLOGY.md §1, §3).
 * Greeks, inverse coin deltas and input checks with messages come with the pricing issue; this is
 * the price kernel the demo book uses to mark its options consistently with their mark IVs.
 */
import { normCdf } from './normal'
import type { OptionType } from '../instruments/instrument'

export interface Black76Input {
  /** Forward price of the underlying for the option's expiry, USD. */
  forwardUsd: number
  strikeUsd: number
  /** Time to expiry, ACT/365 years. */
  years: number
  /** Implied volatility as a fraction (0.45 = 45 %). */
  vol: number
  optionType: OptionType
}

/** Option value in USD per 1 coin of underlying. At or after expiry it is the payoff. */
export function black76PriceUsd({ forwardUsd: f, strikeUsd: k, years, vol, optionType }: Black76Input): number {
  if (years <= 0 || vol <= 0) return optionType === 'call' ? Math.max(f - k, 0) : Math.max(k - f, 0)
  const sd = vol * Math.sqrt(years)
  const d1 = (Math.log(f / k) + (sd * sd) / 2) / sd
  const d2 = d1 - sd
  return optionType === 'call' ? f * normCdf(d1) - k * normCdf(d2) : k * normCdf(-d2) - f * normCdf(-d1)
}

/** Inverse (coin-settled) option value in coin per 1 coin of underlying: B76 / F (Deribit, OKX). */
export function black76InverseCoin(input: Black76Input): number {
  return black76PriceUsd(input) / input.forwardUsd
}

export const MS_PER_YEAR = 365 * 24 * 3600 * 1000

/** ACT/365 year fraction between two instants in epoch ms (negative once expired). */
export const yearsBetween = (fromMs: number, toMs: number): number => (toMs - fromMs) / MS_PER_YEAR
