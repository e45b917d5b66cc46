/**
 * VaR and ES of a book (docs/METHODOLOGY.md §5.6–5.7, §5.10): scenarios from the imported daily
 * history (historical simulation, optionally filtered, vols moved by an imported vol index) or from
 * a Student-t Monte Carlo on the history's EWMA covariance; full revaluation of every position (in
 * the worker pool when one is given, with progress and cancel); results in USD with Euler component
 * ES per position. Positions that cannot be valued are listed, never dropped silently.
 */
import { MissingDataError } from './errors'
import type { BookDb } from '../book/database'
import { chosenPriceSeries, loadPriceSeries, loadVolIndex } from '../book/history-repository'
import type { HeldPosition } from '../book/positions-repository'
import type { Instrument } from '../engine/instruments/instrument'
import { resolvePosition } from '../engine/positions/resolve-position'
import type { MarketView } from '../engine/market/market-view'
import { alignHistory, dailyLogReturns, ewmaCovariance, lastDays, type AlignedHistory, type DailySeries } from '../engine/risk/history'
import { asOfCuts, calibrationWindow, cutRuleText, cutSeries, historicalWindow, type AsOfCut, type HistoryWindow } from '../engine/risk/as-of-cut'
import type { MarketSnapshotData } from '../engine/market/snapshot'
import { studentTMoves, type CorrelationChoice } from '../engine/risk/monte-carlo'
import { historicalScenarioSet, monteCarloScenarioSet } from '../engine/risk/scenario-sets'
import { APC_BUFFER, stressedWindowVar } from '../engine/risk/backtest'
import { componentEs, componentVar, esStandardError, lossOrder, onColumns, tailRisk, tailScenarios, varStandardError } from '../engine/risk/tail-risk'
import { buildPortfolioArrays, type PortfolioArrays } from '../engine/scenarios/portfolio-arrays'
import type { ScenarioSet } from '../engine/scenarios/scenario-set'
import { bookPnl, positionsPnl, type BookPnl, type ScenarioRun } from './risk/scenario-pnl'

export interface VarOptions {
  method: 'historical' | 'monte-carlo'
  /** Margin period of risk, days. */
  horizonDays: 1 | 2
  /** Days of history used (default: all aligned days). */
  lookbackDays?: number
  /** Confidence levels (default 99 % and 99.5 %). */
  confidences?: number[]
  /** Historical: EWMA λ for filtered HS (omit for plain HS). */
  ewmaLambda?: number
  /** Historical: move option vols with an imported vol index (DVOL) when there is one (default true). */
  useVolIndex?: boolean
  /** Monte Carlo. */
  simulations?: number
  seed?: number
  nu?: number
  correlation?: CorrelationChoice
  /** Historical: floor VaR at the worst lookback-long run of the whole history (§5.6). */
  stressedFloor?: boolean
  /** Add the 25 % anti-procyclicality buffer to the requirement (§5.6). */
  apcBuffer?: boolean
}

export interface VarLevel {
  confidence: number
  valueAtRisk: number
  expectedShortfall: number
  /** Sampling standard errors of the estimates (order-statistic for VaR, tail spread for ES; NaN when the tail is too small). */
  varStandardError: number
  esStandardError: number
  varScenario: string
  /** VaR of the worst lookback-long run of history (the stressed floor), when asked for. */
  stressedVar: number | null
  /** What a margin set by this VaR would be: max(VaR, stressed floor) × (1 + APC buffer) as asked. */
  requirement: number
}

export interface VarReport {
  method: VarOptions['method']
  currency: 'USD'
  horizonDays: number
  scenarioSetId: string
  scenarios: number
  history: { firstDay: string; lastDay: string; days: number; series: { underlying: string; quoteCurrency: string; source: string }[] }
  /** The windows (historical) or calibration period (Monte Carlo) used, cut at the market's as-of. */
  window: HistoryWindow
  volMoves: string
  levels: VarLevel[]
  /** How `requirement` is set from VaR. */
  requirementRule: string
  /** Portfolio P&L per scenario, USD (gain positive). */
  pnl: Float64Array
  labels: string[]
  /** Per valued position (positionIds order): component ES at each level (same order as levels). */
  positionIds: number[]
  symbols: string[]
  componentEs: Float64Array[]
  /** Per valued position: component VaR at each level (its loss in the VaR scenario; adds up to VaR). */
  componentVar: Float64Array[]
  notCovered: { account: string; symbol: string; reason: string }[]
}

export interface HistoryInput {
  series: DailySeries[]
  sources: { underlying: string; quoteCurrency: string; source: string }[]
  volIndex: Record<string, DailySeries>
}

/**
 * Whatever daily history the book file has for the underlyings (USD-quoted and longest first, see
 * chosenPriceSeries), and the underlyings it has none for.
 */
export function availableHistory(db: BookDb, underlyings: readonly string[]): HistoryInput & { missing: string[] } {
  const found = underlyings.map((u) => [u, chosenPriceSeries(db, u)] as const)
  const sources = found.flatMap(([, s]) => (s ? [s] : []))
  const volIndex: Record<string, DailySeries> = {}
  for (const u of underlyings) {
    const v = loadVolIndex(db, u)
    if (v) volIndex[u] = v
  }
  return {
    series: sources.map((s) => loadPriceSeries(db, s)),
    sources: sources.map(({ underlying, quoteCurrency, source }) => ({ underlying, quoteCurrency, source })),
    volIndex,
    missing: found.filter(([, s]) => !s).map(([u]) => u)
  }
}

/** The book file's history for the given underlyings; a missing one is an error saying what to import. */
export function bookHistory(db: BookDb, underlyings: readonly string[]): HistoryInput {
  const { missing, ...history } = availableHistory(db, underlyings)
  if (missing.length) throw new MissingDataError(`no daily price history for ${missing[0]}: import one (Import view, or cli import FILE), e.g. a Yahoo or Binance daily ${missing[0]} file`)
  return history
}

/**
 * The history a market as of its snapshot's instant could have known: every price series and vol
 * index cut at its underlying's own as-of (engine/risk/as-of-cut.ts states the rule). Every
 * statistic of a book (VaR/ES, stress, backtests, the ES hedge) runs on this, whoever loaded the
 * history, so none can look ahead of the market it revalues.
 */
export function historyAsOf(history: HistoryInput, market: Pick<MarketSnapshotData, 'asOfMs' | 'asOfByUnderlying'>, underlyings: readonly string[]): { history: HistoryInput; cuts: AsOfCut[] } {
  const cuts = asOfCuts(market, underlyings)
  const volIndex = Object.fromEntries(Object.entries(history.volIndex).map(([u, v]) => [u, cutSeries([v], cuts)[0]!]))
  return { history: { ...history, series: cutSeries(history.series, cuts), volIndex }, cuts }
}

/** The aligned history of the underlyings up to the market's as-of; a series missing, or empty after the cut, says what to import. */
export function alignedAsOf(history: HistoryInput, underlyings: readonly string[], cuts: readonly AsOfCut[]): AlignedHistory {
  const bySeries = new Map(history.series.map((s) => [s.underlying, s]))
  return alignHistory(
    underlyings.map((u) => {
      const s = bySeries.get(u) ?? missing(u)
      if (!s.days.length) throw new Error(`no daily ${u} close up to the market's as-of: ${cutRuleText(cuts.filter((c) => c.underlying === u))}; import older ${u} history`)
      return s
    })
  )
}

/** The vol index on the history's days (NaN where it has none), and how many h-day windows it covers. */
function alignedVolIndex(h: AlignedHistory, v: DailySeries, horizonDays: number): { closes: Float64Array; windows: number } {
  const byDay = new Map(v.days.map((d, i) => [d, v.closes[i]!]))
  const closes = Float64Array.from(h.days, (d) => byDay.get(d) ?? Number.NaN)
  let windows = 0
  for (let t = 0; t + horizonDays < closes.length; t++) if (closes[t]! > 0 && closes[t + horizonDays]! > 0) windows++
  return { closes, windows }
}

const STICKY = 'implied vols slide along today\'s smile with the move (sticky moneyness)'

/** The historical scenario set over `h`, vols moved by the vol index where it covers (unless turned off). */
export function historicalSet(h: AlignedHistory, history: HistoryInput, underlyings: readonly string[], opts: Pick<VarOptions, 'horizonDays' | 'ewmaLambda' | 'useVolIndex'>): { scenarios: ScenarioSet; volMoves: string } {
  const volIndex: Record<string, Float64Array> = {}
  const covered: string[] = []
  if (opts.useVolIndex !== false)
    for (const u of underlyings) {
      if (!history.volIndex[u]) continue
      const v = alignedVolIndex(h, history.volIndex[u], opts.horizonDays)
      if (!v.windows) continue
      volIndex[u] = v.closes
      covered.push(`${u} on ${v.windows.toLocaleString('en-US')} of ${(h.days.length - opts.horizonDays).toLocaleString('en-US')} windows`)
    }
  return {
    scenarios: historicalScenarioSet(h, { horizonDays: opts.horizonDays, ewmaLambda: opts.ewmaLambda, volIndex }),
    volMoves: `${STICKY}${covered.length ? `; their level moves with the vol index (DVOL): ${covered.join(', ')}; unchanged elsewhere` : ''}`
  }
}

/** Student-t paths on the EWMA covariance of the aligned history, scaled to the horizon (§5.7). */
export function monteCarloSet(h: AlignedHistory, underlyings: string[], opts: Pick<VarOptions, 'horizonDays' | 'simulations' | 'seed' | 'nu' | 'correlation'>): ScenarioSet {
  const u = underlyings.length
  const cov = ewmaCovariance(h.closes.map((c) => dailyLogReturns(c))).map((x) => x * opts.horizonDays)
  const seed = opts.seed ?? 1
  const moves = studentTMoves(cov, u, { count: opts.simulations ?? 10_000, seed, nu: opts.nu ?? 4, correlation: opts.correlation ?? 'estimated' })
  return monteCarloScenarioSet(underlyings, moves, opts.horizonDays, `mc-t${opts.nu ?? 4}-${opts.correlation ?? 'estimated'}-seed${seed}-n${moves.length / u}`)
}

/**
 * The priced positions and their underlyings; the rest listed with the reason. One resolve step
 * (engine/positions/resolve-position.ts) decides, as for margin and the positions grid: unknown
 * symbols, expired contracts awaiting settlement and positions the snapshot has no index or vol for
 * are not covered.
 */
export type ValuedPosition = HeldPosition & { instrument: Instrument }

export function valuedPositions(held: readonly HeldPosition[], view: MarketView): { valued: ValuedPosition[]; underlyings: string[]; notCovered: VarReport['notCovered'] } {
  const notCovered: VarReport['notCovered'] = []
  const valued: ValuedPosition[] = []
  for (const p of held) {
    const r = resolvePosition(p.instrument, p.sizeContracts, view)
    if (r.ok) valued.push({ ...p, instrument: r.instrument })
    else notCovered.push({ account: p.accountName, symbol: p.instrument.symbol, reason: r.message })
  }
  return { valued, underlyings: [...new Set(valued.map((p) => p.instrument.underlying))].sort(), notCovered }
}

/**
 * Full revaluation of the positions under a scenario set (in the pool when one is given), every
 * position's P&L converted to USD at the scenario's price of its currency, reduced a block of
 * positions at a time: the portfolio vector, and positions' P&L only on the scenarios asked for
 * (services/risk/scenario-pnl.ts). Never positions × scenarios in memory.
 */
export async function bookPnlUsd(valued: readonly ValuedPosition[], view: MarketView, underlyings: string[], scenarios: ScenarioSet, run: RunOptions = {}): Promise<BookPnl> {
  return bookPnl(positionArrays(valued, view, underlyings), scenarios, view, run)
}

/** As bookPnlUsd, with every position's USD P&L in every scenario (positions × scenarios): for small sets only (stress, hedge candidates). */
export async function positionPnlUsd(valued: readonly ValuedPosition[], view: MarketView, underlyings: string[], scenarios: ScenarioSet, run: RunOptions = {}): Promise<{ portfolio: Float64Array; rows: Float64Array }> {
  return positionsPnl(positionArrays(valued, view, underlyings), scenarios, view, run)
}

const positionArrays = (valued: readonly ValuedPosition[], view: MarketView, underlyings: string[]): PortfolioArrays =>
  buildPortfolioArrays(valued.map((p) => ({ instrument: p.instrument, sizeContracts: p.sizeContracts })), view, underlyings)

/** Pool, cancel and progress of a run; `fullMatrix` selects the whole-matrix reference twin (tests, the memory bench). */
export type RunOptions = ScenarioRun

export async function valueAtRisk(held: readonly HeldPosition[], view: MarketView, loaded: HistoryInput, opts: VarOptions, run: RunOptions = {}): Promise<VarReport> {
  const { valued, underlyings, notCovered } = valuedPositions(held, view)
  if (!valued.length) throw new Error('no position can be valued: VaR needs at least one priced position')
  const { history, cuts } = historyAsOf(loaded, view.snapshot, underlyings)
  const aligned = alignedAsOf(history, underlyings, cuts)
  if (opts.stressedFloor && opts.method !== 'historical') throw new Error('the stressed floor applies to historical simulation')
  const h = opts.lookbackDays ? lastDays(aligned, opts.lookbackDays + opts.horizonDays) : aligned
  if (h.days.length < 30) throw new Error(`only ${h.days.length} days of history common to ${underlyings.join(', ')} (${h.days[0] ?? '–'} … ${h.days.at(-1) ?? '–'}; ${cutRuleText(cuts)}): VaR needs at least 30`)

  let scenarios: ScenarioSet
  let volMoves = STICKY
  let floor: { valueAtRisk: (confidence: number) => number; label: string } | null = null
  if (opts.method === 'historical') {
    ;({ scenarios, volMoves } = historicalSet(h, history, underlyings, opts))
    if (opts.stressedFloor) {
      // The worst run of as many windows as the lookback over the whole imported history.
      const all = historicalSet(aligned, history, underlyings, opts).scenarios
      const allPnl = (await bookPnlUsd(valued, view, underlyings, all, { pool: run.pool, signal: run.signal, fullMatrix: run.fullMatrix })).portfolio
      const windows = scenarios.count
      floor = {
        valueAtRisk: (c) => stressedWindowVar(allPnl, windows, c).valueAtRisk,
        label: `stressed floor: the worst ${windows.toLocaleString('en-US')}-window run of ${aligned.days[0]} … ${aligned.days.at(-1)}`
      }
    }
  } else {
    scenarios = monteCarloSet(h, underlyings, opts)
  }

  const usd = await bookPnlUsd(valued, view, underlyings, scenarios, run)
  const order = lossOrder(usd.portfolio)
  const confidences = opts.confidences ?? [0.99, 0.995]
  const risks = confidences.map((c) => tailRisk(usd.portfolio, c, order))
  // Component ES and VaR read each position on the tail and VaR scenarios only: a second, small pass.
  const columns = tailScenarios(risks)
  const tailRows = await usd.positionsOn(columns)
  const requirement = (c: number, v: number): number => Math.max(v, floor?.valueAtRisk(c) ?? v) * (opts.apcBuffer ? 1 + APC_BUFFER : 1)
  return {
    method: opts.method,
    currency: 'USD',
    horizonDays: opts.horizonDays,
    scenarioSetId: scenarios.id,
    scenarios: scenarios.count,
    history: { firstDay: h.days[0]!, lastDay: h.days.at(-1)!, days: h.days.length, series: history.sources.filter((s) => underlyings.includes(s.underlying)) },
    window: opts.method === 'historical' ? historicalWindow(h.days, opts.horizonDays, cuts) : calibrationWindow(h.days, opts.horizonDays, cuts),
    volMoves,
    levels: risks.map((r) => ({
      confidence: r.confidence,
      valueAtRisk: r.valueAtRisk,
      expectedShortfall: r.expectedShortfall,
      varStandardError: varStandardError(usd.portfolio, r, order),
      esStandardError: esStandardError(usd.portfolio, r),
      varScenario: scenarios.labels[r.varIndex]!,
      stressedVar: floor ? floor.valueAtRisk(r.confidence) : null,
      requirement: requirement(r.confidence, r.valueAtRisk)
    })),
    requirementRule: [floor?.label, opts.apcBuffer ? `anti-procyclicality buffer +${APC_BUFFER * 100} %` : undefined].filter(Boolean).join('; ') || 'VaR',
    pnl: usd.portfolio,
    labels: scenarios.labels,
    positionIds: valued.map((p) => p.positionId),
    symbols: valued.map((p) => p.instrument.symbol),
    componentEs: risks.map((r) => componentEs(tailRows, valued.length, columns.length, onColumns(r, columns))),
    componentVar: risks.map((r) => componentVar(tailRows, valued.length, columns.length, onColumns(r, columns))),
    notCovered
  }
}

function missing(u: string): never {
  throw new Error(`no daily price history for ${u}: import one (Import view, or cli import FILE)`)
}
