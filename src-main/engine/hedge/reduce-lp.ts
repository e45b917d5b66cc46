/**
 * Reduce to target (docs/METHODOLOGY.md §6): which fractions f_j ∈ [0, 1] of the existing
 * positions to close so that IM / equity falls to a target u* at least cost. Closing f_j of
 * position j removes f_j·R_j from the record sum (R_j its record at full size) and costs f_j·c_j
 * (half the bid-ask on what is closed), which leaves equity E − Σ f_j·c_j. With the method's linear
 * form (additive-model.ts), IM ≤ u*·(E − cost) is linear through epigraph variables:
 *
 *   minimise   Σ_j c_j·f_j + ε·Σ_j f_j                    (ε: of two equal-cost answers, close less)
 *   subject to z ≥ −(T_s − Σ_j f_j·R_js) for every scenario s, z ≥ 0,
 *              u_a ≥ ±(T_a − Σ_j f_j·R_ja),  v_e ≥ ±(T_e − Σ_j f_j·R_je) − k_e,  v_e ≥ 0,
 *              z + Σ_a w_a·u_a + Σ_e w_e·v_e + u*·Σ_j c_j·f_j ≤ u*·E,     0 ≤ f_j ≤ 1.
 *
 * Exact for methods with a linear form: infeasible means no set of closes reaches the target.
 */
import { lpNumber, lpTerm } from './lp-text'
import type { LinearForm } from '../margin/additive-model'

export interface ReduceLp {
  total: Float64Array
  form: LinearForm
  /** Each position's record at its full size, and the cost of closing all of it (method currency). */
  positions: { id: string; record: Float64Array; closeCost: number }[]
  equity: number
  /** Target utilisation IM / equity (0.8 = 80 %). */
  target: number
}

const EPSILON = 1e-9
const num = (x: number): string => lpNumber('reduce LP', x)
const term = (coef: number, name: string): string => lpTerm('reduce LP', coef, name)
/** Σ_j sign·(−R_j[index])·f_j: closing removes the record. */
const closeTerms = (p: ReduceLp, index: number, sign: 1 | -1): string => p.positions.map((q, j) => term(-sign * q.record[index]!, `f${j}`)).join('')

export function reduceLpText(p: ReduceLp): string {
  if (!(p.target > 0)) throw new RangeError(`reduce LP: target utilisation ${p.target} must be above 0`)
  const W = p.total.length
  for (const q of p.positions) if (q.record.length !== W) throw new RangeError(`reduce LP: position ${q.id} has a record of ${q.record.length} entries, expected ${W}`)
  const f = p.form
  const lines = ['Minimize', ` obj: ${p.positions.map((q, j) => term(q.closeCost + EPSILON, `f${j}`)).join('') || ' 0 z'}`, 'Subject To']
  for (let s = f.lossFrom; s < f.lossTo; s++) lines.push(` r${s}: z${closeTerms(p, s, 1)} >= ${num(-p.total[s]!)}`)
  f.absTerms.forEach((a, k) => {
    lines.push(` ap${k}: u${k}${closeTerms(p, a.index, -1)} >= ${num(p.total[a.index]!)}`)
    lines.push(` an${k}: u${k}${closeTerms(p, a.index, 1)} >= ${num(-p.total[a.index]!)}`)
  })
  f.excessTerms.forEach((e, k) => {
    lines.push(` ep${k}: v${k}${closeTerms(p, e.index, -1)} >= ${num(p.total[e.index]! - e.threshold)}`)
    lines.push(` en${k}: v${k}${closeTerms(p, e.index, 1)} >= ${num(-p.total[e.index]! - e.threshold)}`)
  })
  const im = ['z', ...f.absTerms.map((a, k) => term(a.weight, `u${k}`)), ...f.excessTerms.map((e, k) => term(e.weight, `v${k}`)), ...p.positions.map((q, j) => term(p.target * q.closeCost, `f${j}`))]
  lines.push(` target: ${im.join('')} <= ${num(p.target * p.equity)}`)
  lines.push('Bounds', ' z >= 0')
  f.absTerms.forEach((_, k) => lines.push(` u${k} >= 0`))
  f.excessTerms.forEach((_, k) => lines.push(` v${k} >= 0`))
  p.positions.forEach((_, j) => lines.push(` 0 <= f${j} <= 1`))
  lines.push('End')
  return lines.join('\n')
}

export function readReduceFractions(p: ReduceLp, columns: Readonly<Record<string, number>>): number[] {
  return p.positions.map((_, j) => Math.min(Math.max(columns[`f${j}`] ?? 0, 0), 1))
}
