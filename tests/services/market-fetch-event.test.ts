/**
 * A fetch that wrote a new market snapshot is announced as `market.fetched {bookId,
 * marketSnapshotId}` (issue 22, §3), so every window showing that book re-reads its market; a fetch
 * that wrote nothing (the venue down, the same data again) announces nothing. The refresher's
 * unasked fetch is announced too.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiEvent } from '@contract/api'
import { openBook } from '../../src-main/book/open-book'
import { liveBook } from '../../src-main/book/books-repository'
import { EventBus } from '../../src-main/services/event-bus'
import { marketFetchHandlers, marketRefresher } from '../../src-main/services/market-fetch/handlers'
import { DEFAULT_MARKET_FETCH_SETTINGS } from '../../src-main/services/market-fetch/settings'
import { startReplayServer, type ReplayServer } from '../helpers/venue-replay-server'
import { deribitRoutes } from '../fixtures/market-fetch/routes'

const AS_OF = Date.parse('2026-12-05T06:00:00Z')

describe('market.fetched', () => {
  let deribit: ReplayServer
  beforeAll(async () => {
    deribit = await startReplayServer(deribitRoutes(), '/api/v2')
  })
  afterAll(async () => {
    await deribit.close()
  })

  const book = () => {
    const { db } = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-market-fetch-event-')), 'book.sqlite'))
    const events = new EventBus()
    const seen: ApiEvent[] = []
    events.on((e) => seen.push(e))
    const hooked: string[] = []
    const now = () => new Date(AS_OF)
    return { db, events, seen, hooked, now, handlers: marketFetchHandlers({ db, events }, { now, onMarketChanged: (_b, id) => hooked.push(id) }), bookId: liveBook(db).id }
  }

  it('announces the new snapshot once (the caller\'s own hook still runs); nothing when nothing was written', async () => {
    const { db, seen, hooked, handlers, bookId } = book()
    const reply = await handlers.fetchMarketNow({ bookId, venues: ['deribit'], baseUrls: { deribit: deribit.baseUrl } })
    expect(reply.written).toBe(true)
    expect(seen).toEqual([{ type: 'market.fetched', bookId, marketSnapshotId: reply.marketSnapshotId }])
    expect(reply.marketSnapshotId).toBe(liveBook(db).marketSnapshotId)
    expect(hooked).toEqual([reply.marketSnapshotId])

    // The same replayed data again is no new market: no announcement.
    const again = await handlers.fetchMarketNow({ bookId, venues: ['deribit'], baseUrls: { deribit: deribit.baseUrl } })
    expect(again.written).toBe(false)
    // The venue down: refused in one line, nothing written, nothing announced.
    const down = await startReplayServer([])
    await down.close()
    const failed = await handlers.fetchMarketNow({ bookId, venues: ['deribit'], baseUrls: { deribit: down.baseUrl } })
    expect([failed.written, failed.venues[0]!.ok]).toEqual([false, false])
    expect(seen).toHaveLength(1)
  })

  it('announces what the refresher wrote without being asked', async () => {
    const { db, events, seen, now } = book()
    const settings = { ...DEFAULT_MARKET_FETCH_SETTINGS, deribit: { ...DEFAULT_MARKET_FETCH_SETTINGS.deribit, enabled: true, refreshMinutes: 15, baseUrl: deribit.baseUrl } }
    await marketFetchHandlers({ db, events }, { now }).saveMarketFetchSettings(settings)
    const refresher = marketRefresher({ db, events }, { now, timers: { setInterval: () => 0, clearInterval: () => undefined } })
    await refresher.tick()
    expect(seen).toEqual([{ type: 'market.fetched', bookId: liveBook(db).id, marketSnapshotId: liveBook(db).marketSnapshotId }])
  })

  it('a bare context (no event bus) fetches as before', async () => {
    const { db } = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-market-fetch-event-')), 'book.sqlite'))
    const reply = await marketFetchHandlers({ db }, { now: () => new Date(AS_OF) }).fetchMarketNow({ bookId: liveBook(db).id, venues: ['deribit'], baseUrls: { deribit: deribit.baseUrl } })
    expect(reply.written).toBe(true)
  })
})
