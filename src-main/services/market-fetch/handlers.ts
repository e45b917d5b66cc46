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

export function marketFetchHandlers(ctx: Pick<ServiceContext, 'db'>, deps: MarketFetchDeps = {}): MarketFetchHandlers {
  return {
    fetchMarketNow: (req) => fetchMarketNow(ctx.db, req, deps),
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
  ctx: Pick<ServiceContext, 'db'>,
  deps: MarketFetchDeps & { timers?: RefreshTimers; onError?: (e: unknown) => void; fetchNow?: MarketFetchHandlers['fetchMarketNow'] } = {}
): MarketRefresher {
  const fetchNow = deps.fetchNow ?? ((req: Parameters<MarketFetchHandlers['fetchMarketNow']>[0]) => fetchMarketNow(ctx.db, req, deps))
  return createMarketRefresher({ db: ctx.db, fetchNow: async (req) => fetchNow(req), now: deps.now, timers: deps.timers, onError: deps.onError })
}
