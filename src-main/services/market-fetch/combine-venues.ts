/**
 * One fetch's market from the venues fetched, ready for the market import (services/market-import.ts
 * mergedMarket replaces each underlying it brings and keeps the others).
 *
 * Ours, not a venue rule: a snapshot holds one index, one forward curve and one vol surface per
 * underlying, so with both venues fetched the first venue (Deribit, then OKX) gives the index,
 * forwards and vol quotes of an underlying, the other adds the forwards of expiries the first lacks;
 * every venue's own marks (with their mark IVs) are kept, keyed by venue. Marks and funding rates
 * of a venue not fetched this time (off, or its fetch failed) are carried over from the book's
 * market for the underlyings replaced, so refreshing Deribit does not drop the OKX positions' marks:
 * for that venue, the last market stays.
 */
import type { MarketFetchVenue } from '@contract/market-fetch'
import type { MarketSnapshotData } from '../../engine/market/snapshot'
import { underlyingAsOf } from '../../engine/market/merge-snapshots'
import { underlyingOfKey } from '../market-import'

export interface FetchedVenue {
  venue: MarketFetchVenue
  snapshot: MarketSnapshotData
}

/** The venue and underlying of a mark key (`venue:symbol`), by the market import's own rule. */
function keyParts(key: string): { venue: string; underlying: string | null } {
  const at = key.indexOf(':')
  return { venue: at < 0 ? 'deribit' : key.slice(0, at), underlying: underlyingOfKey(key) }
}

export function combineVenueSnapshots(fetched: readonly FetchedVenue[], base: MarketSnapshotData | null): MarketSnapshotData {
  if (fetched.length === 0) throw new Error('no venue was fetched')
  const underlyings = [...new Set(fetched.flatMap((f) => Object.keys(f.snapshot.indexUsd)))].sort()
  const indexUsd: Record<string, number> = {}
  const forwardsUsd: MarketSnapshotData['forwardsUsd'] = {}
  const volQuotes: NonNullable<MarketSnapshotData['volQuotes']> = {}
  const asOfByUnderlying: Record<string, number> = {}
  const sourceByUnderlying: Record<string, string> = {}
  for (const u of underlyings) {
    const having = fetched.filter((f) => u in f.snapshot.indexUsd)
    const primary = having[0]!
    indexUsd[u] = primary.snapshot.indexUsd[u]!
    // The secondary venues' expiries first, so the primary's forward wins where both have one.
    const merged = Object.assign({}, ...having.slice(1).reverse().map((f) => f.snapshot.forwardsUsd[u] ?? {}), primary.snapshot.forwardsUsd[u] ?? {}) as Record<string, number>
    forwardsUsd[u] = Object.fromEntries(Object.entries(merged).sort((a, b) => Number(a[0]) - Number(b[0])))
    volQuotes[u] = primary.snapshot.volQuotes?.[u] ?? []
    asOfByUnderlying[u] = underlyingAsOf(primary.snapshot)[u]!
    sourceByUnderlying[u] = having.map((f) => f.snapshot.source).join(' + ')
  }
  const fetchedVenues = new Set<string>(fetched.map((f) => f.venue))
  const replaced = new Set(underlyings)
  const carried = <T>(r: Record<string, T> | undefined): Record<string, T> =>
    Object.fromEntries(
      Object.entries(r ?? {}).filter(([k]) => {
        const { venue, underlying } = keyParts(k)
        return !fetchedVenues.has(venue) && underlying !== null && replaced.has(underlying)
      })
    )
  const marks = Object.assign(carried(base?.marks), ...fetched.map((f) => f.snapshot.marks)) as MarketSnapshotData['marks']
  const fundingRate8h = Object.assign(carried(base?.fundingRate8h), ...fetched.map((f) => f.snapshot.fundingRate8h)) as MarketSnapshotData['fundingRate8h']
  const asOfMs = Math.max(...Object.values(asOfByUnderlying))
  const venues = fetched.map((f) => f.venue).join('-')
  return {
    id: `${venues}-api-${underlyings.join('-')}-${new Date(asOfMs).toISOString()}`,
    asOfMs,
    asOfByUnderlying,
    sourceByUnderlying,
    source: [...new Set(Object.values(sourceByUnderlying))].join(' + '),
    indexUsd,
    forwardsUsd,
    volQuotes,
    marks,
    fundingRate8h
  }
}
