/**
 * IBKR Flex dates and times. The query chooses the formats (csingley/ibflex parser.py, after
 * IBKR's Activity Flex Query page): dates yyyyMMdd (default), yyyy-MM-dd, MM/dd/yyyy, MM/dd/yy,
 * dd/MM/yyyy, dd/MM/yy, dd-MMM-yy; times HHmmss (default) or HH:mm:ss; between them ';' (default),
 * ',', a space or nothing. Older files write ', ' and 'T…-0500' (vroonhof/ibflex
 * test_datetime_matrix.py). There is no zone marker: times are US Eastern wall clock (ib-edavki
 * PR 40: "IB report uses US/Eastern as a default timezone"; the Flex web service stamps say EST).
 * '', '-', '--', 'N/A' and 'MULTI' mean no value.
 */
import { newYorkTimeUtc } from '../../engine/instruments/expiry'
import { parseTime } from '../csv-records'

export interface CalendarDate {
  year: number
  month0: number
  day: number
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const NO_VALUE = new Set(['', '-', '--', 'n/a', 'multi'])
const TIME = String.raw`(?:(?:;|,\s?|\s|T)?(\d{2}):?(\d{2}):?(\d{2}))?`
const ISO = new RegExp(String.raw`^(\d{4})-?(\d{2})-?(\d{2})${TIME}$`)
const SLASH = new RegExp(String.raw`^(\d{2})/(\d{2})/(\d{4}|\d{2})${TIME}$`)
const DMY_NAMED = new RegExp(String.raw`^(\d{2})-([A-Za-z]{3})-(\d{2})${TIME}$`)

/** Which way round 'nn/nn/yyyy' dates are in one file; decided once from all of them. */
export type SlashOrder = 'MM/dd' | 'dd/MM'

/**
 * The slash-date order of a file: a first number above 12 means dd/MM, a second above 12 means
 * MM/dd. `ambiguous` when no date decides it (then MM/dd, IBKR's US format, is assumed).
 */
export function slashOrderOf(text: string): { order: SlashOrder; ambiguous: boolean; conflicting: boolean } {
  let dayFirst = false
  let monthFirst = false
  let any = false
  for (const m of text.matchAll(/="(\d{2})\/(\d{2})\/\d{2,4}\b/g)) {
    any = true
    if (Number(m[1]) > 12) dayFirst = true
    if (Number(m[2]) > 12) monthFirst = true
  }
  return { order: dayFirst && !monthFirst ? 'dd/MM' : 'MM/dd', ambiguous: any && !dayFirst && !monthFirst, conflicting: dayFirst && monthFirst }
}

export class IbkrClock {
  /** UTC hour instant → New York offset, so that 20,000 trades need a handful of zone look-ups. */
  private readonly offsets = new Map<number, number>()
  constructor(private readonly slashOrder: SlashOrder = 'MM/dd') {}

  /** A date and optional time of day, as written; null when it is no date in the documented formats. */
  private split(raw: string): { date: CalendarDate; time: [number, number, number] | null } | null {
    const s = raw.trim()
    let y: number, mo: number, d: number
    let rest: (string | undefined)[]
    const iso = ISO.exec(s)
    const slash = iso ? null : SLASH.exec(s)
    const named = iso || slash ? null : DMY_NAMED.exec(s)
    if (iso) [y, mo, d, rest] = [+iso[1]!, +iso[2]!, +iso[3]!, iso.slice(4)]
    else if (slash) {
      const [a, b] = [+slash[1]!, +slash[2]!]
      ;[mo, d] = this.slashOrder === 'MM/dd' ? [a, b] : [b, a]
      y = slash[3]!.length === 2 ? 2000 + +slash[3]! : +slash[3]!
      rest = slash.slice(4)
    } else if (named) {
      mo = MONTHS.indexOf(named[2]!.toLowerCase()) + 1
      ;[y, d, rest] = [2000 + +named[3]!, +named[1]!, named.slice(4)]
    } else return null
    const check = new Date(Date.UTC(y, mo - 1, d))
    if (mo < 1 || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null
    const time = rest[0] === undefined ? null : ([+rest[0]!, +rest[1]!, +rest[2]!] as [number, number, number])
    if (time && (time[0] > 23 || time[1] > 59 || time[2] > 59)) return null
    return { date: { year: y, month0: mo - 1, day: d }, time }
  }

  /** True for the values IBKR writes when a field has no value. */
  static isBlank(raw: string | undefined): boolean {
    return raw === undefined || NO_VALUE.has(raw.trim().toLowerCase())
  }

  /** A calendar date (the time of day, if any, ignored); null when blank or not a date. */
  date(raw: string | undefined): CalendarDate | null {
    return IbkrClock.isBlank(raw) ? null : (this.split(raw!)?.date ?? null)
  }

  /** New York wall clock → UTC instant. */
  newYork(date: CalendarDate, hour = 0, minute = 0, second = 0): number {
    const hourUtc = Date.UTC(date.year, date.month0, date.day, hour)
    let offset = this.offsets.get(hourUtc)
    if (offset === undefined) {
      offset = newYorkTimeUtc(date.year, date.month0, date.day, hour) - hourUtc
      this.offsets.set(hourUtc, offset)
    }
    return hourUtc + offset + minute * 60_000 + second * 1000
  }

  /** The instant a New York day starts (00:00). */
  startOfDay(date: CalendarDate): number {
    return this.newYork(date)
  }

  /** The instant a New York day ends: the next day's 00:00, where the next statement's opening is as of. */
  endOfDay(date: CalendarDate): number {
    const next = new Date(Date.UTC(date.year, date.month0, date.day + 1))
    return this.newYork({ year: next.getUTCFullYear(), month0: next.getUTCMonth(), day: next.getUTCDate() })
  }

  /**
   * A date-time (a date alone is that New York day's start); `time` is a separate time-of-day
   * attribute (older Trade rows: tradeDate + tradeTime="162000"). null when blank or unreadable.
   */
  instant(raw: string | undefined, time?: string): number | null {
    if (IbkrClock.isBlank(raw)) return null
    // 'yyyy-MM-ddTHH:mm:ss-0500': the older form states its offset.
    if (/T\d{2}:?\d{2}:?\d{2}\s*[+-]\d{2}:?\d{2}$/.test(raw!.trim())) return parseTime(raw!.replace(/T/, ' '))
    const parsed = this.split(raw!)
    if (!parsed) return null
    let hms = parsed.time
    if (!hms && time !== undefined && !IbkrClock.isBlank(time)) {
      const t = /^(\d{2}):?(\d{2}):?(\d{2})$/.exec(time.trim())
      if (!t) return null
      hms = [+t[1]!, +t[2]!, +t[3]!]
    }
    return this.newYork(parsed.date, ...(hms ?? [0, 0, 0]))
  }
}
