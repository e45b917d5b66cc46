/**
 * Opt-in public market data (contract: market-fetch): the settings, *Fetch market now*, and the
 * `market.fetched` event a fetch (this window's, a refresh's, another window's) sends when it wrote
 * a new market snapshot to a book.
 */
import type { ApiEvent, MarginalApi } from '@contract/api'
import { useApi } from '../../api/api'

export type MarketFetchApi = Pick<MarginalApi, 'fetchMarketNow' | 'marketFetchSettings' | 'saveMarketFetchSettings' | 'onEvent'>
export const useMarketFetchApi = (): MarketFetchApi => useApi()

export type MarketFetchedEvent = Extract<ApiEvent, { type: 'market.fetched' }>

/** Calls `listener` on every `market.fetched` event; returns the unsubscribe. */
export function onMarketFetched(listener: (e: MarketFetchedEvent) => void): () => void {
  return useMarketFetchApi().onEvent((e) => {
    if (e.type === 'market.fetched') listener(e)
  })
}
