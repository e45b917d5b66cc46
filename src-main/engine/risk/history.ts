/**
 * Daily price history as the statistical methods use it (docs/METHODOLOGY.md §5.6–5.7):
 * several underlyings aligned on the days they all have, h-day relative moves, and EWMA
 * volatility (RiskMetrics 1996, λ = 0.94) for filtering and for Monte Carlo covariances.
 */

export interface DailySeries {
  underlying: string
  /** ISO days (YYYY-MM-DD), ascending, unique. */
  days: readonly string[]
  closes: ArrayLike<number>
}

export interface AlignedHistory {
  underlyings: string[]
  days: string[]
  /** closes[u][t]: close of underlying u on days[t]. */
  closes: Float64Array[]
}

/** Keep the days every series has (a day missing from one series is dropped for all). */
export function alignHistory(series: readonly DailySeries[]): AlignedHistory {
  if (!series.length) throw new RangeError('no price history to align')
  const maps = series.map((s) => {
    const m = new Map<string, number>()
    for (let i = 0; i < s.days.length; i++) {
      const c = s.closes[i]!
      if (!(c > 0)) throw new RangeError(`${s.underlying} close on ${s.days[i]} is ${c}: prices must be positive`)
      m.set(s.days[i]!, c)
    }
    return m
  })
  const days = [...maps[0]!.keys()].filter((d) => maps.every((m) => m.has(d))).sort()
  return { underlyings: series.map((s) => s.underlying), days, closes: maps.map((m) => Float64Array.from(days, (d) => m.get(d)!)) }
}

/** The last `days` days of a history (all of it when shorter). */
export function lastDays(h: AlignedHistory, days: number): AlignedHistory {
  const from = Math.max(0, h.days.length - days)
  return { underlyings: h.underlyings, days: h.days.slice(from), closes: h.closes.map((c) => c.slice(from)) }
}

/** Overlapping h-day relative moves S(t+h)/S(t) − 1, one per start day t = 0 … T − h − 1. */
export function hDayMoves(closes: ArrayLike<number>, h: number): Float64Array {
  if (!(Number.isInteger(h) && h >= 1)) throw new RangeError(`holding period ${h} is not a whole number of days ≥ 1`)
  const n = Math.max(0, closes.length - h)
  const out = new Float64Array(n)
  for (let t = 0; t < n; t++) out[t] = closes[t + h]! / closes[t]! - 1
  return out
}

export const dailyLogReturns = (closes: ArrayLike<number>): Float64Array => Float64Array.from({ length: Math.max(0, closes.length - 1) }, (_, t) => Math.log(closes[t + 1]! / closes[t]!))

/**
 * EWMA variance of daily log returns: σ²(t) = λσ²(t−1) + (1 − λ) r(t−1)², the estimate *before*
 * day t's return is known, seeded with the variance of the first `seedDays` returns.
 * Returns one value per return plus the forecast after the last (length returns + 1).
 */
export function ewmaVariance(returns: ArrayLike<number>, lambda = 0.94, seedDays = 30): Float64Array {
  if (!(lambda > 0 && lambda < 1)) throw new RangeError(`EWMA λ ${lambda} is not in (0, 1)`)
  const n = returns.length
  const out = new Float64Array(n + 1)
  const m = Math.min(seedDays, n)
  let v = 0
  for (let t = 0; t < m; t++) v += returns[t]! ** 2
  out[0] = m ? v / m : 0
  for (let t = 0; t < n; t++) out[t + 1] = lambda * out[t]! + (1 - lambda) * returns[t]! ** 2
  return out
}

/**
 * Filtered historical simulation (Hull & White 1998, "Incorporating volatility updating into the
 * historical simulation method for VaR"): each daily log return is rescaled by today's EWMA vol over
 * its own day's, so a calm history still carries today's turbulence and vice versa. The rescaled
 * returns are rebuilt into a synthetic close series from the first close.
 */
export function ewmaFilteredCloses(closes: ArrayLike<number>, lambda = 0.94): Float64Array {
  const r = dailyLogReturns(closes)
  const v = ewmaVariance(r, lambda)
  const today = Math.sqrt(v[r.length]!)
  const out = new Float64Array(closes.length)
  out[0] = closes[0]!
  for (let t = 0; t < r.length; t++) {
    const sd = Math.sqrt(v[t]!)
    out[t + 1] = out[t]! * Math.exp(sd > 0 ? (r[t]! * today) / sd : r[t]!)
  }
  return out
}

/** EWMA covariance matrix (row-major U × U) of daily log returns at the end of the history. */
export function ewmaCovariance(returns: readonly Float64Array[], lambda = 0.94, seedDays = 30): Float64Array {
  const u = returns.length
  const n = returns[0]?.length ?? 0
  const cov = new Float64Array(u * u)
  const m = Math.min(seedDays, n)
  for (let i = 0; i < u; i++)
    for (let j = 0; j < u; j++) {
      let c = 0
      for (let t = 0; t < m; t++) c += returns[i]![t]! * returns[j]![t]!
      cov[i * u + j] = m ? c / m : 0
    }
  for (let t = 0; t < n; t++)
    for (let i = 0; i < u; i++)
      for (let j = 0; j < u; j++) cov[i * u + j] = lambda * cov[i * u + j]! + (1 - lambda) * returns[i]![t]! * returns[j]![t]!
  return cov
}
