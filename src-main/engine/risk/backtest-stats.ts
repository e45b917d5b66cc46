/**
 * Backtesting statistics (docs/METHODOLOGY.md §5.12): exceptions of a risk measure against
 * realised losses, Kupiec's proportion-of-failures test, Christoffersen's independence test, and
 * the Basel traffic light.
 * - Kupiec (1995), "Techniques for verifying the accuracy of risk measurement models":
 *   LR_POF = −2 ln[(1 − p)^(N−x) p^x] + 2 ln[(1 − x/N)^(N−x) (x/N)^x], χ²(1) under H0.
 * - Christoffersen (1998), "Evaluating interval forecasts": LR_ind compares the first-order Markov
 *   chain of exceptions with independent ones, χ²(1) under H0.
 * - Basel Committee (1996), "Supervisory framework for the use of backtesting": 250 days at 99 %,
 *   0–4 exceptions green, 5–9 yellow, 10 or more red.
 */
import { normCdf } from '../pricing/normal'

/** x ln y with the limit 0 at x = 0 (0 · ln 0 = 0). */
const xlny = (x: number, y: number): number => (x === 0 ? 0 : x * Math.log(y))

/**
 * Survival of χ²(1): P(X > x) = P(|Z| > √x) = 2 Φ(−√x) = erfc(√(x/2)), X = Z² with Z standard normal.
 * Φ is the engine's own (Hart/West, absolute error below 1e-14); taken at −√x, never as 1 − Φ(√x),
 * so a small p-value keeps its digits.
 */
export const chiSquare1Survival = (x: number): number => (x <= 0 ? 1 : 2 * normCdf(-Math.sqrt(x)))

/** 95 % critical value of χ²(1). */
export const CHI2_1_95 = 3.841458820694124

export interface LikelihoodRatio {
  lr: number
  pValue: number
  /** LR above the 95 % critical value of χ²(1). */
  reject: boolean
}

const ratio = (lr: number): LikelihoodRatio => ({ lr, pValue: chiSquare1Survival(lr), reject: lr > CHI2_1_95 })

/** Kupiec POF: x exceptions in N days against an expected rate p (1 − confidence). */
export function kupiecPof(n: number, x: number, p: number): LikelihoodRatio {
  if (!(Number.isInteger(n) && n > 0 && Number.isInteger(x) && x >= 0 && x <= n)) throw new RangeError(`Kupiec test needs 0 ≤ exceptions (${x}) ≤ days (${n})`)
  if (!(p > 0 && p < 1)) throw new RangeError(`Kupiec test needs an exception rate in (0, 1), not ${p}`)
  const observed = x / n
  const lr = -2 * (xlny(n - x, 1 - p) + xlny(x, p)) + 2 * (xlny(n - x, 1 - observed) + xlny(x, observed))
  return ratio(Math.max(lr, 0))
}

/** Christoffersen independence: do exceptions cluster (an exception more likely after one)? */
export function christoffersenIndependence(exceptions: ArrayLike<boolean>): LikelihoodRatio & { n00: number; n01: number; n10: number; n11: number } {
  let n00 = 0
  let n01 = 0
  let n10 = 0
  let n11 = 0
  for (let t = 1; t < exceptions.length; t++) {
    const prev = exceptions[t - 1]!
    const cur = exceptions[t]!
    if (prev && cur) n11++
    else if (prev) n10++
    else if (cur) n01++
    else n00++
  }
  const pi0 = n00 + n01 ? n01 / (n00 + n01) : 0
  const pi1 = n10 + n11 ? n11 / (n10 + n11) : 0
  const pi = n00 + n01 + n10 + n11 ? (n01 + n11) / (n00 + n01 + n10 + n11) : 0
  const independent = xlny(n00 + n10, 1 - pi) + xlny(n01 + n11, pi)
  const markov = xlny(n00, 1 - pi0) + xlny(n01, pi0) + xlny(n10, 1 - pi1) + xlny(n11, pi1)
  return { ...ratio(Math.max(-2 * (independent - markov), 0)), n00, n01, n10, n11 }
}

export type TrafficLight = 'green' | 'yellow' | 'red'

/** Basel zone of the exceptions in 250 days at 99 %. */
export const trafficLight = (exceptionsIn250: number): TrafficLight => (exceptionsIn250 <= 4 ? 'green' : exceptionsIn250 <= 9 ? 'yellow' : 'red')

export interface BacktestStats {
  days: number
  exceptions: number
  expectedRate: number
  observedRate: number
  /** Share of days the measure covered the realised loss (1 − exceptions / days). */
  coverage: number
  kupiec: LikelihoodRatio
  christoffersen: LikelihoodRatio
  /** Exceptions and zone of each complete window (250 days), by the index of its last day. */
  windows: { end: number; exceptions: number; zone: TrafficLight }[]
  worstZone: TrafficLight
}

/**
 * Statistics of a measure (margin, VaR) against realised losses day by day: an exception is a
 * loss above the measure. `confidence` gives the expected rate (0.99 → 1 %).
 */
export function backtestStats(measure: ArrayLike<number>, loss: ArrayLike<number>, confidence: number, window = 250): BacktestStats {
  const n = measure.length
  if (loss.length !== n) throw new RangeError(`backtest: ${n} days of the measure but ${loss.length} of realised losses`)
  if (n === 0) throw new RangeError('backtest: no days to test')
  const hits = Array.from({ length: n }, (_, t) => loss[t]! > measure[t]!)
  const exceptions = hits.filter(Boolean).length
  const windows: BacktestStats['windows'] = []
  let inWindow = 0
  for (let t = 0; t < n; t++) {
    if (hits[t]) inWindow++
    if (t >= window && hits[t - window]) inWindow--
    if (t >= window - 1) windows.push({ end: t, exceptions: inWindow, zone: trafficLight(inWindow) })
  }
  const rank = { green: 0, yellow: 1, red: 2 } as const
  const worstZone = windows.reduce<TrafficLight>((z, w) => (rank[w.zone] > rank[z] ? w.zone : z), 'green')
  return {
    days: n,
    exceptions,
    expectedRate: 1 - confidence,
    observedRate: exceptions / n,
    coverage: 1 - exceptions / n,
    kupiec: kupiecPof(n, exceptions, 1 - confidence),
    christoffersen: christoffersenIndependence(hits),
    windows,
    worstZone
  }
}
