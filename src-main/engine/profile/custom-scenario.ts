/**
 * A trader's own scenario (the scenario editor): per underlying a price move and a vol shift
 * (absolute points or relative, optionally with the square-root term response: short expiries move
 * more), valued at a date. Each underlying's legs are swept by the revaluation kernel with that
 * underlying's vol move; options expired by the date are at their payoff.
 */
import { precomputeScenarios, revalueRows } from '../scenarios/revalue'
import type { ScenarioSet } from '../scenarios/scenario-set'
import { DAYS_PER_YEAR } from '../pricing/black76'
import type { ProfileBook } from './profile-book'

/** Reference tenor of the term response: a 30-day option takes the shift as given. */
export const TERM_REF_DAYS = 30

export interface UnderlyingShock {
  /** Relative price move (−0.1 = −10 %). */
  move: number
  /** Absolute vol shift as a fraction (0.05 = +5 vol points). */
  volAbs: number
  /** Relative vol shift (0.1 = vols × 1.1). */
  volRel: number
  termResponse: boolean
}

export interface CustomScenario {
  days: number
  shocks: Record<string, UnderlyingShock>
}

/** Each row's P&L in its settlement currency and in USD (coin at the scenario's moved index). */
export function customScenarioPnl(book: ProfileBook, s: CustomScenario): { settle: Float64Array; usd: Float64Array } {
  const priceMoves = Float64Array.from(book.underlyings, (u) => s.shocks[u]?.move ?? 0)
  const settle = new Float64Array(book.arrays.count)
  book.underlyings.forEach((u, k) => {
    const shock = s.shocks[u]
    const set: ScenarioSet = {
      id: `custom-${u}`,
      underlyings: book.underlyings,
      count: 1,
      priceMoves,
      volAbs: Float64Array.of(shock?.volAbs ?? 0),
      volRel: Float64Array.of(shock?.volRel ?? 0),
      timeShiftYears: Float64Array.of(s.days / DAYS_PER_YEAR),
      volTerm: shock?.termResponse ? { refDays: TERM_REF_DAYS, power: 0.5 } : null,
      labels: [u]
    }
    revalueRows(book.arrays, set, precomputeScenarios(set), book.rowStart[k]!, book.rowEnd[k]!, settle)
  })
  const usd = settle.map((x, r) => {
    const c = book.arrays.currencyIndex[r]!
    const u = book.currencyUnderlying[c]!
    return x * book.currencyUsd[c]! * (u < 0 ? 1 : 1 + priceMoves[u]!)
  })
  return { settle, usd }
}
