/**
 * A market moved from another (test helper): every price × (1 + move), every implied vol + volPoints
 * (vol points: 3 = +0.03), the as-of later by `elapsedMs`. Option marks keep their currency; their IVs
 * move (pricing reads the IV, sticky strike).
 */
import type { MarketSnapshotData } from '../../../src-main/engine/market/snapshot'

export function shiftMarket(m: MarketSnapshotData, s: { move: number; volPoints: number; elapsedMs: number; id?: string }): MarketSnapshotData {
  const k = 1 + s.move
  const scale = (r: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(r).map(([key, v]) => [key, v * k]))
  const marks: MarketSnapshotData['marks'] = {}
  for (const [key, mark] of Object.entries(m.marks)) {
    marks[key] = mark.ivPct !== undefined ? { ...mark, ivPct: mark.ivPct + s.volPoints } : { ...mark, price: mark.price * k }
  }
  return {
    ...m,
    id: s.id ?? `${m.id}-moved`,
    asOfMs: m.asOfMs + s.elapsedMs,
    asOfByUnderlying: undefined,
    indexUsd: scale(m.indexUsd),
    forwardsUsd: Object.fromEntries(Object.entries(m.forwardsUsd).map(([u, f]) => [u, scale(f)])),
    volQuotes: Object.fromEntries(Object.entries(m.volQuotes ?? {}).map(([u, qs]) => [u, qs.map((q) => ({ ...q, forwardUsd: q.forwardUsd * k, vol: q.vol + s.volPoints / 100 }))])),
    marks,
    // Derive's own feeds are for its margin replica, not for valuation: dropped from the moved market.
    deriveFeeds: undefined
  }
}
