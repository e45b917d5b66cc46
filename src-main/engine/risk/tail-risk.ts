/**
 * VaR and Expected Shortfall of a scenario P&L vector (docs/METHODOLOGY.md §5.6–5.7), and the
 * Euler allocation of ES to positions (§5.10).
 * Convention (historical simulation, N equally likely scenarios, confidence α): with losses
 * L = −P&L sorted from the largest, the tail is the k = ⌊N(1 − α)⌋ largest losses; VaR is the next
 * one, L₍k+1₎, the smallest loss exceeded by at most a share 1 − α of scenarios; ES is the mean of
 * the tail, "the mean loss beyond VaR" (VaR itself when the tail is empty, N < 1/(1 − α)).
 * Amounts are positive for losses.
 */

export interface TailRisk {
  confidence: number
  scenarios: number
  valueAtRisk: number
  expectedShortfall: number
  /** Scenario index of the VaR loss. */
  varIndex: number
  /** Scenario indices of the tail (the k largest losses), largest first. */
  tail: Int32Array
}

/** Scenario indices ordered from the largest loss (lowest P&L) to the largest gain; ties keep index order. */
export function lossOrder(pnl: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: pnl.length }, (_, i) => i)
  return order.sort((a, b) => pnl[a]! - pnl[b]! || a - b)
}

export function tailRisk(pnl: ArrayLike<number>, confidence: number, order: Int32Array = lossOrder(pnl)): TailRisk {
  const n = pnl.length
  if (n === 0) throw new RangeError('VaR needs at least one scenario')
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence ${confidence} is not between 0 and 1 (0.99 = 99 %)`)
  for (let i = 0; i < n; i++) if (!Number.isFinite(pnl[i]!)) throw new RangeError(`scenario ${i} has P&L ${pnl[i]}: every scenario must revalue to a number`)
  // The floor of N(1 − α) with a guard against binary noise (1000 × 0.01 = 9.999999999999998).
  const k = Math.min(Math.floor(n * (1 - confidence) + 1e-9), n - 1)
  const varIndex = order[k]!
  const valueAtRisk = -pnl[varIndex]!
  let sum = 0
  for (let i = 0; i < k; i++) sum -= pnl[order[i]!]!
  return { confidence, scenarios: n, valueAtRisk, expectedShortfall: k ? sum / k : valueAtRisk, varIndex, tail: order.slice(0, k) }
}

/**
 * Component ES per position: minus its mean P&L over the tail scenarios (Euler allocation), so the
 * components add up to ES. `matrix` is positions × scenarios, row-major.
 */
export function componentEs(matrix: Float64Array, positions: number, scenarios: number, risk: TailRisk): Float64Array {
  const out = new Float64Array(positions)
  const tail = risk.tail.length ? risk.tail : Int32Array.of(risk.varIndex)
  for (let p = 0; p < positions; p++) {
    let s = 0
    const row = p * scenarios
    for (const j of tail) s += matrix[row + j]!
    out[p] = -s / tail.length
  }
  return out
}

/**
 * The scenarios component ES and component VaR read at each level: the tail and the VaR scenario,
 * all levels together, ascending. Only these columns of positions × scenarios are ever needed, so a
 * second pass revalues the book on them alone (services/risk/scenario-pnl.ts).
 */
export function tailScenarios(risks: readonly TailRisk[]): Int32Array {
  const s = new Set<number>()
  for (const r of risks) {
    s.add(r.varIndex)
    for (const j of r.tail) s.add(j)
  }
  return Int32Array.from([...s].sort((a, b) => a - b))
}

/**
 * The same tail risk with its scenario indices (tail, VaR scenario) renumbered as columns of the
 * sub-matrix on `columns` (tailScenarios' order), so componentEs and componentVar read a
 * positions × columns.length matrix and add in the same order as on the whole one.
 */
export function onColumns(risk: TailRisk, columns: Int32Array): TailRisk {
  const at = new Map<number, number>()
  columns.forEach((j, i) => at.set(j, i))
  const col = (j: number): number => at.get(j) ?? missingColumn(j)
  return { ...risk, varIndex: col(risk.varIndex), tail: risk.tail.map(col) }
}

function missingColumn(j: number): never {
  throw new RangeError(`scenario ${j} is not among the revalued tail columns`)
}

/**
 * Component VaR per position: minus its P&L in the VaR scenario (the Euler allocation of an
 * order-statistic VaR: ∂VaR/∂wᵢ·wᵢ is position i's loss in the scenario that sets the quantile), so
 * the components add up to VaR. Noisier than component ES: one scenario, not the tail's mean.
 */
export function componentVar(matrix: Float64Array, positions: number, scenarios: number, risk: TailRisk): Float64Array {
  return Float64Array.from({ length: positions }, (_, p) => -matrix[p * scenarios + risk.varIndex]!)
}

/**
 * Standard error of an order-statistic VaR from one sample of N scenarios: the VaR's rank has
 * standard deviation √(N·α(1 − α)) (binomial; Serfling 1980 §2.3), turned into P&L by the local
 * slope of the sorted losses over ± z of those ranks. Distribution-free, no density estimate, and
 * it shrinks as 1/√N.
 */
export function varStandardError(pnl: ArrayLike<number>, risk: TailRisk, order: Int32Array = lossOrder(pnl), z = 2): number {
  const n = pnl.length
  const k = risk.tail.length
  const rankSd = Math.sqrt(n * risk.confidence * (1 - risk.confidence))
  const d = Math.max(1, Math.round(z * rankSd))
  const lo = Math.max(0, k - d)
  const hi = Math.min(n - 1, k + d)
  return hi > lo ? ((pnl[order[hi]!]! - pnl[order[lo]!]!) / (hi - lo)) * rankSd : Number.NaN
}

/** Standard error of ES: the spread of the tail losses over √(tail size) (a mean of k draws). */
export function esStandardError(pnl: ArrayLike<number>, risk: TailRisk): number {
  const k = risk.tail.length
  if (k < 2) return Number.NaN
  const mean = risk.expectedShortfall
  let ss = 0
  for (const i of risk.tail) ss += (-pnl[i]! - mean) ** 2
  return Math.sqrt(ss / (k - 1) / k)
}
