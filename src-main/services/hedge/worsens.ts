/**
 * What a hedge makes worse (issue 17 §6: "every suggestion flags any margin method, pool or stress
 * scenario that it makes worse"). A hedge is solved against one method; every other figure it
 * moves is listed here when it moves the wrong way, so a SPAN hedge that lifts Standard IM from
 * 0.41 to 1.61 BTC says so. One rule for every hedging method (margin, reduce, Greeks, ES):
 * - method: a margining group's IM or MM under any method (or the house add-ons) rises;
 * - pool: a pool's IM or MM utilisation under any method rises (equity falls by what the trades
 *   cost, so a method the hedge does not help shows here too);
 * - stress: a scenario's book P&L falls.
 * "Rises" means by more than 1e-9 of the figure's size (at least 1e-9 absolute): float noise in a
 * figure the trades do not touch is not a worsening. A figure only after the trades (a new group
 * or pool) counts from 0; a utilisation with no equity left is infinite (after: null).
 */
import type { HealthRowDiff, MarginRowDiff, Pair, StressDiff } from '../whatif/book-diff'

export interface Worsening {
  kind: 'method' | 'pool' | 'stress'
  /** The margining group, the pool, or the stress scenario. */
  name: string
  /** The margin method (or 'add-ons'); null for a stress scenario. */
  method: string | null
  measure: 'IM' | 'MM' | 'IM utilisation' | 'MM utilisation' | 'P&L'
  before: number
  /** null: infinite (a utilisation with margin due and no equity). */
  after: number | null
  /** The group's currency, '%' (utilisation, 100 = all of equity) or 'USD' (stress P&L). */
  unit: string
}

/** Relative tolerance of a worsening (see the module comment). */
export const WORSENING_TOLERANCE = 1e-9

const rises = (before: number, after: number): boolean => after - before > WORSENING_TOLERANCE * Math.max(1, Math.abs(before), Math.abs(after))

const amounts = (p: Pair): [number, number] => [p.base ?? 0, p.other ?? 0]

function methodRows(rows: readonly MarginRowDiff[]): Worsening[] {
  return rows.flatMap((r) =>
    (['IM', 'MM'] as const).flatMap((measure) => {
      const [before, after] = amounts(measure === 'IM' ? r.initialMargin : r.maintenanceMargin)
      return rises(before, after) ? [{ kind: 'method' as const, name: r.group, method: r.method, measure, before, after, unit: r.currency }] : []
    })
  )
}

/** A utilisation side as a percentage: absent → 0, present but null → infinite. */
const utilisation = (value: number | null, present: boolean): number => (!present ? 0 : value === null ? Infinity : value * 100)

function poolRows(rows: readonly HealthRowDiff[]): Worsening[] {
  return rows.flatMap((r) =>
    (['IM utilisation', 'MM utilisation'] as const).flatMap((measure) => {
      const p = measure === 'IM utilisation' ? r.imUtilisation : r.mmUtilisation
      const before = utilisation(p.base, r.statusBase !== null)
      const after = utilisation(p.other, r.statusOther !== null)
      const worse = after === Infinity ? before !== Infinity : before !== Infinity && rises(before, after)
      return worse ? [{ kind: 'pool' as const, name: r.pool, method: r.method, measure, before, after: Number.isFinite(after) ? after : null, unit: '%' }] : []
    })
  )
}

function stressRows(rows: readonly StressDiff[]): Worsening[] {
  return rows.flatMap((r) => {
    const [before, after] = amounts(r.pnlUsd)
    return rises(-before, -after) ? [{ kind: 'stress' as const, name: r.scenario, method: null, measure: 'P&L' as const, before, after, unit: 'USD' }] : []
  })
}

const MEASURES: Worsening['measure'][] = ['IM', 'MM', 'IM utilisation', 'MM utilisation', 'P&L']

/**
 * Every figure the trades make worse: methods, then pools, then stress scenarios; within each, the
 * largest relative change first, a method's (or pool's) IM before its MM.
 */
export function worsenings(diff: { margin: readonly MarginRowDiff[]; health: readonly HealthRowDiff[] }, stress: readonly StressDiff[]): Worsening[] {
  const score = (w: Worsening): number => Math.abs((w.after ?? Infinity) - w.before) / Math.max(1, Math.abs(w.before))
  const ranked = (xs: Worsening[]): Worsening[] => {
    const key = (w: Worsening): string => `${w.name}\u0000${w.method ?? ''}`
    const best = new Map<string, number>()
    for (const w of xs) best.set(key(w), Math.max(best.get(key(w)) ?? 0, score(w)))
    return xs
      .map((w) => ({ w, g: best.get(key(w))!, k: key(w), m: MEASURES.indexOf(w.measure) }))
      .sort((a, b) => b.g - a.g || (a.k < b.k ? -1 : a.k > b.k ? 1 : 0) || a.m - b.m)
      .map((x) => x.w)
  }
  return [...ranked(methodRows(diff.margin)), ...ranked(poolRows(diff.health)), ...ranked(stressRows(stress))]
}
