/**
 * Backtesting statistics (docs/METHODOLOGY.md §5.12): exceptions of a risk measure against
 * realised losses, Kupiec's proportion-of-failures test, Christoffersen's independence test, and
 * the Basel traffic light.
 * - Kupiec (1995), "Techniques for verifying the accuracy of risk measurement models":
 *   LR_POF = −2 ln[(1 − p)^(N−x) p^x] + 2 ln[(1 − x/N)^(N−x) (x/N)^x], χ²(1) under H0.
 * - Christoffersen (1998), "Evaluating interval forecasts": LR_ind compares the first-order Markov
 *   chain of exceptions with independent ones, χ²(1) under H0.
 * - Basel Committee (1996), "Supervisory framework for the use of backtesting in conjunction with
 *   the internal models approach to market risk capital requirements", Table 1: 250 days at 99 %,
 *   0–4 exceptions green, 5–9 yellow, 10 or more red. The zones are cut where the binomial
 *   probability of that many exceptions or fewer reaches 95 % (yellow) and 99.99 % (red); the same
 *   rule gives the zones at any confidence and window (trafficLightZones).
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

/** The Basel cut-offs: yellow from the count whose cumulative binomial probability reaches 95 %, red from 99.99 %. */
export const YELLOW_CUMULATIVE = 0.95
export const RED_CUMULATIVE = 0.9999

/** Where the zones begin, in exceptions per window, for a measure at `confidence` over `days` days. */
export interface TrafficLightZones {
  days: number
  confidence: number
  /** Fewest exceptions in the yellow zone (green below). */
  yellowFrom: number
  /** Fewest exceptions in the red zone. */
  redFrom: number
  /** P(X ≤ k) for k = 0 … redFrom, X ~ binomial(days, 1 − confidence): the table Basel prints. */
  cumulative: number[]
}

/**
 * The traffic-light zones at any confidence by Basel's own rule (Table 1 of the 1996 framework):
 * exceptions X ~ binomial(days, p = 1 − confidence) if the model is right; a count k is yellow once
 * P(X ≤ k) ≥ 95 % and red once P(X ≤ k) ≥ 99.99 %. At 99 % over 250 days this gives Basel's 5 and
 * 10; at 99.5 %, 3 and 7. The probabilities are summed term by term (pmf(k+1) = pmf(k)·(n−k)/(k+1)·p/(1−p)).
 */
export function trafficLightZones(confidence: number, days = 250): TrafficLightZones {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`traffic light needs a confidence in (0, 1), not ${confidence}`)
  if (!(Number.isInteger(days) && days > 0)) throw new RangeError(`traffic light needs a whole number of days, not ${days}`)
  const p = 1 - confidence
  let pmf = Math.exp(days * Math.log1p(-p))
  let sum = 0
  const cumulative: number[] = []
  let yellowFrom = -1
  for (let k = 0; k <= days; k++) {
    sum += pmf
    cumulative.push(Math.min(1, sum))
    if (yellowFrom < 0 && sum >= YELLOW_CUMULATIVE) yellowFrom = k
    if (sum >= RED_CUMULATIVE) return { days, confidence, yellowFrom, redFrom: k, cumulative }
    pmf *= ((days - k) / (k + 1)) * (p / (1 - p))
  }
  // Only when even every day an exception stays below 99.99 % (p near 1): nothing is red.
  return { days, confidence, yellowFrom: yellowFrom < 0 ? days + 1 : yellowFrom, redFrom: days + 1, cumulative }
}

const BASEL_99 = { yellowFrom: 5, redFrom: 10 }

/** Basel zone of `exceptions` in a window, given the zones (default: 250 days at 99 %: 0–4, 5–9, 10+). */
export const trafficLight = (exceptions: number, zones: Pick<TrafficLightZones, 'yellowFrom' | 'redFrom'> = BASEL_99): TrafficLight =>
  exceptions >= zones.redFrom ? 'red' : exceptions >= zones.yellowFrom ? 'yellow' : 'green'
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
  /** The zones the windows were judged by: at this confidence, over `window` days. */
  zones: TrafficLightZones
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
  const zones = trafficLightZones(confidence, window)
  let inWindow = 0
  for (let t = 0; t < n; t++) {
    if (hits[t]) inWindow++
    if (t >= window && hits[t - window]) inWindow--
    if (t >= window - 1) windows.push({ end: t, exceptions: inWindow, zone: trafficLight(inWindow, zones) })
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
    worstZone,
    zones
  }
}
