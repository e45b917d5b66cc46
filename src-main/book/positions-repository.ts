import type { BookDb } from './database'
import { recordAudit } from './audit'
import { instrumentFromRow, type InstrumentRow } from './instruments-repository'
import type { Instrument, UnpricedInstrument } from '../engine/instruments/instrument'

export interface HeldPosition {
  positionId: number
  accountId: number
  accountName: string
  venue: string
  instrument: Instrument | UnpricedInstrument
  sizeContracts: number
  avgPrice: number | null
  /**
   * Futures at venues that settle P&L into cash (Deribit daily): the last settlement price (then
   * averaged with the session's fills). Equity counts the P&L from here, since the cash already
   * holds what was settled; null: from the average entry price.
   */
  sessionPrice?: number | null
}

type Row = InstrumentRow & {
  position_id: number
  account_id: number
  account_name: string
  account_venue: string
  size_contracts: number
  avg_price: number | null
  session_price: number | null
}

/** Every position of a book with its instrument, in a stable order (account, instrument id). */
export function listHeldPositions(db: BookDb, bookId: number): HeldPosition[] {
  const rows = db
    .prepare(
      `SELECT p.id AS position_id, a.id AS account_id, a.name AS account_name, a.venue AS account_venue,
              p.size_contracts, p.avg_price, p.session_price, i.*
       FROM positions p
       JOIN accounts a ON a.id = p.account_id
       JOIN instruments i ON i.id = p.instrument_id
       WHERE a.book_id = ? AND p.settled_at_ms IS NULL
       ORDER BY a.name, i.id`
    )
    .all(bookId) as Row[]
  return rows.map((r) => ({
    positionId: r.position_id,
    accountId: r.account_id,
    accountName: r.account_name,
    venue: r.account_venue,
    instrument: instrumentFromRow(r),
    sizeContracts: r.size_contracts,
    avgPrice: r.avg_price,
    sessionPrice: r.session_price
  }))
}

export function insertPosition(
  db: BookDb,
  p: { bookId: number; accountId: number; instrumentId: number; sizeContracts: number; avgPrice: number | null },
  now = new Date()
): number {
  const id = Number(
    db
      .prepare('INSERT INTO positions (account_id, instrument_id, size_contracts, avg_price, updated_at) VALUES (?, ?, ?, ?, ?)')
      .run(p.accountId, p.instrumentId, p.sizeContracts, p.avgPrice, now.toISOString()).lastInsertRowid
  )
  recordAudit(db, {
    bookId: p.bookId,
    entity: 'position',
    entityId: id,
    action: 'create',
    detail: { instrumentId: p.instrumentId, sizeContracts: p.sizeContracts, avgPrice: p.avgPrice }
  }, now)
  return id
}
