/** Book reads and writes an import needs, all inside the caller's transaction. */
import type { BookDb } from './database'
import { instrumentFromRow, type InstrumentRow } from './instruments-repository'
import { instrumentKey } from '../engine/instruments/instrument'
import type { HeldRecord } from '../importers/plan'

export function findAccount(db: BookDb, bookId: number, name: string): { id: number; venue: string } | undefined {
  return db.prepare('SELECT id, venue FROM accounts WHERE book_id = ? AND name = ?').get(bookId, name) as { id: number; venue: string } | undefined
}

export function heldByAccount(db: BookDb, accountId: number): Map<string, HeldRecord> {
  const rows = db
    .prepare('SELECT p.size_contracts, p.avg_price, p.session_price, p.settled_at_ms, i.* FROM positions p JOIN instruments i ON i.id = p.instrument_id WHERE p.account_id = ?')
    .all(accountId) as (InstrumentRow & { size_contracts: number; avg_price: number | null; session_price: number | null; settled_at_ms: number | null })[]
  return new Map(
    rows.map((r) => [instrumentKey(r.venue, r.symbol), { sizeContracts: r.size_contracts, avgPrice: r.avg_price, sessionPrice: r.session_price, settled: r.settled_at_ms !== null, instrument: instrumentFromRow(r) }])
  )
}

/** External ids this account already holds, among `candidates` (chunked under SQLite's variable limit). */
export function knownIds(db: BookDb, table: 'trades' | 'cash_flows', accountId: number, candidates: readonly string[]): Set<string> {
  const known = new Set<string>()
  const CHUNK = 500
  for (let i = 0; i < candidates.length; i += CHUNK) {
    const chunk = candidates.slice(i, i + CHUNK)
    const rows = db
      .prepare(`SELECT external_id FROM ${table} WHERE account_id = ? AND external_id IN (${chunk.map(() => '?').join(',')})`)
      .all(accountId, ...chunk) as { external_id: string }[]
    for (const r of rows) known.add(r.external_id)
  }
  return known
}

export function findImportByHash(db: BookDb, bookId: number, sha256: string): { id: number; importedAt: string } | undefined {
  return db.prepare('SELECT id, imported_at AS importedAt FROM imports WHERE book_id = ? AND file_sha256 = ?').get(bookId, sha256) as
    | { id: number; importedAt: string }
    | undefined
}
