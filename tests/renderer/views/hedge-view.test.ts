// @vitest-environment happy-dom
/**
 * The hedging view mounted on a fake API: each mode sends the request its form says, renders the
 * reply, shows the solver's error and progress, and Apply books the trades into a what-if copy.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { MarginalApiError, type BookSummary, type EsHedgeResponse, type GreekHedgeResponse, type HedgeResponse, type MarginalApi, type ReduceResponse } from '@contract/api'
import HedgeView from '../../../src-renderer/src/modules/hedge/HedgeView.vue'
import { useSessionStore } from '../../../src-renderer/src/stores/use-session-store'
import { useMarginStore } from '../../../src-renderer/src/stores/use-margin-store'
import { installFakeApi, deferred, type FakeApi } from '../support/fake-api'
import { AS_OF, book, bookMargin, deribitGroup, diff, market, pair } from '../support/fixtures'
import { positionColumnsOf } from '@contract/positions'

const fill = { markPrice: 0.0525, fillPrice: 0.0535, priceCurrency: 'BTC' }
const review = {
  worsens: [{ kind: 'method' as const, name: 'Deribit main · BTC', method: 'standard', measure: 'IM' as const, before: 3.3855, after: 4.023, unit: 'BTC' }],
  reconciliation: [{ pool: 'Deribit main · BTC', currency: 'BTC', equityBefore: 1.966, equityAfter: 1.9581, equityChange: -0.0079, cashChange: -0.0079, positionsValueChange: 0, costTotal: -0.0079, valuationGap: 0, haircutEffect: 0, residual: 0, explanation: 'Equity −0.007890 BTC = cash.' }]
}
const hedged: HedgeResponse = {
  group: 'Deribit main · BTC',
  method: 'deribit-pm',
  currency: 'BTC',
  lpScope: 'exact',
  candidates: 42,
  trades: [
    { accountId: 201, symbol: 'BTC-25DEC26-90000-P', kind: 'option', side: 'buy', contracts: 2, cost: 0.002, costUsd: 200, ...fill },
    { accountId: 201, symbol: 'BTC-PERPETUAL', kind: 'perpetual', side: 'sell', contracts: 1000, cost: 0.0005, costUsd: 50, markPrice: 100_000, fillPrice: 99_995, priceCurrency: 'USD' }
  ],
  before: { initialMargin: 1.0943, maintenanceMargin: 0.82 },
  after: { initialMargin: 0.7, maintenanceMargin: 0.52 },
  costTotal: 0.0025,
  lpObjective: 0.7025,
  deltaBefore: -4.0406,
  deltaAfter: -0.5,
  solveMs: 12,
  diff: diff('Deribit main · BTC', 'deribit-pm', 1.0943, 0.7),
  greeks: [{ underlying: 'BTC', deltaCoin: pair(-4.0406, -0.5), gammaCoinPer1Pct: pair(0.1, 0.2), vegaUsdPerPoint: pair(1461, 1200), thetaUsdPerDay: pair(-50, -60) }],
  stress: [{ scenario: 'BTC −30 %', kind: 'historical', pnlUsd: pair(-80_000, -30_000) }],
  alternatives: [
    { legs: 1, initialMarginAfter: 0.9, costTotal: 0.0005, symbols: ['BTC-PERPETUAL'] },
    { legs: 2, initialMarginAfter: 0.7, costTotal: 0.0025, symbols: ['BTC-25DEC26-90000-P', 'BTC-PERPETUAL'] }
  ],
  ...review
}
const reduced: ReduceResponse = {
  group: 'Deribit main · BTC',
  method: 'deribit-pm',
  currency: 'BTC',
  lpScope: 'exact',
  equity: 1.966,
  target: 0.3,
  before: { initialMargin: 1.0943, utilisation: 0.557 },
  after: { initialMargin: 0.58, utilisation: 0.295 },
  closes: [{ accountId: 201, symbol: 'BTC-25DEC26-100000-C', side: 'buy', contracts: 1, fraction: 0.5, cost: 0.001, ...fill }],
  costTotal: 0.001,
  reached: true,
  diff: diff('Deribit main · BTC', 'deribit-pm', 1.0943, 0.58),
  ...review
}
const greekHedged: GreekHedgeResponse = {
  account: 'Deribit main',
  underlying: 'BTC',
  mode: 'targets',
  trades: [{ accountId: 201, symbol: 'BTC-25DEC26-100000-C', kind: 'option', side: 'sell', contracts: 3, costUsd: 150, ...fill }],
  before: { delta: -4.0406, gamma: 0.1, vega: 1461 },
  after: { delta: 0.2, gamma: 0.05, vega: 290 },
  costUsd: 150,
  diff: diff('Deribit main · BTC', 'deribit-pm', 1.0943, 1.2),
  ...review
}
const esHedged: EsHedgeResponse = {
  account: 'Deribit main',
  confidence: 0.975,
  scenarioSource: 'historical',
  scenarios: 499,
  historyFrom: '2025-07-08',
  historyTo: '2026-11-19',
  candidates: 30,
  trades: [{ accountId: 201, symbol: 'BTC-PERPETUAL', kind: 'perpetual', side: 'buy', contracts: 500, costUsd: 25, markPrice: 100_000, fillPrice: 100_005, priceCurrency: 'USD' }],
  before: { expectedShortfallUsd: 41_000 },
  after: { expectedShortfallUsd: 23_500 },
  costUsd: 25,
  solveMs: 40,
  diff: diff('Deribit main · BTC', 'deribit-pm', 1.0943, 1.0),
  ...review
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

/**
 * The view on a book (the live book, 2, unless told) of a book file whose copies get ids from 10 on,
 * with their own account ids. The book's margin is loaded first, as the dashboard above every view does.
 */
async function mountOnLiveBook(methods: Partial<MarginalApi>, bookId = 2): Promise<{ api: FakeApi; view: VueWrapper }> {
  const books: BookSummary[] = [book(1, 'demo', 'Demo book'), book(2, 'live', 'My book'), book(3, 'whatif', 'What-if 1', { parentId: 2 })]
  const api = installFakeApi({
    bookMargin: async () => bookMargin([deribitGroup()]),
    listBooks: async () => [...books],
    currentMarket: async () => ({ snapshot: market() }),
    copyBook: async ({ bookId, name }) => {
      const copy = book(10 + books.length, 'whatif', name, { parentId: bookId })
      books.push(copy)
      return copy
    },
    tradeInstruments: async ({ bookId }) => ({ accounts: [{ id: bookId * 100 + 1, name: 'Deribit main', venue: 'deribit' }], instruments: [] }),
    applyTrades: async ({ bookId }) => ({ book: books.find((b) => b.id === bookId)!, tickets: [] }),
    listPositionColumns: async ({ bookId }) => positionColumnsOf({ bookId, marketSnapshotId: 'snap-1', asOfUtc: AS_OF, rows: [] }),
    ...methods
  })
  const session = useSessionStore()
  session.books = [...books]
  session.currentBookId = bookId
  useMarginStore()
  await flushPromises()
  wrapper = mount(HedgeView, { global: { plugins: [pinia] }, attachTo: document.body })
  await flushPromises()
  return { api, view: wrapper }
}

const byLabel = (view: VueWrapper, label: string) => view.get(`[aria-label="${label}"]`)
/** The error line (the warning list of what a suggestion makes worse is an alert too). */
const errorLine = (view: VueWrapper) => view.find('.notice.error[role="alert"]')

describe('hedging view', () => {
  it('offers the book\'s margin groups and their methods', async () => {
    const { api, view } = await mountOnLiveBook({})
    expect(api.bookMargin).toHaveBeenCalledWith({ bookId: 2 })
    expect((byLabel(view, 'Margin group').element as HTMLSelectElement).value).toBe('Deribit main · BTC')
    const objective = byLabel(view, 'Objective')
    expect((objective.element as HTMLSelectElement).value).toBe('deribit-pm')
    expect(objective.findAll('option').map((o) => o.attributes('value'))).toEqual(['deribit-pm', 'span', 'es'])
    expect((byLabel(view, 'No new short options').element as HTMLInputElement).checked).toBe(true)
  })

  it('suggests a margin hedge: the request says what the form says, the reply is laid out', async () => {
    const { api, view } = await mountOnLiveBook({ suggestHedge: async () => hedged })
    await byLabel(view, 'Objective').setValue('span')
    await byLabel(view, 'Maximum legs').setValue('3')
    await view.get('.kinds').findAll('button')[1]!.trigger('click') // futures out
    await byLabel(view, 'Keep delta in a band').setValue(true)
    await byLabel(view, 'Delta band low').setValue('-1')
    await view.get('[data-testid="run-hedge"]').trigger('click')
    await flushPromises()
    expect(api.suggestHedge).toHaveBeenCalledTimes(1)
    const req = vi.mocked(api.suggestHedge).mock.calls[0]![0]
    expect(req).toEqual({
      taskId: expect.stringMatching(/^hedge-/),
      bookId: 2,
      account: 'Deribit main',
      currency: 'BTC',
      riskUnit: null,
      method: 'span',
      kinds: ['perpetual', 'option'],
      maxExpiryDays: 120,
      moneyness: [0.7, 1.3],
      noNewShortOptions: true,
      maxLegs: 3,
      deltaBand: [-1, 0.5]
    })
    const summary = view.get('[data-testid="hedge-summary"]').text()
    expect(summary).toContain('Deribit main · BTC')
    expect(summary).toContain('IM 1.0943 → 0.7000 BTC')
    expect(summary).toContain('on the method itself (exact)')
    const trades = view.findAll('[data-testid="hedge-trades"] tbody tr')
    expect(trades.map((tr) => tr.findAll('td')[1]!.text())).toEqual(['BTC-25DEC26-90000-P', 'BTC-PERPETUAL'])
    expect(view.findAll('[data-testid="hedge-alternatives"] tbody tr')).toHaveLength(2)
    expect(view.get('[data-testid="hedge-stress"]').text()).toContain('BTC −30 %')
    expect(view.get('[data-testid="hedge-worsens"]').text()).toContain('Deribit main · BTC · Standard IM: 3.3855 BTC → 4.0230 BTC')
    expect(view.get('[data-testid="hedge-reconciliation"]').text()).toContain('equity 1.9660 → 1.9581 BTC')
    expect(errorLine(view).exists()).toBe(false)
  })

  it('re-solves with fewer legs from the ranked alternatives', async () => {
    const { api, view } = await mountOnLiveBook({ suggestHedge: async () => hedged })
    await view.get('[data-testid="run-hedge"]').trigger('click')
    await flushPromises()
    await view.get('[data-testid="hedge-alternatives"]').get('button').trigger('click')
    await flushPromises()
    expect(api.suggestHedge).toHaveBeenCalledTimes(2)
    expect(vi.mocked(api.suggestHedge).mock.calls[1]![0].maxLegs).toBe(1)
    expect((byLabel(view, 'Maximum legs').element as HTMLInputElement).value).toBe('1')
  })

  it("shows the solver's error, and no suggestion", async () => {
    const { view } = await mountOnLiveBook({ suggestHedge: () => Promise.reject(new MarginalApiError({ code: 'invalid_request', message: 'maxExpiryDays: too small', field: 'maxExpiryDays' })) })
    await view.get('[data-testid="run-hedge"]').trigger('click')
    await flushPromises()
    expect(errorLine(view).text()).toBe('maxExpiryDays: too small')
    expect(view.find('[data-testid="hedge-summary"]').exists()).toBe(false)
    expect(view.get('[data-testid="run-hedge"]').attributes('disabled')).toBeUndefined()
  })

  it("shows the solve's phase from its progress events, and Cancel stops that task", async () => {
    const solve = deferred<HedgeResponse>()
    const { api, view } = await mountOnLiveBook({ suggestHedge: () => solve.promise })
    await view.get('[data-testid="run-hedge"]').trigger('click')
    await flushPromises()
    const run = view.get('[data-testid="run-hedge"]')
    expect(run.text()).toBe('Solving…')
    expect(run.attributes('disabled')).toBeDefined()
    expect(view.get('[data-testid="hedge-phase"]').text()).toBe('starting')
    const { taskId } = vi.mocked(api.suggestHedge).mock.calls[0]![0]
    api.emit({ type: 'task.progress', taskId: 'someone-else', done: 3, total: 4 })
    api.emit({ type: 'task.progress', taskId: taskId!, done: 1, total: 4 })
    await flushPromises()
    expect(view.get('[data-testid="hedge-phase"]').text()).toBe('solving the LP (HiGHS) (2 of 4)')
    await view.get('[data-testid="cancel-hedge"]').trigger('click')
    expect(api.cancelTask).toHaveBeenCalledWith({ taskId })
    solve.reject(new MarginalApiError({ code: 'cancelled', message: 'cancelled' }))
    await flushPromises()
    expect(view.find('[data-testid="hedge-phase"]').exists()).toBe(false)
    expect(errorLine(view).text()).toBe('cancelled')
    expect(view.get('[data-testid="run-hedge"]').text()).toBe('Suggest (Ctrl+Enter)')
  })

  it('reduces to a utilisation target from the keyboard (Ctrl+Enter)', async () => {
    const { api, view } = await mountOnLiveBook({ reduceToTarget: async () => reduced })
    await view.get('[data-testid="mode-reduce"]').trigger('click')
    expect(view.get('[data-testid="run-hedge"]').text()).toBe('Find closes (Ctrl+Enter)')
    expect(byLabel(view, 'Objective').findAll('option').map((o) => o.attributes('value'))).toEqual(['deribit-pm', 'span'])
    const target = byLabel(view, 'Target utilisation (%)')
    await target.setValue('30')
    await target.trigger('keydown', { key: 'Enter', ctrlKey: true })
    await flushPromises()
    expect(api.reduceToTarget).toHaveBeenCalledWith({ taskId: expect.stringMatching(/^hedge-/), bookId: 2, account: 'Deribit main', currency: 'BTC', riskUnit: null, method: 'deribit-pm', target: 0.3 })
    const summary = view.get('[data-testid="reduce-summary"]').text()
    expect(summary).toContain('55.7 % → 29.5 %')
    expect(summary).toContain('target 30.0 %, reached')
    expect(view.get('[data-testid="reduce-closes"]').text()).toContain('50.0 %')
  })

  it('hedges Greeks into bands at the least cost', async () => {
    const { api, view } = await mountOnLiveBook({ greekHedge: async () => greekHedged })
    await view.get('[data-testid="mode-greeks"]').trigger('click')
    await byLabel(view, 'Greek mode').setValue('targets')
    await byLabel(view, 'vega low').setValue('-300')
    await byLabel(view, 'vega high').setValue('300')
    await byLabel(view, 'No new short options (Greek targets)').setValue(false)
    await view.get('[data-testid="run-hedge"]').trigger('click')
    await flushPromises()
    expect(api.greekHedge).toHaveBeenCalledWith({
      taskId: expect.stringMatching(/^hedge-/),
      bookId: 2,
      account: 'Deribit main',
      underlying: 'BTC',
      mode: 'targets',
      instrument: undefined,
      bands: { delta: [-0.5, 0.5], vega: [-300, 300] },
      kinds: ['perpetual', 'future', 'option'],
      maxExpiryDays: 120,
      moneyness: [0.7, 1.3],
      noNewShortOptions: false
    })
    const summary = view.get('[data-testid="greeks-summary"]').text()
    expect(summary).toContain('delta −4.0406 → 0.2000 BTC')
    expect(summary).toContain('vega 1,461 → 290 USD')
    expect(view.get('[data-testid="greek-trades"]').text()).toContain('BTC-25DEC26-100000-C')
  })

  it("minimises the book's ES when that is the objective", async () => {
    const { api, view } = await mountOnLiveBook({ esHedge: async () => esHedged })
    expect(view.find('[aria-label="Keep delta in a band"]').exists()).toBe(true)
    await byLabel(view, 'Objective').setValue('es')
    expect(view.find('[aria-label="Keep delta in a band"]').exists()).toBe(false)
    await byLabel(view, 'Maximum legs').setValue('2')
    await view.get('[data-testid="run-hedge"]').trigger('click')
    await flushPromises()
    expect(api.esHedge).toHaveBeenCalledWith({ taskId: expect.stringMatching(/^hedge-/), bookId: 2, account: 'Deribit main', confidence: 0.975, horizonDays: 1, kinds: ['perpetual', 'future', 'option'], maxExpiryDays: 120, moneyness: [0.7, 1.3], maxLegs: 2, noNewShortOptions: true })
    expect(view.get('[data-testid="es-summary"]').text()).toContain('499 historical windows')
    expect(view.get('[data-testid="es-summary"]').text()).toContain('41,000 → 23,500 USD')
    expect(view.findAll('[data-testid="es-trades"] tbody tr')).toHaveLength(1)
  })

  it('applies a suggestion to a new what-if copy of the live book, at the fills', async () => {
    const { api, view } = await mountOnLiveBook({ suggestHedge: async () => hedged })
    await view.get('[data-testid="run-hedge"]').trigger('click')
    await flushPromises()
    expect(view.get('[data-testid="apply-hedge"]').text()).toBe('Apply to a new what-if book')
    await view.get('[data-testid="apply-hedge"]').trigger('click')
    await flushPromises()
    expect(api.copyBook).toHaveBeenCalledWith({ bookId: 2, name: expect.stringMatching(/^Hedge deribit-pm \d{4}-\d\d-\d\d \d\d:\d\d$/), blank: false })
    const copy = useSessionStore().currentBook!
    expect(copy.kind).toBe('whatif')
    expect(api.tradeInstruments).toHaveBeenCalledWith({ bookId: copy.id })
    expect(api.applyTrades).toHaveBeenCalledWith({
      bookId: copy.id,
      tickets: [
        { accountId: copy.id * 100 + 1, symbol: 'BTC-25DEC26-90000-P', side: 'buy', sizeContracts: 2, price: 0.0535 },
        { accountId: copy.id * 100 + 1, symbol: 'BTC-PERPETUAL', side: 'sell', sizeContracts: 1000, price: 99_995 }
      ]
    })
    expect(view.get('[data-testid="hedge-applied"]').text()).toContain(copy.name)
    expect(view.find('[data-testid="hedge-summary"]').exists()).toBe(false)
    // The live book is never touched.
    expect(vi.mocked(api.applyTrades).mock.calls.every(([req]) => req.bookId !== 2)).toBe(true)
  })

  it('applies to the what-if book in view, and shows an apply that failed with the suggestion kept', async () => {
    const { api, view } = await mountOnLiveBook({ suggestHedge: async () => hedged, applyTrades: () => Promise.reject(new Error('tickets.0.symbol: BTC-25DEC26-90000-P is not on the market snapshot')) }, 3)
    await view.get('[data-testid="run-hedge"]').trigger('click')
    await flushPromises()
    expect(view.get('[data-testid="apply-hedge"]').text()).toBe('Apply to "What-if 1"')
    await view.get('[data-testid="apply-hedge"]').trigger('click')
    await flushPromises()
    expect(errorLine(view).text()).toContain('is not on the market snapshot')
    expect(api.copyBook).not.toHaveBeenCalled()
    expect(api.applyTrades).toHaveBeenCalledWith(expect.objectContaining({ bookId: 3 }))
    expect(view.find('[data-testid="hedge-applied"]').exists()).toBe(false)
    expect(view.find('[data-testid="hedge-summary"]').exists()).toBe(true)
  })

  it('keeps a mode\'s inputs and suggestion while another tab is shown', async () => {
    const { view } = await mountOnLiveBook({ suggestHedge: async () => hedged })
    await byLabel(view, 'Maximum legs').setValue('3')
    await view.get('[data-testid="run-hedge"]').trigger('click')
    await flushPromises()
    await view.get('[data-testid="mode-reduce"]').trigger('click')
    expect(view.find('[data-testid="hedge-summary"]').exists()).toBe(false)
    await byLabel(view, 'Target utilisation (%)').setValue('45')
    await view.get('[data-testid="mode-hedge"]').trigger('click')
    expect((byLabel(view, 'Maximum legs').element as HTMLInputElement).value).toBe('3')
    expect(view.find('[data-testid="hedge-summary"]').exists()).toBe(true)
    await view.get('[data-testid="mode-reduce"]').trigger('click')
    expect((byLabel(view, 'Target utilisation (%)').element as HTMLInputElement).value).toBe('45')
  })
})
