/**
 * Expiry codes in venue symbols → exact expiry instants (epoch ms, UTC).
 * Deribit, OKX, Bybit and Binance crypto derivatives all expire at 08:00 UTC.
 */
export const CRYPTO_EXPIRY_HOUR_UTC = 8

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
/** CME/ICE futures month codes, used by Bybit inverse futures (BTCUSDZ24) and IBKR futures (ESH5). */
export const FUTURES_MONTH_CODES = 'FGHJKMNQUVXZ'

function utcInstant(year: number, month0: number, day: number, hour: number): number | null {
  const ms = Date.UTC(year, month0, day, hour)
  const d = new Date(ms)
  return d.getUTCFullYear() === year && d.getUTCMonth() === month0 && d.getUTCDate() === day ? ms : null
}

/** '27DEC24' or '7MAR25' (Deribit, Bybit) → 08:00 UTC that day; null if not a real date. */
export function parseDdMmmYy(code: string): number | null {
  const m = /^(\d{1,2})([A-Z]{3})(\d{2})$/.exec(code)
  if (!m) return null
  const month0 = MONTHS.indexOf(m[2]!)
  return month0 < 0 ? null : utcInstant(2000 + Number(m[3]), month0, Number(m[1]), CRYPTO_EXPIRY_HOUR_UTC)
}

/** '241227' (OKX, Binance) → 08:00 UTC that day; null if not a real date. */
export function parseYyMmDd(code: string, hourUtc = CRYPTO_EXPIRY_HOUR_UTC): number | null {
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(code)
  return m ? utcInstant(2000 + Number(m[1]), Number(m[2]) - 1, Number(m[3]), hourUtc) : null
}

/** Last Friday of a month at 08:00 UTC: the expiry of Bybit's quarterly inverse futures. */
export function lastFridayOfMonth(year: number, month0: number): number {
  const last = new Date(Date.UTC(year, month0 + 1, 0, CRYPTO_EXPIRY_HOUR_UTC))
  const back = (last.getUTCDay() - 5 + 7) % 7
  return last.getTime() - back * 86_400_000
}

/**
 * A New York wall-clock time as a UTC instant (EST −5 h or EDT −4 h; the rules come from Intl,
 * without I/O). IBKR writes statement times, and US options stop trading, in New York time.
 */
// Built once: a formatter costs ~60 µs to make, and statements call this per row.
let newYorkHour: Intl.DateTimeFormat | null = null

export function newYorkTimeUtc(year: number, month0: number, day: number, hour: number, minute = 0, second = 0): number {
  const asIfUtc = Date.UTC(year, month0, day, hour, minute, second)
  const parts = (newYorkHour ??= new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: 'numeric', hourCycle: 'h23' }))
  // Offset at a guess 5 h later (EST), then corrected: the guess lands on the same local day.
  const guess = asIfUtc + 5 * 3_600_000
  const hourThere = Number(parts.format(new Date(guess)))
  return guess - (((hourThere - hour + 24) % 24) * 3_600_000)
}

/** 16:00 in New York on a calendar date: the last trading time of US equity options (OCC). */
export const newYorkCloseUtc = (year: number, month0: number, day: number): number => newYorkTimeUtc(year, month0, day, 16)
