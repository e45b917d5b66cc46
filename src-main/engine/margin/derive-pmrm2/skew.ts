/**
 * Skew scenarios (PMRMLib_2._getExpirySkewedShockedMTM and _getKStar): at the unshocked forward, each
 * option's vol is scaled by 1 + clamp(k·cap ÷ k*, −cap, +cap), floored at 0, where
 *  - k = ln(K ÷ F) for the Linear scenario (tilts the smile: puts down, calls up) and |ln(K ÷ F)| for
 *    the Abs scenario (lifts both wings);
 *  - cap = c_base·√τ + base_cap shrinks with time;
 *  - k* = max(min_k*, √τ·width·(vol_static + √τ·vol_scale)) estimates where the smile flattens.
 * The scenario P&L then takes −|P&L| per expiry, as if the skew were rotated the worse way for each.
 */
import { optionValueUsd, type PricedExpiry } from './expiry'
import type { DeriveParameters } from './types'

export type SkewKind = 'linear' | 'abs'

export function skewMultiplier(logMoneyness: number, sqrtYears: number, kind: SkewKind, params: DeriveParameters): number {
  const s = params.skewShock
  const cap = kind === 'linear' ? s.linearCBase * sqrtYears + s.linearBaseCap : s.absCBase * sqrtYears + s.absBaseCap
  const kStar = Math.max(s.minKStar, sqrtYears * s.widthScale * (s.volParamStatic + sqrtYears * s.volParamScale))
  const k = kind === 'linear' ? logMoneyness : Math.abs(logMoneyness)
  const tilt = (k * cap) / kStar
  // The contract clamps toward +cap for k ≥ 0 and toward −cap for k < 0 (a negative cap flips these).
  return 1 + (k >= 0 ? Math.min(cap, tilt) : Math.max(-cap, tilt))
}

export function skewedExpiryValueUsd(expiry: PricedExpiry, kind: SkewKind, params: DeriveParameters): number {
  const forwardUsd = expiry.spotLinkedForwardUsd + expiry.fixedForwardUsd
  const sqrtYears = Math.sqrt(expiry.years)
  let total = 0
  for (const option of expiry.options) {
    const multiplier = skewMultiplier(Math.log(option.strikeUsd / forwardUsd), sqrtYears, kind, params)
    total += optionValueUsd(expiry, option, option.vol * Math.max(multiplier, 0), forwardUsd)
  }
  return total
}
