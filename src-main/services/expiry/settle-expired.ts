/**
 * Positions past their expiry leave the open book at their settlement (issue 17, §5;
 * docs/METHODOLOGY.md §1: "expired options are settled at their payoff, never priced as
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
import { instrumentFromRow } from '../../book/instruments-repository'
import {
  deleteLedgerRow, deliveryPrice, deliveryPriceRecorder, expiredPositionsOf, expirySettler, ledgerRowCurrency, openPositionsExpiredBy,
  positionRemover, reopenPosition, settledOnOtherPrice, settledPosition, usdDailyClose
} from '../../book/expiry-repository'
import { isPriced, type Instrument } from '../../engine/instruments/instrument'
import { futuresPnl } from '../../engine/positions/fills'

export interface SettlementPrice {
  priceUsd: number
  source: string
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

export function settlementPrice(db: BookDb, venue: string, underlying: string, expiryMs: number): SettlementPrice | null {
  const delivered = deliveryPrice(db, venue, underlying, expiryMs)
  if (delivered) return { priceUsd: delivered.priceUsd, source: delivered.source }
  const before = day(expiryMs - 86_400_000)
  // USD-quoted series first (the venues' indices are USD), then the stablecoin ones.
  const bar = usdDailyClose(db, underlying, before)
  if (!bar) return null
  return {
    priceUsd: bar.close,
    source: `${underlying}/${bar.quoteCurrency} daily close of ${before} (${bar.source}), ${Math.round((expiryMs - Date.parse(`${day(expiryMs)}T00:00:00Z`)) / 3_600_000)} h before the ${new Date(expiryMs).toISOString().slice(11, 16)} UTC expiry: an approximation of ours, the venue settles on its own delivery price`
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

/** Settle every open position of the book past its market's as-of. Returns how many settled and how many wait for a price. */
export function settleExpired(db: BookDb, bookId: number, now = new Date()): { settled: number; awaiting: number } {
  const book = findBook(db, bookId)
  const market = book?.marketSnapshotId ? loadMarketSnapshot(db, book.marketSnapshotId) : undefined
  if (!book || !market) return { settled: 0, awaiting: 0 }
  const rows = openPositionsExpiredBy(db, bookId, market.asOfMs)
  let settled = 0
  let awaiting = 0
  const settle = expirySettler(db)
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
    settle({
      positionId: r.position_id, accountId: r.account_id, externalId, atMs: i.expiryMs!, currency, amount, symbol: i.symbol,
      note: `${i.symbol} settled at ${price.priceUsd} USD (${price.source})`, priceUsd: price.priceUsd, source: price.source
    })
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
  const row = settledPosition(db, accountId, instrumentId)
  if (!row) return false
  const currency = row.settlementFlow ? ledgerRowCurrency(db, accountId, row.settlementFlow) : undefined
  if (row.settlementFlow) deleteLedgerRow(db, accountId, row.settlementFlow)
  reopenPosition(db, row.id)
  if (currency !== undefined) refreshCash(db, accountId, currency)
  return true
}

const VENUE_PRICE = "the venue's delivery price"

/**
 * Record the delivery prices a statement printed (the first one seen for a venue, underlying and
 * expiry stands). Positions Marginal settled on its own approximation (the index history) are
 * settled again on the venue's price: undone here, settled by the next settleExpired().
 */
export function recordDeliveryPrices(db: BookDb, prices: readonly { line: number; venue: string; underlying: string; expiryMs: number; priceUsd: number }[], file: string, importId: number | null): void {
  const record = deliveryPriceRecorder(db)
  const approximated = settledOnOtherPrice(db)
  for (const p of prices) {
    record({ venue: p.venue, underlying: p.underlying, expiryMs: p.expiryMs, priceUsd: p.priceUsd, source: `${VENUE_PRICE}, ${file} line ${p.line}`, importId })
    for (const r of approximated(p.venue, p.underlying, p.expiryMs, VENUE_PRICE)) unsettle(db, r.accountId, r.instrumentId)
  }
}


/**
 * A statement that carries flows only (Binance's DELIVERED_SETTELMENT, an OKX expiry) settles an
 * expired position by a cash row, not a trade: that row replaces Marginal's settlement (undone) and
 * closes the position, which the venue no longer holds. Returns the symbols closed.
 */
export function closeSettledByVenue(db: BookDb, accountId: number, flows: readonly { kind: string; atMs: number; instrumentSymbol?: string }[]): string[] {
  const closed: string[] = []
  const find = expiredPositionsOf(db, accountId)
  const remove = positionRemover(db)
  for (const f of flows) {
    if (!f.instrumentSymbol || (f.kind !== 'settlement' && f.kind !== 'delivery')) continue
    for (const row of find(f.instrumentSymbol, f.atMs)) {
      unsettle(db, accountId, row.instrumentId)
      remove(row.id)
      closed.push(f.instrumentSymbol)
    }
  }
  return closed
}
