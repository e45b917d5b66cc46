/**
 * The margin report: gather the book's results through the same services the workstation's views
 * call (margin, P&L profile, stress, VaR, backtest, hedges, positions), then print the one HTML
 * template to PDF. Scoped to one account when asked: every section is then computed on that
 * account's positions and balances alone. Long steps report progress and honour cancel.
 */
import { underlyingAsOf, underlyingSource } from '../engine/market/merge-snapshots'
import type { BookDb } from '../book/database'
import type { AccountBalance } from '../book/balances-repository'
import type { BookRecord } from '../book/books-repository'
import { findAccountByName } from '../book/accounts-repository'
import type { HeldPosition } from '../book/positions-repository'
import type { MarketView } from '../engine/market/market-view'
import { breakevens, evaluateProfile, expiryDays, PROFILE_MOVES, profileEvaluator, trough } from '../engine/profile/pnl-profile'
import type { PdfPrinter, PrintOptions } from '../reports/pdf/pdf-printer'
import { reportHtml } from '../reports/margin-report/report-html'
import type { MarginReportModel, PageSize, ParamSetLine, PositionsAppendix, ProfileCurve, ReportHedge, Unavailable } from '../reports/margin-report/report-model'
import { positionsSummary } from '../reports/margin-report/positions-summary'
import { bookMargin, type MarginOptions } from './margin-service'
import { marginView } from './margin-view'
import { marginParamSets } from './margin-params'
import { stressHistory, stressTest } from './stress-service'
import { bookHistory, valueAtRisk, valuedPositions } from './var-service'
import { backtest } from './backtest-service'
import { backtestView, stressView, varView } from './risk-views'
import { profileModel } from './whatif/explorer-service'
import { toPositionRow } from './positions-view'
import { suggestHedge } from './hedge/hedge-service'
import { reviewTrades } from './hedge/hedge-review'
import { MARGIN_METHODS } from '../engine/margin/margin-result'
import { TaskCancelledError, type WorkerPool } from '../workers/pool'
import { DEFAULT_EOD_UTC, explainBook, explainInstant } from './explain/explain-service'
import { explainView } from './explain/explain-view'
import { reportExplain } from '../reports/margin-report/explain-section'
import type { ReportExplainRequest } from '@contract/report'

export interface ReportOptions {
  pageSize: PageSize
  /** Only this account's positions and balances; the whole book when absent. */
  account?: string
  /** VaR/ES and the HS-VaR backtest on the imported history (a section saying why not, without history). */
  statistics: boolean
  /** The margin-minimising hedge of every group margined by a method the hedger solves. */
  hedges: boolean
  /** Appendix A: a summary (default; a 10,000-position list is 150 pages) or every position. */
  positionsAppendix?: PositionsAppendix
  /** Section 9, the P&L explain (issue 22 §2); absent: no section. No dates: the last day (reportExplainDates). */
  explain?: ReportExplainRequest
}

export interface ReportInputs {
  db: BookDb
  book: Pick<BookRecord, 'id' | 'name' | 'kind'>
  held: readonly HeldPosition[]
  view: MarketView
  balances: readonly AccountBalance[]
  params: MarginOptions['params']
  paramsSource: string
  paramSets: readonly ParamSetLine[]
  appVersion: string
  now: Date
}

export interface ReportRun {
  /** The worker pool for the VaR and backtest revaluations (in-process without one). */
  pool?: WorkerPool
  signal?: AbortSignal
  onProgress?: (done: number, total: number) => void
}


const unavailable = (e: unknown): Unavailable => ({ unavailable: (e as Error).message })

/** A section's body, or why it could not be produced; cancellation still cancels the report. */
async function section<T>(signal: AbortSignal | undefined, body: () => Promise<T> | T): Promise<T | Unavailable> {
  try {
    return await body()
  } catch (e) {
    if (signal?.aborted) throw e
    return unavailable(e)
  }
}

function profileCurves(held: readonly HeldPosition[], view: MarketView): ProfileCurve[] {
  const { book } = profileModel(held, view)
  return book.underlyings.map((u, k) => {
    const ev = profileEvaluator(book, u, PROFILE_MOVES)
    const now = Array.from(evaluateProfile(ev, { days: 0, volShiftPts: 0 }))
    const first = expiryDays(book, u)[0]
    const atExpiry =
      first === undefined ? null : { label: `at ${new Date(book.asOfMs + first * 86_400_000).toISOString().slice(0, 10)} expiry`, pnlUsd: Array.from(evaluateProfile(ev, { days: first, volShiftPts: 0 })) }
    const t = trough(ev.moves, now)
    return {
      underlying: u,
      indexUsd: book.indexUsd[k]!,
      movesPct: PROFILE_MOVES.map((m) => Math.round(m * 100 * 1e6) / 1e6),
      nowUsd: now,
      atExpiry,
      breakevensPct: breakevens(ev.moves, now).map((b) => b * 100),
      trough: { movePct: t.move * 100, pnlUsd: t.pnl }
    }
  })
}

/** The report's data: the same numbers the workstation shows for this book and market. */
export async function marginReportModel(inputs: ReportInputs, o: ReportOptions, run: ReportRun = {}): Promise<MarginReportModel> {
  const { db, view } = inputs
  const { signal } = run
  const held = o.account === undefined ? inputs.held : inputs.held.filter((p) => p.accountName === o.account)
  const balances = o.account === undefined ? inputs.balances : inputs.balances.filter((b) => b.accountName === o.account)
  const accountNames = [...new Set([...inputs.held.map((p) => p.accountName), ...inputs.balances.map((b) => b.accountName)])]
  if (o.account !== undefined && !accountNames.includes(o.account)) {
    throw new Error(`account "${o.account}" has no positions or balances in book "${inputs.book.name}" (accounts: ${accountNames.join(', ') || 'none'})`)
  }
  const total = 4 + (o.statistics ? 2 : 0) + (o.hedges ? 1 : 0) + (o.explain ? 1 : 0)
  let done = 0
  const step = () => {
    if (signal?.aborted) throw new TaskCancelledError('margin report')
    run.onProgress?.(++done, total)
  }
  const marginOptions = { balances, params: inputs.params, paramsSource: inputs.paramsSource }
  const margin = bookMargin(held, view, marginOptions)
  const { notCovered, health, accounts } = marginView(margin)
  step()
  const profiles = profileCurves(held, view)
  step()
  const { underlyings } = valuedPositions(held, view)
  const stress = await section(signal, async () => {
    if (!underlyings.length) throw new Error('no priced positions to stress')
    return stressView(await stressTest(held, view, stressHistory(db, underlyings), marginParamSets(inputs.params, inputs.paramsSource).stress))
  })
  step()
  let varResult: MarginReportModel['valueAtRisk'] = null
  let backtestResult: MarginReportModel['backtest'] = null
  if (o.statistics) {
    const history = await section(signal, () => bookHistory(db, underlyings))
    varResult = await section(signal, async () => {
      if ('unavailable' in history) throw new Error(history.unavailable)
      // The workstation's defaults: 1-day historical simulation at 99 % and 99.5 %.
      return varView(await valueAtRisk(held, view, history, { method: 'historical', horizonDays: 1, confidences: [0.99, 0.995] }, { pool: run.pool, signal }))
    })
    step()
    backtestResult = await section(signal, async () => {
      if ('unavailable' in history) throw new Error(history.unavailable)
      const { durationMs: _, ...b } = backtestView(await backtest(held, view, history, { method: 'hs-var', horizonDays: 1, confidence: 0.99, params: inputs.params, paramsSource: inputs.paramsSource }, { pool: run.pool, signal }))
      return b
    })
    step()
  }
  let hedges: ReportHedge[] | null = null
  if (o.hedges) {
    hedges = []
    for (const g of accounts) {
      const method = health.find((h) => h.pool === g.pool)?.method
      if (!method || !(MARGIN_METHODS as readonly string[]).includes(method)) continue
      const result = await section(signal, async () => {
        const s = await suggestHedge(db, held, view, { account: g.account, currency: g.currency, riskUnit: g.riskUnit, method, params: inputs.params, paramsSource: inputs.paramsSource }, { signal })
        // The workstation's own review of the trades: what they make worse, cost against equity.
        const r = await reviewTrades({ db, bookId: inputs.book.id, held, balances, view, params: inputs.params, paramsSource: inputs.paramsSource }, g.account, s.trades)
        return {
          lpScope: s.lpScope,
          candidates: s.candidates,
          trades: s.trades.map((t, k) => ({ symbol: t.symbol, side: r.fills[k]!.side, contracts: Math.abs(t.contracts), costUsd: t.costUsd, fillPrice: r.fills[k]!.fillPrice, priceCurrency: r.fills[k]!.priceCurrency })),
          before: s.before,
          after: s.after,
          costTotal: s.costTotal,
          worsens: r.worsens,
          reconciliation: r.reconciliation
        }
      })
      hedges.push({ account: g.account, currency: g.currency, riskUnit: g.riskUnit, method, result })
    }
    step()
  }
  let explain: MarginReportModel['explain'] = null
  if (o.explain) {
    const ask = o.explain
    explain = await section(signal, () => {
      const eodUtc = ask.eodUtc ?? DEFAULT_EOD_UTC
      const dates = reportExplainDates(ask, view.snapshot.asOfMs, eodUtc)
      // The section prints the aggregates: no per-position rows.
      return reportExplain(explainView(explainBook(db, { bookId: inputs.book.id, ...dates, eodUtc }), false), o.account ?? null)
    })
    step()
  }
  const market = view.snapshot
  const venues = new Map(held.map((p) => [p.accountName, p.venue]))
  const positions = held.map((p) => toPositionRow(p, market, view))
  const marginLines = { notCovered, health, accounts }
  const model: MarginReportModel = {
    pageSize: o.pageSize,
    generatedAtUtc: inputs.now.toISOString(),
    appVersion: inputs.appVersion,
    book: { id: inputs.book.id, name: inputs.book.name, kind: inputs.book.kind },
    account: o.account ?? null,
    accounts: (o.account === undefined ? accountNames : [o.account]).map((name) => ({ name, venue: venues.get(name) ?? accountVenue(db, inputs.book.id, name) })),
    market: {
      id: market.id,
      asOfUtc: new Date(market.asOfMs).toISOString(),
      source: market.source,
      underlyings: Object.entries(underlyingAsOf(market)).sort(([a], [b]) => a.localeCompare(b)).map(([underlying, ms]) => ({ underlying, asOfUtc: new Date(ms).toISOString(), source: underlyingSource(market)[underlying]! }))
    },
    paramSets: [...inputs.paramSets],
    margin: marginLines,
    profiles,
    stress,
    valueAtRisk: varResult,
    backtest: backtestResult,
    hedges,
    positions,
    positionsAppendix: o.positionsAppendix ?? 'summary',
    positionsSummary: positionsSummary(positions, marginLines, market.indexUsd),
    explain
  }
  step()
  return model
}

const DAY_MS = 24 * 3600 * 1000

/**
 * The explain's dates when the request leaves them out — the last day: `to` the end of day at or
 * after the report's market (so that market values it; the explain takes the newest market at or
 * before each instant), `from` one day before `to`. The workstation's explain view defaults alike.
 */
export function reportExplainDates(ask: ReportExplainRequest, marketAsOfMs: number, eodUtc: string): { fromUtc: string; toUtc: string } {
  let toUtc = ask.toUtc
  if (toUtc === undefined) {
    const eodThatDay = Date.parse(`${new Date(marketAsOfMs).toISOString().slice(0, 10)}T${eodUtc}:00Z`)
    toUtc = new Date(eodThatDay >= marketAsOfMs ? eodThatDay : eodThatDay + DAY_MS).toISOString().slice(0, 10)
  }
  const fromUtc = ask.fromUtc ?? new Date(explainInstant(toUtc, eodUtc, 'explain.toUtc') - DAY_MS).toISOString()
  return { fromUtc, toUtc }
}

function accountVenue(db: BookDb, bookId: number, name: string): string {
  return findAccountByName(db, bookId, name)?.venue ?? '—'
}

/** The report as PDF bytes, and the HTML it was printed from (kept for tests and diagnostics). */
export async function printMarginReport(model: MarginReportModel, printer: PdfPrinter): Promise<{ pdf: Uint8Array; html: string }> {
  const html = reportHtml(model)
  return { pdf: await printer.print(html, reportPrintOptions(model)), html }
}

/** Tagged, except with the full positions list (pdf-printer.ts, PrintOptions.tagged: why). */
export const reportPrintOptions = (model: Pick<MarginReportModel, 'positionsAppendix'>): PrintOptions => ({ tagged: model.positionsAppendix !== 'full' })
