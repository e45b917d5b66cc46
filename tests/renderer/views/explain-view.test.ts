// @vitest-environment happy-dom
/**
 * The P&L explain view on a fake API: default dates from the book's market at the end-of-day time,
 * the request it sends, the table per grouping in USD and in the settlement currency (the book's
 * total row = the sum of its components; the residual always a column), the markets named, notes and
 * what was not explained listed, the waterfall's bars, the EOD time kept in the UI state, errors shown.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { MarginalApiError, type MarginalApi } from '@contract/api'
import type { ExplainAmountsView, ExplainPnlResponse } from '@contract/explain'
import ExplainView from '../../../src-renderer/src/modules/explain/ExplainView.vue'
import { useSessionStore } from '../../../src-renderer/src/stores/use-session-store'
import { defaultExplainDates, waterfallBars } from '../../../src-renderer/src/modules/explain/explain-table'
import { deferred, installFakeApi, type FakeApi } from '../support/fake-api'
import { book, market } from '../support/fixtures'

// The chart as its option, so the waterfall's data can be read without a canvas.
vi.mock('vue-echarts', () => ({
  default: defineComponent({ props: { option: { type: Object, required: true } }, setup: (p, { attrs }) => () => h('div', { ...attrs, 'data-option': JSON.stringify(p.option) }) })
}))

const NAMES = ['delta', 'gamma', 'vega', 'theta', 'vanna', 'volga', 'charm', 'veta', 'newTrades', 'closes', 'funding', 'fees', 'currency', 'residual'] as const
const OURS = new Set(['newTrades', 'closes', 'funding', 'currency'])

/** Amounts whose total and revaluation add up as the engine's do. */
function amounts(parts: Partial<Record<(typeof NAMES)[number], number>>): ExplainAmountsView {
  const a = Object.fromEntries(NAMES.map((n) => [n, parts[n] ?? 0])) as Record<(typeof NAMES)[number], number>
  const total = NAMES.reduce((s, n) => s + a[n], 0)
  return { ...a, revaluation: total - a.funding - a.fees, total }
}
const add = (x: ExplainAmountsView, y: ExplainAmountsView): ExplainAmountsView => Object.fromEntries(Object.keys(x).map((k) => [k, x[k as keyof ExplainAmountsView] + y[k as keyof ExplainAmountsView]])) as ExplainAmountsView

const callSettle = amounts({ delta: 0.01, gamma: 0.001, vega: 0.002, theta: -0.0005, residual: 0.00001 })
const callUsd = amounts({ delta: 1050, gamma: 105, vega: 210, theta: -52.5, residual: 1.05, currency: 80 })
const perpSettle = amounts({ delta: 120, funding: -3, fees: -1.5, residual: 0 })
const perpUsd = perpSettle
const bookUsd = add(callUsd, perpUsd)

const reply: ExplainPnlResponse = {
  bookId: 2,
  fromUtc: '2026-11-20T08:00:00.000Z',
  toUtc: '2026-11-21T08:00:00.000Z',
  eodUtc: '08:00',
  fromMarket: { id: 'snap-0', asOfUtc: '2026-11-20T07:30:00.000Z', source: 'deribit chain' },
  toMarket: { id: 'snap-1', asOfUtc: '2026-11-21T07:45:00.000Z', source: 'deribit chain' },
  elapsedDays: 1.0104,
  components: NAMES.map((name) => ({ name, label: name === 'newTrades' ? 'New trades' : name[0]!.toUpperCase() + name.slice(1), published: !OURS.has(name), note: `what ${name} is` })),
  positionRows: true,
  rows: [
    { kind: 'position', account: 'Deribit main', venue: 'deribit', underlying: 'BTC', symbol: 'BTC-25DEC26-100000-C', instrumentKind: 'option', settleCurrency: 'BTC', sizeFromContracts: 1, sizeToContracts: 1, from: null, to: null, settle: callSettle, usd: callUsd, fundingSource: null, notes: [] },
    { kind: 'position', account: 'OKX', venue: 'okx', underlying: 'BTC', symbol: 'BTC-USDT-SWAP', instrumentKind: 'perpetual', settleCurrency: 'USDT', sizeFromContracts: 10, sizeToContracts: 12, from: null, to: null, settle: perpSettle, usd: perpUsd, fundingSource: 'statement', notes: [] }
  ],
  groups: [
    { account: 'Deribit main', venue: 'deribit', underlying: 'BTC', settleCurrency: 'BTC', settle: callSettle, usd: callUsd },
    { account: 'OKX', venue: 'okx', underlying: 'BTC', settleCurrency: 'USDT', settle: perpSettle, usd: perpUsd }
  ],
  byAccount: [
    { account: 'Deribit main', venue: 'deribit', usd: callUsd },
    { account: 'OKX', venue: 'okx', usd: perpUsd }
  ],
  byUnderlying: [{ underlying: 'BTC', usd: bookUsd }],
  book: { usd: bookUsd },
  notExplained: [{ account: 'Deribit main', symbol: 'SOL-PERPETUAL', reason: 'no SOL price in the to market' }],
  notes: ['to: SOL market data is from 2026-11-18T08:00:00.000Z, more than a day before 2026-11-21T08:00:00.000Z']
}

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})
beforeEach(() => setActivePinia(createPinia()))

async function mountView(methods: Partial<MarginalApi> = {}, uiState: Record<string, unknown> = {}): Promise<{ api: FakeApi; view: VueWrapper }> {
  // As the backend: the per-position rows only when asked for.
  const api = installFakeApi({ currentMarket: async () => ({ snapshot: market() }), explainPnl: async (req) => (req.positions ? reply : { ...reply, positionRows: false, rows: [] }), ...methods }, uiState)
  const session = useSessionStore()
  session.books = [book(1, 'demo', 'Demo book'), book(2, 'live', 'My book')]
  session.currentBookId = 2
  wrapper = mount(ExplainView, { attachTo: document.body })
  await flushPromises()
  return { api, view: wrapper }
}

const num = (s: string): number => Number(s.trim().replace(/,/g, '').replace('−', '-'))
const cells = (row: ReturnType<VueWrapper['find']>) => Object.fromEntries(row.findAll('td[data-component]').map((td) => [td.attributes('data-component')!, num(td.text())]))

describe('P&L explain view', () => {
  it('defaults to the end of day at or after the book market and the one before; sends them with the EOD time', async () => {
    // The market is as of 2026-11-20 09:00 UTC: past that day's 08:00, so "to" is the 21st.
    expect(defaultExplainDates('2026-11-20T09:00:00.000Z', '08:00', 0)).toEqual({ from: '2026-11-20', to: '2026-11-21' })
    expect(defaultExplainDates('2026-11-20T07:00:00.000Z', '08:00', 0)).toEqual({ from: '2026-11-19', to: '2026-11-20' })
    const { api, view } = await mountView()
    expect(api.explainPnl).toHaveBeenCalledWith({ bookId: 2, fromUtc: '2026-11-20', toUtc: '2026-11-21', eodUtc: '08:00', positions: false })
    expect((view.get('[data-testid="explain-from"]').element as HTMLInputElement).value).toBe('2026-11-20')
    expect((view.get('[data-testid="explain-eod"]').element as HTMLInputElement).value).toBe('08:00')
  })

  it('names each side\'s market with its as-of, lists notes and what was not explained, and labels our approximations', async () => {
    const { view } = await mountView()
    expect(view.get('[data-testid="explain-from-market"]').text()).toContain('snap-0')
    expect(view.get('[data-testid="explain-from-market"]').text()).toContain('2026-11-20 07:30 UTC')
    expect(view.get('[data-testid="explain-to-market"]').text()).toContain('snap-1')
    expect(view.get('[data-testid="explain-to-market"]').text()).toContain('2026-11-21 07:45 UTC')
    expect(view.get('[data-testid="explain-notes"]').text()).toContain('SOL market data')
    expect(view.get('[data-testid="explain-not-explained"]').text()).toContain('no SOL price in the to market')
    const components = view.get('[data-testid="explain-components"]').text()
    expect(components).toContain('New trades (ours)')
    expect(components).not.toContain('Delta (ours)')
  })

  it('book grouping in USD: one total row, the residual a column, total = sum of the components', async () => {
    const { view } = await mountView()
    const rows = view.findAll('[data-testid="explain-row"]')
    expect(rows).toHaveLength(1)
    const c = cells(rows[0]!)
    expect(Object.keys(c)).toEqual([...NAMES, 'total'])
    expect(c.residual).toBeCloseTo(bookUsd.residual, 2)
    expect(c.total).toBeCloseTo(bookUsd.total, 2)
    expect(NAMES.reduce((s, n) => s + c[n]!, 0)).toBeCloseTo(c.total!, 1)
    expect(view.get('[data-testid="explain-residual"]').text()).toBe('1.05 USD')
  })

  it('by account in the settlement currency: each account in its own currency, units labelled', async () => {
    const { api, view } = await mountView()
    await view.get('[data-testid="explain-group-by"]').setValue('account')
    await view.get('[data-testid="explain-units"]').setValue('settle')
    const rows = view.findAll('[data-testid="explain-row"]')
    expect(rows.map((r) => r.findAll('td')[1]!.text())).toEqual(['BTC', 'USDT'])
    expect(cells(rows[0]!).delta).toBeCloseTo(0.01, 6)
    expect(cells(rows[1]!).funding).toBe(-3)
    expect(rows[0]!.get(`td[data-component="currency"]`).text()).toBe("—")
    // In USD: the accounts, then the book.
    await view.get('[data-testid="explain-units"]').setValue('usd')
    expect(view.findAll('[data-testid="explain-row"]').map((r) => r.attributes('data-row'))).toEqual(['a:Deribit main', 'a:OKX', 'book'])
    // The positions' rows are asked for when that grouping is chosen, not before (megabytes on a desk book).
    expect(api.explainPnl).toHaveBeenCalledTimes(1)
    await view.get('[data-testid="explain-group-by"]').setValue('position')
    await flushPromises()
    expect(api.explainPnl).toHaveBeenCalledTimes(2)
    expect(api.explainPnl).toHaveBeenLastCalledWith(expect.objectContaining({ positions: true }))
    expect(view.findAll('[data-testid="explain-row"]')).toHaveLength(3)
    expect(view.text()).toContain('10 → 12 contracts')
  })

  it('the position grouping chosen while the first reply is still out: the positions are asked for, and shown', async () => {
    const first = deferred<ExplainPnlResponse>()
    let calls = 0
    const { api, view } = await mountView({
      explainPnl: async (req) => (++calls === 1 ? first.promise : req.positions ? reply : { ...reply, positionRows: false, rows: [] })
    })
    expect(api.explainPnl).toHaveBeenCalledTimes(1)
    await view.get('[data-testid="explain-group-by"]').setValue('position')
    await flushPromises()
    expect(api.explainPnl).toHaveBeenLastCalledWith(expect.objectContaining({ positions: true }))
    // The first reply, without positions, comes back last: it is superseded, not shown.
    first.resolve({ ...reply, positionRows: false, rows: [] })
    await flushPromises()
    expect(view.findAll('[data-testid="explain-row"]').map((r) => r.attributes('data-row'))).toContain('book')
    expect(view.text()).toContain('10 → 12 contracts')
  })

  it('by position on a desk book: the 500 largest by |total| shown, and the cut said', async () => {
    const many = Array.from({ length: 600 }, (_, k) => ({ ...reply.rows[0]!, symbol: `BTC-P-${k}`, usd: { ...callUsd, total: k } }))
    const { view } = await mountView({ explainPnl: async () => ({ ...reply, rows: many }) })
    await view.get('[data-testid="explain-group-by"]').setValue('position')
    await flushPromises()
    const shown = view.findAll('[data-testid="explain-row"]').filter((r) => r.attributes('data-row') !== 'book')
    expect(shown).toHaveLength(500)
    expect(shown[0]!.text()).toContain('BTC-P-599')
    expect(view.get('[data-testid="explain-positions-cut"]').text()).toContain('500 of 600 position rows shown')
  })

  it('the waterfall runs the book\'s USD components to the total', async () => {
    const { view } = await mountView()
    const bars = waterfallBars(reply.components, bookUsd)
    expect(bars.map((b) => b.name)).toEqual([...NAMES, 'total'])
    expect(bars.at(-2)!.to).toBeCloseTo(bookUsd.total, 9)
    const option = JSON.parse(view.get('[data-testid="explain-waterfall"]').attributes('data-option')!)
    expect(option.xAxis.data[0]).toBe('Delta')
    expect(option.xAxis.data).toContain('New trades*')
    expect(option.xAxis.data.at(-1)).toBe('Total')
    expect(option.series[1].data.at(-1).value).toBeCloseTo(Math.abs(bookUsd.total), 9)
  })

  it('keeps the EOD time in the UI state and uses it; a saved one is read back', async () => {
    const { api, view } = await mountView({}, { 'explain.eodUtc': '16:00' })
    expect(api.explainPnl).toHaveBeenLastCalledWith(expect.objectContaining({ eodUtc: '16:00' }))
    await view.get('[data-testid="explain-eod"]').setValue('09:30')
    await view.get('form').trigger('submit')
    await flushPromises()
    expect(api.explainPnl).toHaveBeenLastCalledWith(expect.objectContaining({ eodUtc: '09:30' }))
    expect(api.uiState.get('explain.eodUtc')).toBe('09:30')
  })

  it('shows the backend\'s refusal and no stale table', async () => {
    const { view } = await mountView({
      explainPnl: async () => {
        throw new MarginalApiError({ code: 'missing_data', message: 'no market snapshot taken at or before 2026-11-20T08:00:00.000Z (the "from" instant): import an option chain of that time first' })
      }
    })
    expect(view.get('[data-testid="explain-error"]').text()).toContain('no market snapshot')
    expect(view.find('[data-testid="explain-table"]').exists()).toBe(false)
  })
})
