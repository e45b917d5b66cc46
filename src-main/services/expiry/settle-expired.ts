/**
 * Positions past their expiry leave the open book at their settlement (issue 17, §5;
 * ../shared/METHODOLOGY.md §1: "expired options are settled at their payoff, never priced as
 * alive"). The price, in order:
 * 1. the venue's delivery price printed on a statement (Deribit's delivery rows: the 30-minute
 *    index average before 08:00 UTC, https://support.deribit.com "Features", expiration price);
 * 2. else the index at expiry from imported daily history: the close of the day before the expiry
 *    day (the bar ending at 00:00 UTC), labelled as our approximation of the venue's price;
 * 3. else none: the position is flagged "awaiting settlement price" and left out of every figure.
 * A settled position's payoff (or a future's last P&L from its session price) is booked as a
 * ledger row at the expiry instant, and the row stays, marked settled, so that a later statement
 * with the venue's own delivery row replaces Marginal's settlement (see unsettle()).
 */
import type { BookDb } from '../../book/database'
import { findBook } from '../../book/books-repository'
import { refreshCash } from '../../book/balances-repository'
import { recordAudit } from '../../book/audit'
import { loadMarketSnapshot } from '../../book/market-repository'
import { instrumentFromRow, type InstrumentRow } from '../../book/instruments-repository'
import { isPriced, type Instrument } from '../../engine/instruments/instrument'
import { futuresPnl } from '../../engine/positions/fills'

export interface SettlementPrice {
  priceUsd: number
  source: string
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

export function settlementPrice(db: BookDb, venue: string, underlying: string, expiryMs: number): SettlementPrice | null {
  const delivered = db.prepare('SELECT price_usd, source FROM delivery_prices WHERE venue = ? AND underlying = ? AND expiry_ms = ?').get(venue, underlying, expiryMs) as
    | { price_usd: number; source: string }
    | undefined
  if (delivered) return { priceUsd: delivered.price_usd, source: delivered.source }
  const before = day(expiryMs - 86_400_000)
  // USD-quoted series first (the venues' indices are USD), then the stablecoin ones.
  const bar = db
    .prepare(
      `SELECT close, quote_currency, source FROM price_history WHERE underlying = ? AND day = ? AND quote_currency IN ('USD', 'USDT', 'USDC')
       ORDER BY CASE quote_currency WHEN 'USD' THEN 0 WHEN 'USDT' THEN 1 ELSE 2 END, source LIMIT 1`
    )
    .get(underlying, before) as { close: number; quote_currency: string; source: string } | undefined
  if (!bar) return null
  return {
    priceUsd: bar.close,
    source: `${underlying}/${bar.quote_currency} daily close of ${before} (${bar.source}), ${Math.round((expiryMs - Date.parse(`${day(expiryMs)}T00:00:00Z`)) / 3_600_000)} h before the ${new Date(expiryMs).toISOString().slice(11, 16)} UTC expiry: an approximation of ours, the venue settles on its own delivery price`
  }
}

/**
 * What settling `sizeContracts` of `i` at `priceUsd` moves into cash, in its settlement currency:
 * an option's payoff, a future's P&L from `basis` (its session price, else its average entry).
 */
export function settlementCash(i: Instrument, sizeContracts: number, priceUsd: number, basis: number | null): number | null {
  const contracts = sizeContracts * i.contractSize
  if (i.kind === 'option') {
    const inverse = i.settlement === 'inverse'
    const intrinsicUsd = Math.max(0, i.optionType === 'call' ? priceUsd - i.strikeUsd! : i.strikeUsd! - priceUsd)
    const units = i.contractUnit === 'usd' ? contracts / priceUsd : contracts
    return units * (inverse ? intrinsicUsd / priceUsd : intrinsicUsd)
  }
  if (basis === null) return null
  return futuresPnl(i, sizeContracts, basis, priceUsd)
}

type Row = InstrumentRow & { position_id: number; account_id: number; account_name: string; size_contracts: number; avg_price: number | null; session_price: number | null }

/** Settle every open position of the book past its market's as-of. Returns how many settled and how many wait for a price. */
export function settleExpired(db: BookDb, bookId: number, now = new Date()): { settled: number; awaiting: number } {
  const book = findBook(db, bookId)
  const market = book?.marketSnapshotId ? loadMarketSnapshot(db, book.marketSnapshotId) : undefined
  if (!book || !market) return { settled: 0, awaiting: 0 }
  const rows = db
    .prepare(
      `SELECT p.id AS position_id, p.account_id, a.name AS account_name, p.size_contracts, p.avg_price, p.session_price, i.*
       FROM positions p JOIN accounts a ON a.id = p.account_id JOIN instruments i ON i.id = p.instrument_id
       WHERE a.book_id = ? AND p.settled_at_ms IS NULL AND i.expiry_ms IS NOT NULL AND i.expiry_ms <= ? AND i.kind IN ('option', 'future')`
    )
    .all(bookId, market.asOfMs) as Row[]
  let settled = 0
  let awaiting = 0
  const insertFlow = db.prepare(
    `INSERT INTO cash_flows (account_id, import_id, external_id, at_ms, kind, currency, amount, instrument_symbol, note, moves_cash)
     VALUES (?, NULL, ?, ?, 'expiry_settlement', ?, ?, ?, ?, 1)`
  )
  const mark = db.prepare('UPDATE positions SET settled_at_ms = ?, settlement_price_usd = ?, settlement_source = ?, settlement_cash = ?, settlement_flow = ? WHERE id = ?')
  // One price per venue, underlying and expiry, and one cash refresh per account and currency at
  // the end: a 2024 book on a 2026 market settles thousands of positions in one go.
  const prices = new Map<string, SettlementPrice | null>()
  const touched = new Map<string, { accountId: number; currency: string }>()
  for (const r of rows) {
    const i = instrumentFromRow(r)
    if (!isPriced(i)) continue
    const priceKey = `${i.venue}\u0000${i.underlying}\u0000${i.expiryMs}`
    if (!prices.has(priceKey)) prices.set(priceKey, settlementPrice(db, i.venue, i.underlying, i.expiryMs!))
    const price = prices.get(priceKey)!
    const cash = price && settlementCash(i, r.size_contracts, price.priceUsd, r.session_price ?? r.avg_price)
    if (!price || cash === null) {
      awaiting++
      continue
    }
    const currency = i.settleCurrency.toUpperCase()
    const externalId = `marginal:expiry:${i.venue}:${i.symbol}`
    const amount = Math.abs(cash) < 1e-15 ? 0 : cash
    insertFlow.run(r.account_id, externalId, i.expiryMs, currency, amount, i.symbol, `${i.symbol} settled at ${price.priceUsd} USD (${price.source})`)
    mark.run(i.expiryMs, price.priceUsd, price.source, amount, externalId, r.position_id)
    touched.set(`${r.account_id}:${currency}`, { accountId: r.account_id, currency })
    recordAudit(db, { bookId, entity: 'position', entityId: r.position_id, action: 'settled at expiry', detail: { symbol: i.symbol, size: r.size_contracts, priceUsd: price.priceUsd, source: price.source, cash: amount, currency } }, now)
    settled++
  }
  for (const t of touched.values()) refreshCash(db, t.accountId, t.currency)
  return { settled, awaiting }
}

/**
 * A statement now brings the venue's own rows for a position Marginal settled (its delivery, or a
 * fill it did not know): the settlement is undone — its ledger row removed, the position open
 * again — before the statement's rows apply. Returns whether there was one.
 */
export function unsettle(db: BookDb, accountId: number, instrumentId: number): boolean {
  const row = db.prepare('SELECT id, settlement_flow FROM positions WHERE account_id = ? AND instrument_id = ? AND settled_at_ms IS NOT NULL').get(accountId, instrumentId) as
    | { id: number; settlement_flow: string | null }
    | undefined
  if (!row) return false
  const flow = row.settlement_flow
    ? (db.prepare('SELECT currency FROM cash_flows WHERE account_id = ? AND external_id = ?').get(accountId, row.settlement_flow) as { currency: string } | undefined)
    : undefined
  if (row.settlement_flow) db.prepare('DELETE FROM cash_flows WHERE account_id = ? AND external_id = ?').run(accountId, row.settlement_flow)
  db.prepare('UPDATE positions SET settled_at_ms = NULL, settlement_price_usd = NULL, settlement_source = NULL, settlement_cash = NULL, settlement_flow = NULL WHERE id = ?').run(row.id)
  if (flow) refreshCash(db, accountId, flow.currency)
  return true
}

const VENUE_PRICE = "the venue's delivery price"

/**
 * Record the delivery prices a statement printed (the first one seen for a venue, underlying and
 * expiry stands). Positions Marginal settled on its own approximation (the index history) are
 * settled again on the venue's price: undone here, settled by the next settleExpired().
 */
export function recordDeliveryPrices(db: BookDb, prices: readonly { line: number; venue: string; underlying: string; expiryMs: number; priceUsd: number }[], file: string, importId: number | null): void {
  const insert = db.prepare('INSERT OR IGNORE INTO delivery_prices (venue, underlying, expiry_ms, price_usd, source, import_id) VALUES (?, ?, ?, ?, ?, ?)')
  const approximated = db.prepare(
    `SELECT p.account_id, p.instrument_id FROM positions p JOIN instruments i ON i.id = p.instrument_id
     WHERE p.settled_at_ms IS NOT NULL AND i.venue = ? AND i.underlying = ? AND i.expiry_ms = ? AND p.settlement_source NOT LIKE ?`
  )
  for (const p of prices) {
    insert.run(p.venue, p.underlying, p.expiryMs, p.priceUsd, `${VENUE_PRICE}, ${file} line ${p.line}`, importId)
    for (const r of approximated.all(p.venue, p.underlying, p.expiryMs, `${VENUE_PRICE}%`) as { account_id: number; instrument_id: number }[]) unsettle(db, r.account_id, r.instrument_id)
  }
}


/**
 * A statement that carries flows only (Binance's DELIVERED_SETTELMENT, an OKX expiry) settles an
 * expired position by a cash row, not a trade: that row replaces Marginal's settlement (undone) and
 * closes the position, which the venue no longer holds. Returns the symbols closed.
 */
export function closeSettledByVenue(db: BookDb, accountId: number, flows: readonly { kind: string; atMs: number; instrumentSymbol?: string }[]): string[] {
  const closed: string[] = []
  const find = db.prepare(
    `SELECT p.id, p.instrument_id FROM positions p JOIN instruments i ON i.id = p.instrument_id
     WHERE p.account_id = ? AND i.symbol = ? AND i.expiry_ms IS NOT NULL AND i.expiry_ms <= ?`
  )
  const remove = db.prepare('DELETE FROM positions WHERE id = ?')
  for (const f of flows) {
    if (!f.instrumentSymbol || (f.kind !== 'settlement' && f.kind !== 'delivery')) continue
    for (const row of find.all(accountId, f.instrumentSymbol, f.atMs) as { id: number; instrument_id: number }[]) {
      unsettle(db, accountId, row.instrument_id)
      remove.run(row.id)
      closed.push(f.instrumentSymbol)
    }
  }
  return closed
}
