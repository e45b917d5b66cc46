/**
 * Positions past their expiry: the delivery prices statements printed, the index history that
 * stands in for one, and the settlement Marginal books (a ledger row at expiry, the position
 * marked settled) or undoes when the venue's own rows arrive. The rules live in
 * services/expiry/settle-expired.ts; this is only their SQL.
 */
import type { BookDb } from './database'
import type { InstrumentRow } from './instruments-repository'

/** The venue's delivery price for an expiry, as a statement printed it. */
export function deliveryPrice(db: BookDb, venue: string, underlying: string, expiryMs: number): { priceUsd: number; source: string } | undefined {
  const row = db.prepare('SELECT price_usd, source FROM delivery_prices WHERE venue = ? AND underlying = ? AND expiry_ms = ?').get(venue, underlying, expiryMs) as
    | { price_usd: number; source: string }
    | undefined
  return row && { priceUsd: row.price_usd, source: row.source }
}

/** The underlying's daily close on `day` from imported history: USD-quoted first, then USDT, then USDC; by source. */
export function usdDailyClose(db: BookDb, underlying: string, day: string): { close: number; quoteCurrency: string; source: string } | undefined {
  const bar = db
    .prepare(
      `SELECT close, quote_currency, source FROM price_history WHERE underlying = ? AND day = ? AND quote_currency IN ('USD', 'USDT', 'USDC')
       ORDER BY CASE quote_currency WHEN 'USD' THEN 0 WHEN 'USDT' THEN 1 ELSE 2 END, source LIMIT 1`
    )
    .get(underlying, day) as { close: number; quote_currency: string; source: string } | undefined
  return bar && { close: bar.close, quoteCurrency: bar.quote_currency, source: bar.source }
}

export type ExpiredPositionRow = InstrumentRow & { position_id: number; account_id: number; account_name: string; size_contracts: number; avg_price: number | null; session_price: number | null }

/** The book's open options and futures whose expiry is at or before `asOfMs`, with their instruments. */
export function openPositionsExpiredBy(db: BookDb, bookId: number, asOfMs: number): ExpiredPositionRow[] {
  return db
    .prepare(
      `SELECT p.id AS position_id, p.account_id, a.name AS account_name, p.size_contracts, p.avg_price, p.session_price, i.*
       FROM positions p JOIN accounts a ON a.id = p.account_id JOIN instruments i ON i.id = p.instrument_id
       WHERE a.book_id = ? AND p.settled_at_ms IS NULL AND i.expiry_ms IS NOT NULL AND i.expiry_ms <= ? AND i.kind IN ('option', 'future')`
    )
    .all(bookId, asOfMs) as ExpiredPositionRow[]
}

export interface ExpirySettlement {
  positionId: number
  accountId: number
  /** The ledger row's id (`marginal:expiry:venue:symbol`), kept on the position to undo it. */
  externalId: string
  atMs: number
  currency: string
  amount: number
  symbol: string
  note: string
  priceUsd: number
  source: string
}

/** Books settlements, statements prepared once: the 'expiry_settlement' ledger row, then the position marked settled. */
export function expirySettler(db: BookDb): (s: ExpirySettlement) => void {
  const insertFlow = db.prepare(
    `INSERT INTO cash_flows (account_id, import_id, external_id, at_ms, kind, currency, amount, instrument_symbol, note, moves_cash)
     VALUES (?, NULL, ?, ?, 'expiry_settlement', ?, ?, ?, ?, 1)`
  )
  const mark = db.prepare('UPDATE positions SET settled_at_ms = ?, settlement_price_usd = ?, settlement_source = ?, settlement_cash = ?, settlement_flow = ? WHERE id = ?')
  return (s) => {
    insertFlow.run(s.accountId, s.externalId, s.atMs, s.currency, s.amount, s.symbol, s.note)
    mark.run(s.atMs, s.priceUsd, s.source, s.amount, s.externalId, s.positionId)
  }
}

/** The account's settled position in that instrument, with the ledger row its settlement booked. */
export function settledPosition(db: BookDb, accountId: number, instrumentId: number): { id: number; settlementFlow: string | null } | undefined {
  const row = db.prepare('SELECT id, settlement_flow FROM positions WHERE account_id = ? AND instrument_id = ? AND settled_at_ms IS NOT NULL').get(accountId, instrumentId) as
    | { id: number; settlement_flow: string | null }
    | undefined
  return row && { id: row.id, settlementFlow: row.settlement_flow }
}

/** The currency of the account's ledger row with that external id. */
export function ledgerRowCurrency(db: BookDb, accountId: number, externalId: string): string | undefined {
  return (db.prepare('SELECT currency FROM cash_flows WHERE account_id = ? AND external_id = ?').get(accountId, externalId) as { currency: string } | undefined)?.currency
}

/** Delete the account's ledger row with that external id. */
export function deleteLedgerRow(db: BookDb, accountId: number, externalId: string): void {
  db.prepare('DELETE FROM cash_flows WHERE account_id = ? AND external_id = ?').run(accountId, externalId)
}

/** Put a settled position back in the open book: its settlement fields cleared. */
export function reopenPosition(db: BookDb, positionId: number): void {
  db.prepare('UPDATE positions SET settled_at_ms = NULL, settlement_price_usd = NULL, settlement_source = NULL, settlement_cash = NULL, settlement_flow = NULL WHERE id = ?').run(positionId)
}

/** Records a statement's delivery prices, statement prepared once; the first one seen for a venue, underlying and expiry stands. */
export function deliveryPriceRecorder(db: BookDb): (p: { venue: string; underlying: string; expiryMs: number; priceUsd: number; source: string; importId: number | null }) => void {
  const insert = db.prepare('INSERT OR IGNORE INTO delivery_prices (venue, underlying, expiry_ms, price_usd, source, import_id) VALUES (?, ?, ?, ?, ?, ?)')
  return (p) => void insert.run(p.venue, p.underlying, p.expiryMs, p.priceUsd, p.source, p.importId)
}

/** Finds positions settled at an expiry on a price whose source does not start with `sourcePrefix` (statement prepared once). */
export function settledOnOtherPrice(db: BookDb): (venue: string, underlying: string, expiryMs: number, sourcePrefix: string) => { accountId: number; instrumentId: number }[] {
  const approximated = db.prepare(
    `SELECT p.account_id, p.instrument_id FROM positions p JOIN instruments i ON i.id = p.instrument_id
     WHERE p.settled_at_ms IS NOT NULL AND i.venue = ? AND i.underlying = ? AND i.expiry_ms = ? AND p.settlement_source NOT LIKE ?`
  )
  return (venue, underlying, expiryMs, sourcePrefix) =>
    (approximated.all(venue, underlying, expiryMs, `${sourcePrefix}%`) as { account_id: number; instrument_id: number }[]).map((r) => ({ accountId: r.account_id, instrumentId: r.instrument_id }))
}

/** Finds the account's positions in a symbol expired at or before an instant (statement prepared once). */
export function expiredPositionsOf(db: BookDb, accountId: number): (symbol: string, atMs: number) => { id: number; instrumentId: number }[] {
  const find = db.prepare(
    `SELECT p.id, p.instrument_id FROM positions p JOIN instruments i ON i.id = p.instrument_id
     WHERE p.account_id = ? AND i.symbol = ? AND i.expiry_ms IS NOT NULL AND i.expiry_ms <= ?`
  )
  return (symbol, atMs) => (find.all(accountId, symbol, atMs) as { id: number; instrument_id: number }[]).map((r) => ({ id: r.id, instrumentId: r.instrument_id }))
}

/** Deletes positions by id (statement prepared once). */
export function positionRemover(db: BookDb): (positionId: number) => void {
  const remove = db.prepare('DELETE FROM positions WHERE id = ?')
  return (positionId) => void remove.run(positionId)
}

export interface ExpiredPositionRecord {
  account: string
  venue: string
  symbol: string
  expiryMs: number
  settleCurrency: string
  sizeContracts: number
  settledAtMs: number | null
  settlementPriceUsd: number | null
  settlementSource: string | null
  settlementCash: number | null
}

/** The book's positions settled, or expired at or before `asOfMs` (null: none), by expiry, account and symbol. */
export function expiredPositions(db: BookDb, bookId: number, asOfMs: number | null): ExpiredPositionRecord[] {
  const rows = db
    .prepare(
      `SELECT a.name AS account, i.venue, i.symbol, i.expiry_ms, i.settle_currency, p.size_contracts, p.settled_at_ms, p.settlement_price_usd, p.settlement_source, p.settlement_cash
       FROM positions p JOIN accounts a ON a.id = p.account_id JOIN instruments i ON i.id = p.instrument_id
       WHERE a.book_id = ? AND i.expiry_ms IS NOT NULL AND (p.settled_at_ms IS NOT NULL OR i.expiry_ms <= ?)
       ORDER BY i.expiry_ms, a.name, i.symbol`
    )
    .all(bookId, asOfMs ?? -1) as {
    account: string; venue: string; symbol: string; expiry_ms: number; settle_currency: string; size_contracts: number
    settled_at_ms: number | null; settlement_price_usd: number | null; settlement_source: string | null; settlement_cash: number | null
  }[]
  return rows.map((r) => ({
    account: r.account,
    venue: r.venue,
    symbol: r.symbol,
    expiryMs: r.expiry_ms,
    settleCurrency: r.settle_currency,
    sizeContracts: r.size_contracts,
    settledAtMs: r.settled_at_ms,
    settlementPriceUsd: r.settlement_price_usd,
    settlementSource: r.settlement_source,
    settlementCash: r.settlement_cash
  }))
}
