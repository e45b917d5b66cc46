/**
 * A book's market is assembled per underlying: importing the BTC chain replaces BTC's index,
 * forwards, vol quotes and marks and leaves ETH's as they were, so both price. Each underlying
 * keeps the instant its data was taken (`asOfByUnderlying`); the snapshot's own `asOfMs` — the
 * instant every position is valued at — is the newest of them, and an older underlying is shown
 * as stale against it (issue 17, §4).
 *
 * Pure: `underlyingOfKey` tells which underlying a mark, quote or funding key belongs to.
 */
import type { MarketSnapshotData } from './snapshot'

/** The instant each underlying's data was taken; a snapshot without the map is one instant for all. */
export function underlyingAsOf(s: MarketSnapshotData): Record<string, number> {
  return Object.fromEntries(Object.keys(s.indexUsd).map((u) => [u, s.asOfByUnderlying?.[u] ?? s.asOfMs]))
}

export function mergeSnapshots(
  base: MarketSnapshotData | null,
  incoming: MarketSnapshotData,
  underlyingOfKey: (key: string) => string | null,
  id: string
): MarketSnapshotData {
  if (!base) return { ...incoming, id, asOfByUnderlying: underlyingAsOf(incoming), sourceByUnderlying: underlyingSource(incoming) }
  const replaced = new Set(Object.keys(incoming.indexUsd))
  const keep = (key: string): boolean => {
    const u = underlyingOfKey(key)
    return u === null || !replaced.has(u)
  }
  const pick = <T>(r: Record<string, T> | undefined): Record<string, T> => Object.fromEntries(Object.entries(r ?? {}).filter(([k]) => keep(k)))
  const byUnderlying = <T>(r: Record<string, T> | undefined): Record<string, T> => Object.fromEntries(Object.entries(r ?? {}).filter(([u]) => !replaced.has(u)))
  const asOfByUnderlying = { ...byUnderlying(underlyingAsOf(base)), ...underlyingAsOf(incoming) }
  const sourceByUnderlying = { ...byUnderlying(underlyingSource(base)), ...underlyingSource(incoming) }
  return {
    id,
    asOfMs: Math.max(...Object.values(asOfByUnderlying)),
    asOfByUnderlying,
    sourceByUnderlying,
    source: [...new Set(Object.keys(sourceByUnderlying).sort().map((u) => sourceByUnderlying[u]!))].join(' + '),
    indexUsd: { ...byUnderlying(base.indexUsd), ...incoming.indexUsd },
    forwardsUsd: { ...byUnderlying(base.forwardsUsd), ...incoming.forwardsUsd },
    volQuotes: { ...byUnderlying(base.volQuotes), ...(incoming.volQuotes ?? {}) },
    marks: { ...pick(base.marks), ...incoming.marks },
    fundingRate8h: { ...pick(base.fundingRate8h), ...incoming.fundingRate8h }
  }
}

/** Where each underlying's data came from (a file name, a venue). */
export function underlyingSource(s: MarketSnapshotData): Record<string, string> {
  return Object.fromEntries(Object.keys(s.indexUsd).map((u) => [u, s.sourceByUnderlying?.[u] ?? s.source]))
}
