/**
 * Market fetching is off until the trader turns it on: with the default settings neither *Fetch
 * now* without a venue nor the refresher sends anything; turned on with an interval, the refresher
 * fetches when the interval has passed and not before. Settings are validated and kept in the
 * book file; `cli market fetch` prints each venue's line and exits 1 when one is down.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { liveBook } from '../../src-main/book/books-repository'
import { MarketFetchSettings, type MarketFetchSettings as Settings } from '../../src-preload/contract/market-fetch'
import { marketFetchHandlers, marketRefresher } from '../../src-main/services/market-fetch/handlers'
import { DEFAULT_MARKET_FETCH_SETTINGS } from '../../src-main/services/market-fetch/settings'
import { marketFetchCommand, marketFetchRequest } from '../../src-main/cli/market-fetch-command'
import { startReplayServer } from '../helpers/venue-replay-server'
import { replayedVenues } from '../fixtures/market-fetch/routes'

const AS_OF = Date.parse('2026-12-05T06:00:00Z')

function fakeTimers() {
  const intervals: { fn: () => void; ms: number }[] = []
  return {
    intervals,
    timers: {
      setInterval: (fn: () => void, ms: number) => intervals.push({ fn, ms }) - 1,
      clearInterval: (h: unknown) => void intervals.splice(h as number, 1)
    }
  }
}

describe('market fetch settings and the refresher', () => {
  const venues = replayedVenues()
  const sent = (): number => venues.deribit.requests.length + venues.okx.requests.length

  const book = () => {
    const { db } = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-market-fetch-settings-')), 'book.sqlite'))
    let nowMs = AS_OF
    const clock = { now: () => new Date(nowMs), advanceMinutes: (m: number) => void (nowMs += m * 60_000) }
    return { db, clock, handlers: marketFetchHandlers({ db }, { now: clock.now }), bookId: liveBook(db).id }
  }

  it('is off by default: nothing at all is requested, by Fetch now without a venue or by the refresher', async () => {
    const { db, clock, handlers, bookId } = book()
    const before = sent()
    const view = await handlers.marketFetchSettings({})
    expect([view.deribit.enabled, view.okx.enabled, view.deribit.refreshMinutes, view.lastFetch]).toEqual([false, false, null, { deribit: null, okx: null }])
    await expect(Promise.resolve().then(() => handlers.fetchMarketNow({ bookId }))).rejects.toThrow('market fetching is off')
    const { intervals, timers } = fakeTimers()
    const refresher = marketRefresher({ db }, { now: clock.now, timers })
    refresher.start()
    for (let i = 0; i < 5; i++) {
      clock.advanceMinutes(60)
      await refresher.tick()
    }
    expect(intervals).toHaveLength(1)
    expect(sent()).toBe(before)
    refresher.stop()
    expect(intervals).toHaveLength(0)
  })

  it('turned on with an interval, the refresher fetches when it has passed, and not before', async () => {
    const { db, clock, handlers } = book()
    const on: Settings = { ...DEFAULT_MARKET_FETCH_SETTINGS, deribit: { ...DEFAULT_MARKET_FETCH_SETTINGS.deribit, enabled: true, refreshMinutes: 15, baseUrl: venues.deribit.baseUrl } }
    const view = await handlers.saveMarketFetchSettings(on)
    expect(view.deribit).toEqual(on.deribit)
    const refresher = marketRefresher({ db }, { now: clock.now, timers: fakeTimers().timers })
    const deribitSent = (): number => venues.deribit.requests.length
    const okxBefore = venues.okx.requests.length
    const start = deribitSent()
    await refresher.tick()
    expect(deribitSent() - start).toBe(8)
    const market = liveBook(db).marketSnapshotId
    expect(market).toMatch(/^deribit-api-BTC-ETH-2026-12-05T05:59:58\.500Z$/)
    clock.advanceMinutes(14)
    await refresher.tick()
    expect(deribitSent() - start).toBe(8)
    clock.advanceMinutes(1)
    await refresher.tick()
    expect(deribitSent() - start).toBe(16)
    expect(venues.okx.requests.length).toBe(okxBefore)
    const status = (await handlers.marketFetchSettings({})).lastFetch.deribit!
    expect([status.ok, status.atUtc, status.asOfUtc]).toEqual([true, '2026-12-05T06:15:00.000Z', '2026-12-05T05:59:58.500Z'])
    // The same replayed data again is not a new market: nothing new is written.
    expect(liveBook(db).marketSnapshotId).toBe(market)
  })

  it('validates the settings: interval in whole minutes, a plain http(s) base URL', () => {
    const venue = DEFAULT_MARKET_FETCH_SETTINGS.deribit
    const check = (deribit: object) => MarketFetchSettings.safeParse({ ...DEFAULT_MARKET_FETCH_SETTINGS, deribit: { ...venue, ...deribit } })
    expect(check({ refreshMinutes: 0 }).success).toBe(false)
    expect(check({ refreshMinutes: 2.5 }).success).toBe(false)
    expect(check({ baseUrl: 'https://user:secret@www.deribit.com/api/v2' }).success).toBe(false)
    expect(check({ baseUrl: 'file:///etc/passwd' }).success).toBe(false)
    expect(check({ baseUrl: 'https://www.deribit.com/api/v2?key=x' }).success).toBe(false)
    expect(check({ underlyings: ['SOL'] }).success).toBe(false)
    expect(check({ enabled: true, refreshMinutes: 5, baseUrl: 'http://127.0.0.1:8080/api/v2' }).success).toBe(true)
  })

  it('lists exactly what each venue is sent', async () => {
    const { handlers } = book()
    const view = await handlers.marketFetchSettings({})
    expect(view.requestsSent.deribit).toContain('GET /public/get_book_summary_by_currency?currency=BTC&kind=option')
    expect(view.requestsSent.okx).toEqual([
      'GET /api/v5/market/index-tickers?instId=BTC-USD',
      'GET /api/v5/public/opt-summary?instFamily=BTC-USD',
      'GET /api/v5/public/mark-price?instType=OPTION&instFamily=BTC-USD',
      'GET /api/v5/market/tickers?instType=OPTION&instFamily=BTC-USD',
      'GET /api/v5/market/index-tickers?instId=ETH-USD',
      'GET /api/v5/public/opt-summary?instFamily=ETH-USD',
      'GET /api/v5/public/mark-price?instType=OPTION&instFamily=ETH-USD',
      'GET /api/v5/market/tickers?instType=OPTION&instFamily=ETH-USD',
      'GET /api/v5/public/mark-price?instType=SWAP',
      'GET /api/v5/public/mark-price?instType=FUTURES',
      'GET /api/v5/public/funding-rate?instId=BTC-USD-SWAP',
      'GET /api/v5/public/funding-rate?instId=BTC-USDT-SWAP',
      'GET /api/v5/public/funding-rate?instId=ETH-USD-SWAP',
      'GET /api/v5/public/funding-rate?instId=ETH-USDT-SWAP'
    ])
  })

  it('cli market fetch: each venue on its line, exit 1 with the refusal on stderr when one is down', async () => {
    const { handlers, bookId } = book()
    const down = await startReplayServer([])
    await down.close()
    expect(marketFetchRequest(bookId, { venue: ['kraken'] })).toBe('--venue "kraken" is not a venue we fetch (deribit, okx)')
    expect(marketFetchRequest(bookId, { 'base-url-okx': 'ftp://x' })).toMatch(/^--base-url-okx "ftp:\/\/x" is not an http\(s\) URL/)
    const req = marketFetchRequest(bookId, { venue: ['deribit', 'OKX'], 'base-url-deribit': venues.deribit.baseUrl, 'base-url-okx': down.baseUrl })
    if (typeof req === 'string') throw new Error(req)
    const out: string[] = []
    const err: string[] = []
    const code = await marketFetchCommand({ out: (t) => out.push(t), err: (t) => err.push(t) }, req, false, (r) => Promise.resolve(handlers.fetchMarketNow(r)))
    expect(code).toBe(1)
    expect(err).toEqual([`marginal: OKX /api/v5/market/index-tickers (${down.baseUrl}/api/v5/market/index-tickers?instId=BTC-USD): connection refused; the last market stays`])
    expect(out[0]).toMatch(/^Deribit: BTC index 91850\.27 USD, \d+ instruments, 5 expiries; ETH index 3050\.41 USD/)
    expect(out.at(-1)).toMatch(/^Book \d+: market deribit-api-BTC-ETH-2026-12-05T05:59:58\.500Z \(a new snapshot; the earlier ones are kept\)$/)
  })
})
