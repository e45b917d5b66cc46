/**
 * Weight of a scenario's vol shift for a row `years` from expiry (scenario-set.ts, VolTermStructure):
 * (refDays / days)^power, days floored at one hour; 1 without a term structure or once expired.
 * Shared by the JS and WebAssembly kernels so both use the same Math.pow.
 */
import type { VolTermStructure } from './scenario-set'

export function volTermWeight(term: VolTermStructure | null, years: number): number {
  return term && term.power !== 0 && years > 0 ? Math.pow(term.refDays / Math.max(years * 365, 1 / 24), term.power) : 1
}
