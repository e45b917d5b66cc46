// @vitest-environment happy-dom
/** The margin store against a fake API: recompute on the book's inputs, stale answers dropped, the method choice, the drill-through. */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { BookMarginResponse, ScenarioDrillResponse } from '@contract/api'
import { useSessionStore } from '../../../src-renderer/src/stores/use-session-store'
import { useMarginStore } from '../../../src-renderer/src/stores/use-margin-store'
import { installFakeApi, deferred } from '../support/fake-api'
import { bookMargin, deribitGroup, marginGroup, marginResult } from '../support/fixtures'

const okxGroup = () => marginGroup('OKX main', 'okx', 'USDT', [marginResult('okx-pm', 5000), marginResult('span', 6000)], { riskUnit: 'BTC' })
const drill: ScenarioDrillResponse = { account: 'Deribit main', currency: 'BTC', riskUnit: null, method: 'span', scenarioIndex: 3, label: 'BTC −15 %', positions: [{ positionId: 1, symbol: 'BTC-PERPETUAL', pnl: -0.4 }] }

beforeEach(() => setActivePinia(createPinia()))

function onBook(bookId: number | null) {
  const session = useSessionStore()
  session.currentBookId = bookId
  return session
}

describe('margin store', () => {
  it('computes the current book on creation and selects its first group', async () => {
    const api = installFakeApi({ bookMargin: async () => bookMargin([deribitGroup(), okxGroup()]) })
    onBook(2)
    const margin = useMarginStore()
    await flushPromises()
    expect(api.bookMargin).toHaveBeenCalledWith({ bookId: 2 })
    expect(margin.selectedGroup).toBe('Deribit main · BTC')
    expect(margin.group?.results.map((r) => r.method)).toEqual(['deribit-pm', 'span'])
    expect(margin.loading).toBe(false)
    margin.selectedGroup = 'OKX main · USDT · BTC'
    expect(margin.group?.account).toBe('OKX main')
  })

  it('recomputes when the book file changes, and keeps the selected group if it is still there', async () => {
    const api = installFakeApi({ bookMargin: async () => bookMargin([deribitGroup(), okxGroup()]) })
    const session = onBook(2)
    const margin = useMarginStore()
    await flushPromises()
    margin.selectedGroup = 'OKX main · USDT · BTC'
    session.dataRevision++
    await flushPromises()
    expect(api.bookMargin).toHaveBeenCalledTimes(2)
    expect(margin.selectedGroup).toBe('OKX main · USDT · BTC')
    vi.mocked(api.bookMargin).mockResolvedValueOnce(bookMargin([deribitGroup()]))
    session.dataRevision++
    await flushPromises()
    expect(margin.selectedGroup).toBe('Deribit main · BTC')
  })

  it('drops the answer for a book no longer shown', async () => {
    const slow = deferred<BookMarginResponse>()
    const api = installFakeApi({ bookMargin: ({ bookId }) => (bookId === 2 ? slow.promise : Promise.resolve(bookMargin([okxGroup()]))) })
    const session = onBook(2)
    const margin = useMarginStore()
    await flushPromises()
    session.currentBookId = 3
    await flushPromises()
    expect(margin.margin?.accounts[0]?.account).toBe('OKX main')
    slow.resolve(bookMargin([deribitGroup()]))
    await flushPromises()
    expect(api.bookMargin).toHaveBeenCalledTimes(2)
    expect(margin.margin?.accounts[0]?.account).toBe('OKX main')
    expect(margin.loading).toBe(false)
  })

  it('shows the error of a failed computation', async () => {
    installFakeApi({ bookMargin: () => Promise.reject(new Error('book 2 has no market snapshot')) })
    onBook(2)
    const margin = useMarginStore()
    await flushPromises()
    expect(margin.error).toBe('book 2 has no market snapshot')
    expect(margin.loading).toBe(false)
  })

  it("shows each group's own venue method unless one is chosen, and keeps the choice", async () => {
    vi.useFakeTimers()
    try {
      const api = installFakeApi({ bookMargin: async () => bookMargin([deribitGroup(), okxGroup()]) }, { 'risk.method': 'span' })
      onBook(2)
      const margin = useMarginStore()
      expect(margin.methodFor(deribitGroup())).toBe('deribit-pm')
      expect(margin.methodFor(okxGroup())).toBe('okx-pm')
      await margin.restore()
      expect(margin.method).toBe('span')
      expect(margin.methodFor(okxGroup())).toBe('span')
      margin.setMethod('greeks')
      await vi.runAllTimersAsync()
      expect(api.uiState.get('risk.method')).toBe('greeks')
    } finally {
      vi.useRealTimers()
    }
  })

  it('drills into a scenario, keeps the drill through a recompute and drops it on another book', async () => {
    const api = installFakeApi({ bookMargin: async () => bookMargin([deribitGroup()]), scenarioDrill: async () => drill })
    const session = onBook(2)
    const margin = useMarginStore()
    await flushPromises()
    await margin.drillInto(margin.group!, 'span', 3)
    expect(api.scenarioDrill).toHaveBeenCalledWith({ bookId: 2, account: 'Deribit main', currency: 'BTC', riskUnit: null, method: 'span', scenarioIndex: 3 })
    expect(margin.drillPnl.get(1)).toBe(-0.4)
    session.dataRevision++
    await flushPromises()
    expect(api.scenarioDrill).toHaveBeenCalledTimes(2)
    expect(margin.drill?.label).toBe('BTC −15 %')
    session.currentBookId = 3
    await flushPromises()
    expect(margin.drill).toBeNull()
    expect(margin.drillPnl.size).toBe(0)
  })
})
