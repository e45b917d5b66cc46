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
import { chromiumPrinter } from '../reports/pdf/chromium-printer'
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
import { reportHandlers } from './report/handlers'

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
    printer: opts.printer ?? chromiumPrinter(),
    tasks: createTasks(opts.pool, events),
    bookContext: bookContexts(opts.book.db)
  }
  const handlers: Handlers = {
    ...commonHandlers(ctx),
    ...booksHandlers(ctx),
    ...cashHandlers(ctx),
    ...positionsHandlers(ctx),
    ...importHandlers(ctx),
    ...marginHandlers(ctx),
    ...riskHandlers(ctx),
    ...whatifHandlers(ctx),
    ...hedgeHandlers(ctx),
    ...reportHandlers(ctx)
  }
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
