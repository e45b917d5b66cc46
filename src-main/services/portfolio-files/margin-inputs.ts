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
  const explicit = files.params === undefined ? { source: files.market, value: marketFile?.params } : { source: files.params, value: parseJsonText(readTextFile(files.params), files.params) }
  // A run with a book starts from the parameter sets saved in it; the files replace them kind by kind.
  const params = book ? { source: explicit.source ?? 'the margin parameters saved in the book file', value: bookParamsOverride(book.db, explicit.value) } : explicit
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
    }
  }
}

export function marginReport({ held, view, options }: MarginInputs): BookMarginResponse {
  return { marketId: view.snapshot.id, ...marginView(bookMargin(held, view, options)) }
}
