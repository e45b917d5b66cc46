// @vitest-environment happy-dom
/**
 * The public-market-data panel of the Market view on a fake API (issue 22, §3): off by default with
 * the exact request list shown; the switches, interval, underlyings and base URL save what the form
 * says (and a wrong interval is refused before anything is saved); *Fetch market now* shows its busy
 * state, then per venue the underlyings fetched or the one-line failure (the market stays); a fetch
 * that wrote the market, or a `market.fetched` event from a refresh, makes the window re-read the
 * book once, and only when the book on screen is the one whose market changed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { MarginalApiError, type BookSummary, type FetchMarketNowResponse, type MarginalApi, type MarketFetchSettingsView, type VenueFetchResult } from '@contract/api'
import MarketFetchPanel from '../../../src-renderer/src/modules/market/MarketFetchPanel.vue'
import { useSessionStore } from '../../../src-renderer/src/stores/use-session-store'
import { useMarketFetchStore } from '../../../src-renderer/src/stores/use-market-fetch-store'
import { installFakeApi, deferred, type FakeApi } from '../support/fake-api'
import { book, market } from '../support/fixtures'

const DERIBIT_SENT = [
  'GET /public/get_index_price?index_name=btc_usd',
  'GET /public/get_book_summary_by_currency?currency=BTC&kind=option',
  'GET /public/get_book_summary_by_currency?currency=BTC&kind=future',
  'GET /public/get_funding_rate_history?instrument_name=BTC-PERPETUAL&start_timestamp=(now − 8 h, ms)&end_timestamp=(now, ms)'
]
const OKX_SENT = ['GET /api/v5/market/index-tickers?instId=BTC-USD', 'GET /api/v5/public/mark-price?instType=SWAP']

function settingsView(more: Partial<MarketFetchSettingsView> = {}): MarketFetchSettingsView {
  return {
    deribit: { enabled: false, refreshMinutes: null, baseUrl: null, underlyings: ['BTC', 'ETH'] },
    okx: { enabled: false, refreshMinutes: null, baseUrl: null, underlyings: ['BTC', 'ETH'] },
    lastFetch: { deribit: null, okx: null },
    requestsSent: { deribit: DERIBIT_SENT, okx: OKX_SENT },
    ...more
  }
}

const AT = '2026-12-05T06:00:00.000Z'
const deribitOk: VenueFetchResult = {
  venue: 'deribit',
  atUtc: AT,
  ok: true,
  message: 'Deribit: BTC index 97000 USD, 120 instruments, 9 expiries, as of 2026-12-05T05:59:58.000Z',
  asOfUtc: '2026-12-05T05:59:58.000Z',
  requests: ['GET http://127.0.0.1:5555/api/v2/public/get_index_price?index_name=btc_usd'],
  underlyings: [
    { underlying: 'BTC', venue: 'deribit', indexUsd: 97_000.5, asOfUtc: '2026-12-05T05:59:58.000Z', expiries: 9, instruments: 120 },
    { underlying: 'ETH', venue: 'deribit', indexUsd: 3_600.25, asOfUtc: '2026-12-05T05:59:57.000Z', expiries: 8, instruments: 80 }
  ],
  unusedRows: []
}
const deribitDown: VenueFetchResult = {
  venue: 'deribit',
  atUtc: AT,
  ok: false,
  message: 'Deribit /public/get_index_price (http://127.0.0.1:5555/api/v2): the venue could not be reached (ECONNREFUSED); the last market stays',
  asOfUtc: null,
  requests: ['GET http://127.0.0.1:5555/api/v2/public/get_index_price?index_name=btc_usd'],
  underlyings: [],
  unusedRows: []
}

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})
let pinia: Pinia
beforeEach(() => {
  pinia = createPinia()
  setActivePinia(pinia)
})

const BOOKS: BookSummary[] = [book(1, 'demo', 'Demo book'), book(2, 'live', 'My book'), book(3, 'whatif', 'What-if 1', { parentId: 2, followsLiveMarket: true }), book(4, 'whatif', 'What-if 2', { parentId: 2 })]

async function mountPanel(methods: Partial<MarginalApi>, bookId = 2): Promise<{ api: FakeApi; view: VueWrapper; session: ReturnType<typeof useSessionStore> }> {
  let saved = settingsView()
  const api = installFakeApi({
    listBooks: async () => [...BOOKS],
    currentMarket: async () => ({ snapshot: market('snap-2') }),
    marketFetchSettings: async () => saved,
    saveMarketFetchSettings: async (s) => (saved = { ...saved, ...s }),
    ...methods
  })
  const session = useSessionStore()
  session.books = [...BOOKS]
  session.currentBookId = bookId
  wrapper = mount(MarketFetchPanel, { global: { plugins: [pinia] }, attachTo: document.body })
  await flushPromises()
  return { api, view: wrapper, session }
}

const byTestId = (view: VueWrapper, id: string) => view.get(`[data-testid="${id}"]`)
const checkbox = (view: VueWrapper, id: string) => byTestId(view, id).element as HTMLInputElement

describe('public market data panel', () => {
  it('is off by default and shows exactly what each venue is sent, and where', async () => {
    const { view, api } = await mountPanel({})
    expect(checkbox(view, 'market-fetch-deribit-enabled').checked).toBe(false)
    expect(checkbox(view, 'market-fetch-okx-enabled').checked).toBe(false)
    const fetchAll = byTestId(view, 'market-fetch-now')
    expect(fetchAll.attributes('disabled')).toBeDefined()
    expect(fetchAll.text()).toContain('turn a venue on first')
    const requests = byTestId(view, 'market-fetch-deribit-requests')
    expect(requests.findAll('li').map((l) => l.text())).toEqual(DERIBIT_SENT)
    expect(requests.get('summary').text()).toContain('4 requests per fetch, to https://www.deribit.com/api/v2')
    expect(byTestId(view, 'market-fetch-okx-requests').findAll('li').map((l) => l.text())).toEqual(OKX_SENT)
    expect(byTestId(view, 'market-fetch-deribit-last').text()).toContain('never')
    expect(api.fetchMarketNow).toBeUndefined()
  })

  it('saves the switch, interval, underlyings and base URL as the form says; a wrong interval is refused before saving', async () => {
    const { view, api } = await mountPanel({})
    await byTestId(view, 'market-fetch-deribit-enabled').setValue(true)
    await flushPromises()
    expect(api.saveMarketFetchSettings).toHaveBeenLastCalledWith({
      deribit: { enabled: true, refreshMinutes: null, baseUrl: null, underlyings: ['BTC', 'ETH'] },
      okx: { enabled: false, refreshMinutes: null, baseUrl: null, underlyings: ['BTC', 'ETH'] }
    })
    await byTestId(view, 'market-fetch-deribit-refresh').setValue('15')
    await byTestId(view, 'market-fetch-deribit-base-url').setValue('http://127.0.0.1:5555/api/v2')
    await view.get('[aria-label="Deribit: ETH"]').setValue(false)
    await flushPromises()
    expect(api.saveMarketFetchSettings).toHaveBeenLastCalledWith({
      deribit: { enabled: true, refreshMinutes: 15, baseUrl: 'http://127.0.0.1:5555/api/v2', underlyings: ['BTC'] },
      okx: { enabled: false, refreshMinutes: null, baseUrl: null, underlyings: ['BTC', 'ETH'] }
    })
    expect(byTestId(view, 'market-fetch-deribit-requests').get('summary').text()).toContain('to http://127.0.0.1:5555/api/v2')
    expect(byTestId(view, 'market-fetch-now').text()).toBe('Fetch market now (Deribit)')

    const saves = (api.saveMarketFetchSettings as unknown as { mock: { calls: unknown[] } }).mock.calls.length
    await byTestId(view, 'market-fetch-okx-refresh').setValue('0')
    await flushPromises()
    expect(byTestId(view, 'market-fetch-okx-field-error').text()).toContain('whole minutes from 1 to 1440')
    await byTestId(view, 'market-fetch-okx-base-url').setValue('https://user:pw@mirror.example/api')
    await flushPromises()
    expect((api.saveMarketFetchSettings as unknown as { mock: { calls: unknown[] } }).mock.calls.length).toBe(saves)
  })

  it('shows the service refusing a setting, naming the field', async () => {
    const { view } = await mountPanel({
      saveMarketFetchSettings: async () => {
        throw new MarginalApiError({ code: 'invalid_request', message: 'deribit.baseUrl: an http(s) URL without user, password, query or fragment', field: 'deribit.baseUrl' })
      }
    })
    await byTestId(view, 'market-fetch-deribit-enabled').setValue(true)
    await flushPromises()
    expect(byTestId(view, 'market-fetch-save-error').text()).toContain('deribit.baseUrl')
  })

  it('fetches into the live book with a busy state, shows what came, and re-reads the book once', async () => {
    const reply = deferred<FetchMarketNowResponse>()
    const { view, api, session } = await mountPanel({ fetchMarketNow: () => reply.promise })
    const revision = session.dataRevision
    await byTestId(view, 'market-fetch-deribit-now').trigger('click')
    await flushPromises()
    expect(api.fetchMarketNow).toHaveBeenCalledWith({ bookId: 2, venues: ['deribit'] })
    expect(byTestId(view, 'market-fetch-deribit-now').text()).toBe('Fetching…')
    expect(byTestId(view, 'market-fetch-deribit-now').attributes('aria-busy')).toBe('true')
    expect(byTestId(view, 'market-fetch-now').text()).toBe('Fetching Deribit…')
    expect(byTestId(view, 'market-fetch-okx-now').attributes('disabled')).toBeDefined()
    expect(byTestId(view, 'market-fetch-busy').text()).toContain('the current market stays')

    // The host announces the snapshot before the reply arrives: one re-read, not two.
    api.emit({ type: 'market.fetched', bookId: 2, marketSnapshotId: 'snap-2' })
    await flushPromises()
    reply.resolve({ bookId: 2, marketSnapshotId: 'snap-2', written: true, venues: [deribitOk] })
    await flushPromises()
    expect(session.dataRevision).toBe(revision + 1)
    expect(session.market?.id).toBe('snap-2')
    expect(byTestId(view, 'market-fetch-deribit-now').text()).toBe('Fetch Deribit now')
    const result = byTestId(view, 'market-fetch-deribit-result')
    expect(result.text()).toContain("the venue's data as of 2026-12-05 05:59:58 UTC")
    expect(byTestId(view, 'market-fetch-deribit-row-BTC').findAll('td').map((c) => c.text())).toEqual(['BTC', '97,000.50', '9', '120', '2026-12-05 05:59:58'])
    expect(byTestId(view, 'market-fetch-deribit-row-ETH').findAll('td').map((c) => c.text())).toEqual(['ETH', '3,600.25', '8', '80', '2026-12-05 05:59:57'])
    expect(byTestId(view, 'market-fetch-deribit-sent').text()).toContain('GET http://127.0.0.1:5555/api/v2/public/get_index_price?index_name=btc_usd')
    expect(byTestId(view, 'market-fetch-written').text()).toContain('new market snapshot snap-2')
  })

  it('shows a venue that did not answer in one line, and leaves the market as it was', async () => {
    const { view, api, session } = await mountPanel({
      fetchMarketNow: async () => ({ bookId: 2, marketSnapshotId: 'snap-1', written: false, venues: [deribitDown] }),
      marketFetchSettings: async () => settingsView({ lastFetch: { deribit: { venue: 'deribit', atUtc: AT, ok: false, message: deribitDown.message, asOfUtc: null }, okx: null } })
    })
    const revision = session.dataRevision
    const currentMarket = (api.currentMarket as unknown as { mock: { calls: unknown[] } }).mock.calls.length
    await byTestId(view, 'market-fetch-deribit-now').trigger('click')
    await flushPromises()
    expect(byTestId(view, 'market-fetch-deribit-failure').text()).toBe(deribitDown.message)
    expect(byTestId(view, 'market-fetch-deribit-failure').text()).toMatch(/; the last market stays$/)
    expect(view.find('[data-testid="market-fetch-deribit-row-BTC"]').exists()).toBe(false)
    expect(byTestId(view, 'market-fetch-written').text()).toContain('the market stays as it was')
    expect(byTestId(view, 'market-fetch-deribit-last').text()).toContain('failed')
    // The line just shown is not repeated in the last-fetch line.
    expect(byTestId(view, 'market-fetch-deribit-last').text()).not.toContain('could not be reached')
    expect(session.dataRevision).toBe(revision)
    expect((api.currentMarket as unknown as { mock: { calls: unknown[] } }).mock.calls.length).toBe(currentMarket)
  })

  it('shows each venue\'s last fetch as kept in the book file (a refresh, an earlier session)', async () => {
    const { view } = await mountPanel({
      marketFetchSettings: async () => settingsView({ lastFetch: { deribit: null, okx: { venue: 'okx', atUtc: AT, ok: true, message: 'OKX: BTC index 97010 USD, 40 instruments, 6 expiries', asOfUtc: AT } } })
    })
    expect(byTestId(view, 'market-fetch-okx-last').text()).toBe('Last fetch: 2026-12-05 06:00:00 UTC · ok · OKX: BTC index 97010 USD, 40 instruments, 6 expiries')
    expect(byTestId(view, 'market-fetch-deribit-last').text()).toBe('Last fetch: never')
  })

  it('shows a refused fetch (nothing sent) as one line', async () => {
    const { view } = await mountPanel({
      marketFetchSettings: async () => settingsView({ deribit: { enabled: true, refreshMinutes: null, baseUrl: null, underlyings: ['BTC'] } }),
      fetchMarketNow: async () => {
        throw new MarginalApiError({ code: 'refused', message: 'the book book.sqlite is open for viewing only: fetched market data cannot be written to it (nothing was sent)' })
      }
    })
    await byTestId(view, 'market-fetch-now').trigger('click')
    await flushPromises()
    expect(byTestId(view, 'market-fetch-error').text()).toContain('nothing was sent')
  })

  it('on the demo book: says the fetch goes to the live book, sends it there, and leaves the demo on screen', async () => {
    const { view, api, session } = await mountPanel({ fetchMarketNow: async () => ({ bookId: 2, marketSnapshotId: 'snap-2', written: true, venues: [deribitOk] }) }, 1)
    expect(byTestId(view, 'market-fetch-target-note').text()).toContain('a fetch updates the live book')
    const revision = session.dataRevision
    await byTestId(view, 'market-fetch-deribit-now').trigger('click')
    await flushPromises()
    expect(api.fetchMarketNow).toHaveBeenCalledWith({ bookId: 2, venues: ['deribit'] })
    expect(session.dataRevision).toBe(revision)
    await byTestId(view, 'market-fetch-show-live').trigger('click')
    await flushPromises()
    expect(session.currentBookId).toBe(2)
  })

  it('hears a refresh: re-reads the book on screen, or the what-if that follows the live market, and no other', async () => {
    const { api, session } = await mountPanel({}, 4)
    const revision = session.dataRevision
    // What-if 2 holds its own market: the live book's new snapshot does not change it.
    api.emit({ type: 'market.fetched', bookId: 2, marketSnapshotId: 'snap-2' })
    await flushPromises()
    expect(session.dataRevision).toBe(revision)
    // What-if 1 follows the live market.
    session.currentBookId = 3
    api.emit({ type: 'market.fetched', bookId: 2, marketSnapshotId: 'snap-3' })
    await flushPromises()
    expect(session.dataRevision).toBe(revision + 1)
    // The same snapshot announced again is not read twice; a later one is.
    api.emit({ type: 'market.fetched', bookId: 2, marketSnapshotId: 'snap-3' })
    await flushPromises()
    expect(session.dataRevision).toBe(revision + 1)
    session.currentBookId = 2
    api.emit({ type: 'market.fetched', bookId: 2, marketSnapshotId: 'snap-4' })
    await flushPromises()
    expect(session.dataRevision).toBe(revision + 2)
    // And the settings are re-read (a refresh moved the last-fetch lines).
    expect((api.marketFetchSettings as unknown as { mock: { calls: unknown[] } }).mock.calls.length).toBeGreaterThanOrEqual(3)
  })

  it('listens once, however often the Market view and the app start it', async () => {
    const { api } = await mountPanel({})
    const store = useMarketFetchStore()
    store.listen()
    store.listen()
    expect(api.onEvent).toHaveBeenCalledTimes(1)
  })
})
