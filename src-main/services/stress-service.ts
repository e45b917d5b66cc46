/**
 * Stress tests of a book (../shared/METHODOLOGY.md §5.8): every scenario of the stress library —
 * worst historical moves and named episodes from the imported history, hypothetical shocks — by
 * full revaluation, in USD per scenario and per position. A scenario's underlying the history does
 * not cover stays unmoved and is listed with the scenario.
 */
import type { BookDb } from '../book/database'
import type { HeldPosition } from '../book/positions-repository'
import type { MarketView } from '../engine/market/market-view'
import type { DailySeries } from '../engine/risk/history'
import { stressScenarios, stressScenarioSet, type StressLibrary, type StressScenario } from '../engine/risk/stress'
import { availableHistory, bookPnlUsd, valuedPositions, type VarReport } from './var-service'

export interface StressReport {
  libraryId: string
  currency: 'USD'
  underlyings: string[]
  /** Scenarios sorted by book P&L, worst first. */
  scenarios: (StressScenario & { pnl: number })[]
  positionIds: number[]
  accounts: string[]
  symbols: string[]
  /** Per scenario (same order as `scenarios`), each position's P&L in USD. */
  positionPnl: Float64Array[]
  historyNote: string
  notCovered: VarReport['notCovered']
}

export interface StressHistory {
  prices: Record<string, DailySeries>
  volIndex: Record<string, DailySeries>
  note: string
}

/** Whatever daily history the book file has for the underlyings (stress runs without it: hypothetical only). */
export function stressHistory(db: BookDb, underlyings: readonly string[]): StressHistory {
  const h = availableHistory(db, underlyings)
  const notes = [...h.sources.map((s) => `${s.underlying}/${s.quoteCurrency} ${s.source}`), ...h.missing.map((u) => `no ${u} history (historical scenarios leave ${u} unmoved)`)]
  return { prices: Object.fromEntries(h.series.map((s) => [s.underlying, s])), volIndex: h.volIndex, note: notes.join(', ') }
}

export async function stressTest(held: readonly HeldPosition[], view: MarketView, history: StressHistory, library: StressLibrary): Promise<StressReport> {
  const { valued, underlyings, notCovered } = valuedPositions(held, view)
  if (!valued.length) throw new Error('no position can be valued: a stress test needs at least one priced position')
  const defs = stressScenarios(library, underlyings, history.prices, history.volIndex)
  if (!defs.length) throw new Error(`stress library ${library.id} has no scenario for ${underlyings.join(', ')}`)
  const set = stressScenarioSet(`${library.id}@${view.snapshot.id}`, underlyings, defs)
  const usd = await bookPnlUsd(valued, view, underlyings, set)
  const n = valued.length
  const S = set.count
  const order = Array.from({ length: S }, (_, j) => j).sort((a, b) => usd.portfolio[a]! - usd.portfolio[b]!)
  return {
    libraryId: library.id,
    currency: 'USD',
    underlyings,
    scenarios: order.map((j) => ({ ...defs[j]!, pnl: usd.portfolio[j]! })),
    positionIds: valued.map((p) => p.positionId),
    accounts: valued.map((p) => p.accountName),
    symbols: valued.map((p) => p.instrument.symbol),
    positionPnl: order.map((j) => Float64Array.from({ length: n }, (_, r) => usd.rows[r * S + j]!)),
    historyNote: history.note,
    notCovered
  }
}
