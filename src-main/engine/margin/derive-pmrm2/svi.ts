/**
 * SVI implied vol as Derive's vol feed computes it (derivexyz/lyra-utils, now derive-utils,
 * src/math/SVI.sol, getVol and getK): total variance w(k) = a + b·(√((k − m)² + σ²) + ρ·(k − m)) at
 * log-moneyness k = ln(K / F), vol = √(w / τ) with τ the surface's own year fraction.
 * Two guards of the feed shape the far wings and must be kept to reproduce the venue:
 *  - k is bounded to ±4·√(a + b·σ) (getK: "−B < k < B, B = TOTAL_VOL_SCALAR × √(a + b·σ)"), so far
 *    strikes take the vol at the bound;
 *  - w is capped. The library versions we could read cap it at 25 or 144; the protocol's cases (test_45,
 *    test_66: a surface 100 seconds from expiry) are marked at exactly w = 20, the cap of the version
 *    pinned by v2-core, so 20 it is. A negative w is an invalid surface (the contract reverts; we throw).
 */
import type { DeriveSvi } from './types'

const K_BOUND_SCALE = 4
const MAX_TOTAL_VARIANCE = 20

export function sviVol(strikeUsd: number, svi: DeriveSvi): number {
  if (strikeUsd === 0) return 0
  if (!(svi.forwardUsd > 0)) throw new Error('SVI: the expiry has no forward price')
  if (!(svi.years > 0)) throw new Error('SVI: the surface has no time to expiry')
  const level = svi.a + svi.b * svi.sigma
  if (level < 0) throw new Error('SVI: a + b·σ is negative (invalid surface)')
  const bound = K_BOUND_SCALE * Math.sqrt(level)
  const k = Math.min(bound, Math.max(-bound, Math.log(strikeUsd / svi.forwardUsd)))
  const km = k - svi.m
  let w = svi.a + svi.b * (Math.sqrt(km * km + svi.sigma * svi.sigma) + svi.rho * km)
  if (w < 0) throw new Error('SVI: negative total variance (invalid surface)')
  if (w > MAX_TOTAL_VARIANCE) w = MAX_TOTAL_VARIANCE
  return Math.sqrt(w / svi.years)
}
