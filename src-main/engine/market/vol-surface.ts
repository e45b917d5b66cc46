/**
 * Implied-vol surface for one underlying, from option mark IVs (docs/METHODOLOGY.md §3).
 * Within an expiry: total variance w = σ²T linear in log-moneyness k = ln(K/F), flat beyond the
 * outermost strikes. Across expiries: w linear in T at fixed k, flat vol before the first and after
 * the last expiry. Flat extrapolation adds no arbitrage the quotes did not already contain.
 */
import { yearsBetween } from '../pricing/black76'

export interface VolQuote {
  expiryMs: number
  strikeUsd: number
  /** Forward the venue priced this expiry on, USD. */
  forwardUsd: number
  /** Implied vol as a fraction. */
  vol: number
}

export interface SmileSlice {
  expiryMs: number
  years: number
  forwardUsd: number
  /** Sorted, one point per strike. */
  logMoneyness: number[]
  totalVariance: number[]
}

export interface VolSurface {
  underlying: string
  asOfMs: number
  slices: SmileSlice[]
}

export function buildVolSurface(underlying: string, asOfMs: number, quotes: VolQuote[]): VolSurface {
  const byExpiry = new Map<number, VolQuote[]>()
  for (const q of quotes) {
    if (q.expiryMs <= asOfMs || !(q.vol > 0) || !(q.strikeUsd > 0) || !(q.forwardUsd > 0)) continue
    const list = byExpiry.get(q.expiryMs)
    if (list) list.push(q)
    else byExpiry.set(q.expiryMs, [q])
  }
  const slices: SmileSlice[] = []
  for (const [expiryMs, list] of [...byExpiry.entries()].sort((a, b) => a[0] - b[0])) {
    const years = yearsBetween(asOfMs, expiryMs)
    // One forward per expiry (the median, robust to rows captured at slightly different instants);
    // call and put at one strike share a mark IV at Deribit: average whatever is there.
    const forwards = list.map((q) => q.forwardUsd).sort((a, b) => a - b)
    const forwardUsd = forwards[Math.floor(forwards.length / 2)]!
    const byStrike = new Map<number, number[]>()
    for (const q of list) byStrike.set(q.strikeUsd, [...(byStrike.get(q.strikeUsd) ?? []), q.vol])
    const strikes = [...byStrike.keys()].sort((a, b) => a - b)
    slices.push({
      expiryMs,
      years,
      forwardUsd,
      logMoneyness: strikes.map((k) => Math.log(k / forwardUsd)),
      totalVariance: strikes.map((k) => {
        const vols = byStrike.get(k)!
        const vol = vols.reduce((a, b) => a + b, 0) / vols.length
        return vol * vol * years
      })
    })
  }
  return { underlying, asOfMs, slices }
}

/** Total variance of one slice at log-moneyness k: linear inside, flat outside. */
function sliceVariance(s: SmileSlice, k: number): number {
  const xs = s.logMoneyness
  const ws = s.totalVariance
  const n = xs.length
  if (k <= xs[0]!) return ws[0]!
  if (k >= xs[n - 1]!) return ws[n - 1]!
  let lo = 0
  let hi = n - 1
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (xs[mid]! <= k) lo = mid
    else hi = mid
  }
  return ws[lo]! + ((ws[hi]! - ws[lo]!) * (k - xs[lo]!)) / (xs[hi]! - xs[lo]!)
}

/**
 * Implied vol (fraction) for a strike and expiry, given that expiry's forward. Null when the
 * surface has no slices: the caller must then say which option lacks a vol, not guess one.
 */
export function surfaceVol(surface: VolSurface, expiryMs: number, strikeUsd: number, forwardUsd: number): number | null {
  const slices = surface.slices
  if (slices.length === 0) return null
  const t = yearsBetween(surface.asOfMs, expiryMs)
  const k = Math.log(strikeUsd / forwardUsd)
  const first = slices[0]!
  const last = slices[slices.length - 1]!
  if (t <= first.years) return Math.sqrt(sliceVariance(first, k) / first.years)
  if (t >= last.years) return Math.sqrt(sliceVariance(last, k) / last.years)
  let i = 1
  while (slices[i]!.years < t) i++
  const a = slices[i - 1]!
  const b = slices[i]!
  const wa = sliceVariance(a, k)
  const wb = sliceVariance(b, k)
  return Math.sqrt((wa + ((wb - wa) * (t - a.years)) / (b.years - a.years)) / t)
}
