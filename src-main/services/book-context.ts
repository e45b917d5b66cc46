/**
 * One request, one book context: the book, its held positions, the market view it is valued on,
 * the margin parameters saved in the file, balances and, on demand, the daily history and the
 * stress library. Each is read at most once per request and only when a handler asks for it, and
 * "no market snapshot" is raised here alone.
 */
import type { BookDb } from '../book/database'
import { findBook, type BookRecord } from '../book/books-repository'
import { listHeldPositions, type HeldPosition } from '../book/positions-repository'
import { loadMarketSnapshot } from '../book/market-repository'
import { listBalances } from '../book/balances-repository'
import { buildMarketView, type MarketView } from '../engine/market/market-view'
import type { MarketSnapshotData } from '../engine/market/snapshot'
import { bookParamsOverride } from './margin-params-store'
import { marginParamSets } from './margin-params'
import { bookHistory, valuedPositions } from './var-service'
import { stressHistory } from './stress-service'
import { MissingDataError, NotFoundError } from './errors'

/** A book that cannot be valued: it has no market snapshot yet. */
export class NoMarketError extends MissingDataError {
  constructor(bookName: string) {
    super(`book "${bookName}" has no market snapshot: import an option chain first`)
    this.name = 'NoMarketError'
  }
}

/** The margin parameters saved in the book file, and how results name their source. */
export interface StoredParams {
  params: unknown
  paramsSource: string
}

export interface BookContext {
  readonly db: BookDb
  readonly book: BookRecord
  /** The book's market snapshot, or undefined before the first chain import. */
  readonly market: MarketSnapshotData | undefined
  /** The engine's view of that market; throws NoMarketError when there is none. */
  readonly view: MarketView
  readonly held: readonly HeldPosition[]
  readonly balances: ReturnType<typeof listBalances>
  readonly params: StoredParams
  /** The stress library of the parameter sets in force. */
  readonly stressLibrary: ReturnType<typeof marginParamSets>['stress']
  /** Daily history of the underlyings the book's valued positions need (an underlying without one is an error). */
  readonly history: ReturnType<typeof bookHistory>
  /** The same history as stress tests read it: an underlying without one is left unmoved and named. */
  readonly stressHistory: ReturnType<typeof stressHistory>
}

/** The margin parameters a book file holds, whichever book asks. */
export const storedParams = (db: BookDb): StoredParams => ({ params: bookParamsOverride(db), paramsSource: 'the margin parameters saved in this book file' })

/** Read once, on first use. */
function lazy<T>(load: () => T): () => T {
  let done = false
  let value: T
  return () => {
    if (!done) {
      value = load()
      done = true
    }
    return value
  }
}

/**
 * Book contexts over one book file. Market views are cached across requests by snapshot id:
 * snapshots are immutable, so a view built once stays right.
 */
export function bookContexts(db: BookDb): (bookId: number) => BookContext {
  const views = new Map<string, MarketView>()
  const viewOf = (market: MarketSnapshotData): MarketView => {
    let view = views.get(market.id)
    if (!view) views.set(market.id, (view = buildMarketView(market)))
    return view
  }
  return (bookId) => {
    const book = findBook(db, bookId)
    if (!book) throw new NotFoundError(`book ${bookId} does not exist`)
    const market = lazy(() => (book.marketSnapshotId ? loadMarketSnapshot(db, book.marketSnapshotId) : undefined))
    const view = lazy(() => {
      const m = market()
      if (!m) throw new NoMarketError(book.name)
      return viewOf(m)
    })
    const held = lazy(() => listHeldPositions(db, bookId))
    const balances = lazy(() => listBalances(db, bookId))
    const params = lazy(() => storedParams(db))
    const stressLibrary = lazy(() => marginParamSets(params().params, params().paramsSource).stress)
    const underlyings = lazy(() => valuedPositions(held(), view()).underlyings)
    const history = lazy(() => bookHistory(db, underlyings()))
    const stress = lazy(() => stressHistory(db, underlyings()))
    return {
      db,
      book,
      get market() {
        return market()
      },
      get view() {
        return view()
      },
      get held() {
        return held()
      },
      get balances() {
        return balances()
      },
      get params() {
        return params()
      },
      get stressLibrary() {
        return stressLibrary()
      },
      get history() {
        return history()
      },
      get stressHistory() {
        return stress()
      }
    }
  }
}
