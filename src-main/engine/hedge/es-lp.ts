/**
 * The ES-minimising hedge: Rockafellar & Uryasev, "Optimization of conditional value-at-risk",
 * Journal of Risk 2 (2000). Over N equally likely scenarios with book P&L P_s and one contract's
 * P&L p_is (USD), ES at confidence β of the hedged book is min over α of
 * α + 1/((1−β)·N)·Σ_s max(−(P_s + Σ_i x_i·p_is) − α, 0), so choosing the hedge is the LP
 *
 *   minimise   α + w·Σ_s u_s + Σ_i c_i·(b_i + s_i),        w = 1/((1−β)·N)
 *   subject to u_s ≥ −(P_s + Σ_i p_is·(b_i − s_i)) − α,  u_s ≥ 0,  α free,
 *              0 ≤ b_i ≤ max_i,  0 ≤ s_i ≤ −min_i.
 *
 * At the optimum α is the VaR of the hedged book. cvar() evaluates the same quantity directly
 * (the worst (1−β)·N scenarios' mean loss, the boundary scenario by its fraction).
 */
import { lpNumber, lpTerm } from './lp-text'
export interface EsCandidate {
  id: string
  /** One long contract's P&L per scenario, USD. */
  pnl: Float64Array
  costUsd: number
  minContracts: number
  maxContracts: number
}

export interface EsLp {
  portfolioPnl: Float64Array
  candidates: EsCandidate[]
  /** β, e.g. 0.975. */
  confidence: number
}

const num = (x: number): string => lpNumber('ES LP', x)
const term = (coef: number, name: string): string => lpTerm('ES LP', coef, name)

/** Expected shortfall (CVaR) of a P&L vector, loss positive: Rockafellar–Uryasev's definition. */
export function cvar(pnl: ArrayLike<number>, confidence: number): number {
  const n = pnl.length
  if (!n) throw new RangeError('ES needs at least one scenario')
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence ${confidence} is not between 0 and 1`)
  const losses = Array.from(pnl, (x) => -x).sort((a, b) => b - a)
  const tail = (1 - confidence) * n
  const whole = Math.floor(tail + 1e-9)
  let sum = 0
  for (let i = 0; i < whole && i < n; i++) sum += losses[i]!
  const part = tail - whole
  if (part > 1e-9 && whole < n) sum += part * losses[whole]!
  return sum / tail
}

export function esLpText(p: EsLp): string {
  const N = p.portfolioPnl.length
  if (!N) throw new RangeError('ES LP: no scenarios')
  for (const c of p.candidates) if (c.pnl.length !== N) throw new RangeError(`ES LP: candidate ${c.id} has ${c.pnl.length} scenario P&Ls, expected ${N}`)
  const w = 1 / ((1 - p.confidence) * N)
  const lines = ['Minimize', ` obj: a${Array.from({ length: N }, (_, s) => term(w, `u${s}`)).join('')}${p.candidates.map((c, i) => term(c.costUsd, `b${i}`) + term(c.costUsd, `s${i}`)).join('')}`, 'Subject To']
  for (let s = 0; s < N; s++) {
    lines.push(` r${s}: u${s} + a${p.candidates.map((c, i) => term(c.pnl[s]!, `b${i}`) + term(-c.pnl[s]!, `s${i}`)).join('')} >= ${num(-p.portfolioPnl[s]!)}`)
  }
  lines.push('Bounds', ' a free')
  for (let s = 0; s < N; s++) lines.push(` u${s} >= 0`)
  p.candidates.forEach((c, i) => lines.push(` 0 <= b${i} <= ${num(c.maxContracts)}`, ` 0 <= s${i} <= ${num(-c.minContracts)}`))
  lines.push('End')
  return lines.join('\n')
}

export function hedgedPnl(p: EsLp, x: readonly number[]): Float64Array {
  const out = Float64Array.from(p.portfolioPnl)
  x.forEach((xi, i) => {
    if (xi === 0) return
    const r = p.candidates[i]!.pnl
    for (let s = 0; s < out.length; s++) out[s]! += xi * r[s]!
  })
  return out
}

export function esObjective(p: EsLp, x: readonly number[]): { es: number; costUsd: number; objective: number } {
  const es = cvar(hedgedPnl(p, x), p.confidence)
  const costUsd = x.reduce((s, xi, i) => s + Math.abs(xi) * p.candidates[i]!.costUsd, 0)
  return { es, costUsd, objective: es + costUsd }
}

export function readEsSolution(p: EsLp, columns: Readonly<Record<string, number>>): number[] {
  return p.candidates.map((_, i) => (columns[`b${i}`] ?? 0) - (columns[`s${i}`] ?? 0))
}
