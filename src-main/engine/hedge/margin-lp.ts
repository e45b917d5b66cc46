/**
 * The margin-minimising hedge as a linear programme (../shared/METHODOLOGY.md §6). For a
 * scenario-max method the requirement is max(0, max_s −(P_s + Σ_i x_i·p_is)), so choosing hedge
 * sizes x over candidate instruments is
 *
 *   minimise   z + Σ_i c_i·(x⁺_i + x⁻_i)
 *   subject to z + Σ_i p_is·(x⁺_i − x⁻_i) ≥ −P_s   for every scenario s,   z ≥ 0,
 *              0 ≤ x⁺_i ≤ max_i,  0 ≤ x⁻_i ≤ −min_i          (x_i = x⁺_i − x⁻_i contracts)
 *
 * with c_i the cost of trading one contract (half the bid-ask). Splitting x into its buy and sell
 * parts makes |x_i| linear; with c_i > 0 at most one part is non-zero at the optimum.
 * Pure: this builds the model text (CPLEX LP format, read by any LP solver) and reads a solution;
 * the solver itself is a service (services/hedge/lp-solver.ts).
 */

export interface HedgeCandidate {
  id: string
  /** P&L of one contract (long) per scenario, in the method's currency, gain positive. */
  pnlPerContract: Float64Array
  /** Cost of trading one contract either way (≥ 0), in the method's currency. */
  costPerContract: number
  /** Signed size bounds in contracts (min ≤ 0 ≤ max): min = 0 forbids selling, max = 0 forbids buying. */
  minContracts: number
  maxContracts: number
}

export interface MarginLp {
  /** The book's P&L per scenario in the method's currency. */
  portfolioPnl: Float64Array
  candidates: HedgeCandidate[]
}

/** Shortest round-trip decimal; LP readers take exponent notation. */
const num = (x: number): string => {
  if (!Number.isFinite(x)) throw new RangeError(`margin LP: ${x} is not a finite coefficient`)
  return String(x)
}
const term = (coef: number, name: string): string => (coef === 0 ? '' : ` ${coef < 0 ? '-' : '+'} ${num(Math.abs(coef))} ${name}`)

export function validateMarginLp(p: MarginLp): void {
  const S = p.portfolioPnl.length
  if (S === 0) throw new RangeError('margin LP: no scenarios')
  for (const c of p.candidates) {
    if (c.pnlPerContract.length !== S) throw new RangeError(`margin LP: candidate ${c.id} has ${c.pnlPerContract.length} scenario P&Ls, expected ${S}`)
    if (!(c.costPerContract >= 0)) throw new RangeError(`margin LP: candidate ${c.id} has cost ${c.costPerContract} per contract, expected ≥ 0`)
    if (!(c.minContracts <= 0 && c.maxContracts >= 0)) throw new RangeError(`margin LP: candidate ${c.id} bounds [${c.minContracts}, ${c.maxContracts}] must contain 0`)
  }
}

/** The model in CPLEX LP format: z, then b<i> (buy) and s<i> (sell) per candidate. */
export function marginLpText(p: MarginLp): string {
  validateMarginLp(p)
  const n = p.candidates.length
  const lines: string[] = ['Minimize', ` obj: z${p.candidates.map((c, i) => `${term(c.costPerContract, `b${i}`)}${term(c.costPerContract, `s${i}`)}`).join('')}`, 'Subject To']
  for (let s = 0; s < p.portfolioPnl.length; s++) {
    let row = ` r${s}: z`
    for (let i = 0; i < n; i++) {
      const a = p.candidates[i]!.pnlPerContract[s]!
      row += term(a, `b${i}`) + term(-a, `s${i}`)
    }
    lines.push(`${row} >= ${num(-p.portfolioPnl[s]!)}`)
  }
  lines.push('Bounds', ' z >= 0')
  p.candidates.forEach((c, i) => lines.push(` 0 <= b${i} <= ${num(c.maxContracts)}`, ` 0 <= s${i} <= ${num(-c.minContracts)}`))
  lines.push('End')
  return lines.join('\n')
}

/** The scenario-max objective at sizes x: requirement plus trading cost (what the LP minimises). */
export function marginObjective(p: MarginLp, x: readonly number[]): { requirement: number; cost: number; objective: number } {
  let worst = 0
  for (let s = 0; s < p.portfolioPnl.length; s++) {
    let pnl = p.portfolioPnl[s]!
    for (let i = 0; i < x.length; i++) pnl += x[i]! * p.candidates[i]!.pnlPerContract[s]!
    if (-pnl > worst) worst = -pnl
  }
  const cost = x.reduce((sum, xi, i) => sum + Math.abs(xi) * p.candidates[i]!.costPerContract, 0)
  return { requirement: worst, cost, objective: worst + cost }
}

export interface MarginLpSolution {
  /** Signed contracts per candidate (buy > 0), before lot rounding. */
  contracts: number[]
  requirement: number
  cost: number
  objective: number
}

/** Read the solver's column values back into signed sizes, and re-evaluate the objective exactly. */
export function readMarginLpSolution(p: MarginLp, columns: Readonly<Record<string, number>>): MarginLpSolution {
  const contracts = p.candidates.map((_, i) => (columns[`b${i}`] ?? 0) - (columns[`s${i}`] ?? 0))
  return { contracts, ...marginObjective(p, contracts) }
}
