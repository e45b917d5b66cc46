/** Book reads and writes an import needs, all inside the caller's transaction. */
import type { BookDb } from './database'
import { multiRowInserter } from './trades-repository'
import { instrumentFromRow, type InstrumentRow } from './instruments-repository'
import { instrumentKey } from '../engine/instruments/instrument'
import type { HeldRecord } from '../engine/positions/held'

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

export interface ImportLogEntry {
  bookId: number
  fileName: string
  sha256: string
  format: string
  rowsTotal: number
  rowsImported: number
  rowsSkipped: number
  rowsRejected: number
  importedAt: string
}

/** The imports-log row of a statement import; returns its id. */
export function logImport(db: BookDb, e: ImportLogEntry): number {
  return Number(
    db
      .prepare(
        `INSERT INTO imports (book_id, file_name, file_sha256, format, rows_total, rows_imported, rows_skipped, rows_rejected, imported_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(e.bookId, e.fileName, e.sha256, e.format, e.rowsTotal, e.rowsImported, e.rowsSkipped, e.rowsRejected, e.importedAt).lastInsertRowid
  )
}

/** The imports-log row of a market file: the same file again only moves its import time. Returns its id. */
export function logMarketImport(db: BookDb, e: ImportLogEntry): number {
  const row = db
    .prepare(
      `INSERT INTO imports (book_id, file_name, file_sha256, format, rows_total, rows_imported, rows_skipped, rows_rejected, imported_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (book_id, file_sha256) DO UPDATE SET imported_at = excluded.imported_at
       RETURNING id`
    )
    .get(e.bookId, e.fileName, e.sha256, e.format, e.rowsTotal, e.rowsImported, e.rowsSkipped, e.rowsRejected, e.importedAt) as { id: number }
  return row.id
}

export interface LedgerRow {
  accountId: number
  importId: number | null
  externalId: string
  atMs: number
  kind: string
  currency: string
  amount: number
  instrumentSymbol: string | null
  note: string | null
  /** false: a row the venue reports that does not move cash (session P&L, spot-coin holdings). */
  movesCash: boolean
}

/** The columns an imported ledger row fills, in ledgerRowInserter's order. */
export const LEDGER_COLUMNS = ['account_id', 'import_id', 'external_id', 'at_ms', 'kind', 'currency', 'amount', 'instrument_symbol', 'note', 'moves_cash'] as const

/**
 * Writes an import's ledger rows, ROWS_PER_INSERT to a statement (multiRowInserter: 100k-row logs
 * go through it). `add` returns the rows it wrote; `flush` writes the rest: call it before the
 * ledger is read again.
 */
export function ledgerRowInserter(db: BookDb): { add: (r: LedgerRow) => number; flush: () => number } {
  const insert = multiRowInserter(db, 'cash_flows', LEDGER_COLUMNS)
  return {
    add: (r) => insert.add([r.accountId, r.importId, r.externalId, r.atMs, r.kind, r.currency, r.amount, r.instrumentSymbol, r.note, r.movesCash ? 1 : 0]),
    flush: insert.flush
  }
}

/** Writes a statement's futures settlement prices, statement prepared once; one per account, instrument and instant stands. */
export function futuresSettlementInserter(db: BookDb): (s: { accountId: number; instrumentId: number; importId: number; atMs: number; price: number }) => void {
  const insert = db.prepare('INSERT OR IGNORE INTO futures_settlements (account_id, instrument_id, import_id, at_ms, price) VALUES (?, ?, ?, ?, ?)')
  return (s) => void insert.run(s.accountId, s.instrumentId, s.importId, s.atMs, s.price)
}

/** Sets or closes the positions a statement leaves, statements prepared once. */
export function importedPositionWriter(db: BookDb): {
  set: (p: { accountId: number; instrumentId: number; sizeContracts: number; avgPrice: number | null; sessionPrice: number | null; updatedAt: string }) => void
  close: (accountId: number, instrumentId: number) => void
} {
  const upsert = db.prepare(
    `INSERT INTO positions (account_id, instrument_id, size_contracts, avg_price, session_price, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (account_id, instrument_id) DO UPDATE SET size_contracts = excluded.size_contracts, avg_price = excluded.avg_price,
       session_price = excluded.session_price, updated_at = excluded.updated_at`
  )
  const remove = db.prepare('DELETE FROM positions WHERE account_id = ? AND instrument_id = ?')
  return {
    set: (p) => void upsert.run(p.accountId, p.instrumentId, p.sizeContracts, p.avgPrice, p.sessionPrice, p.updatedAt),
    close: (accountId, instrumentId) => void remove.run(accountId, instrumentId)
  }
}

/**
 * Finds the account's ledger rows of the same money, statement prepared once: that currency, an
 * instant within [fromMs, toMs], the amount to 1e-12 relative; with the file each came from.
 */
export function sameMoneyFinder(db: BookDb): (accountId: number, currency: string, fromMs: number, toMs: number, amount: number) => { externalId: string; kind: string; fileName: string | null }[] {
  const candidates = db.prepare(
    `SELECT f.external_id, f.kind, i.file_name FROM cash_flows f LEFT JOIN imports i ON i.id = f.import_id
     WHERE f.account_id = ? AND f.currency = ? AND f.at_ms BETWEEN ? AND ? AND ABS(f.amount - ?) <= 1e-12 * MAX(1, ABS(?))`
  )
  return (accountId, currency, fromMs, toMs, amount) =>
    (candidates.all(accountId, currency, fromMs, toMs, amount, amount) as { external_id: string; kind: string; file_name: string | null }[]).map((c) => ({
      externalId: c.external_id,
      kind: c.kind,
      fileName: c.file_name
    }))
}

/** Its condition is the partial index cash_flows_openings' (schema 10), word for word: see LAST_SETTLING_ROWS_SQL. */
export const OPENING_ROWS_SQL = "SELECT id, at_ms, amount, external_id FROM cash_flows WHERE account_id = ? AND currency = ? AND kind = 'opening_balance' ORDER BY at_ms"

/** The account's opening-balance ledger rows and their edits, statements prepared once. */
export function openingBalanceRows(db: BookDb): {
  list: (accountId: number, currency: string) => { id: number; atMs: number; amount: number; externalId: string }[]
  setAmount: (id: number, amount: number) => void
  remove: (id: number) => void
} {
  const openings = db.prepare(OPENING_ROWS_SQL)
  const update = db.prepare('UPDATE cash_flows SET amount = ? WHERE id = ?')
  const remove = db.prepare('DELETE FROM cash_flows WHERE id = ?')
  return {
    list: (accountId, currency) =>
      (openings.all(accountId, currency) as { id: number; at_ms: number; amount: number; external_id: string }[]).map((o) => ({ id: o.id, atMs: o.at_ms, amount: o.amount, externalId: o.external_id })),
    setAmount: (id, amount) => void update.run(amount, id),
    remove: (id) => void remove.run(id)
  }
}
