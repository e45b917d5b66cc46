/**
 * What Binance's CSV exports share: the time zone is in the file name, not the file
 * ("Binance-Futures-Trade-History-202611011200(UTC+3)-part1-of1.csv"; refinvest-dev/core-api
 * docs/TRADING_REVIEW.md §6, on anonymised real samples: times are local to the zone the file name
 * names, with no offset in the file); times are 'yyyy-MM-dd HH:mm:ss' or,
 * in several exports, two-digit-year 'yy-MM-dd HH:mm:ss'; an empty period is the header plus the
 * line "No data matches the criteria."; no export carries a balance column.
 */
import type { CellReader, CsvRecord } from '../csv-records'
import { quoteInput } from '../../engine/instruments/bounds'

/** Fiat and USD stablecoins: cash (collateral) in the book, not positions. */
export const BINANCE_CASH_COINS = new Set(['USD', 'EUR', 'GBP', 'TRY', 'BRL', 'AUD', 'RUB', 'UAH', 'NGN', 'PLN', 'JPY', 'USDT', 'USDC', 'BUSD', 'FDUSD', 'TUSD', 'DAI', 'USDP'])


/** The zone the file name states, in minutes east of UTC: '(UTC+3)', '(UTC-6)', '(UTC--6)', '(UTC+5:30)', '(UTC)'. */
export function zoneFromFileName(file: string): number | null {
  const name = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1)
  if (/\(UTC\)/i.test(name)) return 0
  // '(UTC--6)' appears for negative offsets in other projects' Binance fixtures.
  const m = /\(UTC\s*([+-])-?\s*(\d{1,2})(?::?(\d{2}))?\)/i.exec(name)
  if (!m) return null
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0)
  return minutes > 14 * 60 ? null : (m[1] === '-' ? -1 : 1) * minutes
}

/**
 * 'yyyy-MM-dd HH:mm:ss' or 'yy-MM-dd HH:mm:ss' (20yy) wall time at `offsetMinutes` east of UTC,
 * as a UTC instant; null when it is not a real date and time.
 */
export function binanceTime(raw: string, offsetMinutes: number): number | null {
  const m = /^(\d{2}|\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(raw.trim())
  if (!m) return null
  const year = m[1]!.length === 2 ? 2000 + Number(m[1]) : Number(m[1])
  const [mo, d, h, mi, s] = [Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)]
  const wall = Date.UTC(year, mo - 1, d, h, mi, s, Number((m[7] ?? '0').padEnd(3, '0')))
  const check = new Date(wall)
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || s > 59) return null
  return wall - offsetMinutes * 60_000
}

/** The zone of a 'Time' column: the file name's, else UTC and a note saying so. */
export function zoneOf(file: string, column: string, notes: string[]): number {
  if (/utc/i.test(column)) return 0
  const zone = zoneFromFileName(file)
  if (zone !== null) return zone
  notes.push(`The file name does not state a time zone (Binance names it, e.g. '…-202611011200(UTC+3)-part1-of1.csv'): '${column}' is read as UTC.`)
  return 0
}

/** Where a cell is, for the issues these readers add. */
export interface RowAt {
  file: string
  line: number
}

/** The time cell of a row in the given zone, or an issue naming the cell. */
export function readTime(r: CellReader, at: RowAt, column: string, offsetMinutes: number): number | null {
  const raw = r.text(column)
  if (raw === null) return null
  const ms = binanceTime(raw, offsetMinutes)
  if (ms === null) r.issues.push({ ...at, column, reason: `${quoteInput(raw)} is not a date and time like 2026-05-29 18:25:01`, severity: 'rejected' })
  return ms
}

/** The line Binance writes instead of rows when the period is empty. */
export const isNoDataLine = (record: CsvRecord): boolean => record.values.filter((v) => v.trim() !== '').length === 1 && /^no data matches/i.test(record.values[0]!.trim())

export const NO_DATA_NOTE = "The export says 'No data matches the criteria.': it holds no rows for its period."
