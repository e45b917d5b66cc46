/**
 * Stress tests of a book (docs/METHODOLOGY.md §5.8): every scenario of the stress library —
 * worst historical moves and named episodes from the imported history, hypothetical shocks — by
 * full revaluation, in USD per scenario and per position. A scenario's underlying the history does
 * not cover stays unmoved and is listed with the scenario.
 */
import type { BookDb } from '../book/database'
import type { HeldPosition } from '../book/positions-repository'
import type { MarketView } from '../engine/market/market-view'
import type { DailySeries } from '../engine/risk/history'
import { stressScenarios, stressScenarioSet, type StressLibrary, type StressScenario } from '../engine/risk/stress'
import { asOfCuts, cutRuleText, cutSeries, type AsOfCut } from '../engine/risk/as-of-cut'
import { availableHistory, positionPnlUsd, valuedPositions, type RunOptions, type VarReport } from './var-service'

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
  /** The history the historical scenarios were drawn from, cut at the market's as-of (no look-ahead). */
  historyWindow: StressHistoryWindow
  notCovered: VarReport['notCovered']
}

export interface StressHistoryWindow {
  /** The newest daily close any historical scenario could use (null without history). */
  lastDay: string | null
  /** Per underlying with history: the days left after the cut. */
  byUnderlying: { underlying: string; firstDay: string; lastDay: string }[]
  cuts: AsOfCut[]
  /** Library episodes that end after every underlying's last allowed close: left out, the market cannot know them yet. */
  episodesLeftOut: string[]
  text: string
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

/**
 * The history cut at each underlying's as-of (engine/risk/as-of-cut.ts), and the library without
 * the episodes that end after every underlying's last allowed close: a market as of 2024-03-12
 * cannot replay August 2024, and an episode with no underlying moved would still age the book by
 * its length, a scenario that never happened.
 */
export function stressHistoryAsOf(history: StressHistory, market: MarketView['snapshot'], underlyings: readonly string[], library: StressLibrary): { history: StressHistory; library: StressLibrary; window: StressHistoryWindow } {
  const cuts = asOfCuts(market, underlyings)
  const cut = (r: Record<string, DailySeries>): Record<string, DailySeries> => Object.fromEntries(Object.entries(r).map(([u, s]) => [u, cutSeries([s], cuts)[0]!]))
  const prices = cut(history.prices)
  const newest = cuts.map((c) => c.lastAllowedDay).sort().at(-1) ?? ''
  const episodesLeftOut = library.episodes.filter((e) => e.to > newest).map((e) => `${e.name} (${e.from} → ${e.to})`)
  const byUnderlying = underlyings.flatMap((u) => (prices[u]?.days.length ? [{ underlying: u, firstDay: prices[u].days[0]!, lastDay: prices[u].days.at(-1)! }] : []))
  const lastDay = byUnderlying.map((b) => b.lastDay).sort().at(-1) ?? null
  const text = [
    lastDay ? `historical scenarios from closes up to ${lastDay} (${byUnderlying.map((b) => `${b.underlying} ${b.firstDay} → ${b.lastDay}`).join(', ')})` : 'no history: hypothetical scenarios only',
    cutRuleText(cuts),
    episodesLeftOut.length ? `left out, after the as-of: ${episodesLeftOut.join(', ')}` : ''
  ].filter(Boolean).join('; ')
  return {
    history: { ...history, prices, volIndex: cut(history.volIndex) },
    library: { ...library, episodes: library.episodes.filter((e) => e.to <= newest) },
    window: { lastDay, byUnderlying, cuts, episodesLeftOut, text }
  }
}

export async function stressTest(held: readonly HeldPosition[], view: MarketView, loaded: StressHistory, fullLibrary: StressLibrary, run: RunOptions = {}): Promise<StressReport> {
  const { valued, underlyings, notCovered } = valuedPositions(held, view)
  if (!valued.length) throw new Error('no position can be valued: a stress test needs at least one priced position')
  const { history, library, window } = stressHistoryAsOf(loaded, view.snapshot, underlyings, fullLibrary)
  const defs = stressScenarios(library, underlyings, history.prices, history.volIndex)
  if (!defs.length) throw new Error(`stress library ${library.id} has no scenario for ${underlyings.join(', ')}`)
  const set = stressScenarioSet(`${library.id}@${view.snapshot.id}`, underlyings, defs)
  // Stress sets are a few dozen scenarios: positions × scenarios is small, and the report shows it.
  const usd = await positionPnlUsd(valued, view, underlyings, set, run)
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
    historyWindow: window,
    notCovered
  }
}
