/**
 * The P&L explorer's curves: a book's USD P&L against one underlying's move, at a date and a
 * parallel vol shift, by the revaluation kernel itself (revalue.ts: full Black-76, no Taylor).
 * Legs whose expiry is on or before the date are worth their payoff at the moved price, frozen:
 * the kernel values t ≤ 0 at intrinsic, so an expired leg never carries time value or vega.
 *
 * Built for the slider: an evaluator collapses the underlying's legs once (profile-rows.ts: one row
 * per strike, calls and puts paired) and each redraw is one sweep over those rows with no
 * allocation (bench and e2e measure it). pnl-profile-reference.ts keeps the sweep over every leg by
 * revalueRows itself, the twin the tests hold this one equal to.
 */
import { precomputeScenarios, type ScenarioPrecompute } from '../scenarios/revalue'
import type { ScenarioSet } from '../scenarios/scenario-set'
import { DAYS_PER_YEAR } from '../pricing/black76'
import type { ProfileBook } from './profile-book'
import { addProfileRows, collapseProfileRows, profileGrid, type ProfileGrid, type ProfileRows } from './profile-rows'

export type { ProfileBook } from './profile-book'

/** The explorer's and the report's x axis: the underlying's move from −50 % to +50 % in 1 % steps. */
export const PROFILE_MOVES: readonly number[] = Array.from({ length: 101 }, (_, k) => Math.round((-0.5 + k * 0.01) * 1e6) / 1e6)

export interface ProfileEvaluator {
  book: ProfileBook
  underlyingIndex: number
  /** Relative moves of the underlying (−0.2 = −20 %): the x axis. */
  moves: Float64Array
  /** The same curve as a scenario set of the kernel (the reference sweep and the bench read it). */
  set: ScenarioSet
  pre: ScenarioPrecompute
  /** The underlying's legs collapsed (profile-rows.ts) and the price grid they are swept over. */
  rows: ProfileRows
  grid: ProfileGrid
  /** USD per unit of each currency at each move. */
  rates: Float64Array[]
}

export function profileEvaluator(book: ProfileBook, underlying: string, moves: readonly number[]): ProfileEvaluator {
  const u = book.underlyings.indexOf(underlying)
  if (u < 0) throw new RangeError(`the book has no ${underlying} positions`)
  const U = book.underlyings.length
  const S = moves.length
  const priceMoves = new Float64Array(S * U)
  moves.forEach((m, j) => (priceMoves[j * U + u] = m))
  const set: ScenarioSet = {
    id: `profile-${underlying}`,
    underlyings: book.underlyings,
    count: S,
    priceMoves,
    volAbs: new Float64Array(S),
    volRel: new Float64Array(S),
    timeShiftYears: new Float64Array(S),
    volTerm: null,
    labels: moves.map((m) => `${underlying} ${(m * 100).toFixed(1)} %`)
  }
  const rates = book.currencyUsd.map((usd, c) => Float64Array.from(moves, (m) => (book.currencyUnderlying[c] === u ? usd * (1 + m) : usd)))
  return {
    book,
    underlyingIndex: u,
    moves: Float64Array.from(moves),
    set,
    pre: precomputeScenarios(set),
    rows: collapseProfileRows(book.arrays, book.rowStart[u]!, book.rowEnd[u]!),
    grid: profileGrid(moves),
    rates
  }
}

export interface ProfileAt {
  /** Calendar days after the snapshot (fractions allowed). */
  days: number
  /** Parallel vol shift in vol points (+5 = every leg's vol + 0.05), floored at the kernel's minimum vol. */
  volShiftPts: number
}

/** Portfolio P&L in USD at each move of the evaluator (gain positive), into `out`. */
export function evaluateProfile(ev: ProfileEvaluator, at: ProfileAt, out = new Float64Array(ev.moves.length)): Float64Array {
  out.fill(0)
  addProfileRows(ev.rows, ev.grid, at.days / DAYS_PER_YEAR, at.volShiftPts / 100, ev.rates, out)
  return out
}

/** Moves where the P&L crosses zero (linear interpolation between grid points). */
export function breakevens(moves: ArrayLike<number>, pnl: ArrayLike<number>): number[] {
  const out: number[] = []
  for (let j = 1; j < pnl.length; j++) {
    const a = pnl[j - 1]!
    const b = pnl[j]!
    if (a === 0 && j === 1) out.push(moves[0]!)
    if ((a < 0 && b >= 0) || (a > 0 && b <= 0)) {
      if (b === 0) out.push(moves[j]!)
      else out.push(moves[j - 1]! + ((moves[j]! - moves[j - 1]!) * a) / (a - b))
    }
  }
  return out
}

/** The worst point of the curve on the grid. */
export function trough(moves: ArrayLike<number>, pnl: ArrayLike<number>): { move: number; pnl: number } {
  let k = 0
  for (let j = 1; j < pnl.length; j++) if (pnl[j]! < pnl[k]!) k = j
  return { move: moves[k]!, pnl: pnl[k]! }
}

export interface LegAt {
  symbol: string
  account: string
  sizeContracts: number
  /** 'expired': settled at its payoff on or before the date; 'live' otherwise. */
  state: 'live' | 'expired'
  daysLeft: number | null
}

/** Each of the underlying's legs at the date: alive with its days left, or expired (at payoff). */
export function legsAt(book: ProfileBook, underlying: string, days: number): LegAt[] {
  const u = book.underlyings.indexOf(underlying)
  const dateMs = book.asOfMs + days * 86_400_000
  return book.legs.slice(book.rowStart[u], book.rowEnd[u]).map((l) => ({
    symbol: l.symbol,
    account: l.account,
    sizeContracts: l.sizeContracts,
    state: l.expiryMs !== null && l.expiryMs <= dateMs ? 'expired' : 'live',
    daysLeft: l.expiryMs === null ? null : (l.expiryMs - dateMs) / 86_400_000
  }))
}

/** Days from the snapshot to each distinct expiry of the underlying's legs, ascending. */
export function expiryDays(book: ProfileBook, underlying: string): number[] {
  const u = book.underlyings.indexOf(underlying)
  const days = new Set(book.legs.slice(book.rowStart[u], book.rowEnd[u]).flatMap((l) => (l.expiryMs === null ? [] : [(l.expiryMs - book.asOfMs) / 86_400_000])))
  return [...days].sort((a, b) => a - b)
}
