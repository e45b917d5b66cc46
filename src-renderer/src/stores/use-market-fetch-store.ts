/**
 * Opt-in public market data (issue 22, §3): the per-venue settings (off by default), *Fetch market
 * now* with its busy state and the last reply per venue, and the window's ear for `market.fetched`.
 * A fetch (this window's, the host's refresher, another window's) that wrote a new market snapshot
 * to the book on screen, or to the live book whose market the current what-if book follows, makes
 * the session re-read the book file (`bookFileChanged`): the status bar, the dashboard's market age
 * and every view then show the fetched as-of. Fetched data always goes to the live book: the
 * service refuses the demo and the what-if books (services/market-fetch/market-fetch-service.ts).
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { FetchMarketNowResponse, MarketFetchSettings, MarketFetchSettingsView, MarketFetchVenue, VenueFetchResult } from '@contract/api'
import { onMarketFetched, useMarketFetchApi, type MarketFetchedEvent } from '../lib/api/market-fetch'
import { useSessionStore } from './use-session-store'

export const MARKET_FETCH_VENUES: readonly MarketFetchVenue[] = ['deribit', 'okx']
export const VENUE_NAME: Record<MarketFetchVenue, string> = { deribit: 'Deribit', okx: 'OKX' }

export const useMarketFetchStore = defineStore('market-fetch', () => {
  const session = useSessionStore()
  const settings = shallowRef<MarketFetchSettingsView | null>(null)
  /** The venues of the fetch under way (null: none). */
  const busy = ref<MarketFetchVenue[] | null>(null)
  /** This session's last reply per venue (the settings' lastFetch survives a restart, this has the details). */
  const results = ref<Partial<Record<MarketFetchVenue, VenueFetchResult>>>({})
  const lastReply = shallowRef<FetchMarketNowResponse | null>(null)
  /** A refused fetch (nothing sent) or an unreadable settings reply: one line. */
  const error = ref<string | null>(null)
  const saveError = ref<string | null>(null)
  let listening = false
  /** The last snapshot already shown, so the reply and the event of one fetch re-read the book once. */
  let shown: string | null = null

  /** The book a fetch writes: the live book, whichever book is on screen. */
  const targetBook = computed(() => session.liveBook)
  const enabledVenues = computed(() => MARKET_FETCH_VENUES.filter((v) => settings.value?.[v].enabled))

  async function load(): Promise<void> {
    try {
      settings.value = await useMarketFetchApi().marketFetchSettings({})
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  async function save(next: MarketFetchSettings): Promise<boolean> {
    try {
      settings.value = await useMarketFetchApi().saveMarketFetchSettings(next)
      saveError.value = null
      return true
    } catch (e) {
      saveError.value = (e as Error).message
      return false
    }
  }

  /** Does a new market of `bookId` change what the window shows? */
  function showsBook(bookId: number): boolean {
    const current = session.currentBook
    if (!current) return false
    return current.id === bookId || (current.kind === 'whatif' && current.followsLiveMarket && session.liveBook?.id === bookId)
  }

  async function marketWritten(bookId: number, marketSnapshotId: string): Promise<void> {
    if (!showsBook(bookId) || marketSnapshotId === shown) return
    shown = marketSnapshotId
    await session.bookFileChanged()
  }

  async function onFetched(e: MarketFetchedEvent): Promise<void> {
    await marketWritten(e.bookId, e.marketSnapshotId)
    // A refresh moved the venues' last-fetch lines too.
    if (busy.value === null) await load()
  }

  /** Start listening for `market.fetched` (once per window; App start and the Market view both call it). */
  function listen(): void {
    if (listening) return
    listening = true
    onMarketFetched((e) => void onFetched(e))
  }

  /**
   * *Fetch market now*: the venues named (a venue's own button fetches it even while it is off: the
   * trader asked), else the venues turned on (none on: the service refuses and nothing is sent).
   */
  async function fetchNow(venues?: MarketFetchVenue[]): Promise<FetchMarketNowResponse | null> {
    const book = targetBook.value
    if (busy.value !== null) return null
    if (!book) {
      error.value = 'There is no live book to fetch the market into.'
      return null
    }
    error.value = null
    // Asked from the command palette before the panel was ever shown: the venues turned on, for the busy line.
    if (!settings.value && !venues) await load()
    busy.value = venues ?? enabledVenues.value.slice()
    try {
      const reply = await useMarketFetchApi().fetchMarketNow(venues ? { bookId: book.id, venues } : { bookId: book.id })
      lastReply.value = reply
      const next = { ...results.value }
      for (const r of reply.venues) next[r.venue] = r
      results.value = next
      if (reply.written && reply.marketSnapshotId) await marketWritten(reply.bookId, reply.marketSnapshotId)
      return reply
    } catch (e) {
      error.value = (e as Error).message
      return null
    } finally {
      busy.value = null
      await load()
    }
  }

  return { settings, busy, results, lastReply, error, saveError, targetBook, enabledVenues, load, save, listen, fetchNow }
})
