/** Positions past their expiry, for the positions view and the report: settled (price, source, cash) or awaiting a price. */
import type { BookDb } from '../../book/database'
import { findBook } from '../../book/books-repository'
import { loadMarketSnapshot } from '../../book/market-repository'

export interface SettledPositionView {
  account: string
  venue: string
  symbol: string
  expiryUtc: string
  sizeContracts: number
  settlementPriceUsd: number | null
  priceSource: string
  cash: number | null
  currency: string
  state: 'settled' | 'awaiting settlement price'
}

export function settledPositions(db: BookDb, bookId: number): SettledPositionView[] {
  const book = findBook(db, bookId)
  const asOfMs = book?.marketSnapshotId ? (loadMarketSnapshot(db, book.marketSnapshotId)?.asOfMs ?? null) : null
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
    expiryUtc: new Date(r.expiry_ms).toISOString(),
    sizeContracts: r.size_contracts,
    settlementPriceUsd: r.settlement_price_usd,
    priceSource: r.settlement_source ?? 'none yet: import the venue statement with its delivery rows, or daily index history covering the expiry',
    cash: r.settlement_cash,
    currency: r.settle_currency,
    state: r.settled_at_ms !== null ? 'settled' : 'awaiting settlement price'
  }))
}
