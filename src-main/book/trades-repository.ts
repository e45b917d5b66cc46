import type { BookDb } from './database'

export interface NewTrade {
  accountId: number
  instrumentId: number
  importId: number | null
  externalId: string | null
  tradedAtMs: number
  side: 'buy' | 'sell'
  sizeContracts: number
  price: number | null
  fee: number
  feeCurrency: string | null
}

/** Insert a batch of trades in one transaction: all of them land, or none (statement imports rely on it). */
export function insertTrades(db: BookDb, trades: readonly NewTrade[], onRow?: (index: number) => void): number {
  const stmt = db.prepare(
    `INSERT INTO trades (account_id, instrument_id, import_id, external_id, traded_at_ms, side, size_contracts, price, fee, fee_currency)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
  )
  db.transaction(() => {
    trades.forEach((t, i) => {
      stmt.run(t.accountId, t.instrumentId, t.importId, t.externalId, t.tradedAtMs, t.side, t.sizeContracts, t.price, t.fee, t.feeCurrency)
      onRow?.(i)
    })
  }).immediate()
  return trades.length
}

export function countTrades(db: BookDb, accountId: number): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM trades WHERE account_id = ?').get(accountId) as { n: number }).n
}
