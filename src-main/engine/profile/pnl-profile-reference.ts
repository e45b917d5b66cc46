/**
 * The P&L explorer's curve the plain way: every leg of the underlying revalued by the kernel
 * (revalue.ts revalueRows), then converted to USD and summed. The twin evaluateProfile
 * (pnl-profile.ts, collapsed rows) is tested equal to, and the bench's baseline.
 */
import { revalueRows } from '../scenarios/revalue'
import { DAYS_PER_YEAR } from '../pricing/black76'
import type { ProfileAt, ProfileEvaluator } from './pnl-profile'

export function evaluateProfileByLegs(ev: ProfileEvaluator, at: ProfileAt, out = new Float64Array(ev.moves.length), scratch?: Float64Array): Float64Array {
  const { book, set } = ev
  const S = set.count
  const start = book.rowStart[ev.underlyingIndex]!
  const end = book.rowEnd[ev.underlyingIndex]!
  const cells = scratch && scratch.length >= (end - start) * S ? scratch : new Float64Array((end - start) * S)
  set.volAbs.fill(at.volShiftPts / 100)
  set.timeShiftYears.fill(at.days / DAYS_PER_YEAR)
  revalueRows(book.arrays, set, ev.pre, start, end, cells, start)
  out.fill(0)
  const currency = book.arrays.currencyIndex
  for (let r = start; r < end; r++) {
    const rate = ev.rates[currency[r]!]!
    const base = (r - start) * S
    for (let j = 0; j < S; j++) out[j]! += cells[base + j]! * rate[j]!
  }
  return out
}
