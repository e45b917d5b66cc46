/**
 * "Would this margin have held?" (docs/METHODOLOGY.md §5.12): roll a method over the imported
 * history and compare each day's requirement with the realised h-day loss of the same book.
 *
 * The book is the one held today at today's market (a constant-notional hypothetical portfolio, as
 * in CCP model backtests on hypothetical portfolios): each historical window applies its relative
 * price moves (and vol-index moves, where imported) to today's positions, with the holding period's
 * decay. So:
 * - historical-simulation VaR sets each day's requirement from the lookback windows known that day
 *   (no look-ahead), optionally with the stressed floor and the 25 % buffer;
 * - a margin method's requirement is the method on today's book and market: its scanning
 *   parameters are fixed, so the requirement is the same every day and the test asks how often a
 *   realised loss exceeded it. Only positions the method margins are in that book.
 * Amounts are in today's USD (coin requirements at today's index).
 */
import { isUsdLike } from '../engine/market/currency'
import type { MarketView } from '../engine/market/market-view'
import type { HeldPosition } from '../book/positions-repository'
import { buildModelState, modelResult } from '../engine/margin/additive-model'
import { MARGIN_METHODS, type MarginMethod } from '../engine/margin/margin-result'
import { backtestSeries, rollingHistoricalVar } from '../engine/risk/backtest'
import type { BacktestStats, TrafficLight } from '../engine/risk/backtest-stats'
import { backtestWindow, cutRuleText, type HistoryWindow } from '../engine/risk/as-of-cut'
import { groupModels, marginGroups, type MarginOptions } from './margin-service'
import { marginParamSets } from './margin-params'
import { alignedAsOf, bookPnlUsd, historicalSet, historyAsOf, valuedPositions, type HistoryInput, type RunOptions, type VarReport } from './var-service'

export type BacktestMethod = 'hs-var' | MarginMethod

export const BACKTEST_METHODS: readonly BacktestMethod[] = ['hs-var', ...MARGIN_METHODS]

export interface BacktestOptions {
  method: BacktestMethod
  horizonDays: 1 | 2
  /** Exception rate tested is 1 − confidence; the VaR's confidence for hs-var. Default 99 %. */
  confidence?: number
  /** hs-var: days in each day's lookback (default 365). */
  lookbackDays?: number
  /** First and last decision day tested (UTC, YYYY-MM-DD; default the whole history). */
  from?: string
  to?: string
  stressedFloor?: boolean
  apcBuffer?: boolean
  useVolIndex?: boolean
  /** Margin parameter override (the book's saved sets) and its source for errors. */
  params?: MarginOptions['params']
  paramsSource?: string
}

export interface BacktestReport {
  method: BacktestMethod
  label: string
  currency: 'USD'
  horizonDays: number
  confidence: number
  lookbackDays: number | null
  requirementRule: string
  volMoves: string
  history: VarReport['history']
  /** The days tested, on history cut at the market's as-of (no look-ahead). */
  window: HistoryWindow
  positions: { positionIds: number[]; symbols: string[] }
  notCovered: VarReport['notCovered']
  days: string[]
  requirement: Float64Array
  realisedLoss: Float64Array
  exception: Uint8Array
  stats: BacktestStats
  zoneCounts: Record<TrafficLight, number>
  durationMs: number
}

const METHOD_LABEL: Record<BacktestMethod, string> = {
  'hs-var': 'Historical-simulation VaR',
  standard: 'Deribit standard margin',
  span: 'SPAN-style margin (house)',
  'deribit-pm': 'Deribit portfolio margin (replica)',
  'okx-pm': 'OKX portfolio margin (replica)',
  'derive-pm': 'Derive portfolio margin PMRM_2 (replica)',
  greeks: 'Greeks-based margin'
}

export async function backtest(held: readonly HeldPosition[], view: MarketView, loaded: HistoryInput, o: BacktestOptions, run: RunOptions = {}): Promise<BacktestReport> {
  const started = performance.now()
  const confidence = o.confidence ?? 0.99
  let book = held
  const notCovered: VarReport['notCovered'] = []
  let marginUsd = Number.NaN
  if (o.method !== 'hs-var') {
    // The positions this method margins, and its requirement today in USD.
    const sets = marginParamSets(o.params, o.paramsSource)
    const covered = new Set<number>()
    marginUsd = 0
    for (const g of marginGroups(held, view, notCovered)) {
      const model = groupModels(g, view, sets, [o.method])[0]
      if (!model) {
        for (const p of g.held) notCovered.push({ account: p.accountName, symbol: p.instrument.symbol, reason: `${METHOD_LABEL[o.method]} does not margin ${g.venue} ${g.currency} positions` })
        continue
      }
      const result = modelResult(buildModelState(model, g.positions))
      marginUsd += result.initialMargin * (isUsdLike(g.currency) ? 1 : view.curves.get(g.currency)!.indexUsd)
      for (const p of g.held) covered.add(p.positionId)
    }
    book = held.filter((p) => covered.has(p.positionId))
    if (!book.length) throw new Error(`no position of the book is margined by ${METHOD_LABEL[o.method]}`)
  }
  const { valued, underlyings, notCovered: unvalued } = valuedPositions(book, view)
  notCovered.push(...unvalued)
  if (!valued.length) throw new Error('no position can be valued: a backtest needs at least one priced position')
  // Today's book over the history its market could know: nothing after the as-of (engine/risk/as-of-cut.ts).
  const { history, cuts } = historyAsOf(loaded, view.snapshot, underlyings)
  const aligned = alignedAsOf(history, underlyings, cuts)
  const { scenarios, volMoves } = historicalSet(aligned, history, underlyings, { horizonDays: o.horizonDays, useVolIndex: o.useVolIndex })
  const windowPnl = (await bookPnlUsd(valued, view, underlyings, scenarios, run)).portfolio
  const days = aligned.days
  const lookbackDays = o.method === 'hs-var' ? (o.lookbackDays ?? 365) : null
  const requirement =
    lookbackDays === null
      ? new Float64Array(days.length).fill(marginUsd)
      : rollingHistoricalVar(windowPnl, days.length, { confidence, horizonDays: o.horizonDays, lookbackWindows: lookbackDays, stressedFloor: o.stressedFloor, apcBuffer: o.apcBuffer })
  const dayIndex = (d: string | undefined, fallback: number, first: boolean): number => {
    if (d === undefined) return fallback
    const i = first ? days.findIndex((x) => x >= d) : days.findLastIndex((x) => x <= d)
    if (i < 0) throw new Error(`no history ${first ? 'from' : 'up to'} ${d}: the imported history runs ${days[0]} … ${days.at(-1)} up to the market's as-of (${cutRuleText(cuts)})`)
    return i
  }
  const series = backtestSeries(requirement, windowPnl, confidence, dayIndex(o.from, 0, true), dayIndex(o.to, days.length - 1, false))
  const zoneCounts = { green: 0, yellow: 0, red: 0 }
  for (const w of series.stats.windows) zoneCounts[w.zone]++
  const rule =
    lookbackDays === null
      ? "today's requirement of today's book and market (fixed parameters: the same every day)"
      : [`${(confidence * 100).toFixed(1)} % ${o.horizonDays}-day VaR over the last ${lookbackDays} windows known each day`, o.stressedFloor ? 'floored at the worst lookback so far' : '', o.apcBuffer ? '+25 % anti-procyclicality buffer' : ''].filter(Boolean).join(', ')
  return {
    method: o.method,
    label: METHOD_LABEL[o.method],
    currency: 'USD',
    horizonDays: o.horizonDays,
    confidence,
    lookbackDays,
    requirementRule: rule,
    volMoves,
    history: { firstDay: days[0]!, lastDay: days.at(-1)!, days: days.length, series: history.sources.filter((s) => underlyings.includes(s.underlying)) },
    window: backtestWindow(Array.from(series.dayIndex, (t) => days[t]!), days, o.horizonDays, cuts),
    positions: { positionIds: valued.map((p) => p.positionId), symbols: valued.map((p) => p.instrument.symbol) },
    notCovered,
    days: Array.from(series.dayIndex, (t) => days[t]!),
    requirement: series.requirement,
    realisedLoss: series.realisedLoss,
    exception: series.exception,
    stats: series.stats,
    zoneCounts,
    durationMs: performance.now() - started
  }
}
