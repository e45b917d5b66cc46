/**
 * The margin-minimising hedge as a linear programme (docs/METHODOLOGY.md §6). A method with a
 * linear form (additive-model.ts: worst scenario loss + Σ w·|feature| + Σ w·max(|feature| − k, 0))
 * has, as a function of hedge sizes x over candidate instruments,
 *
 *   IM(x) = max(0, max_s −(T_s + Σ_i x_i·r_is)) + Σ_a w_a·|T_a + Σ_i x_i·r_ia| + Σ_e w_e·max(|T_e + Σ_i x_i·r_ie| − k_e, 0)
 *
 * with T the book's record sum and r_i one contract's record. Minimising IM(x) + Σ_i c_i·|x_i| is
 *
 *   minimise   z + Σ_a w_a·u_a + Σ_e w_e·v_e + Σ_i c_i·(b_i + s_i)
 *   subject to z ≥ −(T_s + Σ_i r_is·(b_i − s_i))  for every scenario s,   z ≥ 0,
 *              u_a ≥ ±(T_a + Σ_i r_ia·(b_i − s_i)),   v_e ≥ ±(T_e + Σ_i r_ie·(b_i − s_i)) − k_e,   v_e ≥ 0,
 *              0 ≤ b_i ≤ max_i,  0 ≤ s_i ≤ −min_i        (x_i = b_i − s_i contracts, c_i ≥ 0)
 *
 * an exact LP: the optimum is the method's own minimum, not an approximation of it. Pure: this
 * builds the model text (CPLEX LP format) and reads a solution; the solver is a service.
 */
import { lpNumber, lpTerm } from './lp-text'
import { linearFormMargin, type LinearForm } from '../margin/additive-model'

export interface HedgeCandidate {
  id: string
  /** One long contract's record in the method's model (scenario P&Ls first, then its features). */
  record: Float64Array
  /** Cost of trading one contract either way (≥ 0), in the method's currency. */
  costPerContract: number
  /** Signed size bounds in contracts (min ≤ 0 ≤ max): min = 0 forbids selling, max = 0 forbids buying. */
  minContracts: number
  maxContracts: number
}

export interface MarginLp {
  /** The book's record sum in the method's model. */
  total: Float64Array
  form: LinearForm
  candidates: HedgeCandidate[]
  /** Keep the hedged delta (coin) in [lo, hi]: the book's delta and each candidate's per contract. */
  deltaBand?: { bookDelta: number; perContract: number[]; band: [number, number] }
}

const num = (x: number): string => lpNumber('margin LP', x)
const term = (coef: number, name: string): string => lpTerm('margin LP', coef, name)

export function validateMarginLp(p: MarginLp): void {
  const W = p.total.length
  if (p.form.lossTo <= p.form.lossFrom) throw new RangeError('margin LP: no scenarios')
  for (const c of p.candidates) {
    if (c.record.length !== W) throw new RangeError(`margin LP: candidate ${c.id} has a record of ${c.record.length} entries, expected ${W}`)
    if (!(c.costPerContract >= 0)) throw new RangeError(`margin LP: candidate ${c.id} has cost ${c.costPerContract} per contract, expected ≥ 0`)
    if (!(c.minContracts <= 0 && c.maxContracts >= 0)) throw new RangeError(`margin LP: candidate ${c.id} bounds [${c.minContracts}, ${c.maxContracts}] must contain 0`)
  }
}

/** Σ_i r_i[index]·(b_i − s_i), signed by `sign`. */
const hedgeTerms = (p: MarginLp, index: number, sign: 1 | -1): string =>
  p.candidates.map((c, i) => term(sign * c.record[index]!, `b${i}`) + term(-sign * c.record[index]!, `s${i}`)).join('')

/** The model in CPLEX LP format: z, u<a>, v<e>, then b<i> (buy) and s<i> (sell) per candidate. */
export function marginLpText(p: MarginLp): string {
  validateMarginLp(p)
  const f = p.form
  const objective = ['z', ...f.absTerms.map((a, k) => term(a.weight, `u${k}`)), ...f.excessTerms.map((e, k) => term(e.weight, `v${k}`)), ...p.candidates.map((c, i) => term(c.costPerContract, `b${i}`) + term(c.costPerContract, `s${i}`))]
  const lines: string[] = ['Minimize', ` obj: ${objective.join('')}`, 'Subject To']
  for (let s = f.lossFrom; s < f.lossTo; s++) lines.push(` r${s}: z${hedgeTerms(p, s, 1)} >= ${num(-p.total[s]!)}`)
  f.absTerms.forEach((a, k) => {
    lines.push(` ap${k}: u${k}${hedgeTerms(p, a.index, -1)} >= ${num(p.total[a.index]!)}`)
    lines.push(` an${k}: u${k}${hedgeTerms(p, a.index, 1)} >= ${num(-p.total[a.index]!)}`)
  })
  f.excessTerms.forEach((e, k) => {
    lines.push(` ep${k}: v${k}${hedgeTerms(p, e.index, -1)} >= ${num(p.total[e.index]! - e.threshold)}`)
    lines.push(` en${k}: v${k}${hedgeTerms(p, e.index, 1)} >= ${num(-p.total[e.index]! - e.threshold)}`)
  })
  if (p.deltaBand) {
    const { bookDelta, perContract, band } = p.deltaBand
    if (perContract.length !== p.candidates.length) throw new RangeError(`margin LP: ${perContract.length} candidate deltas for ${p.candidates.length} candidates`)
    if (!(band[0] <= band[1])) throw new RangeError(`margin LP: delta band [${band[0]}, ${band[1]}] is empty`)
    const expr = perContract.map((d, i) => term(d, `b${i}`) + term(-d, `s${i}`)).join('') || ' 0 z'
    lines.push(` delta_lo:${expr} >= ${num(band[0] - bookDelta)}`, ` delta_hi:${expr} <= ${num(band[1] - bookDelta)}`)
  }
  lines.push('Bounds', ' z >= 0')
  f.absTerms.forEach((_, k) => lines.push(` u${k} >= 0`))
  f.excessTerms.forEach((_, k) => lines.push(` v${k} >= 0`))
  p.candidates.forEach((c, i) => lines.push(` 0 <= b${i} <= ${num(c.maxContracts)}`, ` 0 <= s${i} <= ${num(-c.minContracts)}`))
  lines.push('End')
  return lines.join('\n')
}

/** The book's record sum with the hedge added. */
export function hedgedTotal(p: MarginLp, x: readonly number[]): Float64Array {
  const t = Float64Array.from(p.total)
  x.forEach((xi, i) => {
    if (xi === 0) return
    const r = p.candidates[i]!.record
    for (let j = 0; j < t.length; j++) t[j]! += xi * r[j]!
  })
  return t
}

/** The objective at sizes x: requirement by the linear form plus trading cost (what the LP minimises). */
export function marginObjective(p: MarginLp, x: readonly number[]): { requirement: number; cost: number; objective: number } {
  const requirement = linearFormMargin(p.form, hedgedTotal(p, x))
  const cost = x.reduce((sum, xi, i) => sum + Math.abs(xi) * p.candidates[i]!.costPerContract, 0)
  return { requirement, cost, objective: requirement + cost }
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
