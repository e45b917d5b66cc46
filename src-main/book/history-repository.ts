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
