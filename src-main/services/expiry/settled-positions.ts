/** Positions past their expiry, for the positions view and the report: settled (price, source, cash) or awaiting a price. */
import type { BookDb } from '../../book/database'
import { findBook } from '../../book/books-repository'
import { loadMarketSnapshot } from '../../book/market-repository'
import { expiredPositions } from '../../book/expiry-repository'

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
  return expiredPositions(db, bookId, asOfMs).map((r) => ({
    account: r.account,
    venue: r.venue,
    symbol: r.symbol,
    expiryUtc: new Date(r.expiryMs).toISOString(),
    sizeContracts: r.sizeContracts,
    settlementPriceUsd: r.settlementPriceUsd,
    priceSource: r.settlementSource ?? 'none yet: import the venue statement with its delivery rows, or daily index history covering the expiry',
    cash: r.settlementCash,
    currency: r.settleCurrency,
    state: r.settledAtMs !== null ? 'settled' : 'awaiting settlement price'
  }))
}
