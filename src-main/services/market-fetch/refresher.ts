/**
 * The optional refresh: while a host runs, a timer wakes once a minute, reads the settings (so a
 * change applies at the next tick, with no restart) and fetches each venue that is turned on, has
 * an interval, and whose interval has passed since its last fetch (the stored status counts, so a
 * restart does not fetch at once). Turned off, a tick reads the settings and sends nothing. One
 * fetch at a time; a failed fetch waits for the next interval like a good one. The clock and the
 * timer are injected, so tests drive ticks without waiting.
 */
import type { BookDb } from '../../book/database'
import { liveBook } from '../../book/books-repository'
import type { FetchMarketNowResponse, MarketFetchVenue } from '@contract/market-fetch'
import { loadFetchStatus, loadMarketFetchSettings } from './settings'

export interface RefreshTimers {
  setInterval(fn: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

export interface MarketRefresherOptions {
  db: BookDb
  /** The fetch itself (market-fetch-service.ts fetchMarketNow with the host's deps). */
  fetchNow: (req: { bookId: number; venues: MarketFetchVenue[] }) => Promise<FetchMarketNowResponse>
  now?: () => Date
  timers?: RefreshTimers
  /** How often the settings are looked at; default one minute. */
  tickMs?: number
  /** A fetch that threw (the book busy or read-only): the hosts log it; the next interval tries again. */
  onError?: (e: unknown) => void
}

export interface MarketRefresher {
  start(): void
  stop(): void
  /** One look at the settings, fetching what is due; resolves when that fetch is done. */
  tick(): Promise<void>
}

const VENUES: readonly MarketFetchVenue[] = ['deribit', 'okx']

export function createMarketRefresher(opts: MarketRefresherOptions): MarketRefresher {
  const now = opts.now ?? (() => new Date())
  const timers: RefreshTimers = opts.timers ?? { setInterval: (fn, ms) => setInterval(fn, ms).unref(), clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>) }
  const lastAttemptMs = new Map<MarketFetchVenue, number>()
  let handle: unknown = null
  let running: Promise<void> | null = null

  const due = (): MarketFetchVenue[] => {
    const settings = loadMarketFetchSettings(opts.db)
    const status = loadFetchStatus(opts.db)
    const t = now().getTime()
    return VENUES.filter((v) => {
      const s = settings[v]
      if (!s.enabled || s.refreshMinutes === null) return false
      const last = lastAttemptMs.get(v) ?? (status[v] ? Date.parse(status[v].atUtc) : null)
      return last === null || t - last >= s.refreshMinutes * 60_000
    })
  }

  const tick = (): Promise<void> => {
    if (running) return running
    const venues = due()
    if (venues.length === 0) return Promise.resolve()
    for (const v of venues) lastAttemptMs.set(v, now().getTime())
    running = opts
      .fetchNow({ bookId: liveBook(opts.db).id, venues })
      .then(
        () => undefined,
        (e: unknown) => opts.onError?.(e)
      )
      .finally(() => {
        running = null
      })
    return running
  }

  return {
    start() {
      if (handle !== null) return
      handle = timers.setInterval(() => void tick(), opts.tickMs ?? 60_000)
    },
    stop() {
      if (handle === null) return
      timers.clearInterval(handle)
      handle = null
    },
    tick
  }
}
