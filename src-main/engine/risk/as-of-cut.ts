/**
 * No look-ahead (issue 17 §6; docs/METHODOLOGY.md §5.6–5.8, §5.12): the statistics of a book
 * valued on a market as of t use only the daily history a trader could have had at t.
 *
 * The rule for a daily bar. Every daily source the book imports is a UTC calendar-day candle: its
 * close is the last price before 24:00 UTC of that day (Yahoo's and CCXT's daily candles cover
 * that UTC day; Binance klines close at 23:59:59.999 UTC). So the bar dated D is
 * known from D+1 00:00 UTC on, and a market as of t may use bar D only when D+1 00:00 UTC ≤ t.
 * A market as of 2024-03-12 05:57 UTC therefore ends its history at 2024-03-11: the 2024-03-12
 * close (at 23:59 UTC) is still 18 hours away. A market as of exactly 2024-03-13 00:00 UTC may use
 * the 2024-03-12 bar.
 *
 * Per underlying. A market assembled one chain per underlying carries each one's own as-of
 * (`asOfByUnderlying`); its `asOfMs` is the newest. Each underlying's history is cut at its own
 * as-of — the stricter of the two rules: cutting every series at `asOfMs` would hand an older
 * underlying's market closes it never saw. Joint windows (VaR, backtests) need every underlying's
 * close, so the aligned history ends at the earliest of the cuts.
 */
import type { DailySeries } from './history'

const DAY_MS = 86_400_000

/** The newest UTC day whose daily close is complete at `asOfMs` (epoch ms): the day before the as-of's day, or that day itself at exactly 00:00 UTC of the next. */
export function lastCompleteDay(asOfMs: number): string {
  if (!Number.isFinite(asOfMs)) throw new RangeError(`as-of ${asOfMs} is not an instant`)
  return new Date(asOfMs - DAY_MS).toISOString().slice(0, 10)
}

/** The series' days up to and including `lastDay` (YYYY-MM-DD; ISO days sort as strings). */
export function seriesUpTo<S extends DailySeries>(s: S, lastDay: string): S {
  let n = s.days.length
  while (n > 0 && s.days[n - 1]! > lastDay) n--
  if (n === s.days.length) return s
  return { ...s, days: s.days.slice(0, n), closes: Float64Array.from({ length: n }, (_, i) => s.closes[i]!) }
}

/** Where one underlying's history was cut: its market's as-of and the last daily close that allows. */
export interface AsOfCut {
  underlying: string
  /** The as-of of this underlying's market (UTC ISO instant). */
  asOfUtc: string
  /** The newest daily close allowed (UTC day). */
  lastAllowedDay: string
}

/** The as-of of each underlying: its own when the market carries one, else the market's. */
export function underlyingAsOf(market: { asOfMs: number; asOfByUnderlying?: Record<string, number> }, underlying: string): number {
  return market.asOfByUnderlying?.[underlying] ?? market.asOfMs
}

/** The cut for each underlying (sorted by name). */
export function asOfCuts(market: { asOfMs: number; asOfByUnderlying?: Record<string, number> }, underlyings: readonly string[]): AsOfCut[] {
  return [...new Set(underlyings)].sort().map((u) => {
    const at = underlyingAsOf(market, u)
    return { underlying: u, asOfUtc: new Date(at).toISOString(), lastAllowedDay: lastCompleteDay(at) }
  })
}

/** Every series (and vol index) cut at its underlying's own as-of; series of underlyings without a cut are left as they are. */
export function cutSeries<S extends DailySeries>(series: readonly S[], cuts: readonly AsOfCut[]): S[] {
  const last = new Map(cuts.map((c) => [c.underlying, c.lastAllowedDay]))
  return series.map((s) => (last.has(s.underlying) ? seriesUpTo(s, last.get(s.underlying)!) : s))
}

/** "history cut at the market's as-of (BTC 2024-03-12 05:57 UTC: closes to 2024-03-11)". */
export function cutRuleText(cuts: readonly AsOfCut[]): string {
  const at = (c: AsOfCut): string => `${c.asOfUtc.slice(0, 16).replace('T', ' ')} UTC`
  const sameAsOf = cuts.every((c) => c.asOfUtc === cuts[0]?.asOfUtc)
  const parts = sameAsOf && cuts.length ? [`${cuts.map((c) => c.underlying).join(', ')} ${at(cuts[0]!)}: closes to ${cuts[0]!.lastAllowedDay}`] : cuts.map((c) => `${c.underlying} ${at(c)}: closes to ${c.lastAllowedDay}`)
  return `history cut at the market's as-of (${parts.join('; ')}): a daily close is known only after its UTC day ends`
}

/** The history a result used, stated with it: VaR/ES, stress, backtest. UTC days throughout. */
export interface HistoryWindow {
  /** First and last daily close used. */
  firstDay: string
  lastDay: string
  /** How many of `unit` the result ran over. */
  count: number
  /** 'windows': historical h-day windows; 'daily returns': a Monte Carlo calibration; 'days tested': a backtest's decision days. */
  unit: 'windows' | 'daily returns' | 'days tested'
  horizonDays: number
  /** The first and last h-day window (close → close); null for a Monte Carlo calibration. */
  firstWindow: { from: string; to: string } | null
  lastWindow: { from: string; to: string } | null
  cuts: AsOfCut[]
  /** The same in one line, for the screen, the CLI and the PDF. */
  text: string
}

const days = (n: number): string => `${n} day${n === 1 ? '' : 's'}`

/** Overlapping h-day windows over `closeDays` (one per start day t = 0 … T − h − 1). */
export function historicalWindow(closeDays: readonly string[], horizonDays: number, cuts: readonly AsOfCut[]): HistoryWindow {
  const n = Math.max(0, closeDays.length - horizonDays)
  const first = n ? { from: closeDays[0]!, to: closeDays[horizonDays]! } : null
  const last = n ? { from: closeDays[n - 1]!, to: closeDays[n - 1 + horizonDays]! } : null
  return {
    firstDay: closeDays[0] ?? '',
    lastDay: closeDays.at(-1) ?? '',
    count: n,
    unit: 'windows',
    horizonDays,
    firstWindow: first,
    lastWindow: last,
    cuts: [...cuts],
    text: `${closeDays[0]} → ${closeDays.at(-1)}, ${n.toLocaleString('en-US')} windows of ${days(horizonDays)} (first ${first?.from} → ${first?.to}, last ${last?.from} → ${last?.to}); ${cutRuleText(cuts)}`
  }
}

/** The days a Monte Carlo's EWMA covariance was estimated on. */
export function calibrationWindow(closeDays: readonly string[], horizonDays: number, cuts: readonly AsOfCut[]): HistoryWindow {
  const returns = Math.max(0, closeDays.length - 1)
  return {
    firstDay: closeDays[0] ?? '',
    lastDay: closeDays.at(-1) ?? '',
    count: returns,
    unit: 'daily returns',
    horizonDays,
    firstWindow: null,
    lastWindow: null,
    cuts: [...cuts],
    text: `calibrated on ${closeDays[0]} → ${closeDays.at(-1)}, ${returns.toLocaleString('en-US')} daily returns (EWMA covariance, scaled to ${days(horizonDays)}); ${cutRuleText(cuts)}`
  }
}

/** A backtest's decision days: each day's requirement against the loss over the next h days of the cut history. */
export function backtestWindow(testedDays: readonly string[], closeDays: readonly string[], horizonDays: number, cuts: readonly AsOfCut[]): HistoryWindow {
  const last = testedDays.at(-1)
  const lastTo = last === undefined ? undefined : closeDays[closeDays.indexOf(last) + horizonDays]
  return {
    firstDay: testedDays[0] ?? '',
    lastDay: last ?? '',
    count: testedDays.length,
    unit: 'days tested',
    horizonDays,
    firstWindow: testedDays.length ? { from: testedDays[0]!, to: closeDays[closeDays.indexOf(testedDays[0]!) + horizonDays]! } : null,
    lastWindow: last !== undefined && lastTo !== undefined ? { from: last, to: lastTo } : null,
    cuts: [...cuts],
    text: `${testedDays[0]} → ${last}, ${testedDays.length.toLocaleString('en-US')} days tested, each against its next ${days(horizonDays)} (last realised loss to ${lastTo}); ${cutRuleText(cuts)}`
  }
}
