/**
 * What went wrong with the book file itself, as classes callers tell apart: another writer held it
 * past the busy timeout, it cannot be written (a read-only file or folder, or opened read-only
 * because it is damaged), SQLite found it damaged, the disk is full, or a newer Marginal wrote it.
 * Every message names the file. SQLite's own errors are classified by their code
 * (https://sqlite.org/rescode.html); services map the classes to API error codes.
 */
import { readdirSync, readFileSync, readlinkSync, statfsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

export type BookState = 'ok' | 'read-only' | 'damaged'
export type BookErrorKind = 'busy' | 'read-only' | 'damaged' | 'disk-full' | 'newer'

export abstract class BookFileError extends Error {
  abstract readonly kind: BookErrorKind
  readonly path: string
  /** SQLite's extended result code when SQLite raised it (SQLITE_BUSY_SNAPSHOT…). */
  readonly sqliteCode: string | null
  constructor(message: string, path: string, sqliteCode: string | null = null, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.path = path
    this.sqliteCode = sqliteCode
  }
}

export class BookBusyError extends BookFileError {
  readonly kind = 'busy'
  constructor(message: string, path: string, sqliteCode: string | null = null, cause?: unknown) {
    super(message, path, sqliteCode, cause)
    this.name = 'BookBusyError'
  }
}

export class BookReadOnlyError extends BookFileError {
  readonly kind = 'read-only'
  constructor(message: string, path: string, sqliteCode: string | null = null, cause?: unknown) {
    super(message, path, sqliteCode, cause)
    this.name = 'BookReadOnlyError'
  }
}

export class BookDamagedError extends BookFileError {
  readonly kind = 'damaged'
  constructor(message: string, path: string, sqliteCode: string | null = null, cause?: unknown) {
    super(message, path, sqliteCode, cause)
    this.name = 'BookDamagedError'
  }
}

export class DiskFullError extends BookFileError {
  readonly kind = 'disk-full'
  constructor(message: string, path: string, sqliteCode: string | null = null, cause?: unknown) {
    super(message, path, sqliteCode, cause)
    this.name = 'DiskFullError'
  }
}

export class BookNewerError extends BookFileError {
  readonly kind = 'newer'
  constructor(message: string, path: string, sqliteCode: string | null = null, cause?: unknown) {
    super(message, path, sqliteCode, cause)
    this.name = 'BookNewerError'
  }
}

const CLASSES = { BookBusyError, BookReadOnlyError, BookDamagedError, DiskFullError, BookNewerError } as const

/** How the book was opened, for the messages of refused writes. */
export interface BookOpenState {
  path: string
  state: BookState
  /** Why it is not writable (null when state is ok). */
  stateReason: string | null
  busyTimeoutMs?: number
}

/** Below this much free space an I/O error on write is taken for a full disk. */
const DISK_FULL_BYTES = 1 << 20

function freeBytes(path: string): number | null {
  try {
    const s = statfsSync(dirname(path))
    return s.bavail * s.bsize
  } catch {
    return null
  }
}

/**
 * Other processes that have the book (or its -wal/-shm) open, as "pid 123 (node cli.js import …)":
 * Linux only, by reading /proc/<pid>/fd links (a few ms; no permission to look is no answer).
 */
export function processesHolding(path: string, maxFound = 3): string[] {
  if (process.platform !== 'linux') return []
  const target = resolve(path)
  const names = new Set([target, `${target}-wal`, `${target}-shm`])
  const found: string[] = []
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)
  } catch {
    return []
  }
  for (const pid of pids) {
    let fds: string[]
    try {
      fds = readdirSync(`/proc/${pid}/fd`)
    } catch {
      continue
    }
    const holds = fds.some((fd) => {
      try {
        return names.has(readlinkSync(`/proc/${pid}/fd/${fd}`))
      } catch {
        return false
      }
    })
    if (!holds) continue
    let what = ''
    try {
      what = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ')
    } catch {
      /* gone meanwhile */
    }
    found.push(`pid ${pid}${what ? ` (${what.length > 80 ? `${what.slice(0, 77)}…` : what})` : ''}`)
    if (found.length >= maxFound) break
  }
  return found
}

export function busyMessage(path: string, busyTimeoutMs: number): string {
  const holders = processesHolding(path)
  const who = holders.length ? `; open in ${holders.join(', ')}` : ''
  return `the book ${path} is busy: another program was writing to it and did not finish within ${busyTimeoutMs / 1000} s${who}. Nothing was written; try again when it is done`
}

export const readOnlyMessage = (book: BookOpenState): string =>
  book.state === 'damaged'
    ? `the book ${book.path} is damaged and open read-only (${book.stateReason ?? 'it fails SQLite\'s check'}): nothing was written. Save a repaired copy and open that`
    : `the book ${book.path} is open read-only (${book.stateReason ?? 'the file cannot be written'}): nothing was written. Copy it to a folder you can write to, or make it writable, and reopen it`

/**
 * The book-file error `e` stands for, or null when it is not one (a statement that cannot be read,
 * a missing book, a programming error). SQLite's errors are classified by code; an error rebuilt
 * from a worker thread (a plain Error with the class's name and fields) becomes its class again.
 */
export function classifyBookError(e: unknown, book: BookOpenState): BookFileError | null {
  if (e instanceof BookFileError) return e
  if (!(e instanceof Error)) return null
  const err = e as Error & { code?: unknown; path?: unknown; kind?: unknown }
  const rebuilt = CLASSES[err.name as keyof typeof CLASSES]
  if (rebuilt && typeof err.kind === 'string') return new rebuilt(err.message, typeof err.path === 'string' ? err.path : book.path, null, e)
  const code = typeof err.code === 'string' ? err.code : ''
  if (!code.startsWith('SQLITE_')) return null
  const base = code.replace(/^(SQLITE_[A-Z]+).*$/, '$1')
  const path = book.path
  switch (base) {
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new BookBusyError(busyMessage(path, book.busyTimeoutMs ?? 5000), path, code, e)
    case 'SQLITE_READONLY':
      if (book.state === 'damaged') return new BookDamagedError(readOnlyMessage(book), path, code, e)
      return new BookReadOnlyError(
        book.state === 'read-only' ? readOnlyMessage(book) : `the book ${path} cannot be written (${err.message}): nothing was written. Check the file's and its folder's permissions`,
        path, code, e
      )
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return new BookDamagedError(`the book ${path} is damaged (SQLite: ${err.message}). Save a repaired copy and open that`, path, code, e)
    case 'SQLITE_FULL':
      return new DiskFullError(`the disk holding the book ${path} is full: nothing was written. Free some space and try again`, path, code, e)
    case 'SQLITE_IOERR': {
      const free = freeBytes(path)
      if (free !== null && free < DISK_FULL_BYTES) return new DiskFullError(`the disk holding the book ${path} is full (${Math.round(free / 1024)} KiB free): nothing was written. Free some space and try again`, path, code, e)
      return null
    }
    default:
      return null
  }
}
