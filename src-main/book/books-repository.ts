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
  followsLiveMarket: boolean
  accountCount: number
  /** Open positions (settled ones are out of the book). */
  positionCount: number
  /** Positions past their expiry with no settlement price yet. */
  awaitingSettlement: number
}

interface BookRow {
  id: number
  name: string
  kind: BookKind
  parent_id: number | null
  is_demo: 0 | 1
  created_at: string
  market_snapshot_id: string | null
  follows_live_market: 0 | 1
  account_count: number
  position_count: number
  awaiting_settlement: number
}

// A book following the live market is valued on the live book's snapshot: resolved here, once, so
// every reader of marketSnapshotId gets the one the book is valued on.
const SELECT_BOOKS = `
  WITH valued AS (
    SELECT b.*, CASE WHEN b.follows_live_market = 1
                     THEN COALESCE((SELECT l.market_snapshot_id FROM books l WHERE l.kind = 'live'), b.market_snapshot_id)
                     ELSE b.market_snapshot_id END AS market_id
    FROM books b)
  SELECT b.id, b.name, b.kind, b.parent_id, b.is_demo, b.created_at, b.follows_live_market, b.market_id AS market_snapshot_id,
         (SELECT COUNT(*) FROM accounts a WHERE a.book_id = b.id) AS account_count,
         (SELECT COUNT(*) FROM positions p JOIN accounts a ON a.id = p.account_id WHERE a.book_id = b.id AND p.settled_at_ms IS NULL) AS position_count,
         (SELECT COUNT(*) FROM positions p JOIN accounts a ON a.id = p.account_id JOIN instruments i ON i.id = p.instrument_id
           WHERE a.book_id = b.id AND p.settled_at_ms IS NULL AND i.expiry_ms IS NOT NULL
             AND i.expiry_ms <= COALESCE((SELECT m.as_of_ms FROM market_snapshots m WHERE m.id = b.market_id), -1)) AS awaiting_settlement
  FROM valued b`

const toRecord = (r: BookRow): BookRecord => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  parentId: r.parent_id,
  isDemo: r.is_demo === 1,
  createdAtUtc: r.created_at,
  marketSnapshotId: r.market_snapshot_id,
  followsLiveMarket: r.follows_live_market === 1,
  accountCount: r.account_count,
  positionCount: r.position_count,
  awaitingSettlement: r.awaiting_settlement
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
  b: { name: string; kind: BookKind; parentId?: number | null; marketSnapshotId?: string | null; followsLiveMarket?: boolean },
  now = new Date()
): number {
  const id = Number(
    db
      .prepare('INSERT INTO books (name, kind, parent_id, is_demo, market_snapshot_id, follows_live_market, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(b.name, b.kind, b.parentId ?? null, b.kind === 'demo' ? 1 : 0, b.marketSnapshotId ?? null, b.followsLiveMarket ? 1 : 0, now.toISOString())
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

/**
 * A what-if book follows the live book's market (each chain import reaches it) or holds a copy of
 * the market it is valued on now. The live and demo books have their own.
 */
export function setFollowsLiveMarket(db: BookDb, bookId: number, follow: boolean, now = new Date()): void {
  const book = findBook(db, bookId)
  if (!book) throw new Error(`book ${bookId} does not exist`)
  if (book.kind !== 'whatif') throw new Error(`"${book.name}" is the ${book.kind} book: it has its own market`)
  db.transaction(() => {
    // Holding a copy: keep the snapshot it is valued on now (the live one, when it followed).
    db.prepare('UPDATE books SET follows_live_market = ?, market_snapshot_id = ? WHERE id = ?').run(follow ? 1 : 0, book.marketSnapshotId, bookId)
    recordAudit(db, { bookId, entity: 'book', entityId: bookId, action: follow ? 'follow live market' : 'hold own market', detail: { snapshot: book.marketSnapshotId } }, now)
  }).immediate()
}

/** The snapshot id stored on the book row itself, not resolved through follows_live_market; null without one. */
export function storedMarketSnapshotId(db: BookDb, bookId: number): string | null {
  return (db.prepare('SELECT market_snapshot_id AS id FROM books WHERE id = ?').get(bookId) as { id: string | null } | undefined)?.id ?? null
}

/** Make a snapshot the book's market (no audit row: the import that brought it has one). */
export function setBookMarketSnapshot(db: BookDb, bookId: number, snapshotId: string): void {
  db.prepare('UPDATE books SET market_snapshot_id = ? WHERE id = ?').run(snapshotId, bookId)
}
