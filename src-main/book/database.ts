/**
 * Opening the position book: one SQLite file, WAL journal (readers never block the writer and a
 * crash mid-transaction rolls back on reopen), foreign keys on, schema migrated forward.
 *
 * A book that cannot be written opens view-only instead of failing: a read-only file or folder
 * (state 'read-only'), or a file that fails `PRAGMA quick_check` on open (state 'damaged', opened
 * with SQLite's read-only flag so nothing touches it until a repaired copy is saved). Every write to
 * such a book is refused by SQLite itself (SQLITE_READONLY), which book-errors.ts turns into an
 * error naming the file.
 */
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { latestSchemaVersion, migrate, refuseNewerSchema } from './migrations'
import { BookBusyError, BookDamagedError, BookFileError, busyMessage, type BookState } from './book-errors'

export type BookDb = Database.Database
export type { BookState } from './book-errors'

export interface OpenedBook {
  db: BookDb
  path: string
  schemaVersion: number
  sqliteVersion: string
  /** ok: read and written; read-only: view only (the file or its folder cannot be written); damaged: failed the check on open, view only. */
  state: BookState
  /** Why the book is not writable, naming what to do; null when state is ok. */
  stateReason: string | null
  /** How long `PRAGMA quick_check` took on open (ms); null when it was not run. */
  checkMs: number | null
  busyTimeoutMs: number
}

export interface OpenBookOptions {
  /** How long a writer waits for another connection's write lock before BookBusyError. */
  busyTimeoutMs?: number
  /**
   * Run `PRAGMA quick_check` first (O(file size): about a second per few hundred MB) and open a
   * failing book read-only. The app's open does; a worker reopening a book the app checked does not.
   */
  quickCheck?: boolean
}

/** How long a writer waits for another process's write lock (BEGIN IMMEDIATE included) before BookBusyError. */
export const BUSY_TIMEOUT_MS = 5000

const sqliteCode = (e: unknown): string => {
  const code = (e as { code?: unknown }).code
  return typeof code === 'string' ? code : ''
}

/** Why the existing file at `path` cannot be written, or null. Permission bits count even for root. */
function notWritableReason(path: string): string | null {
  if (!existsSync(path)) return null
  const dir = dirname(path)
  const denied = (p: string): boolean => {
    try {
      accessSync(p, constants.W_OK)
      return (statSync(p).mode & 0o222) === 0
    } catch {
      return true
    }
  }
  if (denied(path)) return 'the file is read-only'
  if (denied(dir)) return `its folder ${dir} is read-only`
  return null
}

/** null when `PRAGMA quick_check` passes, else its first findings. */
function quickCheckProblem(db: BookDb): string | null {
  try {
    const rows = db.pragma('quick_check(5)') as { quick_check: string }[]
    if (rows.length === 1 && rows[0]!.quick_check === 'ok') return null
    const first = rows.map((r) => r.quick_check.replace(/\*\*\* in database \w+ \*\*\*\s*/, '').replace(/\s+/g, ' ').trim())
    const text = first.slice(0, 2).join('; ')
    return `SQLite's check found: ${text.length > 300 ? `${text.slice(0, 297)}…` : text}${first.length > 2 ? ' …' : ''}`
  } catch (e) {
    const code = sqliteCode(e)
    if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')) return `SQLite's check failed: ${(e as Error).message}`
    throw e
  }
}

function openFailure(e: unknown, path: string, busyTimeoutMs: number): Error {
  if (e instanceof BookFileError) return e
  const code = sqliteCode(e)
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return new BookBusyError(busyMessage(path, busyTimeoutMs), path, code, e)
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) {
    return new BookDamagedError(`${path} is not a Marginal book, or its header is damaged (SQLite says: ${(e as Error).message})`, path, code, e)
  }
  return e as Error
}

const versionOf = (db: BookDb): string => (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v

export function openBookDatabase(path: string, options: OpenBookOptions | number = {}): OpenedBook {
  const opts: OpenBookOptions = typeof options === 'number' ? { busyTimeoutMs: options } : options
  const busyTimeoutMs = opts.busyTimeoutMs ?? BUSY_TIMEOUT_MS
  const readOnlyReason = notWritableReason(path)
  if (readOnlyReason) return openReadOnly(path, 'read-only', readOnlyReason, opts)
  mkdirSync(dirname(path), { recursive: true })
  let db: BookDb
  try {
    db = new Database(path, { timeout: busyTimeoutMs })
  } catch (e) {
    throw new Error(`cannot open the book ${path}: ${(e as Error).message}`, { cause: e })
  }
  let checkMs: number | null = null
  try {
    if (opts.quickCheck) {
      const started = performance.now()
      const problem = quickCheckProblem(db)
      checkMs = performance.now() - started
      if (problem) {
        db.close()
        return openReadOnly(path, 'damaged', problem, { ...opts, quickCheck: false }, checkMs)
      }
    }
    // 16 KiB pages for a new file (a no-op on an existing one: SQLite fixes the page size when the
    // first table is made). A 1M-row statement writes ~3M ledger and trade rows through two
    // indexes each; with 4 KiB pages those inserts took 7.0 s for the 1.9M ledger rows alone, with
    // 16 KiB 5.3 s (fewer page splits and WAL frames; measured in the import-scale bench, issue 20).
    db.pragma('page_size = 16384')
    db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    // NORMAL is durable in WAL mode except for the last transactions before a power loss;
    // a process crash (kill -9) loses nothing that was committed.
    db.pragma('synchronous = NORMAL')
    const schemaVersion = migrate(db, path)
    return { db, path, schemaVersion, sqliteVersion: versionOf(db), state: 'ok', stateReason: null, checkMs, busyTimeoutMs }
  } catch (e) {
    db.close()
    // SQLite opened it but cannot write it after all (a read-only mount, another user's file).
    if (sqliteCode(e).startsWith('SQLITE_READONLY')) return openReadOnly(path, 'read-only', `SQLite cannot write it: ${(e as Error).message}`, opts, checkMs)
    throw openFailure(e, path, busyTimeoutMs)
  }
}

/**
 * A view-only book. SQLite's read-only flag where it can read the file in place; where it cannot (a
 * WAL-mode book in a read-only folder without its -shm file), a private copy in memory. A book at an
 * older schema is migrated in a private in-memory copy. Either way `query_only` or the read-only flag
 * refuses every write with SQLITE_READONLY.
 */
function openReadOnly(path: string, state: Exclude<BookState, 'ok'>, reason: string, opts: OpenBookOptions, checkMs: number | null = null): OpenedBook {
  const busyTimeoutMs = opts.busyTimeoutMs ?? BUSY_TIMEOUT_MS
  let db: BookDb
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs })
    db.pragma('user_version')
  } catch (e) {
    const code = sqliteCode(e)
    if (!(code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN'))) throw openFailure(e, path, busyTimeoutMs)
    db = inMemoryCopy(readFileSync(path))
  }
  try {
    let stateNow: Exclude<BookState, 'ok'> = state
    let why = reason
    if (opts.quickCheck) {
      const started = performance.now()
      const problem = quickCheckProblem(db)
      checkMs = performance.now() - started
      if (problem) {
        stateNow = 'damaged'
        why = `${problem}; besides, ${reason}`
      }
    }
    const version = db.pragma('user_version', { simple: true }) as number
    refuseNewerSchema(version, path)
    if (version < latestSchemaVersion) {
      const copy = inMemoryCopy(db.serialize())
      db.close()
      db = copy
      db.pragma('foreign_keys = ON')
      migrate(db, path)
    }
    db.pragma('query_only = ON')
    return { db, path, schemaVersion: db.pragma('user_version', { simple: true }) as number, sqliteVersion: versionOf(db), state: stateNow, stateReason: why, checkMs, busyTimeoutMs }
  } catch (e) {
    db.close()
    throw openFailure(e, path, busyTimeoutMs)
  }
}

/** A database image in memory (a WAL-mode header is turned to rollback mode: SQLite cannot deserialize WAL). */
function inMemoryCopy(image: Buffer): BookDb {
  if (image.length >= 20 && image[18] === 2 && image[19] === 2) {
    image[18] = 1
    image[19] = 1
  }
  return new Database(image)
}
