/**
 * The plain scalar twin of revalue.ts, written for clarity, not speed: one black76PriceUsd call
 * (with its input checks) and the textbook futures formulas per cell. Tests hold the kernel to it;
 * the benchmark reports both.
 */
import { black76PriceUsd } from '../pricing/black76'
import { inversePnlCoin, linearPnlQuote } from '../pricing/futures'
import { ROW_INVERSE, ROW_LINEAR, ROW_OPTION_INVERSE, type PortfolioArrays } from './portfolio-arrays'
import { MIN_SCENARIO_VOL, type ScenarioSet } from './scenario-set'

export function referenceRevalue(a: PortfolioArrays, s: ScenarioSet): Float64Array {
  const U = s.underlyings.length
  const out = new Float64Array(a.count * s.count)
  for (let r = 0; r < a.count; r++) {
    for (let j = 0; j < s.count; j++) {
      const f0 = a.forward[r]!
      const f = f0 * (1 + s.priceMoves[j * U + a.underlyingIndex[r]!]!)
      let pnl: number
      if (a.kind[r] === ROW_LINEAR) {
        pnl = linearPnlQuote(a.units[r]!, f0, f)
      } else if (a.kind[r] === ROW_INVERSE) {
        pnl = inversePnlCoin(a.units[r]!, f0, f)
      } else {
        const t0 = a.years[r]!
        const w = s.volTerm && s.volTerm.power !== 0 && t0 > 0 ? (s.volTerm.refDays / Math.max(t0 * 365, 1 / 24)) ** s.volTerm.power : 1
        const lg = Math.log(f / f0)
        const sticky = s.stickyMoneyness ? (lg < 0 ? a.volSkewUp[r]! : a.volSkewDown[r]!) * lg : 0
        const vol = Math.max((a.vol[r]! - sticky) * (1 + s.volRel[j]! * w) + s.volAbs[j]! * w, MIN_SCENARIO_VOL)
        const usd = black76PriceUsd({
          forwardUsd: f,
          strikeUsd: a.strike[r]!,
          years: t0 - s.timeShiftYears[j]!,
          vol,
          optionType: a.isCall[r] === 1 ? 'call' : 'put'
        })
        pnl = a.units[r]! * ((a.kind[r] === ROW_OPTION_INVERSE ? usd / f : usd) - a.baseValue[r]!)
      }
      out[r * s.count + j] = pnl
    }
  }
  return out
}
