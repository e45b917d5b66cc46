import type { BookDb } from './database'
import { recordAudit } from './audit'

/** live: the trader's own book (imports only); demo: the shipped sample (read-only); whatif: copies to edit. */
export type BookKind = 'live' | 'whatif' | 'demo'

export interface BookRecord {
  id: number
  name: string
  kind: BookKind
  parentId: number | null
  isDemo: boolean
  createdAtUtc: string
  marketSnapshotId: string | null
  accountCount: number
  positionCount: number
}

interface BookRow {
  id: number
  name: string
  kind: BookKind
  parent_id: number | null
  is_demo: 0 | 1
  created_at: string
  market_snapshot_id: string | null
  account_count: number
  position_count: number
}

const SELECT_BOOKS = `
  SELECT b.id, b.name, b.kind, b.parent_id, b.is_demo, b.created_at, b.market_snapshot_id,
         (SELECT COUNT(*) FROM accounts a WHERE a.book_id = b.id) AS account_count,
         (SELECT COUNT(*) FROM positions p JOIN accounts a ON a.id = p.account_id WHERE a.book_id = b.id) AS position_count
  FROM books b`

const toRecord = (r: BookRow): BookRecord => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  parentId: r.parent_id,
  isDemo: r.is_demo === 1,
  createdAtUtc: r.created_at,
  marketSnapshotId: r.market_snapshot_id,
  accountCount: r.account_count,
  positionCount: r.position_count
})

export function listBooks(db: BookDb): BookRecord[] {
  return (db.prepare(`${SELECT_BOOKS} ORDER BY CASE b.kind WHEN 'live' THEN 0 WHEN 'demo' THEN 1 ELSE 2 END, b.id`).all() as BookRow[]).map(toRecord)
}

export function findBook(db: BookDb, bookId: number): BookRecord | undefined {
  const row = db.prepare(`${SELECT_BOOKS} WHERE b.id = ?`).get(bookId) as BookRow | undefined
  return row && toRecord(row)
}

export function insertBook(
  db: BookDb,
  b: { name: string; kind: BookKind; parentId?: number | null; marketSnapshotId?: string | null },
  now = new Date()
): number {
  const id = Number(
    db
      .prepare('INSERT INTO books (name, kind, parent_id, is_demo, market_snapshot_id, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(b.name, b.kind, b.parentId ?? null, b.kind === 'demo' ? 1 : 0, b.marketSnapshotId ?? null, now.toISOString())
      .lastInsertRowid
  )
  recordAudit(db, { bookId: id, entity: 'book', entityId: id, action: 'create', detail: { name: b.name, kind: b.kind } }, now)
  return id
}

export function insertAccount(db: BookDb, bookId: number, a: { name: string; venue: string; baseCurrency: string }): number {
  const id = Number(
    db
      .prepare('INSERT INTO accounts (book_id, name, venue, base_currency) VALUES (?, ?, ?, ?)')
      .run(bookId, a.name, a.venue, a.baseCurrency).lastInsertRowid
  )
  recordAudit(db, { bookId, entity: 'account', entityId: id, action: 'create', detail: a })
  return id
}

/** The trader's own book: every file has exactly one (created with the file). */
export function liveBook(db: BookDb): BookRecord {
  const row = db.prepare(`${SELECT_BOOKS} WHERE b.kind = 'live'`).get() as BookRow | undefined
  if (!row) throw new Error('this book file has no live book')
  return toRecord(row)
}

export function demoBook(db: BookDb): BookRecord | undefined {
  const row = db.prepare(`${SELECT_BOOKS} WHERE b.kind = 'demo'`).get() as BookRow | undefined
  return row && toRecord(row)
}
