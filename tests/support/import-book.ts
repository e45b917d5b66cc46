/** A fresh book file and helpers to import fixtures into it and read positions back. */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { openBookDatabase, type BookDb } from '../../src-main/book/database'
import { insertBook } from '../../src-main/book/books-repository'
import { commitImport, previewImport, type ImportRequest } from '../../src-main/services/import-service'

export const FIXTURES = resolve(import.meta.dirname, '../fixtures/statements')
export const fixture = (name: string): { fileName: string; text: string } => ({ fileName: name, text: readFileSync(join(FIXTURES, name), 'utf8') })
export const fileAt = (path: string): { fileName: string; text: string } => ({ fileName: basename(path), text: readFileSync(path, 'utf8') })

/** An empty live book (no demo) in a fresh file. */
export function emptyBook(): { db: BookDb; bookId: number; path: string } {
  const path = join(mkdtempSync(join(tmpdir(), 'marginal-import-')), 'book.sqlite')
  const { db } = openBookDatabase(path)
  const bookId = insertBook(db, { name: 'Test book', kind: 'live' })
  return { db, bookId, path }
}

export const preview = (db: BookDb, bookId: number, f: { fileName: string; text: string }, extra: Partial<ImportRequest> = {}) =>
  previewImport(db, { bookId, ...f, ...extra })
export const commit = (db: BookDb, bookId: number, f: { fileName: string; text: string }, allowPartial = false, extra: Partial<ImportRequest> = {}) =>
  commitImport(db, { bookId, ...f, allowPartial, ...extra })

export function positionsOf(db: BookDb, accountName: string): Record<string, { size: number; avg: number | null; kind: string }> {
  const rows = db
    .prepare(
      `SELECT i.symbol, i.kind, p.size_contracts AS size, p.avg_price AS avg FROM positions p
       JOIN accounts a ON a.id = p.account_id JOIN instruments i ON i.id = p.instrument_id WHERE a.name = ? ORDER BY i.symbol`
    )
    .all(accountName) as { symbol: string; kind: string; size: number; avg: number | null }[]
  return Object.fromEntries(rows.map((r) => [r.symbol, { size: r.size, avg: r.avg, kind: r.kind }]))
}

/**
 * Everything in the book that an import can touch, statements and market files alike, for
 * before/after comparisons (books and audit_log are left out: a fresh book differs by its creation time).
 */
export function snapshotBook(db: BookDb): string {
  const tables = ['accounts', 'instruments', 'positions', 'trades', 'cash_flows', 'imports', 'price_history', 'vol_index_history', 'funding_history', 'market_snapshots']
  return JSON.stringify(tables.map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY id`).all()))
}
