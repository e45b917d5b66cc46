/**
 * Forward per expiry for one underlying. Quoted expiries (futures marks, or the forward a venue
 * uses for an option expiry) are exact; between them the basis is interpolated in time as a
 * piecewise-constant carry: ln(F/S) is linear in T, with ln(F/S) = 0 at T = 0. Beyond the last
 * quote the last carry rate continues (ln(F/S) = c·T).
 */
import { yearsBetween } from '../pricing/black76'

export interface ForwardQuote {
  expiryMs: number
  forwardUsd: number
}

export interface ForwardCurve {
  underlying: string
  asOfMs: number
  indexUsd: number
  /** Sorted by expiry, expiries after as-of only. */
  quotes: ForwardQuote[]
}

export function buildForwardCurve(underlying: string, asOfMs: number, indexUsd: number, quotes: ForwardQuote[]): ForwardCurve {
  if (!(indexUsd > 0)) throw new RangeError(`${underlying}: index ${indexUsd} is not a positive price`)
  for (const q of quotes) {
    if (!(q.forwardUsd > 0)) throw new RangeError(`${underlying}: forward ${q.forwardUsd} for ${new Date(q.expiryMs).toISOString()} is not a positive price`)
  }
  const live = quotes.filter((q) => q.expiryMs > asOfMs).sort((a, b) => a.expiryMs - b.expiryMs)
  return { underlying, asOfMs, indexUsd, quotes: live }
}

/** Forward for any expiry instant, USD. Expired or as-of expiries get the index. */
export function forwardAt(curve: ForwardCurve, expiryMs: number): number {
  const t = yearsBetween(curve.asOfMs, expiryMs)
  if (t <= 0 || curve.quotes.length === 0) return curve.indexUsd
  const logBasis = (q: ForwardQuote): number => Math.log(q.forwardUsd / curve.indexUsd)
  let prevT = 0
  let prevLog = 0
  for (const q of curve.quotes) {
    const qt = yearsBetween(curve.asOfMs, q.expiryMs)
    if (q.expiryMs === expiryMs) return q.forwardUsd
    if (qt > t) return curve.indexUsd * Math.exp(prevLog + ((logBasis(q) - prevLog) * (t - prevT)) / (qt - prevT))
    prevT = qt
    prevLog = logBasis(q)
  }
  return curve.indexUsd * Math.exp((prevLog / prevT) * t)
}
