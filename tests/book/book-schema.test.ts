import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { openBookDatabase } from '../../src-main/book/database'
import { latestSchemaVersion } from '../../src-main/book/migrations'

const opened: Database.Database[] = []
const tempBook = (): string => join(mkdtempSync(join(tmpdir(), 'marginal-book-')), 'book.sqlite')
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close()
})

describe('book database', () => {
  it('creates every table, in WAL mode with foreign keys, at the latest schema version', () => {
    const book = openBookDatabase(tempBook())
    opened.push(book.db)
    expect(book.schemaVersion).toBe(latestSchemaVersion)
    expect(book.db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(book.db.pragma('foreign_keys', { simple: true })).toBe(1)
    // A new file gets 16 KiB pages (fewer page splits and WAL frames on a 1M-row import).
    expect(book.db.pragma('page_size', { simple: true })).toBe(16384)
    const tables = (book.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name)
    expect(tables).toEqual(
      expect.arrayContaining(['books', 'accounts', 'instruments', 'positions', 'trades', 'imports', 'market_snapshots', 'audit_log', 'ui_state'])
    )
  })

  it('keeps the page size of a file made before (SQLite fixes it with the first table)', () => {
    const path = tempBook()
    const raw = new Database(path)
    raw.exec('CREATE TABLE t (x)')
    raw.close()
    const book = openBookDatabase(path)
    opened.push(book.db)
    expect(book.db.pragma('page_size', { simple: true })).toBe(4096)
    expect(book.schemaVersion).toBe(latestSchemaVersion)
  })

  it('reopens an existing book without re-running migrations', () => {
    const path = tempBook()
    const first = openBookDatabase(path)
    first.db.prepare("INSERT INTO books (name, kind, created_at) VALUES ('kept', 'live', 'now')").run()
    first.db.close()
    const again = openBookDatabase(path)
    opened.push(again.db)
    expect(again.db.prepare('SELECT name FROM books').all()).toEqual([{ name: 'kept' }])
  })

  it('enforces foreign keys and the live-book rule', () => {
    const book = openBookDatabase(tempBook())
    opened.push(book.db)
    expect(() => book.db.prepare("INSERT INTO accounts (book_id, name, venue, base_currency) VALUES (99, 'x', 'deribit', 'BTC')").run()).toThrow(/FOREIGN KEY/)
    book.db.prepare("INSERT INTO books (id, name, kind, created_at) VALUES (1, 'live', 'live', 'now')").run()
    expect(() => book.db.prepare("INSERT INTO books (name, kind, parent_id, created_at) VALUES ('bad', 'live', 1, 'now')").run()).toThrow(/CHECK/)
  })

  it('refuses a book written by a newer Marginal', () => {
    const path = tempBook()
    const raw = new Database(path)
    raw.pragma(`user_version = ${latestSchemaVersion + 1}`)
    raw.close()
    expect(() => openBookDatabase(path)).toThrow(/schema version \d+ is newer than this Marginal understands/)
  })

  it('names the file when it is not a book', () => {
    const path = tempBook()
    writeFileSync(path, 'this is a text file, not SQLite, and it is long enough to have a header....'.repeat(20))
    expect(() => openBookDatabase(path)).toThrow(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a Marginal book`))
  })

  it('says clearly when another process holds the book locked', () => {
    const path = tempBook()
    const holder = new Database(path)
    opened.push(holder)
    holder.exec('BEGIN EXCLUSIVE')
    expect(() => openBookDatabase(path, { busyTimeoutMs: 100 })).toThrow(new RegExp(`the book ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is busy: .* within 0.1 s`))
  })
})

describe('migrations', () => {
  it('brings a version-1 book forward to the latest version with its data intact', async () => {
    const { migrations } = await import('../../src-main/book/migrations')
    const path = tempBook()
    const v1 = new Database(path)
    v1.exec(migrations[0]!.sql)
    v1.pragma('user_version = 1')
    v1.prepare("INSERT INTO books (name, kind, created_at) VALUES ('kept through the upgrade', 'live', 'now')").run()
    v1.close()
    const book = openBookDatabase(path)
    opened.push(book.db)
    expect(book.schemaVersion).toBe(latestSchemaVersion)
    expect(book.db.prepare('SELECT name FROM books').all()).toEqual([{ name: 'kept through the upgrade' }])
    expect(book.db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'cash_flows'").get()).toEqual({ n: 1 })
  })
})
