/**
 * The services behind the API contract: one handler per method, shared by both hosts (Electron IPC
 * and the browser host) and by the CLI. Handlers receive requests already validated by dispatch().
 */
import type { MethodName, ParsedRequestOf, ResponseOf } from '@contract/api'
import { version as appVersion } from '../../package.json'
import type { OpenedBook } from '../book/database'
import { findBook, listBooks } from '../book/books-repository'
import { listHeldPositions } from '../book/positions-repository'
import { loadMarketSnapshot } from '../book/market-repository'
import { getUiState, setUiState } from '../book/ui-state-repository'
import type { WorkerPool } from '../workers/pool'
import { EventBus } from './event-bus'
import { NotFoundError } from './errors'
import { toPositionRow } from './positions-view'
import { runMatrixSelfTest } from './matrix-self-test'
import { marketDetail, marketSummary } from './market-detail'
import { commitImport, previewImport } from './import-service'
import { MARKET_FORMATS, STATEMENT_FORMATS } from '../importers/registry'
import { inspectCsv } from '../importers/formats/generic-csv'
import { bookMargin, scenarioDrill } from './margin-service'
import { marginView } from './margin-view'
import { bookParamsOverride, paramSetViews, resetParamSet, saveParamSet } from './margin-params-store'
import { listBalances } from '../book/balances-repository'
import { buildMarketView, type MarketView } from '../engine/market/market-view'
import type { MarketSnapshotData } from '../engine/market/snapshot'
import { marginParamSets } from './margin-params'
import { backtest } from './backtest-service'
import { stressHistory, stressTest } from './stress-service'
import { bookHistory, valueAtRisk, valuedPositions, type RunOptions } from './var-service'
import { backtestView, stressView, varView } from './risk-views'
import { copyBook, deleteBook, renameBook, requireWhatIf } from '../book/whatif-repository'
import { applyTrades, compareBooks, quoteTrades, resizeTickets, scaleTickets } from './whatif/whatif-service'
import { tradableInstruments, type ResolvedTicket } from './whatif/trade-ticket'
import { greeksGrid, profileJson, profileModel, runScenario } from './whatif/explorer-service'
import { deleteScenario, listSavedScenarios, saveScenario } from '../book/scenarios-repository'
import { ScenarioSpec } from '@contract/whatif'
import { describeInvalid } from './dispatch'
import { suggestHedge } from './hedge/hedge-service'
import { reduceToTarget } from './hedge/reduce-service'
import { greekHedge } from './hedge/greek-service'
import { esHedge } from './hedge/es-service'
import { reviewTrades } from './hedge/hedge-review'
import { bookSheets } from '../reports/book-export'
import { buildWorkbook, sheetCsv, workbookBuffer } from '../reports/workbook'
import { greeksByUnderlying, greeksDiff } from './whatif/book-diff'
import type { HeldPosition } from '../book/positions-repository'
import { marginReportModel, printMarginReport } from './report-service'
import type { PdfPrinter } from '../reports/pdf/pdf-printer'
import { chromiumPrinter } from '../reports/pdf/chromium-printer'
import { bookFileHandlers } from './books/book-file-handlers'

export type Handlers = {
  [M in MethodName]: (req: ParsedRequestOf<M>) => Promise<ResponseOf<M>> | ResponseOf<M>
}

/** A book or account name as part of a download's file name: runs of other characters become '-'. */
const fileSafe = (name: string): string => name.replace(/[^\w.-]+/g, '-')

/** A preview lists at most this many issues (the counts stay complete): the UI grid needs no more. */
const MAX_PREVIEW_ISSUES = 5000

export interface ServiceContext {
  book: OpenedBook
  pool: WorkerPool
  host: 'electron' | 'browser'
  events: EventBus
  /** Prints the PDF report: Electron's printToPDF in the desktop app, else the system Chromium. */
  printer?: PdfPrinter
}

export interface Services {
  handlers: Handlers
  events: EventBus
  /** The book, for services without an API method yet (CLI import). */
  db: OpenedBook['db']
  close(): Promise<void>
}

export function createServices(ctx: Omit<ServiceContext, 'events'>): Services {
  const events = new EventBus()
  const { db } = ctx.book
  const running = new Map<string, AbortController>()
  const unsubscribe = ctx.pool.onStatus((status) => events.emit({ type: 'engine.status', status }))
  // Started on the first report only: a session that prints nothing never launches a browser.
  const printer = ctx.printer ?? chromiumPrinter()

  const storedParams = () => ({ params: bookParamsOverride(db), paramsSource: 'the margin parameters saved in this book file' })

  // Snapshots are immutable, so a view built once per id stays right.
  const views = new Map<string, MarketView>()
  const viewOf = (market: MarketSnapshotData): MarketView => {
    let view = views.get(market.id)
    if (!view) views.set(market.id, (view = buildMarketView(market)))
    return view
  }

  const requireBook = (bookId: number) => {
    const book = findBook(db, bookId)
    if (!book) throw new NotFoundError(`book ${bookId} does not exist`)
    return book
  }
  const bookMarket = (bookId: number): MarketSnapshotData | undefined => {
    const book = requireBook(bookId)
    return book.marketSnapshotId ? loadMarketSnapshot(db, book.marketSnapshotId) : undefined
  }

  /** A cancellable run in the pool: progress as task.progress events, cancelTask aborts it. */
  const task = async <T>(taskId: string, body: (run: Required<RunOptions>) => Promise<T>): Promise<T> => {
    if (running.has(taskId)) throw new Error(`task ${taskId} is already running`)
    const controller = new AbortController()
    running.set(taskId, controller)
    try {
      return await body({ pool: ctx.pool, signal: controller.signal, onProgress: (done, total) => events.emit({ type: 'task.progress', taskId, done, total }) })
    } finally {
      running.delete(taskId)
    }
  }
  /**
   * A suggestion's trades (signed contracts) at the named account, reviewed as every hedging method
   * shows them (hedge/hedge-review.ts): the fills, every method, pool and stress scenario before →
   * after, what the trades make worse, and the cost reconciled with the equity change.
   */
  const review = async (bookId: number, view: MarketView, held: readonly HeldPosition[], account: string, trades: readonly { symbol: string; contracts: number }[]) => {
    if (!db.prepare('SELECT 1 FROM accounts WHERE book_id = ? AND name = ?').get(bookId, account)) throw new NotFoundError(`account ${account} is not in book ${bookId}`)
    const r = await reviewTrades({ db, bookId, held, balances: listBalances(db, bookId), view, ...storedParams() }, account, trades)
    const fill = (k: number) => ({ side: r.fills[k]!.side, markPrice: r.fills[k]!.markPrice, fillPrice: r.fills[k]!.fillPrice, priceCurrency: r.fills[k]!.priceCurrency })
    return { ...r, fill, reviewed: { diff: r.diff, worsens: r.worsens, reconciliation: r.reconciliation } }
  }
  /** A hedging solve: a cancellable task with progress when the caller names one, else a plain call. */
  const maybeTask = <T>(taskId: string | undefined, body: (run: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void }) => Promise<T>): Promise<T> =>
    taskId ? task(taskId, (run) => body({ signal: run.signal, onProgress: run.onProgress })) : body({})
  const bookInputs = (bookId: number): { held: ReturnType<typeof listHeldPositions>; view: MarketView } => {
    const market = bookMarket(bookId)
    if (!market) throw new Error(`book ${bookId} has no market snapshot: import an option chain first`)
    return { held: listHeldPositions(db, bookId), view: viewOf(market) }
  }

  const ticketView = (t: ResolvedTicket) => ({
    account: t.account,
    symbol: t.instrument.symbol,
    kind: t.instrument.kind,
    requestedContracts: t.requestedContracts,
    sizeContracts: t.sizeContracts,
    lotSize: t.instrument.lotSize,
    price: t.price,
    priceCurrency: t.priceCurrency,
    priceSource: t.priceSource,
    cashAmount: t.cashAmount,
    cashCurrency: t.cashCurrency,
    cashUsd: t.cashUsd,
    notionalUsd: t.notionalUsd
  })
  const bookView = (bookId: number) => requireBook(bookId)
  const marketOf = (bookId: number): MarketView => {
    const market = bookMarket(bookId)
    if (!market) throw new Error(`book ${bookId} has no market snapshot: import an option chain first`)
    return viewOf(market)
  }
  // Saved scenarios were validated when saved; one that no longer reads (an older or hand-edited
  // file) is listed with what is wrong, so the trader can see it and delete it, not silently dropped.
  const savedScenarios = () =>
    listSavedScenarios(db).map((r) => {
      const parsed = ScenarioSpec.safeParse(r.document)
      if (parsed.success) return { name: r.name, scenario: parsed.data, problem: null, updatedAtUtc: r.updatedAtUtc }
      const { field, message } = describeInvalid('saved scenario', parsed.error)
      return { name: r.name, scenario: null, problem: `${message} (field ${field})`, updatedAtUtc: r.updatedAtUtc }
    })

  const handlers: Handlers = {
    ...bookFileHandlers(ctx.book),
    appInfo: () => ({
      appVersion,
      host: ctx.host,
      bookPath: ctx.book.path,
      schemaVersion: ctx.book.schemaVersion,
      sqliteVersion: ctx.book.sqliteVersion,
      workerCount: ctx.pool.size
    }),
    listBooks: () => listBooks(db),
    listPositions: ({ bookId }) => {
      const market = bookMarket(bookId)
      return {
        bookId,
        marketSnapshotId: market?.id ?? null,
        asOfUtc: market ? new Date(market.asOfMs).toISOString() : null,
        rows: listHeldPositions(db, bookId).map((p) => toPositionRow(p, market, market && viewOf(market)))
      }
    },
    currentMarket: ({ bookId }) => {
      const market = bookMarket(bookId)
      return { snapshot: market ? marketSummary(viewOf(market)) : null }
    },
    marketDetail: ({ bookId }) => {
      const market = bookMarket(bookId)
      return market ? marketDetail(viewOf(market)) : { snapshot: null, underlyings: [] }
    },
    getUiState: ({ key }) => ({ key, value: getUiState(db, key) }),
    setUiState: ({ key, value }) => {
      setUiState(db, key, value)
      return { ok: true as const }
    },
    runMatrixSelfTest: (req) => task(req.taskId, (run) => runMatrixSelfTest(req, ctx.pool, run)),
    runVar: ({ taskId, bookId, confidences, ...opts }) =>
      task(taskId, async (run) => {
        const started = performance.now()
        const { held, view } = bookInputs(bookId)
        const report = await valueAtRisk(held, view, bookHistory(db, valuedPositions(held, view).underlyings), { ...opts, confidences }, run)
        return { ...varView(report), durationMs: performance.now() - started }
      }),
    runStress: async ({ bookId }) => {
      const { held, view } = bookInputs(bookId)
      const { params, paramsSource } = storedParams()
      const library = marginParamSets(params, paramsSource).stress
      return stressView(await stressTest(held, view, stressHistory(db, valuedPositions(held, view).underlyings), library))
    },
    runBacktest: ({ taskId, bookId, ...opts }) =>
      task(taskId, async (run) => {
        const { held, view } = bookInputs(bookId)
        return backtestView(await backtest(held, view, bookHistory(db, valuedPositions(held, view).underlyings), { ...opts, ...storedParams() }, run))
      }),
    cancelTask: ({ taskId }) => {
      const controller = running.get(taskId)
      controller?.abort()
      return { cancelled: controller !== undefined }
    },
    engineStatus: () => ctx.pool.status(),
    importFormats: () => [...STATEMENT_FORMATS, ...MARKET_FORMATS].map((f) => ({ id: f.id, label: f.label })),
    previewImport: (req) => {
      const preview = previewImport(db, req)
      const issues = [...preview.issues].sort((a, b) => a.line - b.line)
      return { ...preview, issues: issues.slice(0, MAX_PREVIEW_ISSUES), issuesTotal: issues.length }
    },
    inspectCsv: ({ fileName, text }) => inspectCsv(text, fileName),
    bookMargin: ({ bookId }) => {
      const market = bookMarket(bookId)
      if (!market) return { marketId: null, accounts: [], health: [], notCovered: [] }
      return { marketId: market.id, ...marginView(bookMargin(listHeldPositions(db, bookId), viewOf(market), { balances: listBalances(db, bookId), ...storedParams() })) }
    },
    scenarioDrill: ({ bookId, ...q }) => {
      const { held, view } = bookInputs(bookId)
      return scenarioDrill(held, view, q, storedParams())
    },
    copyBook: ({ bookId, name, blank }) => bookView(copyBook(db, requireBook(bookId).id, { name, blank })),
    renameBook: ({ bookId, name }) => {
      renameBook(db, bookId, name)
      return bookView(bookId)
    },
    deleteBook: ({ bookId }) => {
      deleteBook(db, bookId)
      return { ok: true as const }
    },
    tradeInstruments: ({ bookId }) => ({
      accounts: (db.prepare('SELECT id, name, venue FROM accounts WHERE book_id = ? ORDER BY name').all(requireBook(bookId).id) as { id: number; name: string; venue: string }[]),
      instruments: tradableInstruments(db, marketOf(bookId))
    }),
    quoteTrades: ({ bookId, tickets }) => {
      const q = quoteTrades(db, requireBook(bookId).id, marketOf(bookId), tickets, storedParams())
      return { tickets: q.tickets.map(ticketView), diff: q.diff, notCoveredAfter: q.notCoveredAfter }
    },
    applyTrades: ({ bookId, tickets }) => {
      // Which books take trades is said before whether the book has a market to price them on.
      requireWhatIf(db, bookId)
      const done = applyTrades(db, requireBook(bookId).id, marketOf(bookId), tickets)
      return { book: bookView(bookId), tickets: done.map(ticketView) }
    },
    editPositions: ({ bookId, resize, scale }) => {
      requireBook(bookId)
      const tickets = resize ? resizeTickets(db, bookId, resize) : scaleTickets(db, bookId, scale!.factor, scale!.positionIds)
      const done = tickets.length ? applyTrades(db, bookId, marketOf(bookId), tickets) : []
      return { book: bookView(bookId), tickets: done.map(ticketView) }
    },
    compareBooks: async ({ baseBookId, bookId }) => {
      const base = requireBook(baseBookId)
      const other = requireBook(bookId)
      if (base.marketSnapshotId !== other.marketSnapshotId) throw new Error(`"${base.name}" and "${other.name}" are on different market snapshots (${base.marketSnapshotId} vs ${other.marketSnapshotId}): compare needs one market`)
      const { params, paramsSource } = storedParams()
      return compareBooks(db, base.id, other.id, marketOf(bookId), { params, paramsSource }, marginParamSets(params, paramsSource).stress)
    },
    profileModel: ({ bookId }) => {
      const book = requireBook(bookId)
      const view = marketOf(bookId)
      const own = profileModel(listHeldPositions(db, bookId), view)
      const parent = book.parentId !== null ? findBook(db, book.parentId) : undefined
      return {
        bookId,
        book: profileJson(own.book),
        parent: parent && parent.marketSnapshotId === book.marketSnapshotId ? { bookId: parent.id, name: parent.name, book: profileJson(profileModel(listHeldPositions(db, parent.id), view).book) } : null,
        notCovered: own.notCovered
      }
    },
    greeksGrid: ({ bookId }) => ({ bookId, ...greeksGrid(listHeldPositions(db, requireBook(bookId).id), marketOf(bookId)) }),
    runScenario: ({ bookId, scenario }) => ({ bookId, ...runScenario(listHeldPositions(db, requireBook(bookId).id), marketOf(bookId), scenario) }),
    savedScenarios: () => savedScenarios(),
    saveScenario: ({ name, scenario }) => {
      saveScenario(db, name, scenario)
      return savedScenarios()
    },
    deleteScenario: ({ name }) => {
      if (!deleteScenario(db, name)) throw new NotFoundError(`no saved scenario named "${name}"`)
      return savedScenarios()
    },
    suggestHedge: ({ bookId, taskId, ...req }) => maybeTask(taskId, async (run) => {
      const book = requireBook(bookId)
      const view = marketOf(bookId)
      const held = listHeldPositions(db, book.id)
      const s = await suggestHedge(db, held, view, { ...req, ...storedParams() }, run)
      const alternatives = (s.alternatives ?? [s])
        .map((a) => ({ legs: a.trades.length, initialMarginAfter: a.after.initialMargin, costTotal: a.costTotal, symbols: a.trades.map((t) => t.symbol) }))
        .sort((a, b) => a.initialMarginAfter + a.costTotal - (b.initialMarginAfter + b.costTotal))
      const r = await review(book.id, view, held, req.account, s.trades)
      return {
        group: s.group,
        method: s.method,
        currency: s.currency,
        lpScope: s.lpScope,
        candidates: s.candidates,
        trades: s.trades.map((t, k) => ({ accountId: r.accountId, symbol: t.symbol, kind: t.kind, contracts: Math.abs(t.contracts), cost: t.cost, costUsd: t.costUsd, ...r.fill(k) })),
        before: s.before,
        after: s.after,
        costTotal: s.costTotal,
        lpObjective: s.lpObjective,
        deltaBefore: s.deltaBefore,
        deltaAfter: s.deltaAfter,
        solveMs: s.solveMs,
        ...r.reviewed,
        greeks: greeksDiff(greeksByUnderlying(held, view), greeksByUnderlying(r.heldAfter, view)),
        stress: r.stress,
        alternatives
      }
    }),
    reduceToTarget: ({ bookId, taskId, ...req }) => maybeTask(taskId, async (run) => {
      const book = requireBook(bookId)
      const view = marketOf(bookId)
      const held = listHeldPositions(db, book.id)
      const r = await reduceToTarget(held, view, { ...req, balances: listBalances(db, book.id), ...storedParams() }, run)
      const q = await review(book.id, view, held, req.account, r.closes)
      return { ...r, closes: r.closes.map((c, k) => ({ accountId: q.accountId, symbol: c.symbol, contracts: Math.abs(c.contracts), fraction: c.fraction, cost: c.cost, ...q.fill(k) })), ...q.reviewed }
    }),
    greekHedge: ({ bookId, taskId, ...req }) => maybeTask(taskId, async (run) => {
      const book = requireBook(bookId)
      const view = marketOf(bookId)
      const held = listHeldPositions(db, book.id)
      const r = await greekHedge(db, held, view, { ...req, ...storedParams() }, run)
      const q = await review(book.id, view, held, req.account, r.trades.map((t) => ({ symbol: t.instrument.symbol, contracts: t.contracts })))
      return { ...r, trades: r.trades.map((t, k) => ({ accountId: q.accountId, symbol: t.instrument.symbol, kind: t.instrument.kind, contracts: Math.abs(t.contracts), costUsd: t.costUsd, ...q.fill(k) })), ...q.reviewed }
    }),
    esHedge: ({ bookId, taskId, ...req }) => maybeTask(taskId, async (run) => {
      const book = requireBook(bookId)
      const view = marketOf(bookId)
      const held = listHeldPositions(db, book.id)
      const r = await esHedge(db, held, view, bookHistory(db, valuedPositions(held, view).underlyings), { ...req, ...storedParams() }, run)
      const q = await review(book.id, view, held, req.account, r.trades.map((t) => ({ symbol: t.instrument.symbol, contracts: t.contracts })))
      return { ...r, trades: r.trades.map((t, k) => ({ accountId: q.accountId, symbol: t.instrument.symbol, kind: t.instrument.kind, contracts: Math.abs(t.contracts), costUsd: t.costUsd, ...q.fill(k) })), ...q.reviewed }
    }),
    exportBook: async ({ bookId, format, sheet }) => {
      const book = requireBook(bookId)
      const generatedAt = new Date()
      const sheets = bookSheets({
        book,
        positions: await handlers.listPositions({ bookId }),
        margin: await handlers.bookMargin({ bookId }),
        greeks: book.marketSnapshotId ? await handlers.greeksGrid({ bookId }) : { bookId, vegaRefDays: 30, rows: [], notCovered: [] },
        generatedAt,
        appVersion
      })
      const stem = `${fileSafe(book.name)}-${generatedAt.toISOString().slice(0, 16).replace(/[:T]/g, '-')}`
      if (format === 'csv') {
        const one = sheets.find((x) => x.name === (sheet ?? 'Positions'))!
        return { fileName: `${stem}-${one.name.replace(/\s+/g, '-').toLowerCase()}.csv`, mimeType: 'text/csv', base64: Buffer.from(sheetCsv(one), 'utf8').toString('base64') }
      }
      const xlsx = await workbookBuffer(buildWorkbook(sheets, { creator: `Marginal ${appVersion}`, created: generatedAt }))
      return { fileName: `${stem}.xlsx`, mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', base64: xlsx.toString('base64') }
    },
    marginReport: ({ bookId, taskId, account, pageSize, statistics, hedges }) => maybeTask(taskId, async (run) => {
      const book = requireBook(bookId)
      const market = bookMarket(bookId)
      if (!market) throw new Error(`book "${book.name}" has no market snapshot: import an option chain first`)
      const generatedAt = new Date()
      let steps = 1
      const model = await marginReportModel(
        {
          db,
          book,
          held: listHeldPositions(db, book.id),
          view: viewOf(market),
          balances: listBalances(db, book.id),
          ...storedParams(),
          paramSets: paramSetViews(db).map((p) => ({ kind: p.kind, label: p.label, activeId: p.activeId, file: p.file, comment: p.comment, edited: p.userDocument !== null })),
          appVersion,
          now: generatedAt
        },
        { pageSize, account, statistics, hedges },
        // Gathering is every step but the last; printing is the last.
        { pool: ctx.pool, signal: run.signal, onProgress: (done, total) => run.onProgress?.(done, (steps = total + 1)) }
      )
      const { pdf } = await printMarginReport(model, printer)
      run.onProgress?.(steps, steps)
      const stem = `margin-report-${fileSafe(book.name)}${account ? `-${fileSafe(account)}` : ''}-${model.market.asOfUtc.slice(0, 10)}`
      return { fileName: `${stem}.pdf`, mimeType: 'application/pdf' as const, base64: Buffer.from(pdf).toString('base64'), generatedAtUtc: model.generatedAtUtc, bytes: pdf.byteLength }
    }),
    marginParams: () => paramSetViews(db),
    saveMarginParams: ({ kind, document }) => saveParamSet(db, kind, document),
    resetMarginParams: ({ kind }) => resetParamSet(db, kind),
    commitImport: ({ taskId, ...req }) =>
      commitImport(db, {
        ...req,
        onProgress: taskId ? (done, total) => events.emit({ type: 'task.progress', taskId, done, total }) : undefined
      })
  }

  return {
    handlers,
    events,
    db,
    async close() {
      unsubscribe()
      for (const c of running.values()) c.abort()
      await printer.close()
      await ctx.pool.close()
      ctx.book.db.close()
    }
  }
}
