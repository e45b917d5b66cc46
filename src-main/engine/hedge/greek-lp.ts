/**
 * Greek targets at least cost (docs/METHODOLOGY.md §6): sizes x over candidate instruments
 * that put the book's delta, gamma and vega inside the trader's bands, minimising the trading cost
 * Σ c_i·|x_i| (half the bid-ask). Greeks add linearly in position size, so this is an LP:
 *
 *   minimise   Σ_i (c_i + ε)·(b_i + s_i)
 *   subject to lo_g ≤ G_g + Σ_i g_ig·(b_i − s_i) ≤ hi_g   for each targeted Greek g,
 *              0 ≤ b_i ≤ max_i,  0 ≤ s_i ≤ −min_i.
 *
 * ε keeps the answer from trading back and forth at zero cost. The delta hedge is the one-candidate,
 * delta-only case, solved in closed form (deltaHedgeContracts).
 */
import { lpNumber, lpTerm } from './lp-text'
export type GreekName = 'delta' | 'gamma' | 'vega'
export type Greeks = Record<GreekName, number>

export interface GreekCandidate {
  id: string
  /** Greeks of one long contract: delta in coin, gamma in coin per 1 % move, vega in USD per vol point. */
  perContract: Greeks
  /** Cost of trading one contract either way, USD. */
  costUsd: number
  minContracts: number
  maxContracts: number
}

export type GreekBands = Partial<Record<GreekName, [number, number]>>

const EPSILON = 1e-9
const GREEKS: GreekName[] = ['delta', 'gamma', 'vega']
const num = (x: number): string => lpNumber('Greek LP', x)
const term = (coef: number, name: string): string => lpTerm('Greek LP', coef, name)

export function greekLpText(book: Greeks, candidates: readonly GreekCandidate[], bands: GreekBands): string {
  const targeted = GREEKS.filter((g) => bands[g])
  if (!targeted.length) throw new RangeError('Greek targets: give at least one band (delta, gamma or vega)')
  for (const g of targeted) {
    const [lo, hi] = bands[g]!
    if (!(lo <= hi)) throw new RangeError(`Greek targets: ${g} band [${lo}, ${hi}] is empty`)
  }
  if (!candidates.length) throw new RangeError('Greek targets: no candidate instruments')
  const lines = ['Minimize', ` obj: ${candidates.map((c, i) => term(c.costUsd + EPSILON, `b${i}`) + term(c.costUsd + EPSILON, `s${i}`)).join('')}`, 'Subject To']
  for (const g of targeted) {
    const [lo, hi] = bands[g]!
    const expr = candidates.map((c, i) => term(c.perContract[g], `b${i}`) + term(-c.perContract[g], `s${i}`)).join('') || ' 0 b0'
    lines.push(` ${g}_lo:${expr} >= ${num(lo - book[g])}`, ` ${g}_hi:${expr} <= ${num(hi - book[g])}`)
  }
  lines.push('Bounds')
  candidates.forEach((c, i) => lines.push(` 0 <= b${i} <= ${num(c.maxContracts)}`, ` 0 <= s${i} <= ${num(-c.minContracts)}`))
  lines.push('End')
  return lines.join('\n')
}

export function readGreekSolution(candidates: readonly GreekCandidate[], columns: Readonly<Record<string, number>>): number[] {
  return candidates.map((_, i) => (columns[`b${i}`] ?? 0) - (columns[`s${i}`] ?? 0))
}

/** The book's Greeks with sizes x added. */
export function greeksWith(book: Greeks, candidates: readonly GreekCandidate[], x: readonly number[]): Greeks {
  const out = { ...book }
  candidates.forEach((c, i) => GREEKS.forEach((g) => (out[g] += (x[i] ?? 0) * c.perContract[g])))
  return out
}

/** Contracts of one instrument that bring delta nearest zero, in whole lots. */
export function deltaHedgeContracts(bookDeltaCoin: number, deltaPerContract: number, lotSize: number): number {
  if (!(Math.abs(deltaPerContract) > 0)) throw new RangeError('delta hedge: the instrument has no delta')
  return Math.round(-bookDeltaCoin / deltaPerContract / lotSize) * lotSize
}
