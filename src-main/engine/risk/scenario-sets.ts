/**
 * Scenario sets for the statistical methods, in the revaluation engine's shape (one relative move
 * per underlying per scenario, a vol move, a time shift of the holding period):
 * - historical: every overlapping h-day window of the aligned history (§5.6), optionally EWMA
 *   filtered; implied vols move by the vol index's relative change over the same window when one is
 *   given per underlying, else stay where they are;
 * - Monte Carlo: moves drawn by monte-carlo.ts (§5.7), vols unchanged.
 */
import type { ScenarioSet } from '../scenarios/scenario-set'
import { usdRates } from '../scenarios/usd-reduce'
import { ewmaFilteredCloses, hDayMoves, type AlignedHistory } from './history'

export interface HistoricalOptions {
  /** Holding period (margin period of risk), days: 1 or 2. */
  horizonDays: number
  /** EWMA λ for filtered historical simulation; omit for plain HS. */
  ewmaLambda?: number
  /**
   * Vol index closes per underlying aligned with the history's days (DVOL; NaN on days it lacks);
   * the vol of every option moves by the index's relative change over each window it covers.
   * Underlyings without one, and windows it does not cover, keep their vols.
   */
  volIndex?: Record<string, Float64Array>
}

const YEAR_DAYS = 365

export function historicalScenarioSet(h: AlignedHistory, opts: HistoricalOptions): ScenarioSet {
  const hd = opts.horizonDays
  const u = h.underlyings.length
  const closes = h.closes.map((c) => (opts.ewmaLambda === undefined ? c : ewmaFilteredCloses(c, opts.ewmaLambda)))
  const moves = closes.map((c) => hDayMoves(c, hd))
  const count = moves[0]!.length
  if (count < 1) throw new RangeError(`historical simulation needs more than ${hd} aligned days of history for ${h.underlyings.join(', ')}; there are ${h.days.length}`)
  const priceMoves = new Float64Array(count * u)
  for (let s = 0; s < count; s++) for (let k = 0; k < u; k++) priceMoves[s * u + k] = moves[k]![s]!
  // One vol move per scenario: the engine's volRel applies to every option, so with several vol
  // indices the average relative change stands for all (exact for a one-underlying book).
  const volRel = new Float64Array(count)
  const indices = h.underlyings.map((x) => opts.volIndex?.[x]).filter((v): v is Float64Array => v !== undefined)
  // A window the index does not cover (NaN at either end) keeps its vols for that index.
  if (indices.length)
    for (let s = 0; s < count; s++) volRel[s] = indices.reduce((a, v) => a + (v[s + hd]! > 0 && v[s]! > 0 ? v[s + hd]! / v[s]! - 1 : 0), 0) / indices.length
  return {
    id: `hs-${hd}d-${h.days[0]}-${h.days.at(-1)}${opts.ewmaLambda === undefined ? '' : `-ewma${opts.ewmaLambda}`}`,
    underlyings: [...h.underlyings],
    count,
    priceMoves,
    volAbs: new Float64Array(count),
    volRel,
    timeShiftYears: new Float64Array(count).fill(hd / YEAR_DAYS),
    volTerm: null,
    stickyMoneyness: true,
    labels: Array.from({ length: count }, (_, s) => `${h.days[s]} → ${h.days[s + hd]}`)
  }
}

export function monteCarloScenarioSet(underlyings: string[], moves: Float64Array, horizonDays: number, id: string): ScenarioSet {
  const count = moves.length / underlyings.length
  return {
    id,
    underlyings: [...underlyings],
    count,
    priceMoves: moves,
    volAbs: new Float64Array(count),
    volRel: new Float64Array(count),
    timeShiftYears: new Float64Array(count).fill(horizonDays / YEAR_DAYS),
    volTerm: null,
    stickyMoneyness: true,
    labels: Array.from({ length: count }, (_, s) => `simulation ${s + 1}`)
  }
}

/**
 * The book's P&L per scenario in USD, and each position's: coin P&L (inverse contracts) is worth
 * its amount at the scenario's price of that coin, USD-like P&L counts 1:1. `currencyUsd(c)`
 * gives today's USD price of currency c and `underlyingOf(c)` the scenario set's column that moves
 * it (−1 when the set does not move it: today's price is kept).
 * Materialises positions × scenarios (and the coin matrix it reads is another): the statistics run
 * on engine/scenarios/usd-reduce.ts a block at a time; this whole-matrix form is their reference
 * twin in tests and the memory bench's baseline.
 */
export function usdPnl(
  matrix: Float64Array,
  rowCurrency: Int32Array,
  currencies: readonly string[],
  s: ScenarioSet,
  currencyUsd: (c: string) => number,
  underlyingOf: (c: string) => number
): { portfolio: Float64Array; rows: Float64Array } {
  const n = rowCurrency.length
  const S = s.count
  const rate = usdRates(currencies, s, currencyUsd, underlyingOf)
  const rows = new Float64Array(n * S)
  const portfolio = new Float64Array(S)
  for (let r = 0; r < n; r++) {
    const fx = rate[rowCurrency[r]!]!
    for (let j = 0; j < S; j++) {
      const v = matrix[r * S + j]! * fx[j]!
      rows[r * S + j] = v
      portfolio[j]! += v
    }
  }
  return { portfolio, rows }
}
