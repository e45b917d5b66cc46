/**
 * Opt-in public market data: fetch now, and the settings (off by default). The slice is typed
 * against its own contract table, so it is the same `HandlerSlice<keyof typeof marketFetchMethods>`
 * once the table is spread into apiMethods.
 */
import type { z } from 'zod'
import type { marketFetchMethods } from '@contract/market-fetch'
import type { ServiceContext } from '../service-context'
import { fetchMarketNow, type MarketFetchDeps } from './market-fetch-service'
import { saveMarketFetchSettings, settingsView } from './settings'
import { createMarketRefresher, type MarketRefresher, type RefreshTimers } from './refresher'

type Table = typeof marketFetchMethods
export type MarketFetchHandlers = {
  [M in keyof Table]: (req: z.output<Table[M]['request']>) => Promise<z.output<Table[M]['response']>> | z.output<Table[M]['response']>
}

/** What the handlers need of the service context; `events` absent (a test's bare db): nothing is announced. */
export type MarketFetchContext = Pick<ServiceContext, 'db'> & Partial<Pick<ServiceContext, 'events'>>

/**
 * The deps with `onMarketChanged` also announcing the new snapshot as `market.fetched`, so every
 * window showing that book (the one that asked, another window, the refresher's unasked fetch)
 * re-reads its market; the caller's own hook still runs first.
 */
function announcing(ctx: MarketFetchContext, deps: MarketFetchDeps): MarketFetchDeps {
  const events = ctx.events
  if (!events) return deps
  return {
    ...deps,
    onMarketChanged: (bookId, marketSnapshotId) => {
      deps.onMarketChanged?.(bookId, marketSnapshotId)
      events.emit({ type: 'market.fetched', bookId, marketSnapshotId })
    }
  }
}

export function marketFetchHandlers(ctx: MarketFetchContext, deps: MarketFetchDeps = {}): MarketFetchHandlers {
  const fetchDeps = announcing(ctx, deps)
  return {
    fetchMarketNow: (req) => fetchMarketNow(ctx.db, req, fetchDeps),
    marketFetchSettings: () => settingsView(ctx.db),
    saveMarketFetchSettings: (settings) => {
      saveMarketFetchSettings(ctx.db, settings, deps.now?.())
      return settingsView(ctx.db)
    }
  }
}

/**
 * The refresher a host starts (Electron and the browser host; never the CLI) and stops on close.
 * No fetch happens unless a venue is turned on with an interval. `fetchNow`: the API's own handler
 * (so a refresh is followed by what follows every fetch, e.g. the alerts); default the service.
 */
export function marketRefresher(
  ctx: MarketFetchContext,
  deps: MarketFetchDeps & { timers?: RefreshTimers; onError?: (e: unknown) => void; fetchNow?: MarketFetchHandlers['fetchMarketNow'] } = {}
): MarketRefresher {
  const fetchNow = deps.fetchNow ?? ((req: Parameters<MarketFetchHandlers['fetchMarketNow']>[0]) => fetchMarketNow(ctx.db, req, announcing(ctx, deps)))
  return createMarketRefresher({ db: ctx.db, fetchNow: async (req) => fetchNow(req), now: deps.now, timers: deps.timers, onError: deps.onError })
}
