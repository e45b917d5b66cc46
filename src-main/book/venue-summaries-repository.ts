/**
 * The venue's own account summaries the trader imported (issue 22 §4; table venue_summaries, book
 * schema 9): the file verbatim (`body`), what was read from it per pool currency (`summary`, JSON),
 * the account it belongs to (null when the book has none of that venue), and its SHA-256. A file
 * already imported into the book (same bytes, same currency) is a duplicate, reported, not an error.
 */
import { createHash } from 'node:crypto'
import type { BookDb } from './database'
import { recordAudit } from './audit'

export interface VenueSummaryInsert {
  venue: string
  kind: string
  currency: string
  asOfMs: number | null
  summary: unknown
}

export interface VenueSummaryRecord {
  id: number
  bookId: number
  accountId: number | null
  venue: string
  kind: string
  currency: string
  asOfMs: number | null
  fileName: string
  sha256: string
  summary: unknown
  importedAt: string
}

export interface VenueSummaryImport {
  sha256: string
  inserted: VenueSummaryRecord[]
  /** Currencies of the file the book already holds: the row imported before. */
  duplicates: VenueSummaryRecord[]
}

interface Row {
  id: number
  book_id: number
  account_id: number | null
  venue: string
  kind: string
  currency: string
  as_of_ms: number | null
  file_name: string
  sha256: string
  summary: string
  imported_at: string
}

const COLUMNS = 'id, book_id, account_id, venue, kind, currency, as_of_ms, file_name, sha256, summary, imported_at'

const recordOf = (r: Row): VenueSummaryRecord => ({
  id: r.id,
  bookId: r.book_id,
  accountId: r.account_id,
  venue: r.venue,
  kind: r.kind,
  currency: r.currency,
  asOfMs: r.as_of_ms,
  fileName: r.file_name,
  sha256: r.sha256,
  summary: JSON.parse(r.summary) as unknown,
  importedAt: r.imported_at
})

export const sha256Of = (body: string): string => createHash('sha256').update(body, 'utf8').digest('hex')

/**
 * Store one file's entries (one per pool currency) and an audit row, in one transaction: all or
 * nothing. Entries whose (file bytes, currency) the book already holds are returned as duplicates,
 * not written again; the audit row is written only when something new is.
 */
export function insertVenueSummaries(db: BookDb, f: { bookId: number; accountId: number | null; fileName: string; body: string; entries: readonly VenueSummaryInsert[] }, now = new Date()): VenueSummaryImport {
  const sha256 = sha256Of(f.body)
  return db.transaction(() => {
    const existing = db.prepare(`SELECT ${COLUMNS} FROM venue_summaries WHERE book_id = ? AND sha256 = ? AND currency = ?`)
    const insert = db.prepare(
      `INSERT INTO venue_summaries (book_id, account_id, venue, kind, currency, as_of_ms, file_name, sha256, body, summary, imported_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    )
    const byId = db.prepare(`SELECT ${COLUMNS} FROM venue_summaries WHERE id = ?`)
    const inserted: VenueSummaryRecord[] = []
    const duplicates: VenueSummaryRecord[] = []
    for (const e of f.entries) {
      const before = existing.get(f.bookId, sha256, e.currency) as Row | undefined
      if (before) {
        duplicates.push(recordOf(before))
        continue
      }
      const id = Number(insert.run(f.bookId, f.accountId, e.venue, e.kind, e.currency, e.asOfMs, f.fileName, sha256, f.body, JSON.stringify(e.summary), now.toISOString()).lastInsertRowid)
      inserted.push(recordOf(byId.get(id) as Row))
    }
    if (inserted.length) {
      recordAudit(db, { bookId: f.bookId, entity: 'venue_summary', entityId: inserted[0]!.id, action: 'import', detail: { fileName: f.fileName, sha256, kind: inserted[0]!.kind, accountId: f.accountId, currencies: inserted.map((r) => r.currency), ids: inserted.map((r) => r.id) } }, now)
    }
    return { sha256, inserted, duplicates }
  }).immediate()
}

/** The book's imported summaries, newest import first (without the file bodies). */
export function listVenueSummaries(db: BookDb, bookId: number): VenueSummaryRecord[] {
  return (db.prepare(`SELECT ${COLUMNS} FROM venue_summaries WHERE book_id = ? ORDER BY imported_at DESC, id DESC`).all(bookId) as Row[]).map(recordOf)
}

/** The file as imported, verbatim; undefined when no such summary in the book. */
export function venueSummaryBody(db: BookDb, bookId: number, id: number): string | undefined {
  return (db.prepare('SELECT body FROM venue_summaries WHERE id = ? AND book_id = ?').get(id, bookId) as { body: string } | undefined)?.body
}

/**
 * The latest summary per account and currency among `kinds` (all kinds when omitted): the latest
 * venue time (a file without one counts as older than any with one), then the latest import.
 */
export function latestVenueSummaries(db: BookDb, bookId: number, kinds?: readonly string[]): VenueSummaryRecord[] {
  const rows = (db.prepare(`SELECT ${COLUMNS} FROM venue_summaries WHERE book_id = ? ORDER BY (as_of_ms IS NULL), as_of_ms DESC, imported_at DESC, id DESC`).all(bookId) as Row[]).map(recordOf)
  const latest = new Map<string, VenueSummaryRecord>()
  for (const r of rows) {
    if (kinds && !kinds.includes(r.kind)) continue
    const key = `${r.accountId ?? ''}\u0000${r.venue}\u0000${r.currency}`
    if (!latest.has(key)) latest.set(key, r)
  }
  return [...latest.values()]
}
