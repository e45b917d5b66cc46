import type { BookDb } from './database'
import type { Instrument, UnpricedInstrument } from '../engine/instruments/instrument'

export interface InstrumentRow {
  id: number
  venue: string
  symbol: string
  kind: Instrument['kind'] | 'unknown'
  parse_error: string | null
  settlement: Instrument['settlement']
  underlying: string
  quote_currency: string
  settle_currency: string
  contract_size: number
  contract_unit: string
  tick_size: number
  lot_size: number
  expiry_ms: number | null
  strike_usd: number | null
  option_type: Instrument['optionType']
}

export const instrumentFromRow = (r: InstrumentRow): Instrument | UnpricedInstrument =>
  r.kind === 'unknown'
    ? { venue: r.venue, symbol: r.symbol, kind: 'unknown', parseError: r.parse_error ?? 'unknown symbol' }
    : {
  venue: r.venue,
  symbol: r.symbol,
  kind: r.kind,
  settlement: r.settlement,
  underlying: r.underlying,
  quoteCurrency: r.quote_currency,
  settleCurrency: r.settle_currency,
  contractSize: r.contract_size,
  contractUnit: r.contract_unit,
  tickSize: r.tick_size,
  lotSize: r.lot_size,
  expiryMs: r.expiry_ms,
  strikeUsd: r.strike_usd,
  optionType: r.option_type
    }

/** Insert the instrument if its (venue, symbol) is new; return its id either way. */
export function upsertInstrument(db: BookDb, i: Instrument | UnpricedInstrument): number {
  const existing = db.prepare('SELECT id FROM instruments WHERE venue = ? AND symbol = ?').get(i.venue, i.symbol) as
    | { id: number }
    | undefined
  if (existing) return existing.id
  if (i.kind === 'unknown') {
    // Placeholders satisfy the column types; kind = 'unknown' tells every reader not to use them.
    return Number(
      db
        .prepare(
          `INSERT INTO instruments (venue, symbol, kind, settlement, underlying, quote_currency, settle_currency,
             contract_size, contract_unit, tick_size, lot_size, parse_error)
           VALUES (?, ?, 'unknown', 'linear', '', '', '', 1, 'contracts', 1, 1, ?)`
        )
        .run(i.venue, i.symbol, i.parseError).lastInsertRowid
    )
  }
  return Number(
    db
      .prepare(
        `INSERT INTO instruments (venue, symbol, kind, settlement, underlying, quote_currency, settle_currency,
           contract_size, contract_unit, tick_size, lot_size, expiry_ms, strike_usd, option_type)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(
        i.venue, i.symbol, i.kind, i.settlement, i.underlying, i.quoteCurrency, i.settleCurrency,
        i.contractSize, i.contractUnit, i.tickSize, i.lotSize, i.expiryMs, i.strikeUsd, i.optionType
      ).lastInsertRowid
  )
}

/** Every instrument the file knows whose symbol parsed (kind is not 'unknown'), in id order. */
export function listKnownInstruments(db: BookDb): (Instrument | UnpricedInstrument)[] {
  return (db.prepare("SELECT * FROM instruments WHERE kind != 'unknown'").all() as InstrumentRow[]).map(instrumentFromRow)
}

/** The instrument of that venue and symbol, if the file knows it (parsed or not). */
export function instrumentBySymbol(db: BookDb, venue: string, symbol: string): Instrument | UnpricedInstrument | undefined {
  const row = db.prepare('SELECT * FROM instruments WHERE venue = ? AND symbol = ?').get(venue, symbol) as InstrumentRow | undefined
  return row && instrumentFromRow(row)
}
