/**
 * The services behind the API contract, shared by both hosts (Electron IPC and the browser host)
 * and by the CLI. Each domain's handlers live beside it (services/<domain>/handlers.ts) and cover
 * exactly the methods of its contract file (src-preload/contract/<domain>.ts); this module only
 * builds their shared context and merges the slices. Handlers receive requests already validated
 * by dispatch().
 */
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
import { classifyBookError, readOnlyMessage, BookDamagedError, BookReadOnlyError } from '../book/book-errors'

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
  const handlers: Handlers = guardBookFile(opts.book, {
    ...commonHandlers(ctx),
    ...booksHandlers(ctx),
    ...cashHandlers(ctx),
    ...positionsHandlers(ctx),
    ...importHandlers(ctx),
    ...marginHandlers(ctx),
    ...riskHandlers(ctx),
    ...whatifHandlers(ctx),
    ...hedgeHandlers(ctx),
    ...lazyReportHandlers(ctx)
  })
  return {
    handlers,
    events,
    db: ctx.db,
    async close() {
      unsubscribe()
      ctx.tasks.abortAll()
      await ctx.printer.close()
      await ctx.pool.close()
      ctx.db.close()
    }
  }
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
