/**
 * Issue 22 §3, acceptance 3: *Fetch market now* against local servers replaying the venues' recorded
 * public replies (tests/fixtures/market-fetch, in the documented shapes) merges BTC and ETH into a
 * real book's market, keeps the earlier snapshot and the underlyings the fetch does not bring, sends
 * only public market-data requests, and is refused cleanly (one line naming venue and URL, the
 * book's market unchanged, nothing written) when the server is down.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { liveBook, setBookMarketSnapshot } from '../../src-main/book/books-repository'
import { loadMarketSnapshot, saveMarketSnapshot } from '../../src-main/book/market-repository'
import type { MarketSnapshotData } from '../../src-main/engine/market/snapshot'
import { fetchMarketNow } from '../../src-main/services/market-fetch/market-fetch-service'
import { fetchDeribit } from '../../src-main/services/market-fetch/deribit-fetch'
import { parseMarketFile } from '../../src-main/importers/market/market-files'
import { startReplayServer } from '../helpers/venue-replay-server'
import { deribitRoutes, okxRoutes, replayedVenues } from '../fixtures/market-fetch/routes'

const FIXTURES = join(import.meta.dirname, '../fixtures/market-fetch')
const fixture = (name: string): string => join(FIXTURES, name)
const json = <T>(name: string): T => JSON.parse(readFileSync(fixture(name), 'utf8')) as T
const AS_OF = Date.parse('2026-12-05T06:00:00Z')
const NOW = new Date(AS_OF + 4000)
const deps = { now: () => NOW, timeoutMs: 5000 }

/** The market the book had before: SOL from a file a day earlier, and stale BTC and OKX marks. */
const EARLIER: MarketSnapshotData = {
  id: 'earlier-file-BTC-SOL',
  asOfMs: AS_OF - 86_400_000,
  source: 'an earlier chain file',
  indexUsd: { BTC: 90_000, SOL: 230 },
  forwardsUsd: { BTC: { [String(Date.parse('2026-12-25T08:00:00Z'))]: 90_300 }, SOL: { [String(Date.parse('2026-12-25T08:00:00Z'))]: 231 } },
  volQuotes: {},
  marks: {
    'deribit:BTC-PERPETUAL': { price: 90_010, currency: 'USD' },
    'deribit:SOL_USDC-PERPETUAL': { price: 230.2, currency: 'USDC' },
    'okx:BTC-USDT-SWAP': { price: 90_020, currency: 'USDT' }
  },
  fundingRate8h: { 'deribit:SOL_USDC-PERPETUAL': 0.0001 }
}

function freshBook() {
  const { db } = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-market-fetch-')), 'book.sqlite'))
  const bookId = liveBook(db).id
  saveMarketSnapshot(db, EARLIER, new Date(AS_OF - 86_400_000))
  setBookMarketSnapshot(db, bookId, EARLIER.id)
  const count = (table: string): number => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n
  const market = (): MarketSnapshotData => loadMarketSnapshot(db, liveBook(db).marketSnapshotId!)!
  return { db, bookId, count, market }
}

type OptionRow = { instrument_name: string; mark_price: number; mark_iv: number; underlying_price: number }
const deribitOption = (u: string, name: string): OptionRow => json<{ result: OptionRow[] }>(`deribit/book-summary-${u}-option.json`).result.find((r) => r.instrument_name === name)!
const okxRow = <T extends { instId: string }>(file: string, instId: string): T => json<{ data: T[] }>(file).data.find((r) => r.instId === instId)!

describe('market fetch from the venues replayed on local servers', () => {
  const venues = replayedVenues()

  it('merges BTC and ETH from Deribit and OKX into the book market, keeps SOL and the earlier snapshot', async () => {
    const { db, bookId, count, market } = freshBook()
    const snapshotsBefore = count('market_snapshots')
    const res = await fetchMarketNow(db, { bookId, venues: ['deribit', 'okx'], baseUrls: { deribit: venues.deribit.baseUrl, okx: venues.okx.baseUrl } }, deps)
    expect(res.venues.map((v) => [v.venue, v.ok])).toEqual([['deribit', true], ['okx', true]])
    expect(res.written).toBe(true)
    const m = market()
    expect(m.id).toBe(res.marketSnapshotId)
    expect(m.id).not.toBe(EARLIER.id)

    // Index: each underlying from the first venue fetched (Deribit's index endpoint); SOL as it was.
    expect(m.indexUsd).toEqual({ BTC: 91850.27, ETH: 3050.41, SOL: 230 })
    // Deribit option marks and IVs exactly as sent, keyed by venue.
    const btcCall = deribitOption('btc', 'BTC-25DEC26-90000-C')
    expect(m.marks['deribit:BTC-25DEC26-90000-C']).toMatchObject({ price: btcCall.mark_price, currency: 'BTC', ivPct: btcCall.mark_iv })
    const ethPut = deribitOption('eth', 'ETH-29JAN27-2800-P')
    expect(m.marks['deribit:ETH-29JAN27-2800-P']).toMatchObject({ price: ethPut.mark_price, currency: 'ETH', ivPct: ethPut.mark_iv })
    // OKX option marks (coin) with markVol as the IV, in per cent.
    const okxSummary = okxRow<{ instId: string; markVol: string }>('okx/opt-summary-btc.json', 'BTC-USD-261225-95000-C')
    const okxMark = okxRow<{ instId: string; markPx: string }>('okx/mark-price-option-btc.json', 'BTC-USD-261225-95000-C')
    expect(m.marks['okx:BTC-USD-261225-95000-C']!.price).toBe(Number(okxMark.markPx))
    expect(m.marks['okx:BTC-USD-261225-95000-C']!.ivPct).toBeCloseTo(100 * Number(okxSummary.markVol), 10)
    expect(m.marks['okx:ETH-USD-270326-3200-P']?.currency).toBe('ETH')
    // Forwards: the options' underlying_price per expiry; a futures-only expiry from the future's mark.
    expect(m.forwardsUsd.BTC![String(Date.parse('2026-12-25T08:00:00Z'))]).toBe(deribitOption('btc', 'BTC-25DEC26-90000-C').underlying_price)
    expect(m.forwardsUsd.ETH![String(Date.parse('2027-06-25T08:00:00Z'))]).toBe(json<{ result: { instrument_name: string; mark_price: number }[] }>('deribit/book-summary-eth-future.json').result.find((r) => r.instrument_name === 'ETH-25JUN27')!.mark_price)
    expect(m.volQuotes!.BTC!.length).toBe(32)
    expect(m.volQuotes!.ETH!.length).toBe(32)
    // Perpetuals and swaps: marks, and Deribit's latest 8-hour funding.
    expect(m.marks['deribit:BTC-PERPETUAL']!.price).toBeGreaterThan(91_000)
    expect(m.marks['okx:BTC-USDT-SWAP']).toEqual({ price: Number(okxRow<{ instId: string; markPx: string }>('okx/mark-price-swap.json', 'BTC-USDT-SWAP').markPx), currency: 'USDT' })
    expect(m.fundingRate8h['deribit:BTC-PERPETUAL']).toBe(0.0000935)
    // OKX funding per period, scaled to 8 hours: ETH-USD-SWAP settles every 4 hours in the recording.
    expect(m.fundingRate8h['okx:BTC-USDT-SWAP']).toBe(0.0001)
    expect(m.fundingRate8h['okx:ETH-USD-SWAP']).toBeCloseTo(0.00008, 15)
    expect(m.marks['okx:SOL-USDT-SWAP']).toBeUndefined()
    // SOL kept from the earlier market, and shown stale against the fetched underlyings.
    expect(m.marks['deribit:SOL_USDC-PERPETUAL']).toEqual(EARLIER.marks['deribit:SOL_USDC-PERPETUAL'])
    expect(m.fundingRate8h['deribit:SOL_USDC-PERPETUAL']).toBe(0.0001)
    expect(m.asOfByUnderlying).toEqual({ BTC: AS_OF - 1500, ETH: AS_OF - 1500, SOL: EARLIER.asOfMs })
    expect(m.sourceByUnderlying!.BTC).toBe(`Deribit public API ${venues.deribit.baseUrl} (get_index_price, get_book_summary_by_currency, get_funding_rate_history) + OKX public API ${venues.okx.baseUrl} (index-tickers, opt-summary, mark-price, tickers, funding-rate)`)
    expect(m.sourceByUnderlying!.SOL).toBe('an earlier chain file')
    // The fetch is its own snapshot, beside the earlier one; the imports log names the venues.
    expect(count('market_snapshots')).toBe(snapshotsBefore + 1)
    expect(loadMarketSnapshot(db, EARLIER.id)).toEqual(EARLIER)
    const log = db.prepare("SELECT file_name, format FROM imports WHERE format = 'market-fetch'").all() as { file_name: string; format: string }[]
    expect(log).toEqual([{ file_name: 'deribit+okx public market data, fetched 2026-12-05T06:00:04.000Z', format: 'market-fetch' }])
    expect(res.venues[0]!.underlyings.map((u) => [u.underlying, u.indexUsd, u.expiries])).toEqual([['BTC', 91850.27, 5], ['ETH', 3050.41, 5]])
    expect(res.venues.flatMap((v) => v.unusedRows)).toEqual([])
  })

  it('sends only public market-data GETs, with no credentials, exactly the documented list', async () => {
    const { db, bookId } = freshBook()
    venues.deribit.requests.length = 0
    venues.okx.requests.length = 0
    await fetchMarketNow(db, { bookId, venues: ['deribit', 'okx'], baseUrls: { deribit: venues.deribit.baseUrl, okx: venues.okx.baseUrl } }, deps)
    const sent = [...venues.deribit.requests, ...venues.okx.requests]
    expect(sent.every((r) => r.method === 'GET')).toBe(true)
    expect(sent.some((r) => 'authorization' in r.headers || 'cookie' in r.headers || Object.keys(r.headers).some((h) => h.startsWith('ok-access')))).toBe(false)
    const line = (r: { path: string; query: Record<string, string> }): string => `${r.path}?${new URLSearchParams(r.query).toString()}`
    const eightHoursAgo = NOW.getTime() - 8 * 3_600_000
    expect(venues.deribit.requests.map(line)).toEqual(
      ['BTC', 'ETH'].flatMap((u) => [
        `/public/get_index_price?index_name=${u.toLowerCase()}_usd`,
        `/public/get_book_summary_by_currency?currency=${u}&kind=option`,
        `/public/get_book_summary_by_currency?currency=${u}&kind=future`,
        `/public/get_funding_rate_history?instrument_name=${u}-PERPETUAL&start_timestamp=${eightHoursAgo}&end_timestamp=${NOW.getTime()}`
      ])
    )
    expect(venues.okx.requests.map(line)).toEqual([
      ...['BTC', 'ETH'].flatMap((u) => [
        `/api/v5/market/index-tickers?instId=${u}-USD`,
        `/api/v5/public/opt-summary?instFamily=${u}-USD`,
        `/api/v5/public/mark-price?instType=OPTION&instFamily=${u}-USD`,
        `/api/v5/market/tickers?instType=OPTION&instFamily=${u}-USD`
      ]),
      '/api/v5/public/mark-price?instType=SWAP',
      '/api/v5/public/mark-price?instType=FUTURES',
      '/api/v5/public/funding-rate?instId=BTC-USD-SWAP',
      '/api/v5/public/funding-rate?instId=BTC-USDT-SWAP',
      '/api/v5/public/funding-rate?instId=ETH-USD-SWAP',
      '/api/v5/public/funding-rate?instId=ETH-USDT-SWAP'
    ])
  })

  it('is refused cleanly when the servers are down: one line naming venue and URL, the market and the file unchanged', async () => {
    const { db, bookId, count, market } = freshBook()
    const down = await startReplayServer([])
    const downUrl = down.baseUrl
    await down.close()
    const before = { market: market(), snapshots: count('market_snapshots'), imports: count('imports'), audit: count('audit_log') }
    const res = await fetchMarketNow(db, { bookId, venues: ['deribit', 'okx'], baseUrls: { deribit: `${downUrl}/api/v2`, okx: downUrl } }, deps)
    expect(res.written).toBe(false)
    expect(res.marketSnapshotId).toBe(EARLIER.id)
    expect(res.venues.map((v) => v.message)).toEqual([
      `Deribit /public/get_index_price (${downUrl}/api/v2/public/get_index_price?index_name=btc_usd): connection refused; the last market stays`,
      `OKX /api/v5/market/index-tickers (${downUrl}/api/v5/market/index-tickers?instId=BTC-USD): connection refused; the last market stays`
    ])
    expect(market()).toEqual(before.market)
    expect({ market: market(), snapshots: count('market_snapshots'), imports: count('imports'), audit: count('audit_log') }).toEqual(before)
  })

  it('one venue down: the other is written, the down venue keeps its last marks', async () => {
    const { db, bookId, market } = freshBook()
    const down = await startReplayServer([])
    await down.close()
    const res = await fetchMarketNow(db, { bookId, venues: ['deribit', 'okx'], baseUrls: { deribit: venues.deribit.baseUrl, okx: down.baseUrl } }, deps)
    expect(res.venues.map((v) => v.ok)).toEqual([true, false])
    expect(res.written).toBe(true)
    const m = market()
    expect(m.indexUsd.BTC).toBe(91850.27)
    expect(m.marks['okx:BTC-USDT-SWAP']).toEqual(EARLIER.marks['okx:BTC-USDT-SWAP'])
    expect(Object.keys(m.marks).some((k) => k.startsWith('okx:BTC-USD-26'))).toBe(false)
  })

  it.each([
    ['an HTTP error', { status: 502, text: 'Bad Gateway' }, 'Deribit /public/get_index_price (URL?index_name=btc_usd): HTTP 502 Bad Gateway; the last market stays'],
    ['a reply that is not JSON', { text: '<html>maintenance</html>' }, 'Deribit /public/get_index_price (URL?index_name=btc_usd): the reply is not JSON; the last market stays'],
    ['a field of the wrong type', { json: { jsonrpc: '2.0', result: { index_price: '91850.27' } } }, 'Deribit /public/get_index_price (URL?index_name=btc_usd): field result.index_price: invalid input: expected number, received string; the last market stays']
  ])('names venue, endpoint and field on %s, and writes nothing', async (_what, reply, message) => {
    const { db, bookId, count } = freshBook()
    const broken = await startReplayServer([{ path: '/public/get_index_price', ...reply }, ...deribitRoutes()], '/api/v2')
    try {
      const imports = count('imports')
      const res = await fetchMarketNow(db, { bookId, venues: ['deribit'], baseUrls: { deribit: broken.baseUrl } }, deps)
      expect(res.venues[0]!.message).toBe(message.replace('URL', `${broken.baseUrl}/public/get_index_price`))
      expect([res.written, res.marketSnapshotId, count('imports')]).toEqual([false, EARLIER.id, imports])
    } finally {
      await broken.close()
    }
  })

  it('a venue that fails on its last request writes nothing of what it fetched before (no half market)', async () => {
    const { db, bookId, count, market } = freshBook()
    const late = await startReplayServer([{ path: '/public/get_funding_rate_history', query: { instrument_name: 'ETH-PERPETUAL' }, status: 500, text: '{}' }, ...deribitRoutes()], '/api/v2')
    try {
      const before = { market: market(), snapshots: count('market_snapshots'), imports: count('imports') }
      const res = await fetchMarketNow(db, { bookId, venues: ['deribit'], baseUrls: { deribit: late.baseUrl } }, deps)
      expect(late.requests).toHaveLength(8)
      expect(res.venues[0]!.message).toMatch(/^Deribit \/public\/get_funding_rate_history \(.*instrument_name=ETH-PERPETUAL.*\): HTTP 500 Internal Server Error; the last market stays$/)
      expect({ market: market(), snapshots: count('market_snapshots'), imports: count('imports') }).toEqual(before)
    } finally {
      await late.close()
    }
  })

  it('an underlying with no usable option refuses the venue: its vol surface is never replaced by nothing', async () => {
    const { db, bookId, count, market } = freshBook()
    const noEthOptions = await startReplayServer([{ path: '/public/get_book_summary_by_currency', query: { currency: 'ETH', kind: 'option' }, json: { jsonrpc: '2.0', result: [] } }, ...deribitRoutes()], '/api/v2')
    const noEthOkx = await startReplayServer([{ path: '/api/v5/public/opt-summary', query: { instFamily: 'ETH-USD' }, json: { code: '0', msg: '', data: [] } }, ...okxRoutes()])
    try {
      const before = { market: market(), snapshots: count('market_snapshots'), imports: count('imports') }
      const d = await fetchMarketNow(db, { bookId, venues: ['deribit'], baseUrls: { deribit: noEthOptions.baseUrl } }, deps)
      expect(d.written).toBe(false)
      expect(d.venues[0]!.message).toBe(`Deribit /public/get_book_summary_by_currency (currency=ETH&kind=option): no usable ETH option in the reply (empty result); the last market stays`)
      const o = await fetchMarketNow(db, { bookId, venues: ['okx'], baseUrls: { okx: noEthOkx.baseUrl } }, deps)
      expect(o.written).toBe(false)
      expect(o.venues[0]!.message).toBe(`OKX /api/v5/public/opt-summary (instFamily=ETH-USD): no usable ETH option in the reply (empty data); the last market stays`)
      expect({ market: market(), snapshots: count('market_snapshots'), imports: count('imports') }).toEqual(before)
    } finally {
      await noEthOptions.close()
      await noEthOkx.close()
    }
  })

  it("names OKX's own error code and the row field at fault", async () => {
    const { db, bookId } = freshBook()
    const coded = await startReplayServer([{ path: '/api/v5/market/index-tickers', json: { code: '50011', msg: 'Rate limit reached', data: [] } }])
    const badRow = await startReplayServer([{ path: '/api/v5/public/opt-summary', json: { code: '0', msg: '', data: [{ instId: 'BTC-USD-261225-95000-C', markVol: 'n/a', fwdPx: '92000', ts: '1796450398000' }] } }, ...okxRoutes()])
    try {
      const a = await fetchMarketNow(db, { bookId, venues: ['okx'], baseUrls: { okx: coded.baseUrl } }, deps)
      expect(a.venues[0]!.message).toBe(`OKX /api/v5/market/index-tickers (${coded.baseUrl}/api/v5/market/index-tickers?instId=BTC-USD): OKX error 50011 Rate limit reached; the last market stays`)
      const b = await fetchMarketNow(db, { bookId, venues: ['okx'], baseUrls: { okx: badRow.baseUrl } }, deps)
      expect(b.venues[0]!.message).toBe(`OKX /api/v5/public/opt-summary (${badRow.baseUrl}/api/v5/public/opt-summary?instFamily=BTC-USD): field data[0].markVol: not a number; the last market stays`)
    } finally {
      await coded.close()
      await badRow.close()
    }
  })

  it('the fetched Deribit options give the snapshot their rows give when saved as a book-summary CSV and imported', async () => {
    const { snapshot } = await fetchDeribit({ venue: 'deribit', label: 'Deribit', baseUrl: venues.deribit.baseUrl, fetchFn: globalThis.fetch, timeoutMs: 5000, sent: [] }, ['BTC', 'ETH'], NOW.getTime())
    const columns = ['instrument_name', 'mark_price', 'mark_iv', 'underlying_price', 'estimated_delivery_price', 'creation_timestamp', 'bid_price', 'ask_price'] as const
    const rows = ['btc', 'eth'].flatMap((u) => json<{ result: Record<(typeof columns)[number], unknown>[] }>(`deribit/book-summary-${u}-option.json`).result)
    const csv = [columns.join(','), ...rows.map((r) => columns.map((c) => String(r[c])).join(','))].join('\n')
    const file = parseMarketFile(csv, 'deribit-book-summary.csv', 'option-chain').snapshot!
    const options = Object.fromEntries(Object.entries(snapshot.marks).filter(([k]) => /-[CP]$/.test(k)))
    expect(options).toEqual(file.marks)
    expect(snapshot.volQuotes).toEqual(file.volQuotes)
    for (const u of ['BTC', 'ETH']) expect(Object.fromEntries(Object.entries(snapshot.forwardsUsd[u]!).filter(([e]) => e in file.forwardsUsd[u]!))).toEqual(file.forwardsUsd[u])
    expect(snapshot.asOfMs).toBe(file.asOfMs)
  })

  it('refuses a view-only book before sending anything', async () => {
    const { db, bookId } = freshBook()
    db.pragma('query_only = ON')
    const sent = venues.deribit.requests.length
    await expect(fetchMarketNow(db, { bookId, venues: ['deribit'], baseUrls: { deribit: venues.deribit.baseUrl } }, deps)).rejects.toThrow(/open for viewing only: .*nothing was sent/)
    expect(venues.deribit.requests.length).toBe(sent)
  })

  it('refuses the demo book: fetched data goes to the live book only', async () => {
    const { db } = freshBook()
    const demo = db.prepare("SELECT id FROM books WHERE kind = 'demo'").get() as { id: number }
    await expect(fetchMarketNow(db, { bookId: demo.id, venues: ['deribit'], baseUrls: { deribit: venues.deribit.baseUrl } }, deps)).rejects.toThrow(/is the demo book/)
  })
})
