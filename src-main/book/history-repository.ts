import type { BookDb } from './database'
import type { DailySeries } from '../engine/risk/history'

export interface PriceSeriesInfo {
  underlying: string
  quoteCurrency: string
  source: string
  days: number
  firstDay: string
  lastDay: string
}

/** Every imported daily price series (an underlying in one quote currency from one source). */
export function listPriceSeries(db: BookDb): PriceSeriesInfo[] {
  return db
    .prepare(
      `SELECT underlying, quote_currency AS quoteCurrency, source, count(*) AS days, min(day) AS firstDay, max(day) AS lastDay
       FROM price_history GROUP BY underlying, quote_currency, source ORDER BY underlying, quote_currency, source`
    )
    .all() as PriceSeriesInfo[]
}

/** USD and the USD stablecoins before anything else; among them the longest series. */
const preference = (s: PriceSeriesInfo): number => (s.quoteCurrency === 'USD' ? 0 : /^USD/.test(s.quoteCurrency) ? 1 : 2)

/** The series an underlying's statistics use: USD-quoted first, then the longest; null without one. */
export function chosenPriceSeries(db: BookDb, underlying: string): PriceSeriesInfo | null {
  const all = listPriceSeries(db).filter((s) => s.underlying === underlying)
  all.sort((a, b) => preference(a) - preference(b) || b.days - a.days || a.source.localeCompare(b.source))
  return all[0] ?? null
}

export function loadPriceSeries(db: BookDb, s: Pick<PriceSeriesInfo, 'underlying' | 'quoteCurrency' | 'source'>): DailySeries {
  const rows = db
    .prepare('SELECT day, close FROM price_history WHERE underlying = ? AND quote_currency = ? AND source = ? ORDER BY day')
    .all(s.underlying, s.quoteCurrency, s.source) as { day: string; close: number }[]
  return { underlying: s.underlying, days: rows.map((r) => r.day), closes: Float64Array.from(rows, (r) => r.close) }
}

/** The vol index (DVOL) of an underlying, when one was imported. */
export function loadVolIndex(db: BookDb, underlying: string): DailySeries | null {
  const rows = db.prepare('SELECT day, close FROM vol_index_history WHERE underlying = ? ORDER BY day').all(underlying) as { day: string; close: number }[]
  return rows.length ? { underlying, days: rows.map((r) => r.day), closes: Float64Array.from(rows, (r) => r.close) } : null
}

/** The days a daily price series already holds. */
export function priceHistoryDays(db: BookDb, s: Pick<PriceSeriesInfo, 'underlying' | 'quoteCurrency' | 'source'>): string[] {
  return (db.prepare('SELECT day FROM price_history WHERE underlying = ? AND quote_currency = ? AND source = ?').all(s.underlying, s.quoteCurrency, s.source) as { day: string }[]).map((r) => r.day)
}

/** The days a vol index (DVOL…) of an underlying already holds. */
export function volIndexDays(db: BookDb, indexName: string, underlying: string): string[] {
  return (db.prepare('SELECT day FROM vol_index_history WHERE index_name = ? AND underlying = ?').all(indexName, underlying) as { day: string }[]).map((r) => r.day)
}

/** The instants a perpetual's funding history already holds. */
export function fundingInstants(db: BookDb, venue: string, symbol: string): number[] {
  return (db.prepare('SELECT at_ms FROM funding_history WHERE venue = ? AND symbol = ?').all(venue, symbol) as { at_ms: number }[]).map((r) => r.at_ms)
}

/** One day of an imported series (vol indices carry no volume). */
export interface HistoryBar {
  day: string
  open: number | null
  high: number | null
  low: number | null
  close: number
  volume: number | null
}

/** Adds daily price bars, statement prepared once; a day the series holds already is kept, never overwritten. */
export function priceBarInserter(db: BookDb): (s: { underlying: string; quoteCurrency: string; source: string }, b: HistoryBar, importId: number) => void {
  const insert = db.prepare('INSERT OR IGNORE INTO price_history (underlying, quote_currency, source, day, open, high, low, close, volume, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
  return (s, b, importId) => void insert.run(s.underlying, s.quoteCurrency, s.source, b.day, b.open, b.high, b.low, b.close, b.volume, importId)
}

/** Adds daily vol-index bars, statement prepared once; a day already there is kept. */
export function volIndexBarInserter(db: BookDb): (indexName: string, underlying: string, b: Omit<HistoryBar, 'volume'>, importId: number) => void {
  const insert = db.prepare('INSERT OR IGNORE INTO vol_index_history (index_name, underlying, day, open, high, low, close, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
  return (indexName, underlying, b, importId) => void insert.run(indexName, underlying, b.day, b.open, b.high, b.low, b.close, importId)
}

/** Adds funding rates, statement prepared once; an instant already there is kept. */
export function fundingInserter(db: BookDb): (venue: string, symbol: string, p: { atMs: number; rate: number }, importId: number) => void {
  const insert = db.prepare('INSERT OR IGNORE INTO funding_history (venue, symbol, at_ms, rate, import_id) VALUES (?, ?, ?, ?, ?)')
  return (venue, symbol, p, importId) => void insert.run(venue, symbol, p.atMs, p.rate, importId)
}
