/**
 * The services behind the API contract, shared by both hosts (Electron IPC and the browser host)
 * and by the CLI. Each domain's handlers live beside it (services/<domain>/handlers.ts) and cover
 * exactly the methods of its contract file (src-preload/contract/<domain>.ts); this module only
 * builds their shared context and merges the slices. Handlers receive requests already validated
 * by dispatch().
 */
import type { MethodName } from '@contract/api'
import type { OpenedBook } from '../book/database'
import type { WorkerPool } from '../workers/pool'
import type { PdfPrinter } from '../reports/pdf/pdf-printer'
import { lazyChromiumPrinter, lazyReportHandlers } from './lazy-modules'
import { EventBus } from './event-bus'
import { bookContexts } from './book-context'
import { createTasks, type Handlers, type ServiceContext } from './service-context'
import { commonHandlers } from './common/handlers'
import { booksHandlers } from './books/handlers'
import { cashHandlers } from './cash/handlers'
import { positionsHandlers } from './positions/handlers'
import { importHandlers } from './import/handlers'
import { marginHandlers } from './margin/handlers'
import { riskHandlers } from './risk/handlers'
import { whatifHandlers } from './whatif/handlers'
import { hedgeHandlers } from './hedge/handlers'
import { alertsHandlers, evaluateAfterChange, type AlertSources } from './alerts/handlers'
import { marketFetchHandlers, marketRefresher } from './market-fetch/handlers'
import { explainHandlers } from './explain/handlers'
import { venueSummaryHandlers } from './venue-summary/handlers'
import { classifyBookError, readOnlyMessage, BookDamagedError, BookReadOnlyError } from '../book/book-errors'
import { MissingDataError, NotFoundError } from './errors'

export type { Handlers } from './service-context'

export interface ServiceOptions {
  book: OpenedBook
  pool: WorkerPool
  host: 'electron' | 'browser'
  /** Prints the PDF report: Electron's printToPDF in the desktop app, else the system Chromium. */
  printer?: PdfPrinter
}

export interface Services {
  handlers: Handlers
  events: EventBus
  /** The book file's database, for tests and maintenance commands. */
  db: OpenedBook['db']
  /** Start the opt-in market refresh (the hosts do once started; never the CLI). Off in the settings, it sends nothing. */
  startMarketRefresh(): void
  /**
   * What follows a change made outside the API's methods (`cli import` writes the book itself):
   * the alerts of the books it moved, as after the method. `liveMarketBefore`: liveMarketOf() before it.
   */
  afterChange: AfterChange
  /** The live book's market snapshot id now (to hand afterChange). */
  liveMarketOf(): string | null
  close(): Promise<void>
}

export function createServices(opts: ServiceOptions): Services {
  const events = new EventBus()
  const unsubscribe = opts.pool.onStatus((status) => events.emit({ type: 'engine.status', status }))
  const ctx: ServiceContext = {
    file: opts.book,
    db: opts.book.db,
    pool: opts.pool,
    host: opts.host,
    events,
    // Started on the first report only: a session that prints nothing never launches a browser.
    printer: opts.printer ?? lazyChromiumPrinter(),
    tasks: createTasks(opts.pool, events),
    bookContext: bookContexts(opts.book.db)
  }
  const margin = marginHandlers(ctx)
  const positions = positionsHandlers(ctx)
  // The alerts read the book's margin through its memo (the answer the dashboard shows, computed once).
  const alertSources: AlertSources = { margin: async (bookId) => margin.bookMargin({ bookId }), positions: async (bookId) => positions.listPositions({ bookId }) }
  const afterChange = afterChangeOf(ctx, alertSources)
  const handlers: Handlers = guardBookFile(
    opts.book,
    evaluateAlertsAfterChanges(ctx, afterChange, {
      ...commonHandlers(ctx),
      ...booksHandlers(ctx),
      ...cashHandlers(ctx),
      ...positions,
      ...importHandlers(ctx),
      ...margin,
      ...riskHandlers(ctx),
      ...whatifHandlers(ctx),
      ...hedgeHandlers(ctx),
      ...lazyReportHandlers(ctx),
      ...alertsHandlers(ctx, alertSources),
      ...marketFetchHandlers(ctx),
      ...explainHandlers(ctx),
      ...venueSummaryHandlers(ctx, { margin: (bookId) => margin.bookMargin({ bookId }) })
    })
  )
  // A refresh goes through the API's own handler, so its alerts are evaluated as after Fetch now.
  const refresher = marketRefresher(ctx, { fetchNow: (req) => handlers.fetchMarketNow(req), onError: (e) => console.error(`market refresh: ${(e as Error).message}`) })
  return {
    handlers,
    events,
    db: ctx.db,
    startMarketRefresh: () => refresher.start(),
    afterChange,
    liveMarketOf: () => liveMarket(ctx.db),
    async close() {
      refresher.stop()
      unsubscribe()
      ctx.tasks.abortAll()
      await ctx.printer.close()
      await ctx.pool.close()
      ctx.db.close()
    }
  }
}

/**
 * Methods that change what a book's margin is computed from (positions, cash, market, parameters),
 * with the books whose alerts they can move: the request's book (a copy: the new book); an import
 * or fetch that moved the live book's market also moves every book that follows it; new
 * parameters, every book of the file. Their alerts are evaluated once the method has answered
 * (issue 22, §1); an evaluation that fails never fails the change itself, it is reported on stderr.
 */
type BooksMoved = (req: Record<string, unknown>, db: Services['db'], reply: unknown, liveMarketBefore: string | null) => number[]
const CHANGES_BOOKS: Partial<Record<MethodName, BooksMoved>> = {
  commitImport: (req, db, _reply, before) => withFollowers(db, Number(req.bookId), before),
  fetchMarketNow: (req, db, _reply, before) => withFollowers(db, Number(req.bookId), before),
  copyBook: (_req, _db, reply) => [(reply as { id: number }).id],
  setBookMarket: (req) => [Number(req.bookId)],
  setBalance: (req) => [Number(req.bookId)],
  applyTrades: (req) => [Number(req.bookId)],
  editPositions: (req) => [Number(req.bookId)],
  // A new demo book replaces the old one and its copies; no other book changed.
  restoreDemo: (_req, _db, reply) => [(reply as { id: number }).id],
  saveMarginParams: (_req, db) => allBooks(db),
  resetMarginParams: (_req, db) => allBooks(db)
}

const allBooks = (db: Services['db']): number[] => (db.prepare('SELECT id FROM books ORDER BY id').all() as { id: number }[]).map((r) => r.id)
const liveMarket = (db: Services['db']): string | null => (db.prepare("SELECT market_snapshot_id AS m FROM books WHERE kind = 'live'").get() as { m: string | null } | undefined)?.m ?? null

/** The book, and when it is the live book and its market changed, the books that follow that market. */
function withFollowers(db: Services['db'], bookId: number, liveMarketBefore: string | null): number[] {
  const isLive = (db.prepare("SELECT 1 FROM books WHERE id = ? AND kind = 'live'").get(bookId) ?? null) !== null
  if (!isLive || liveMarket(db) === liveMarketBefore) return [bookId]
  const followers = (db.prepare('SELECT id FROM books WHERE follows_live_market = 1').all() as { id: number }[]).map((r) => r.id)
  return [bookId, ...followers]
}

/**
 * What follows a change to the book file, whoever made it (the API's methods, `cli import`): the
 * margin alerts of the books it moved, evaluated and logged, `alerts.raised` sent.
 */
export type AfterChange = (method: MethodName, req: Record<string, unknown>, reply: unknown, liveMarketBefore: string | null) => Promise<void>

function afterChangeOf(ctx: ServiceContext, sources: AlertSources): AfterChange {
  return async (method, req, reply, liveMarketBefore) => {
    const booksOf = CHANGES_BOOKS[method]
    if (!booksOf) return
    const cause = method === 'commitImport' ? `import ${String(req.fileName ?? '')}`.trim() : (METHOD_CAUSES[method] ?? method)
    for (const bookId of booksOf(req, ctx.db, reply, liveMarketBefore)) {
      try {
        await evaluateAfterChange(ctx, sources, bookId, cause)
      } catch (e) {
        // A book without a market, one just deleted: nothing to evaluate. Anything else is said, never thrown at the change.
        if (!(e instanceof MissingDataError) && !(e instanceof NotFoundError)) console.error(`alerts of book ${bookId} after ${method}: ${(e as Error).message}`)
      }
    }
  }
}

function evaluateAlertsAfterChanges(ctx: ServiceContext, afterChange: AfterChange, handlers: Handlers): Handlers {
  const wrapped: Record<string, (req: never) => unknown> = { ...handlers }
  for (const method of Object.keys(CHANGES_BOOKS) as MethodName[]) {
    const handler = (handlers as unknown as Record<string, (req: never) => unknown>)[method]!
    wrapped[method] = async (req: never) => {
      const before = liveMarket(ctx.db)
      const reply = await handler(req)
      await afterChange(method, req as Record<string, unknown>, reply, before)
      return reply
    }
  }
  return wrapped as Handlers
}

const METHOD_CAUSES: Partial<Record<MethodName, string>> = {
  copyBook: 'book copied',
  setBookMarket: 'market changed',
  fetchMarketNow: 'market fetched',
  setBalance: 'cash edited',
  applyTrades: 'what-if trade',
  editPositions: 'what-if edit',
  restoreDemo: 'demo restored',
  saveMarginParams: 'margin parameters saved',
  resetMarginParams: 'margin parameters reset'
}

/**
 * Methods that open the book on a connection of their own (the import worker's), which a view-only
 * book's read-only flag does not cover (and which would migrate an old damaged file in place):
 * refused up front. Every other write goes through the book's connection and SQLite refuses it
 * there (SQLITE_READONLY).
 */
const WRITES_ELSEWHERE: ReadonlySet<string> = new Set(['commitImport', 'previewImport'])

/**
 * Every handler with the book file's errors made plain: SQLite's busy, read-only, corrupt and
 * full errors (also as rebuilt from a worker thread) become the book-errors classes, naming the
 * file, which dispatch maps to their API codes. On a damaged book an error reading it (a row that
 * decodes to broken JSON) is reported as the damage it is.
 */
function guardBookFile(book: OpenedBook, handlers: Handlers): Handlers {
  const guarded: Record<string, (req: never) => unknown> = {}
  for (const [method, handler] of Object.entries(handlers) as [string, (req: never) => unknown][]) {
    guarded[method] = async (req: never) => {
      if (book.state !== 'ok' && WRITES_ELSEWHERE.has(method)) {
        throw book.state === 'damaged' ? new BookDamagedError(readOnlyMessage(book), book.path) : new BookReadOnlyError(readOnlyMessage(book), book.path)
      }
      try {
        return await handler(req)
      } catch (e) {
        const typed = classifyBookError(e, book)
        if (typed) throw typed
        if (book.state === 'damaged' && e instanceof SyntaxError) {
          throw new BookDamagedError(`the book ${book.path} is damaged: a value read from it is unreadable (${e.message}). Save a repaired copy and open that`, book.path, null, e)
        }
        throw e
      }
    }
  }
  return guarded as Handlers
}
