/**
 * What the P&L explain (issue 22, §2) reads from the book file: the stored market snapshots by
 * as-of, the trades after an instant, the positions settled after it, and the funding and fee
 * ledger rows and funding rates in a window.
 */
import type { BookDb } from './database'
import { instrumentFromRow, type InstrumentRow } from './instruments-repository'
import type { Instrument, UnpricedInstrument } from '../engine/instruments/instrument'
import type { ExplainCashFlow } from '../engine/explain/explain-types'

export interface StoredSnapshotRef {
  id: string
  asOfMs: number
}

/**
 * Every stored market snapshot taken at or before `atMs`, newest first (ties: the one saved last
 * first). Only columns stored before the payload are read, so a chain of megabytes is not loaded
 * to be sorted.
 */
export function snapshotsAtOrBefore(db: BookDb, atMs: number): StoredSnapshotRef[] {
  return db.prepare('SELECT id, as_of_ms AS asOfMs FROM market_snapshots WHERE as_of_ms <= ? ORDER BY as_of_ms DESC, rowid DESC').all(atMs) as StoredSnapshotRef[]
}

/** The underlyings a stored snapshot has an index for (read in SQLite: the payload is not parsed in JS). */
export function snapshotUnderlyings(db: BookDb, id: string): string[] {
  return (db.prepare("SELECT j.key FROM market_snapshots m, json_each(json_extract(m.payload, '$.indexUsd')) j WHERE m.id = ?").all(id) as { key: string }[]).map((r) => r.key)
}

export interface TradeRecord {
  accountId: number
  accountName: string
  venue: string
  instrument: Instrument | UnpricedInstrument
  tradedAtMs: number
  /** Signed: a buy positive. */
  signedContracts: number
  price: number | null
  fee: number
  feeCurrency: string | null
}

type TradeRow = InstrumentRow & { account_id: number; account_name: string; account_venue: string; traded_at_ms: number; side: 'buy' | 'sell'; size_contracts: number; price: number | null; fee: number; fee_currency: string | null }

/** The book's trades with traded_at_ms > afterMs, oldest first. */
export function tradesAfter(db: BookDb, bookId: number, afterMs: number): TradeRecord[] {
  const rows = db
    .prepare(
      `SELECT t.account_id, a.name AS account_name, a.venue AS account_venue, t.traded_at_ms, t.side, t.size_contracts, t.price, t.fee, t.fee_currency, i.*
       FROM trades t JOIN accounts a ON a.id = t.account_id JOIN instruments i ON i.id = t.instrument_id
       WHERE a.book_id = ? AND t.traded_at_ms > ? ORDER BY t.traded_at_ms, t.id`
    )
    .all(bookId, afterMs) as TradeRow[]
  return rows.map((r) => ({
    accountId: r.account_id,
    accountName: r.account_name,
    venue: r.account_venue,
    instrument: instrumentFromRow(r),
    tradedAtMs: r.traded_at_ms,
    signedContracts: r.side === 'buy' ? r.size_contracts : -r.size_contracts,
    price: r.price,
    fee: r.fee,
    feeCurrency: r.fee_currency
  }))
}

export interface SettledPosition {
  accountId: number
  accountName: string
  venue: string
  instrument: Instrument | UnpricedInstrument
  sizeContracts: number
  settledAtMs: number
}

type SettledRow = InstrumentRow & { account_id: number; account_name: string; account_venue: string; size_contracts: number; settled_at_ms: number }

/** Positions settled by Marginal after `afterMs` (held before their settlement). */
export function positionsSettledAfter(db: BookDb, bookId: number, afterMs: number): SettledPosition[] {
  const rows = db
    .prepare(
      `SELECT p.account_id, a.name AS account_name, a.venue AS account_venue, p.size_contracts, p.settled_at_ms, i.*
       FROM positions p JOIN accounts a ON a.id = p.account_id JOIN instruments i ON i.id = p.instrument_id
       WHERE a.book_id = ? AND p.settled_at_ms IS NOT NULL AND p.settled_at_ms > ? ORDER BY a.name, i.id`
    )
    .all(bookId, afterMs) as SettledRow[]
  return rows.map((r) => ({ accountId: r.account_id, accountName: r.account_name, venue: r.account_venue, instrument: instrumentFromRow(r), sizeContracts: r.size_contracts, settledAtMs: r.settled_at_ms }))
}

/**
 * positionsClosedByVenue's read. Trades are netted per account and instrument first (instruments
 * expired after the instant only), then the two checks run once per group. The ledger check states
 * cash_flows_settling's condition word for word (ledger-kind-indexes.test.ts reads the plan): with a
 * kind list of its own SQLite walked every ledger row after the expiry, once per trade (73 s for
 * 8,000 trades over 80,000 ledger rows; 13 ms this way).
 */
export const CLOSED_BY_VENUE_SQL = `WITH netted AS (
         SELECT t.account_id, t.instrument_id, SUM(CASE t.side WHEN 'buy' THEN t.size_contracts ELSE -t.size_contracts END) AS size_contracts
         FROM trades t JOIN accounts a ON a.id = t.account_id JOIN instruments i ON i.id = t.instrument_id
         WHERE a.book_id = ? AND i.expiry_ms > ?
         GROUP BY t.account_id, t.instrument_id
         HAVING ABS(SUM(CASE t.side WHEN 'buy' THEN t.size_contracts ELSE -t.size_contracts END)) > 1e-9
       )
       SELECT n.account_id, a.name AS account_name, a.venue AS account_venue, n.size_contracts, i.expiry_ms AS settled_at_ms, i.*
       FROM netted n JOIN accounts a ON a.id = n.account_id JOIN instruments i ON i.id = n.instrument_id
       WHERE NOT EXISTS (SELECT 1 FROM positions p WHERE p.account_id = n.account_id AND p.instrument_id = n.instrument_id)
         AND EXISTS (SELECT 1 FROM cash_flows f WHERE f.account_id = n.account_id AND f.instrument_symbol = i.symbol AND f.at_ms >= i.expiry_ms
           AND f.kind IN ('delivery', 'expiry_settlement', 'settlement') AND f.instrument_symbol IS NOT NULL AND f.kind <> 'expiry_settlement')
       ORDER BY a.name, i.id`

/**
 * Positions a venue's settlement closed: the expiry service deletes a position when a statement's
 * settlement or delivery row names it (services/expiry/settle-expired.ts closeSettledByVenue), so
 * neither the positions now nor those the book settled hold it. Per account and expired instrument,
 * where no position row is left, the book's trades add up to something, and a settlement or delivery
 * ledger row names the instrument at or after its expiry: those contracts were held until the
 * expiry (`settledAtMs`); only instruments expired after `afterMs`. A position entered without
 * trades (a statement's snapshot) cannot be rebuilt this way.
 */
export function positionsClosedByVenue(db: BookDb, bookId: number, afterMs: number): SettledPosition[] {
  const rows = db.prepare(CLOSED_BY_VENUE_SQL).all(bookId, afterMs) as SettledRow[]
  return rows.map((r) => ({ accountId: r.account_id, accountName: r.account_name, venue: r.account_venue, instrument: instrumentFromRow(r), sizeContracts: r.size_contracts, settledAtMs: r.settled_at_ms }))
}

/**
 * The expired instruments a venue's settlement or delivery row closed with fromMs < at_ms ≤ toMs, per
 * account, that no position row holds any more (closeSettledByVenue deleted it, or trades closed
 * it). The explain lists those its trades do not rebuild either: a position a statement's snapshot
 * entered, of which nothing in the book says what was held. Read through the ledger's time index
 * for the window (a day's window on a 1.9M-row ledger: 1 ms; the whole ledger 0.4 s).
 */
export function venueClosingsWithoutTrades(db: BookDb, bookId: number, fromMs: number, toMs: number): { accountName: string; symbol: string }[] {
  return db
    .prepare(
      `SELECT DISTINCT a.name AS accountName, f.instrument_symbol AS symbol
       FROM accounts a JOIN cash_flows f ON f.account_id = a.id JOIN instruments i ON i.venue = a.venue AND i.symbol = f.instrument_symbol
       WHERE a.book_id = ? AND f.kind IN ('delivery', 'expiry_settlement', 'settlement') AND f.instrument_symbol IS NOT NULL AND f.kind <> 'expiry_settlement'
         AND f.at_ms > ? AND f.at_ms <= ? AND i.expiry_ms IS NOT NULL AND f.at_ms >= i.expiry_ms
         AND NOT EXISTS (SELECT 1 FROM positions p WHERE p.account_id = a.id AND p.instrument_id = i.id)
       ORDER BY a.name, f.instrument_symbol`
    )
    .all(bookId, fromMs, toMs) as { accountName: string; symbol: string }[]
}

/** The book's funding and fee ledger rows with fromMs < at_ms ≤ toMs, as the explain takes them. */
export function fundingAndFeesBetween(db: BookDb, bookId: number, fromMs: number, toMs: number): ExplainCashFlow[] {
  return db
    .prepare(
      `SELECT a.name AS account, a.venue AS venue, f.kind AS kind, f.currency AS currency, f.amount AS amount, f.at_ms AS atMs, f.instrument_symbol AS instrumentSymbol
       FROM cash_flows f JOIN accounts a ON a.id = f.account_id
       WHERE a.book_id = ? AND f.kind IN ('funding', 'fee') AND f.at_ms > ? AND f.at_ms <= ? ORDER BY f.at_ms, f.id`
    )
    .all(bookId, fromMs, toMs) as ExplainCashFlow[]
}

/** Imported funding rates with fromMs < at_ms ≤ toMs. */
export function fundingRatesBetween(db: BookDb, fromMs: number, toMs: number): { venue: string; symbol: string; atMs: number; rate: number }[] {
  return db.prepare('SELECT venue, symbol, at_ms AS atMs, rate FROM funding_history WHERE at_ms > ? AND at_ms <= ? ORDER BY at_ms').all(fromMs, toMs) as { venue: string; symbol: string; atMs: number; rate: number }[]
}

/**
 * Per account and instrument symbol, the signed contracts all the book's trades add up to: what
 * the trades table can account for of a position held today (a statement's position snapshot, a
 * hand edit or the demo book's seed add the rest without a trade).
 */
export function tradedContracts(db: BookDb, bookId: number): Map<string, number> {
  const rows = db
    .prepare(
      `SELECT a.name AS account_name, i.symbol AS symbol, SUM(CASE t.side WHEN 'buy' THEN t.size_contracts ELSE -t.size_contracts END) AS contracts
       FROM trades t JOIN accounts a ON a.id = t.account_id JOIN instruments i ON i.id = t.instrument_id
       WHERE a.book_id = ? GROUP BY a.name, i.symbol`
    )
    .all(bookId) as { account_name: string; symbol: string; contracts: number }[]
  return new Map(rows.map((r) => [`${r.account_name}\u0000${r.symbol}`, r.contracts]))
}
