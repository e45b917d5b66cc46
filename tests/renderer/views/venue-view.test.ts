// @vitest-environment happy-dom
/**
 * The venue-vs-replica view on a fake API: the pools grid sets the venue's figures beside the
 * replica's with replica − venue, a simulation shows its figures (ours labelled) and every risk
 * vector entry with the largest difference marked; an import reads the picked file, reports what was
 * read, a duplicate and a refusal naming the key path; a file that fits several accounts waits for
 * the trader to name one.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { defineComponent, h, type PropType } from 'vue'
import type { ColDef } from 'ag-grid-community'
import { MarginalApiError, type ImportVenueSummaryResponse, type MarginalApi, type VenueComparisonResponse, type VenueSummaryListResponse } from '@contract/api'
import VenueView from '../../../src-renderer/src/modules/venue/VenueView.vue'
import { accountsNamedIn } from '../../../src-renderer/src/stores/use-venue-store'
import { useSessionStore } from '../../../src-renderer/src/stores/use-session-store'
import { useMarginStore } from '../../../src-renderer/src/stores/use-margin-store'
import { installFakeApi, type FakeApi } from '../support/fake-api'
import { book, bookMargin } from '../support/fixtures'

/**
 * AG Grid draws no rows in happy-dom (no layout): the grid is stood in for by one that applies the
 * view's own column definitions (value getters, formatters, cell and row classes) to every row, so
 * what is tested is what the cells would show. The real grid is the e2e's (tests/e2e/venue-summary.spec.ts).
 */
type AnyRow = Record<string, unknown>
const GridStandIn = defineComponent({
  props: {
    rowData: { type: Array as PropType<AnyRow[]>, default: () => [] },
    columnDefs: { type: Array as PropType<ColDef<AnyRow>[]>, default: () => [] },
    getRowId: { type: Function as PropType<(p: { data: AnyRow }) => string>, required: true },
    getRowClass: { type: Function as PropType<(p: { data?: AnyRow }) => string>, default: () => '' },
    domLayout: { type: String, default: 'normal' }
  },
  setup(props) {
    return () =>
      h('div', { class: 'grid-stand-in', 'data-dom-layout': props.domLayout }, props.rowData.map((data) =>
        h('div', { class: ['ag-row', props.getRowClass({ data })], 'row-id': props.getRowId({ data }) }, props.columnDefs.map((c) => {
          const colId = c.colId ?? String(c.field)
          const value = typeof c.valueGetter === 'function' ? (c.valueGetter as (p: unknown) => unknown)({ data }) : data[String(c.field)]
          const text = typeof c.valueFormatter === 'function' ? (c.valueFormatter as (p: unknown) => string)({ value, data }) : String(value ?? '')
          const cls = typeof c.cellClass === 'function' ? (c.cellClass as (p: unknown) => string)({ value, data }) : ''
          return h('span', { 'col-id': colId, class: cls }, text)
        }))
      ))
  }
})

const pool = (more: Partial<VenueComparisonResponse['pools'][number]>): VenueComparisonResponse['pools'][number] => ({
  pool: 'Deribit main · BTC',
  account: 'Deribit main',
  accountId: 201,
  venue: 'deribit',
  currency: 'BTC',
  method: 'deribit-pm',
  status: 'compared',
  summaryId: 7,
  kind: 'deribit-account-summary',
  source: 'Deribit private/get_account_summary',
  fileName: 'account-summary-btc.json',
  venueAsOfUtc: '2026-11-20T09:00:05.000Z',
  venueEquity: 1.9712,
  replicaEquity: 1.966,
  equityDifference: 1.966 - 1.9712,
  venueInitialMargin: 1.1127,
  replicaInitialMargin: 1.0943,
  initialMarginDifference: 1.0943 - 1.1127,
  initialMarginDifferencePct: ((1.0943 - 1.1127) / 1.1127) * 100,
  venueMaintenanceMargin: 0.8902,
  replicaMaintenanceMargin: 0.8755,
  maintenanceMarginDifference: 0.8755 - 0.8902,
  maintenanceMarginDifferencePct: ((0.8755 - 0.8902) / 0.8902) * 100,
  notes: ['the venue states these figures 2 h before the market the replica uses: stale'],
  ...more
})

const vector = (vectorKey: string, index: number, venue: number, difference: number): VenueComparisonResponse['simulations'][number]['vectors'][number] => ({
  vector: vectorKey,
  part: index < 27 ? 'standard' : 'extended',
  index,
  scenario: `scenario ${index}`,
  unit: 'BTC',
  venue,
  replica: venue + difference,
  difference
})

const comparison: VenueComparisonResponse = {
  bookId: 2,
  marketId: 'snap-1',
  marketAsOfUtc: '2026-11-20T09:00:00.000Z',
  pools: [
    pool({}),
    pool({
      pool: 'Deribit main · ETH', currency: 'ETH', status: 'no venue summary', summaryId: null, kind: null, source: null, fileName: null, venueAsOfUtc: null,
      venueEquity: null, replicaEquity: 14.1, equityDifference: null, venueInitialMargin: null, replicaInitialMargin: 10.07, initialMarginDifference: null, initialMarginDifferencePct: null,
      venueMaintenanceMargin: null, replicaMaintenanceMargin: 8.05, maintenanceMarginDifference: null, maintenanceMarginDifferencePct: null, notes: []
    })
  ],
  simulations: [
    {
      summaryId: 8,
      fileName: 'pme-simulate-btc.json',
      kind: 'deribit-pme-simulate',
      source: 'Deribit private/pme/simulate',
      venue: 'deribit',
      account: 'Deribit main',
      currency: 'BTC',
      venueAsOfUtc: '2024-06-17T10:22:20.501Z',
      figures: [
        { name: 'worst case', key: 'result.margins.btc.initial_margin_details.risk_matrix_margin_details.worst_case', unit: 'BTC', venue: 0.0596858, replica: 0.0596858, difference: 7e-18, differencePct: 1e-14, published: true, note: null },
        { name: 'roll shock', key: 'result.margins.btc.initial_margin_details.risk_matrix_margin_details.roll_shock', unit: 'BTC', venue: 0.0031572, replica: 0.0031572, difference: 4e-19, differencePct: 1e-14, published: false, note: 'ours: the time function' }
      ],
      vectors: [
        vector('aggregated_risk_vectors.btc_btc', 0, -0.0596, -7e-18),
        vector('aggregated_risk_vectors.btc_btc', 1, -0.0412, 3e-17),
        vector('initial_risk_vectors.BTC-PERPETUAL', 0, 0.0123, 1e-18)
      ],
      maxVectorDifference: 3e-17,
      notes: ['a simulation of the portfolio in the file, not necessarily the account’s']
    }
  ],
  unmatched: [{ summaryId: 9, fileName: 'okx-balance.json', kind: 'okx-balance', venue: 'okx', currency: 'USD', account: null, reason: 'the book has no OKX account' }],
  notes: []
}

const summaries: VenueSummaryListResponse = [
  { id: 8, accountId: 201, account: 'Deribit main', venue: 'deribit', kind: 'deribit-pme-simulate', currency: 'BTC', asOfUtc: '2024-06-17T10:22:20.501Z', fileName: 'pme-simulate-btc.json', sha256: 'ab'.repeat(32), importedAt: '2026-12-05T05:00:00.000Z' },
  { id: 7, accountId: 201, account: 'Deribit main', venue: 'deribit', kind: 'deribit-account-summary', currency: 'BTC', asOfUtc: '2026-11-20T09:00:05.000Z', fileName: 'account-summary-btc.json', sha256: 'cd'.repeat(32), importedAt: '2026-12-05T05:00:00.000Z' }
]

const imported = (fileName: string, duplicate: boolean): ImportVenueSummaryResponse => ({
  fileName,
  venue: 'deribit',
  kind: 'deribit-account-summary',
  source: 'Deribit private/get_account_summary',
  sha256: 'cd'.repeat(32),
  account: { id: 201, name: 'Deribit main' },
  accountNote: 'matched to Deribit main, the book’s only Deribit account',
  entries: [
    { id: 7, currency: 'BTC', asOfUtc: '2026-11-20T09:00:05.000Z', equity: 1.9712, initialMargin: 1.1127, maintenanceMargin: 0.8902, marginModel: 'pm', duplicate, importedAt: '2026-12-05T05:00:00.000Z', figures: [], riskUnits: [], notes: [] }
  ],
  duplicate,
  message: duplicate ? `${fileName}: already imported into this book on 2026-12-05T05:00:00.000Z (same file, BTC): nothing written` : `${fileName}: Deribit private/get_account_summary, BTC imported; matched to Deribit main`
})

const accounts = [
  { id: 201, name: 'Deribit main', venue: 'deribit' },
  { id: 202, name: 'Deribit hedge', venue: 'deribit' },
  { id: 203, name: 'OKX portfolio', venue: 'okx' }
]

let wrapper: VueWrapper | null = null
let pinia: Pinia
beforeEach(() => {
  pinia = createPinia()
  setActivePinia(pinia)
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

async function mountView(methods: Partial<MarginalApi> = {}): Promise<{ api: FakeApi; view: VueWrapper }> {
  const api = installFakeApi({
    venueComparison: async () => comparison,
    listVenueSummaries: async () => summaries,
    listBalances: async ({ bookId }) => ({ bookId, accounts, balances: [] }),
    importVenueSummary: async ({ fileName }) => imported(fileName, false),
    bookMargin: async () => bookMargin([]),
    ...methods
  })
  const session = useSessionStore()
  session.books = [book(2, 'live', 'My book')]
  session.currentBookId = 2
  wrapper = mount(VenueView, { global: { plugins: [pinia], stubs: { DataGrid: GridStandIn } }, attachTo: document.body })
  await flushPromises()
  return { api, view: wrapper }
}

/** The cells of a grid's row, by column id. */
function cells(view: VueWrapper, grid: string, rowId: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const c of view.get(`[data-testid="${grid}"] [row-id="${rowId}"]`).findAll('[col-id]')) out[c.attributes('col-id')!] = c.text()
  return out
}

/** Pick files on the hidden input, as the browser does. */
async function pick(view: VueWrapper, files: File[]): Promise<void> {
  const input = view.get('[data-testid="venue-import-file"]').element as HTMLInputElement
  Object.defineProperty(input, 'files', { value: files, configurable: true })
  await view.get('[data-testid="venue-import-file"]').trigger('change')
  await flushPromises()
}

const num = (text: string): number => Number(text.replace(/−/g, '-').replace(/,/g, '').replace(/[^0-9eE.+-]/g, ''))

describe('venue vs replica view', () => {
  it('reads the comparison, the kept summaries and the accounts of the current book', async () => {
    const { api } = await mountView()
    expect(api.venueComparison).toHaveBeenCalledWith({ bookId: 2 })
    expect(api.listVenueSummaries).toHaveBeenCalledWith({ bookId: 2 })
    expect(api.listBalances).toHaveBeenCalledWith({ bookId: 2 })
  })

  it('re-reads once per margin change while the view is open, and not at all once it is closed', async () => {
    const { api, view } = await mountView()
    const calls = (api.venueComparison as unknown as { mock: { calls: unknown[] } }).mock.calls
    const before = calls.length
    const margin = useMarginStore()
    margin.margin = bookMargin([])
    await flushPromises()
    expect(calls.length).toBe(before + 1)
    view.unmount()
    wrapper = null
    margin.margin = bookMargin([])
    await flushPromises()
    expect(calls.length).toBe(before + 1)
  })

  it('sets the venue’s IM and MM beside the replica’s with replica − venue in the pool’s currency and %', async () => {
    const { view } = await mountView()
    const row = cells(view, 'venue-pools', 'Deribit main · BTC')
    expect(row.currency).toBe('BTC')
    expect(row.venueInitialMargin).toBe('1.11270000')
    expect(row.replicaInitialMargin).toBe('1.09430000')
    expect(row.initialMarginDifference).toBe('−0.01840000')
    expect(num(row.replicaInitialMargin!) - num(row.venueInitialMargin!)).toBeCloseTo(num(row.initialMarginDifference!), 8)
    expect(row.initialMarginDifferencePct).toBe('−1.654 %')
    expect(row.maintenanceMarginDifference).toBe('−0.01470000')
    expect(row.file).toContain('account-summary-btc.json')
    // A pool with no summary: the replica alone, no difference invented.
    const eth = cells(view, 'venue-pools', 'Deribit main · ETH')
    expect(eth.status).toBe('no venue summary')
    expect(eth.venueInitialMargin).toBe('—')
    expect(eth.initialMarginDifference).toBe('—')
    expect(view.get('[data-testid="venue-pool-notes"]').text()).toContain('stale')
  })

  it('shows a simulation’s figures (ours labelled) and every vector entry, the largest difference marked', async () => {
    const { view } = await mountView()
    const figures = view.get('[data-testid="venue-figures"]').findAll('tbody tr')
    expect(figures).toHaveLength(2)
    expect(figures[0]!.text()).toContain('venue\'s')
    expect(figures[1]!.find('.badge.approx').text()).toBe('ours')
    expect(figures[1]!.text()).toContain('ours: the time function')
    // Too small for the decimals shown: scientific, not a rounded zero.
    expect(figures[0]!.findAll('td')[4]!.text()).toBe('+7.00e−18')

    expect(view.findAll('[data-testid="venue-vectors"] .ag-row')).toHaveLength(3)
    expect(view.get('[data-testid="venue-vector-count"]').text()).toBe('3 entries')
    expect(view.get('[data-testid="venue-max-difference"]').text()).toContain('3.00e−17 BTC')
    const marked = view.findAll('[data-testid="venue-vectors"] .ag-row.max-difference')
    expect(marked).toHaveLength(1)
    expect(marked[0]!.attributes('row-id')).toBe('aggregated_risk_vectors.btc_btc|standard|1')
    const entry = cells(view, 'venue-vectors', 'aggregated_risk_vectors.btc_btc|standard|1')
    expect(entry.venue).toBe('−0.0412000000')
    expect(entry.difference).toBe('+3.00e−17')

    // One vector at a time.
    await view.get('[data-testid="venue-vector-filter"]').setValue('initial_risk_vectors.BTC-PERPETUAL')
    await flushPromises()
    expect(view.findAll('[data-testid="venue-vectors"] .ag-row')).toHaveLength(1)
    expect(view.get('[data-testid="venue-vectors"]').attributes('data-dom-layout')).toBe('autoHeight')
  })

  it('a simulation of many instruments keeps its vector grid virtualised at a fixed height', async () => {
    const many = Array.from({ length: 300 }, (_, k) => vector(`initial_risk_vectors.BTC-${k}`, 0, 0.01, 0))
    const { view } = await mountView({ venueComparison: async () => ({ ...comparison, simulations: [{ ...comparison.simulations[0]!, vectors: many }] }) })
    const grid = view.get('[data-testid="venue-vectors"]')
    expect(grid.attributes('data-dom-layout')).toBe('normal')
    expect(grid.classes()).toContain('tall')
  })

  it('lists the summaries that match no pool with the reason, and the files kept in the book', async () => {
    const { view } = await mountView()
    expect(view.get('[data-testid="venue-unmatched"]').text()).toContain('the book has no OKX account')
    const files = view.get('[data-testid="venue-files"]').findAll('tbody tr')
    expect(files.map((r) => r.findAll('td')[0]!.text())).toEqual(['pme-simulate-btc.json', 'account-summary-btc.json'])
  })

  it('imports a picked file, reports what was read and a duplicate, and re-reads the comparison', async () => {
    let seen = 0
    const { api, view } = await mountView({ importVenueSummary: async ({ fileName }) => imported(fileName, seen++ > 0) })
    const before = (api.venueComparison as unknown as { mock: { calls: unknown[] } }).mock.calls.length
    await pick(view, [new File(['{"result":{}}'], 'account-summary-btc.json', { type: 'application/json' })])
    expect(api.importVenueSummary).toHaveBeenCalledWith({ bookId: 2, fileName: 'account-summary-btc.json', text: '{"result":{}}' })
    expect((api.venueComparison as unknown as { mock: { calls: unknown[] } }).mock.calls.length).toBeGreaterThan(before)
    let outcomes = view.findAll('[data-testid="venue-import-outcome"]')
    expect(outcomes[0]!.text()).toContain('Imported')
    expect(outcomes[0]!.text()).toContain('1.11270000')

    await pick(view, [new File(['{"result":{}}'], 'account-summary-btc.json')])
    outcomes = view.findAll('[data-testid="venue-import-outcome"]')
    expect(outcomes).toHaveLength(2)
    expect(outcomes[0]!.classes()).toContain('duplicate')
    expect(outcomes[0]!.text()).toContain('already imported')
  })

  it('shows a refusal naming the file and the key path', async () => {
    const { view } = await mountView({
      importVenueSummary: async () => {
        throw new MarginalApiError({ code: 'invalid_request', message: 'bad.json: result.initial_margin: expected a number', field: 'result.initial_margin' })
      }
    })
    await pick(view, [new File(['{}'], 'bad.json')])
    const refused = view.get('[data-testid="venue-import-outcome"].refused')
    expect(refused.attributes('role')).toBe('alert')
    expect(refused.get('[data-testid="venue-import-error"]').text()).toBe('bad.json: result.initial_margin: expected a number')
  })

  it('holds a file that fits several accounts until the trader names one, offering that venue’s accounts', async () => {
    const refusal = 'two.json: the book has 2 Deribit accounts (Deribit main: id 201, Deribit hedge: id 202): name the one this file is of (accountId, --account-id)'
    const { api, view } = await mountView({
      importVenueSummary: async ({ fileName, accountId }) => {
        if (accountId === undefined) throw new MarginalApiError({ code: 'invalid_request', message: refusal, field: 'accountId' })
        return { ...imported(fileName, false), account: { id: accountId, name: 'Deribit hedge' }, accountNote: 'matched to Deribit hedge, as the import names it' }
      }
    })
    await pick(view, [new File(['{"x":1}'], 'two.json')])
    expect(view.findAll('[data-testid="venue-import-outcome"]')).toHaveLength(0)
    const choice = view.get('[data-testid="venue-account-choice"]')
    expect(choice.text()).toContain(refusal)
    const options = choice.findAll('option')
    expect(options.map((o) => o.text())).toEqual(['Deribit main (deribit, id 201)', 'Deribit hedge (deribit, id 202)'])
    await choice.get('select').setValue('202')
    await choice.get('[data-testid="venue-account-import"]').trigger('click')
    await flushPromises()
    expect(api.importVenueSummary).toHaveBeenLastCalledWith({ bookId: 2, fileName: 'two.json', text: '{"x":1}', accountId: 202 })
    expect(view.find('[data-testid="venue-account-choice"]').exists()).toBe(false)
    expect(view.get('[data-testid="venue-import-outcome"]').text()).toContain('matched to Deribit hedge')
  })
})

describe('accountsNamedIn', () => {
  it('offers the accounts a refusal names, else every account', () => {
    expect(accountsNamedIn('the book has 2 Deribit accounts (A: id 202, B: id 203)', accounts).map((a) => a.id)).toEqual([202, 203])
    expect(accountsNamedIn('something else', accounts)).toHaveLength(3)
  })
})
