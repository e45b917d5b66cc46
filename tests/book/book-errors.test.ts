/**
 * Issue 19, work item 2: the book file's errors carry codes that say what happened — busy (after
 * the busy timeout, naming the file and the process holding it), read-only, damaged, disk full,
 * newer schema — through dispatch (the API and the UI), and the CLI prints them naming the file.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import engineWorkerPath from '../../src-main/workers/engine.worker?modulePath'
import { openBook } from '../../src-main/book/open-book'
import { openBookDatabase } from '../../src-main/book/database'
import { latestSchemaVersion } from '../../src-main/book/migrations'
import {
  BookBusyError, BookDamagedError, BookNewerError, BookReadOnlyError, DiskFullError, classifyBookError, type BookOpenState
} from '../../src-main/book/book-errors'
import { WorkerPool } from '../../src-main/workers/pool'
import { createServices, type Handlers } from '../../src-main/services/api-service'
import { dispatch } from '../../src-main/services/dispatch'
import { runCli } from '../../src-main/cli/main'
import { writeSyntheticBook } from '../../src-main/services/books/write-synthetic-book'
import { FIXTURES, fixture } from '../support/import-book'

const ROOT = resolve(import.meta.dirname, '../..')
const LIVE = 2
const pool = new WorkerPool(engineWorkerPath, 1)
afterAll(() => pool.close())
const tempBook = (): string => join(mkdtempSync(join(tmpdir(), 'marginal-errors-')), 'book.sqlite')
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const sqliteError = (code: string, message = code): Error => Object.assign(new Error(message), { code })

describe('classifyBookError', () => {
  const book: BookOpenState = { path: '/books/desk.sqlite', state: 'ok', stateReason: null, busyTimeoutMs: 5000 }
  it.each([
    ['SQLITE_BUSY', BookBusyError, /the book \/books\/desk.sqlite is busy: .* within 5 s/],
    ['SQLITE_BUSY_SNAPSHOT', BookBusyError, /is busy/],
    ['SQLITE_LOCKED', BookBusyError, /is busy/],
    ['SQLITE_READONLY', BookReadOnlyError, /the book \/books\/desk.sqlite cannot be written/],
    ['SQLITE_READONLY_DIRECTORY', BookReadOnlyError, /cannot be written/],
    ['SQLITE_CORRUPT', BookDamagedError, /the book \/books\/desk.sqlite is damaged/],
    ['SQLITE_NOTADB', BookDamagedError, /is damaged/],
    ['SQLITE_FULL', DiskFullError, /the disk holding the book \/books\/desk.sqlite is full/]
  ])('%s → %o', (code, cls, message) => {
    const typed = classifyBookError(sqliteError(code), book)
    expect(typed).toBeInstanceOf(cls)
    expect(typed?.message).toMatch(message)
    expect(typed?.path).toBe(book.path)
  })

  it('a write to a damaged book (opened read-only) is damage, to a read-only one read-only, both with the reason', () => {
    expect(classifyBookError(sqliteError('SQLITE_READONLY'), { ...book, state: 'damaged', stateReason: 'page 12 is unreadable' })?.message).toBe(
      'the book /books/desk.sqlite is damaged and open read-only (page 12 is unreadable): nothing was written. Save a repaired copy and open that'
    )
    const ro = classifyBookError(sqliteError('SQLITE_READONLY'), { ...book, state: 'read-only', stateReason: 'the file is read-only' })
    expect(ro).toBeInstanceOf(BookReadOnlyError)
    expect(ro?.message).toMatch(/^the book \/books\/desk.sqlite is open read-only \(the file is read-only\): nothing was written/)
  })

  it('leaves other errors alone, and rebuilds a book error that crossed a worker thread as a plain Error', () => {
    expect(classifyBookError(new Error('deribit.csv: not a statement format'), book)).toBeNull()
    expect(classifyBookError(sqliteError('SQLITE_CONSTRAINT_UNIQUE'), book)).toBeNull()
    const crossed = Object.assign(new Error('the book /b is busy: …'), { name: 'BookBusyError', kind: 'busy', path: '/b' })
    const rebuilt = classifyBookError(crossed, book)
    expect(rebuilt).toBeInstanceOf(BookBusyError)
    expect(rebuilt).toMatchObject({ message: 'the book /b is busy: …', path: '/b' })
    // SQLite's own error from a worker keeps its code as a plain field.
    expect(classifyBookError(Object.assign(new Error('database is locked'), { name: 'SqliteError', code: 'SQLITE_BUSY' }), book)).toBeInstanceOf(BookBusyError)
  })
})

describe('through dispatch, the API and the CLI', () => {
  let holder: ChildProcess | null = null
  afterEach(() => {
    holder?.kill()
    holder = null
  })

  /** Another process that holds the book's write lock until killed. */
  async function holdWriteLock(path: string): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['-e', `const db = new (require('better-sqlite3'))(process.argv[1]); db.exec('BEGIN IMMEDIATE'); console.log('LOCKED'); setInterval(() => {}, 1000)`, path], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit']
    })
    await new Promise<void>((ok, fail) => {
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('LOCKED') && ok())
      child.on('exit', (code) => fail(new Error(`lock holder exited with ${code}`)))
    })
    return child
  }

  it('a write that waited past the busy timeout is book_busy, naming the file and the process holding it; an import too (never 422 unreadable_file)', async () => {
    const path = tempBook()
    openBook(path).db.close()
    holder = await holdWriteLock(path)
    const book = openBookDatabase(path, { busyTimeoutMs: 300 })
    const services = createServices({ book, pool, host: 'browser' })
    try {
      const started = Date.now()
      const reply = await dispatch(services.handlers, 'setUiState', { key: 'app.theme', value: 'dark' })
      expect(Date.now() - started).toBeGreaterThanOrEqual(250)
      expect(reply).toMatchObject({ ok: false, error: { code: 'book_busy' } })
      if (!reply.ok) {
        expect(reply.error.message).toMatch(new RegExp(`^the book ${escape(path)} is busy: another program was writing to it and did not finish within 0.3 s; open in pid ${holder.pid} \\(`))
        expect(reply.error.message).toMatch(/Nothing was written; try again when it is done$/)
      }
      // The import runs on a connection of its own (the import worker's, default timeout): busy as well.
      const imported = await dispatch(services.handlers, 'commitImport', { bookId: LIVE, ...fixture('transaction_log-424242-BTC-2024-03-11.csv'), allowPartial: false })
      expect(imported).toMatchObject({ ok: false, error: { code: 'book_busy' } })
      if (!imported.ok) expect(imported.error.message).toMatch(new RegExp(`^the book ${escape(path)} is busy`))
    } finally {
      book.db.close()
    }
    // The CLI: one line naming the file, exit 1, nothing written.
    const err: string[] = []
    const code = await runCli(['import', join(FIXTURES, 'transaction_log-424242-BTC-2024-03-11.csv'), '--book', path], { out: () => undefined, err: (t) => err.push(t) })
    expect(code).toBe(1)
    expect(err.join('\n')).toMatch(new RegExp(`^marginal: the book ${escape(path)} is busy: .* within 5 s; open in pid ${holder.pid}`))
    holder.kill()
    await new Promise((r) => holder!.once('exit', r))
    const db = new Database(path, { readonly: true })
    expect((db.prepare('SELECT COUNT(*) AS n FROM imports').get() as { n: number }).n).toBe(0)
    db.close()
  }, 30_000)

  it('a full disk is disk_full, naming the file; nothing was written', async () => {
    const path = tempBook()
    // A new book (16 KiB pages) whose live book holds 2,000 positions: a copy of it needs far more
    // than the free space left in the file's pages.
    const book = openBook(path)
    const liveId = writeSyntheticBook(book.db, { positions: 2_000 }).bookId
    const services = createServices({ book, pool, host: 'browser' })
    try {
      // No room for one more page: SQLite answers SQLITE_FULL exactly as on a full disk.
      expect(book.db.pragma('page_size', { simple: true })).toBe(16_384)
      book.db.pragma(`max_page_count = ${book.db.pragma('page_count', { simple: true }) as number}`)
      const reply = await dispatch(services.handlers, 'copyBook', { bookId: liveId, name: 'no room' })
      expect(reply).toMatchObject({ ok: false, error: { code: 'disk_full' } })
      if (!reply.ok) expect(reply.error.message).toBe(`the disk holding the book ${path} is full: nothing was written. Free some space and try again`)
      expect((book.db.prepare("SELECT COUNT(*) AS n FROM books WHERE kind = 'whatif'").get() as { n: number }).n).toBe(0)
    } finally {
      book.db.close()
    }
  })

  it('a book from a newer Marginal is refused on open (BookNewerError naming the file) and maps to book_newer', async () => {
    const path = tempBook()
    const raw = new Database(path)
    raw.pragma(`user_version = ${latestSchemaVersion + 1}`)
    raw.close()
    expect(() => openBook(path)).toThrow(BookNewerError)
    expect(() => openBook(path)).toThrow(`${path}: book schema version ${latestSchemaVersion + 1} is newer than this Marginal understands`)
    const err: string[] = []
    expect(await runCli(['books', '--book', path], { out: () => undefined, err: (t) => err.push(t) })).toBe(1)
    expect(err.join('\n')).toMatch(new RegExp(`^marginal: ${escape(path)}: book schema version`))
    const handlers = { appInfo: () => { throw new BookNewerError(`${path}: newer`, path) } } as unknown as Handlers
    expect(await dispatch(handlers, 'appInfo', {})).toEqual({ ok: false, error: { code: 'book_newer', message: `${path}: newer` } })
  })
})
