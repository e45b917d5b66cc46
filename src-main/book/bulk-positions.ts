/**
 * Many positions written at once, in one IMMEDIATE transaction: instruments upserted (each once),
 * accounts created as needed, one prepared INSERT reused per row, one audit line for the batch
 * (a per-row audit line would double the file for a synthetic 100,000-position book and says
 * nothing a trader reads). Used by `cli synthetic-book`; never on a book that holds positions.
 */
import type { BookDb } from './database'
import { insertAccount } from './books-repository'
import { upsertInstrument } from './instruments-repository'
import { recordAudit } from './audit'
import { instrumentKey, type Instrument } from '../engine/instruments/instrument'

export interface BulkPosition {
  accountName: string
  instrument: Instrument
  sizeContracts: number
}

export function insertPositionsBulk(
  db: BookDb,
  bookId: number,
  account: { venue: string; baseCurrency: string },
  positions: readonly BulkPosition[],
  now = new Date()
): { positions: number; accounts: number; instruments: number } {
  return db.transaction(() => {
    const accountIds = new Map<string, number>()
    const instrumentIds = new Map<string, number>()
    const insert = db.prepare('INSERT INTO positions (account_id, instrument_id, size_contracts, avg_price, updated_at) VALUES (?, ?, ?, NULL, ?)')
    const at = now.toISOString()
    for (const p of positions) {
      let accountId = accountIds.get(p.accountName)
      if (accountId === undefined) accountIds.set(p.accountName, (accountId = insertAccount(db, bookId, { name: p.accountName, ...account })))
      const key = instrumentKey(p.instrument.venue, p.instrument.symbol)
      let instrumentId = instrumentIds.get(key)
      if (instrumentId === undefined) instrumentIds.set(key, (instrumentId = upsertInstrument(db, p.instrument)))
      insert.run(accountId, instrumentId, p.sizeContracts, at)
    }
    recordAudit(db, { bookId, entity: 'book', entityId: bookId, action: 'update', detail: { bulkPositions: positions.length, accounts: accountIds.size } }, now)
    return { positions: positions.length, accounts: accountIds.size, instruments: instrumentIds.size }
  }).immediate()
}
