// @vitest-environment happy-dom
/**
 * The P&L explorer mounted on a fake API: the profile model it reads is swept by the engine's own
 * kernel into the chart's data, the readout and the legs table. The chart library (uPlot, canvas)
 * is replaced by a recorder of what it is given: happy-dom has no canvas.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import type { ProfileBookJson, ProfileModelResponse } from '@contract/api'
import { ROW_LINEAR } from '@engine/scenarios/portfolio-arrays'
import PnlExplorer from '../../../src-renderer/src/modules/explorer/PnlExplorer.vue'
import { useSessionStore } from '../../../src-renderer/src/stores/use-session-store'
import { usePositionsStore } from '../../../src-renderer/src/stores/use-positions-store'
import { installFakeApi } from '../support/fake-api'

interface RecordedPlot {
  opts: { series: { label?: string }[] }
  data: ArrayLike<number>[]
  destroyed: boolean
}
const plots = vi.hoisted(() => [] as RecordedPlot[])
vi.mock('uplot', () => ({
  default: class {
    static pxRatio = 1
    opts: unknown
    data: unknown
    destroyed = false
    constructor(opts: unknown, data: unknown) {
      this.opts = opts
      this.data = data
      plots.push(this as unknown as RecordedPlot)
    }
    batch(fn: (u: unknown) => void): void {
      fn(this)
    }
    setData(data: unknown): void {
      this.data = data
    }
    setSize(): void {}
    destroy(): void {
      this.destroyed = true
    }
  }
}))

const ASOF = Date.parse('2026-11-20T09:00:00Z')
const DAY = 86_400_000
/**
 * OKX linear legs in USDT: long 2 BTC perpetual, short 1 BTC future expiring in 10 days, long 10 ETH
 * perpetual. The BTC P&L is (2 − 1) × 100,000 × move USD, whatever the date.
 */
function profileBook(): ProfileBookJson {
  const leg = (positionId: number, symbol: string, kind: 'perpetual' | 'future', sizeContracts: number, expiryMs: number | null) => ({ positionId, symbol, account: 'OKX main', kind, sizeContracts, expiryMs, strikeUsd: null, optionType: null })
  return {
    asOfMs: ASOF,
    underlyings: ['BTC', 'ETH'],
    indexUsd: [100_000, 3_000],
    rowStart: [0, 2],
    rowEnd: [2, 3],
    arrays: {
      count: 3,
      currencies: ['USDT'],
      kind: [ROW_LINEAR, ROW_LINEAR, ROW_LINEAR],
      underlyingIndex: [0, 0, 1],
      currencyIndex: [0, 0, 0],
      units: [2, -1, 10],
      forward: [100_000, 100_000, 3_000],
      strike: [0, 0, 0],
      years: [0, 10 / 365, 0],
      vol: [0, 0, 0],
      isCall: [0, 0, 0],
      baseValue: [0, 0, 0],
      volSkewUp: [0, 0, 0],
      volSkewDown: [0, 0, 0]
    },
    currencyUsd: [1],
    currencyUnderlying: [-1],
    legs: [leg(1, 'BTC-USDT-SWAP', 'perpetual', 200, null), leg(2, 'BTC-USDT-261130', 'future', -100, ASOF + 10 * DAY), leg(3, 'ETH-USDT-SWAP', 'perpetual', 1000, null)]
  }
}
const model = (bookId: number, parent: ProfileModelResponse['parent'] = null): ProfileModelResponse => ({ bookId, book: profileBook(), parent, notCovered: [{ account: 'OKX main', symbol: 'BTC-XYZ', reason: 'not on the market snapshot' }] })

let wrapper: VueWrapper | null = null
let pinia: Pinia
beforeEach(() => {
  plots.length = 0
  pinia = createPinia()
  setActivePinia(pinia)
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

async function mountOn(bookId: number, profileModel: (req: { bookId: number }) => Promise<ProfileModelResponse>) {
  const api = installFakeApi({ profileModel })
  useSessionStore().currentBookId = bookId
  wrapper = mount(PnlExplorer, { global: { plugins: [pinia] }, attachTo: document.body })
  await flushPromises()
  return { api, view: wrapper }
}
const lastPlot = (): RecordedPlot => plots.at(-1)!
const text = (view: VueWrapper, testId: string): string => view.get(`[data-testid="${testId}"]`).text()

describe('P&L explorer', () => {
  it("sweeps the book's model into the chart, the readout and the legs table", async () => {
    const { api, view } = await mountOn(2, async ({ bookId }) => model(bookId))
    expect(api.profileModel).toHaveBeenCalledWith({ bookId: 2 })
    expect(view.get('[aria-label="Underlying"]').findAll('option').map((o) => o.text())).toEqual(['BTC', 'ETH'])
    // The x axis: the index ±50 % in 1 % steps; the curves: 100,000 USD per 100 % move.
    const [x, now, atDate] = lastPlot().data
    expect(x).toHaveLength(101)
    expect(x![0]).toBeCloseTo(50_000, 6)
    expect(x![50]).toBeCloseTo(100_000, 6)
    expect(now![0]).toBeCloseTo(-50_000, 6)
    expect(atDate![100]).toBeCloseTo(50_000, 6)
    expect(lastPlot().opts.series.map((s) => s.label)).toEqual(['BTC price', 'now', 'T+n (slider date)', 'first expiry (T+10.00 d)'])
    expect(text(view, 'breakevens')).toBe('100,000 USD')
    expect(text(view, 'trough')).toBe('-50,000 USD at 50,000 USD')
    expect(view.findAll('[data-testid="explorer-legs"] tbody tr').map((tr) => tr.attributes('data-testid'))).toEqual(['leg-BTC-USDT-SWAP', 'leg-BTC-USDT-261130'])
    expect(text(view, 'leg-BTC-USDT-261130')).toContain('live, 10.0 d left')
    expect(view.text()).toContain('Not drawn: BTC-XYZ (not on the market snapshot)')
  })

  it('draws another underlying when chosen', async () => {
    const { view } = await mountOn(2, async ({ bookId }) => model(bookId))
    await view.get('[aria-label="Underlying"]').setValue('ETH')
    await flushPromises()
    const [x, now] = lastPlot().data
    expect(x![50]).toBeCloseTo(3_000, 6)
    expect(now![100]).toBeCloseTo(15_000, 6) // 10 ETH × 3,000 × +50 %
    expect(view.findAll('[data-testid="explorer-legs"] tbody tr').map((tr) => tr.attributes('data-testid'))).toEqual(['leg-ETH-USDT-SWAP'])
    expect(lastPlot().opts.series.map((s) => s.label)).toEqual(['ETH price', 'now', 'T+n (slider date)'])
  })

  it("jumps past an expiry: the leg is at its payoff from then on", async () => {
    const { view } = await mountOn(2, async ({ bookId }) => model(bookId))
    const jump = view.findAll('.jumps button').find((b) => b.text().startsWith('exp 1'))!
    expect(jump.text()).toBe('exp 1 (T+10.0)')
    await jump.trigger('click')
    await vi.waitFor(() => expect(text(view, 'leg-BTC-USDT-261130')).toBe('BTC-USDT-261130OKX main−100.00expired: at payoff'))
    expect(view.get('[data-testid="leg-BTC-USDT-261130"]').classes()).toContain('expired')
    expect(text(view, 'explorer-days')).toBe('10')
    expect((view.get('[data-testid="date-slider"]').element as HTMLInputElement).max).toBe('10')
  })

  it("draws a what-if book's parent and the difference", async () => {
    const parent = profileBook()
    parent.arrays.units = [1, -1, 10] // the live book is flat in BTC
    const { view } = await mountOn(5, async ({ bookId }) => model(bookId, { bookId: 2, name: 'My book', book: parent }))
    expect(lastPlot().opts.series.map((s) => s.label)).toContain('what-if − live (T+n)')
    const [, , atDate, , live, difference] = lastPlot().data
    expect(live![0]).toBeCloseTo(0, 6)
    expect(difference![0]).toBeCloseTo(atDate![0]!, 6)
    expect(view.get('[data-testid="explorer-readout"]').text()).toContain('… live book, T+n')
    await view.get('[aria-label="Show the live book"]').setValue(false)
    await flushPromises()
    expect(lastPlot().opts.series.map((s) => s.label)).not.toContain('what-if − live (T+n)')
  })

  it('shows why there is no profile, and reloads when the holdings change', async () => {
    const profileModel = vi.fn(({ bookId }: { bookId: number }) => (profileModel.mock.calls.length === 1 ? Promise.reject(new Error(`book ${bookId} has no market snapshot`)) : Promise.resolve(model(bookId))))
    const { api, view } = await mountOn(2, profileModel)
    expect(view.get('.notice.error[role="alert"]').text()).toBe('book 2 has no market snapshot')
    expect(view.find('[data-testid="explorer-readout"]').exists()).toBe(false)
    expect(plots.every((p) => p.destroyed)).toBe(true)
    usePositionsStore().revision++
    await flushPromises()
    expect(api.profileModel).toHaveBeenCalledTimes(2)
    expect(view.find('.notice.error').exists()).toBe(false)
    expect(text(view, 'breakevens')).toBe('100,000 USD')
  })
})
