import type { BookDb } from './database'
import type { MarketSnapshotData } from '../engine/market/snapshot'

/** Snapshots are immutable: saving an id that exists is a no-op, never an overwrite. */
export function saveMarketSnapshot(db: BookDb, s: MarketSnapshotData, now = new Date()): void {
  db.prepare('INSERT OR IGNORE INTO market_snapshots (id, as_of_ms, source, payload, created_at) VALUES (?, ?, ?, ?, ?)').run(
    s.id,
    s.asOfMs,
    s.source,
    JSON.stringify(s),
    now.toISOString()
  )
}

export function loadMarketSnapshot(db: BookDb, id: string): MarketSnapshotData | undefined {
  const row = db.prepare('SELECT payload FROM market_snapshots WHERE id = ?').get(id) as { payload: string } | undefined
  return row && (JSON.parse(row.payload) as MarketSnapshotData)
}

/** Whether a snapshot with that id is saved in the file. */
export function hasMarketSnapshot(db: BookDb, id: string): boolean {
  return db.prepare('SELECT 1 FROM market_snapshots WHERE id = ?').get(id) !== undefined
}
