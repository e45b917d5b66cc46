/**
 * What makes an account's cushion (equity − MM) bend as the index moves, for the liquidation scan
 * (liquidation-scan.ts; docs/METHODOLOGY.md §5.11): the options' strikes and the scenario grid. An
 * option's value bends where the index meets its strike, and the margin's scenario losses bend
 * where a scenario's price meets it: at m = K / (S·(1 + s)) − 1 for each grid move s. Those moves
 * are the scan's features while they fit the budget, else the strikes alone, else none (the ladder
 * and the cushion's own slope then). Ours throughout: no venue defines a liquidation search.
 *
 * Pure: no I/O.
 */

/** The scan's finest step, bounds on what the features ask (ours): 0.25 % … 1 % of the index. */
export const FINEST_STEP = 0.0025
export const COARSEST_FINE_STEP = 0.01
/**
 * At most this many feature moves per side (ours: on a 10,000-position book the search must cost
 * about what the ladder did, ~30 revaluations a side; such a book has far more strikes).
 */
export const FEATURE_BUDGET = 24

export interface LiquidationFeatures {
  /** The scan's smallest step, relative move of the index. */
  fineStep: number
  /** Moves to evaluate on top of the ladder, ascending, none within fineStep of another. */
  features: number[]
}

export interface LiquidationFeaturesInput {
  /** The strikes of the options on the moving underlying, USD (any order, repeats allowed). */
  strikesUsd: readonly number[]
  /** Today's index, USD. */
  indexUsd: number
  /** The margin method's scenario moves of the underlying (relative; Deribit PM: standard and extended). */
  gridMoves: readonly number[]
  /** The scenario grid's step (relative; Deribit PM: range / 4). */
  gridStep: number
  /** The scan's ends (relative moves: e.g. −0.95 and 5); features outside are dropped. */
  downTo: number
  upTo: number
}

/**
 * The features and the fine step: a quarter of the smaller of the grid's step and the narrowest
 * gap between two strikes (as moves of the index), within 0.25 % … 1 %. Bends sit at strikes and a
 * grid step apart, so a band narrower than a quarter of both is what the scan accepts to miss.
 */
export function liquidationFeatures(i: LiquidationFeaturesInput): LiquidationFeatures {
  const strikes = [...new Set(i.strikesUsd)].sort((a, b) => a - b)
  let gap = i.gridStep
  for (let k = 1; k < strikes.length; k++) gap = Math.min(gap, strikes[k]! / i.indexUsd - strikes[k - 1]! / i.indexUsd)
  const fineStep = Math.min(COARSEST_FINE_STEP, Math.max(FINEST_STEP, gap / 4))
  const thin = (moves: number[]): number[] => {
    const kept: number[] = []
    for (const m of moves.filter((x) => x > i.downTo && x < i.upTo && x !== 0).sort((a, b) => a - b)) if (!kept.length || m - kept[kept.length - 1]! >= fineStep) kept.push(m)
    return kept
  }
  const fits = (moves: number[]): boolean => moves.filter((m) => m < 0).length <= FEATURE_BUDGET && moves.filter((m) => m > 0).length <= FEATURE_BUDGET
  const plain = thin(strikes.map((k) => k / i.indexUsd - 1))
  // Greedy thinning keeps the most points a fineStep apart, so the shifted moves (the plain ones
  // among them when the grid has the no-move scenario) keep at least as many below today, and at
  // most one fewer above (the first may sit within fineStep of the last one below): when the
  // strikes alone overflow a side by two, the shifted moves cannot fit, and a desk book's strikes ×
  // grid moves are not worth sorting.
  const overflows = (moves: number[]): boolean => moves.filter((m) => m < 0).length > FEATURE_BUDGET + 1 || moves.filter((m) => m > 0).length > FEATURE_BUDGET + 1
  if (overflows(plain) && i.gridMoves.includes(0)) return { fineStep, features: [] }
  const shifted = thin(strikes.flatMap((k) => i.gridMoves.map((s) => k / (i.indexUsd * (1 + s)) - 1)))
  return { fineStep, features: fits(shifted) ? shifted : fits(plain) ? plain : [] }
}
