/**
 * Imports through the handlers run in the import worker (services/import/import-runner.ts) on its
 * own connection to the book file: the same previews, results and book as the import on the
 * caller's thread, the same errors and codes, progress, cancel (rolled back), and a host that
 * answers other calls while a large statement is parsed and written.
 */
import { mkdtempSync } from 'node:fs'
import Database from 'better-sqlite3'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import engineWorkerPath from '../../src-main/workers/engine.worker?modulePath'
import { openBook } from '../../src-main/book/open-book'
import { WorkerPool, WorkerTaskError } from '../../src-main/workers/pool'
import { createServices, type Services } from '../../src-main/services/api-service'
import { dispatch } from '../../src-main/services/dispatch'
import { apiMethods } from '@contract/api'
import { commitImport, previewImport, ImportRefusedError } from '../../src-main/services/import-service'
import { previewReply } from '../../src-main/services/import-preview'
import { rebuildError } from '../../src-main/services/import/import-runner'
import { AsOfRequiredError } from '../../src-main/importers/market/deribit-ticker-chain'
import { MissingDataError } from '../../src-main/services/errors'
import { NoMarketError } from '../../src-main/services/book-context'
import { syntheticDeribitLog } from '../../src-main/bench/synthetic-statement'
import { fixture, snapshotBook } from '../support/import-book'

/** A new book file: the demo (id 1) and the empty live book (id 2), where imports go. */
const LIVE = 2
const opened: Services[] = []
function servicesOn(path = join(mkdtempSync(join(tmpdir(), 'marginal-import-worker-')), 'book.sqlite')): Services {
  const s = createServices({ book: openBook(path), pool: new WorkerPool(engineWorkerPath, 1), host: 'browser' })
  opened.push(s)
  return s
}
afterAll(async () => {
  for (const s of opened) await s.close()
})
afterEach(() => {
  vi.useRealTimers()
})

async function call(s: Services, method: string, req: unknown): Promise<any> {
  const envelope = await dispatch(s.handlers, method, req)
  if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error)
  return envelope.value
}

const FILES = [
  'transaction_log-123456-BTC-2024-03.csv', // rejected rows: a partial import
  'transaction_log-654321-ETH-2023-05.csv',
  'okx-bills.csv',
  'ibkr-flex-U7654321.xml',
  'bybit-uta-transaction-log.csv',
  'binance_BTCUSDT_daily_sample.csv' // market data: a price history
]

describe('imports in the import worker', () => {
  it('preview, commit and the book are those of the import on the calling thread, file after file', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2026-11-20T10:00:00Z'))
    const viaWorker = servicesOn()
    const here = servicesOn()
    for (const name of FILES) {
      const f = fixture(name)
      const req = { bookId: LIVE, ...f }
      // The reference: the service itself on this thread, as dispatch answers it.
      expect(await call(viaWorker, 'previewImport', req)).toEqual(apiMethods.previewImport.response.parse(previewReply(previewImport(here.db, req))))
      const result = await call(viaWorker, 'commitImport', { ...req, allowPartial: true })
      expect(result).toEqual(apiMethods.commitImport.response.parse(commitImport(here.db, { ...req, allowPartial: true })))
    }
    expect(snapshotBook(viaWorker.db)).toBe(snapshotBook(here.db))
    const imports = (s: Services): unknown => s.db.prepare('SELECT file_name, imported_at, rows_imported FROM imports ORDER BY id').all()
    expect(imports(viaWorker)).toEqual(imports(here))
    expect(imports(viaWorker)).toContainEqual(expect.objectContaining({ imported_at: '2026-11-20T10:00:00.000Z' }))
  })

  it('answers with the same error codes and messages as before: demo book, rejected rows, unknown format', async () => {
    const s = servicesOn()
    const before = snapshotBook(s.db)
    const statement = fixture('transaction_log-123456-BTC-2024-03.csv')
    await expect(call(s, 'previewImport', { bookId: 1, ...statement })).rejects.toMatchObject({ code: 'invalid_request', field: 'bookId', message: expect.stringContaining('is the demo book') })
    await expect(call(s, 'commitImport', { bookId: 1, ...statement, allowPartial: true })).rejects.toMatchObject({ code: 'invalid_request', field: 'bookId' })
    await expect(call(s, 'previewImport', { bookId: 99, ...statement })).rejects.toMatchObject({ code: 'not_found', message: 'book 99 does not exist' })
    let refused = ''
    try {
      commitImport(s.db, { bookId: LIVE, ...statement, allowPartial: false })
    } catch (e) {
      expect(e).toBeInstanceOf(ImportRefusedError)
      refused = (e as Error).message
    }
    await expect(call(s, 'commitImport', { bookId: LIVE, ...statement, allowPartial: false })).rejects.toMatchObject({ code: 'rejected_rows', message: refused })
    await expect(call(s, 'previewImport', { bookId: LIVE, fileName: 'notes.txt', text: 'hello,world\n1,2\n' })).rejects.toMatchObject({
      code: 'unreadable_file',
      message: expect.stringMatching(/^notes\.txt: not a statement format Marginal knows/)
    })
    expect(snapshotBook(s.db)).toBe(before)
  })

  it('rebuilds a worker error as its class, with its fields', () => {
    const asOf = rebuildError(new WorkerTaskError('previewImport', 'chain.csv: give the instant', { name: 'AsOfRequiredError', props: { name: 'AsOfRequiredError', field: 'asOf' } }))
    expect(asOf).toBeInstanceOf(AsOfRequiredError)
    expect(asOf).toMatchObject({ message: 'chain.csv: give the instant', field: 'asOf', name: 'AsOfRequiredError' })
    const noMarket = rebuildError(new WorkerTaskError('previewImport', 'no market', { name: 'NoMarketError', props: { name: 'NoMarketError' } }))
    expect(noMarket).toBeInstanceOf(NoMarketError)
    expect(noMarket).toBeInstanceOf(MissingDataError)
    const busy = rebuildError(new WorkerTaskError('commitImport', 'database is locked', { name: 'SqliteError', props: { name: 'SqliteError', code: 'SQLITE_BUSY' } }))
    expect(busy).toMatchObject({ message: 'database is locked', name: 'SqliteError', code: 'SQLITE_BUSY' })
    const other = new Error('not from a worker')
    expect(rebuildError(other)).toBe(other)
  })

  it('an in-memory book imports on the calling thread (no file for a second connection)', async () => {
    const s = createServices({ book: openBook(':memory:'), pool: new WorkerPool(engineWorkerPath, 1), host: 'browser' })
    opened.push(s)
    const f = fixture('transaction_log-654321-ETH-2023-05.csv')
    expect(await call(s, 'previewImport', { bookId: LIVE, ...f })).toMatchObject({ accountName: 'Deribit 654321', rejected: 0 })
    expect(await call(s, 'commitImport', { bookId: LIVE, ...f, allowPartial: false })).toMatchObject({ importId: 1, rejected: 0 })
  })
})

describe('a large import in the worker', () => {
  const big = { fileName: 'transaction_log-1-BTC-big.csv', text: syntheticDeribitLog(40_000) }

  it('leaves the host answering bookMargin while it parses and writes, with progress', async () => {
    const s = servicesOn()
    await call(s, 'bookMargin', { bookId: 1 }) // warm
    const progress: { done: number; total: number }[] = []
    s.events.on((e) => {
      if (e.type === 'task.progress' && e.taskId === 'import-big') progress.push({ done: e.done, total: e.total })
    })
    let finished = false
    const commit = call(s, 'commitImport', { bookId: LIVE, ...big, allowPartial: false, taskId: 'import-big' }).finally(() => (finished = true))
    const latencies: number[] = []
    while (!finished) {
      const t0 = performance.now()
      await call(s, 'bookMargin', { bookId: 1 })
      if (!finished) latencies.push(performance.now() - t0)
      await new Promise((r) => setTimeout(r, 5))
    }
    const result = await commit
    expect(result).toMatchObject({ tradesAdded: expect.any(Number), rejected: 0 })
    expect(result.tradesAdded + result.cashFlowsAdded).toBeGreaterThan(39_000)
    // On the host's thread the import blocked every call for its whole length: none could run meanwhile.
    expect(latencies.length).toBeGreaterThanOrEqual(5)
    expect(progress.length).toBeGreaterThan(3)
    expect(progress.at(-1)!.total).toBe(result.tradesAdded + result.cashFlowsAdded)
    expect(progress.every((p, i) => p.done <= p.total && (i === 0 || p.done > progress[i - 1]!.done))).toBe(true)
    expect((await call(s, 'listPositions', { bookId: LIVE })).rows.length).toBeGreaterThan(0)
  }, 60_000)

  it('cancelTask stops a commit mid-write: nothing written, the lock released, the next import runs', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'marginal-import-cancel-')), 'book.sqlite')
    const s = servicesOn(path)
    const before = snapshotBook(s.db)
    let cancelled: Promise<unknown> | null = null
    s.events.on((e) => {
      if (e.type === 'task.progress' && e.taskId === 'import-cancel' && !cancelled) cancelled = call(s, 'cancelTask', { taskId: 'import-cancel' })
    })
    await expect(call(s, 'commitImport', { bookId: LIVE, ...big, allowPartial: false, taskId: 'import-cancel' })).rejects.toMatchObject({ code: 'cancelled' })
    expect(await cancelled).toEqual({ cancelled: true })
    expect(snapshotBook(s.db)).toBe(before)
    // The worker's transaction is gone: a writer that will not wait at all (busy timeout 0) gets the lock…
    const noWait = new Database(path, { timeout: 0 })
    expect(() => noWait.exec('BEGIN IMMEDIATE; ROLLBACK')).not.toThrow()
    noWait.close()
    await call(s, 'setUiState', { key: 'import.test', value: 1 })
    expect(s.db.pragma('integrity_check', { simple: true })).toBe('ok')
    // …and the next import runs in a fresh worker.
    expect(await call(s, 'commitImport', { bookId: LIVE, ...big, allowPartial: false })).toMatchObject({ rejected: 0, tradesAdded: expect.any(Number) })
    expect(snapshotBook(s.db)).not.toBe(before)
  }, 60_000)
})
