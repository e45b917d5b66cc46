/**
 * Backtesting a requirement over history (docs/METHODOLOGY.md §5.12): each decision day t the
 * method sets a requirement from what was known at t; the realised loss is the book's P&L over the
 * window t → t + h. Exceptions are days the loss exceeded the requirement.
 *
 * Days are indices of an aligned daily history; window s covers day s → s + h, so it is known from
 * day s + h on. A rolling historical-simulation VaR on day t therefore uses windows s ≤ t − h only
 * (no look-ahead), the last `lookbackWindows` of them.
 */
import { backtestStats, type BacktestStats } from './backtest-stats'
import { tailRisk } from './tail-risk'

export interface RequirementOptions {
  confidence: number
  horizonDays: number
  /** Windows in each day's lookback (a 1-year lookback of 1-day windows: 365). */
  lookbackWindows: number
  /** Never below the worst lookback VaR seen so far (§5.6's stressed floor, known at t). */
  stressedFloor?: boolean
  /** Anti-procyclicality buffer: the requirement × 1.25 (EMIR RTS 153/2013 Art. 28(1)(a)). */
  apcBuffer?: boolean
}

export const APC_BUFFER = 0.25

/**
 * The historical-simulation VaR each day would have set, from the P&L of the book in every window
 * (`windowPnl[s]`, gain positive) — NaN until a full lookback is known.
 */
export function rollingHistoricalVar(windowPnl: Float64Array, days: number, o: RequirementOptions): Float64Array {
  const out = new Float64Array(days).fill(Number.NaN)
  const buf = new Float64Array(o.lookbackWindows)
  let worst = Number.NEGATIVE_INFINITY
  for (let t = 0; t < days; t++) {
    const last = t - o.horizonDays
    const first = last - o.lookbackWindows + 1
    if (first < 0 || last >= windowPnl.length) continue
    buf.set(windowPnl.subarray(first, last + 1))
    let v = tailRisk(buf, o.confidence).valueAtRisk
    worst = Math.max(worst, v)
    if (o.stressedFloor) v = worst
    out[t] = o.apcBuffer ? v * (1 + APC_BUFFER) : v
  }
  return out
}

/**
 * The worst VaR over every lookback-long run of consecutive windows (the stressed floor of a VaR
 * taken today), and the run's first window.
 */
export function stressedWindowVar(windowPnl: Float64Array, lookbackWindows: number, confidence: number): { valueAtRisk: number; firstWindow: number } {
  let best = { valueAtRisk: Number.NEGATIVE_INFINITY, firstWindow: -1 }
  if (windowPnl.length < lookbackWindows) return best
  for (let first = 0; first + lookbackWindows <= windowPnl.length; first++) {
    const v = tailRisk(windowPnl.subarray(first, first + lookbackWindows), confidence).valueAtRisk
    if (v > best.valueAtRisk) best = { valueAtRisk: v, firstWindow: first }
  }
  return best
}

export interface BacktestSeries {
  /** Decision days tested (indices into the history's days). */
  dayIndex: Int32Array
  requirement: Float64Array
  /** Realised loss over each tested day's window (positive = loss). */
  realisedLoss: Float64Array
  exception: Uint8Array
  stats: BacktestStats
}

/**
 * Line the requirement up with the realised loss of the window that starts on its day, over the
 * days where both are known (and inside [fromDay, toDay] when given).
 */
export function backtestSeries(requirement: Float64Array, windowPnl: Float64Array, confidence: number, fromDay = 0, toDay = requirement.length - 1): BacktestSeries {
  const tested: number[] = []
  for (let t = Math.max(0, fromDay); t <= Math.min(toDay, windowPnl.length - 1); t++) if (Number.isFinite(requirement[t]!)) tested.push(t)
  if (!tested.length) throw new RangeError('backtest: no day has both a requirement and a realised loss: widen the period or shorten the lookback')
  const dayIndex = Int32Array.from(tested)
  const req = Float64Array.from(tested, (t) => requirement[t]!)
  const loss = Float64Array.from(tested, (t) => -windowPnl[t]!)
  const exception = Uint8Array.from(tested, (_, i) => (loss[i]! > req[i]! ? 1 : 0))
  return { dayIndex, requirement: req, realisedLoss: loss, exception, stats: backtestStats(req, loss, confidence) }
}
