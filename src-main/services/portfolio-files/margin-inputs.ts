/**
 * The inputs of a margin run from files and/or the book: positions from a portfolio file or the
 * book, the market from a market file or the book's snapshot, parameters from --params or the
 * market file over the sets saved in the book. `cli margin|var|stress|backtest` with files.
 */
import type { BookMarginResponse } from '@contract/api'
import type { BookDb } from '../../book/database'
import { listBalances, type AccountBalance } from '../../book/balances-repository'
import { listHeldPositions, type HeldPosition } from '../../book/positions-repository'
import type { MarginMethod } from '../../engine/margin/margin-result'
import { buildMarketView, type MarketView } from '../../engine/market/market-view'
import { bookMargin, type MarginOptions } from '../margin-service'
import { marginView } from '../margin-view'
import { bookParamsOverride } from '../margin-params-store'
import { paramsNotes, SHIPPED_DERIBIT_PM_SETS, shippedDeribitPmSet } from '../margin-params'
import { parseJsonText } from './json-file'
import { bookSnapshot, readMarketFile } from './market-file'
import { heldPositions, portfolioBalances, readPortfolioFile } from './portfolio-file'
import { readTextFile } from './text-file'

export interface MarginFiles {
  portfolio?: string
  market?: string
  params?: string
  method: MarginMethod | 'all'
}

export interface MarginInputs {
  held: HeldPosition[]
  view: MarketView
  options: MarginOptions
  /**
   * `--params A,B,…`: the run under each (a shipped Deribit PM set's id or a parameter file), for
   * margin side by side; the main run is A's.
   */
  compare?: { params: string; value: unknown; source: string }[]
}

/** One parameter choice of a comparison and every margin result under it. */
export interface ParamsComparison {
  params: string
  results: { account: string; riskUnit: string | null; currency: string; method: string; initialMargin: number | null; maintenanceMargin: number | null; paramsId: string }[]
}

/**
 * One `--params` item: a shipped Deribit PM set's id (SHIPPED_DERIBIT_PM_SETS) selects it for the
 * "deribit-pm" kind; anything else is a parameter file (the project's override document or a
 * Deribit pme/simulate or pme/get_params response).
 */
function paramsItem(item: string): { value: unknown; source: string } {
  if (shippedDeribitPmSet(item)) return { value: { 'deribit-pm': item }, source: `shipped set ${item}` }
  return { value: parseJsonText(readTextFile(item), item), source: item }
}

/**
 * Positions, market and options of one run. Each of positions and market comes from its file when
 * given, else from the book; collateral comes with the positions; --params replaces the market
 * file's own overrides.
 */
export function readMarginInputs(files: MarginFiles, book?: { db: BookDb; bookId: number }): MarginInputs {
  const requireBook = (what: string): { db: BookDb; bookId: number } => {
    if (!book) throw new Error(`no book to take the ${what} from`)
    return book
  }
  const marketFile = files.market === undefined ? undefined : readMarketFile(readTextFile(files.market), files.market)
  let snapshot = marketFile?.snapshot
  if (!snapshot) {
    const { db, bookId } = requireBook('market')
    snapshot = bookSnapshot(db, bookId)
  }
  const view = buildMarketView(snapshot)
  const items = files.params === undefined ? [] : files.params.split(',').map((x) => x.trim()).filter((x) => x !== '')
  if (files.params !== undefined && items.length === 0) throw new Error('--params: name a parameter file or a shipped set (' + SHIPPED_DERIBIT_PM_SETS.map((e) => e.id).join(', ') + ')')
  const chosen = items.map((item) => ({ params: item, ...paramsItem(item) }))
  const explicit = chosen.length === 0 ? { source: files.market, value: marketFile?.params } : { source: chosen[0]!.source, value: chosen[0]!.value }
  // A run with a book starts from the parameter sets saved in it; the files replace them kind by kind.
  const withBook = (e: { source: string | undefined; value: unknown }): { source: string | undefined; value: unknown } =>
    book ? { source: e.source ?? 'the margin parameters saved in the book file', value: bookParamsOverride(book.db, e.value, e.source) } : e
  const params = withBook(explicit)
  const compare = chosen.length > 1 ? chosen.map((c) => ({ params: c.params, ...(withBook(c) as { source: string; value: unknown }) })) : undefined
  let held: HeldPosition[]
  let balances: AccountBalance[] | undefined
  if (files.portfolio !== undefined) {
    const portfolio = readPortfolioFile(readTextFile(files.portfolio), files.portfolio)
    held = heldPositions(portfolio, view)
    balances = portfolioBalances(portfolio)
  } else {
    const { db, bookId } = requireBook('positions')
    held = listHeldPositions(db, bookId)
    balances = listBalances(db, bookId)
  }
  return {
    held,
    view,
    options: {
      ...(files.method === 'all' ? {} : { methods: [files.method] }),
      ...(params.value === undefined ? {} : { params: params.value, paramsSource: params.source }),
      ...(balances === undefined ? {} : { balances })
    },
    ...(compare ? { compare } : {})
  }
}

/** A margin run; with several --params, also the results under each, side by side (paramsComparison). */
export function marginReport({ held, view, options, compare }: MarginInputs): BookMarginResponse & { paramsComparison?: ParamsComparison[]; deribitPmParams?: ReturnType<typeof paramsNotes> } {
  const margin = { marketId: view.snapshot.id, ...marginView(bookMargin(held, view, options)) }
  // The Deribit PM set a venue document or a shipped id chose: its date, source and notes (what it left unread).
  const pmSet = options.params === undefined ? null : paramsNotes(options.params, options.paramsSource)
  const report = pmSet ? { ...margin, deribitPmParams: pmSet } : margin
  if (!compare) return report
  const paramsComparison = compare.map((c, i) => {
    // The first choice is the main run: its results are the report's own.
    const run = i === 0 ? report : marginView(bookMargin(held, view, { ...options, params: c.value, paramsSource: c.source, liquidation: false, addOns: false }))
    return {
      params: c.params,
      results: run.accounts.flatMap((a) => a.results.map((r) => ({ account: a.account, riskUnit: a.riskUnit, currency: r.currency, method: r.method, initialMargin: r.initialMargin, maintenanceMargin: r.maintenanceMargin, paramsId: r.paramsId })))
    }
  })
  return { ...report, paramsComparison }
}
