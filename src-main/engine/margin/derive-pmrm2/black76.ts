/**
 * Black-76 as Derive's contracts price an option (derivexyz/lyra-utils src/math/Black76.sol, prices):
 * the standard call N(d1) − (K/F)·N(d2) floored at 0, the put from parity floored at 0, both scaled
 * by the discounted forward and capped by the discounted forward (call) or strike (put). The edge
 * rules matter for the venue's numbers: at total vol √τ·σ ≥ 24 the standard call is 1; at zero total
 * vol (expired or zero vol) the price is the discounted intrinsic value.
 */
import { normCdf } from '../../pricing/normal'

const SECONDS_PER_YEAR = 365 * 86400
const MAX_TOTAL_VOL = 24

/** Contract year fraction: seconds ÷ 365 days (Black76.annualise). */
export const yearsFromSeconds = (seconds: number): number => seconds / SECONDS_PER_YEAR

export interface DerivePrices {
  callUsd: number
  putUsd: number
}

export function derivePrices(secondsToExpiry: number, vol: number, forwardUsd: number, strikeUsd: number, discount: number): DerivePrices {
  const totalVol = vol * Math.sqrt(yearsFromSeconds(secondsToExpiry))
  const forwardDiscounted = forwardUsd * discount
  if (strikeUsd === 0) return { callUsd: forwardDiscounted, putUsd: 0 }
  const strikeDiscounted = strikeUsd * discount
  if (forwardUsd === 0) return { callUsd: 0, putUsd: strikeDiscounted }
  const moneyness = strikeUsd / forwardUsd
  let stdCall: number
  let stdPut: number
  if (totalVol >= MAX_TOTAL_VOL) {
    stdCall = 1
    stdPut = moneyness
  } else if (totalVol === 0) {
    stdCall = Math.max(1 - moneyness, 0)
    stdPut = Math.max(moneyness - 1, 0)
  } else {
    const d1 = (0.5 * totalVol * totalVol - Math.log(moneyness)) / totalVol
    const d2 = d1 - totalVol
    stdCall = Math.max(normCdf(d1) - moneyness * normCdf(d2), 0)
    // Same as the contract's parity put (call + K/F − 1, floored at 0), written so the deep
    // out-of-the-money put keeps its digits instead of cancelling against 1.
    stdPut = Math.max(moneyness * normCdf(-d2) - normCdf(-d1), 0)
  }
  return {
    callUsd: Math.min(stdCall * forwardDiscounted, forwardDiscounted),
    putUsd: Math.min(stdPut * forwardDiscounted, strikeDiscounted),
  }
}
