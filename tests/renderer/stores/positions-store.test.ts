// @vitest-environment happy-dom
/** The positions store against a fake API: loading, the holdings revision, the filter and collapsed groups. */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { PositionColumnsResponse, PositionRow } from '@contract/api'
import { positionColumnsOf } from '@contract/positions'
import { usePositionsStore } from '../../../src-renderer/src/stores/use-positions-store'
import { installFakeApi } from '../support/fake-api'
import { AS_OF, positionRow } from '../support/fixtures'

const held = [positionRow(1, 'BTC-PERPETUAL', 100), positionRow(2, 'BTC-25DEC26-100000-C', -2), positionRow(3, 'BTC-25DEC26-90000-P', 1, { accountId: 2, accountName: 'OKX main', venue: 'okx' })]
const reply = (bookId: number, rows: PositionRow[]): PositionColumnsResponse => positionColumnsOf({ bookId, marketSnapshotId: 'snap-1', asOfUtc: AS_OF, rows })

beforeEach(() => setActivePinia(createPinia()))

describe('positions store', () => {
  it('loads a book and groups its rows account → underlying → expiry', async () => {
    const api = installFakeApi({ listPositionColumns: async ({ bookId }) => reply(bookId, held) })
    const positions = usePositionsStore()
    await positions.load(7)
    expect(api.listPositionColumns).toHaveBeenCalledWith({ bookId: 7 })
    expect(positions.positionCount).toBe(3)
    expect(positions.shownCount).toBe(3)
    expect(positions.loading).toBe(false)
    const groups = positions.rows.filter((r) => r.rowType === 'group' && r.level === 0).map((r) => (r.rowType === 'group' ? r.label : ''))
    expect(groups).toEqual(['Deribit main · deribit', 'OKX main · okx'])
    expect(positions.rows.filter((r) => r.rowType === 'position').map((r) => (r.rowType === 'position' ? r.symbol : ''))).toEqual(['BTC-PERPETUAL', 'BTC-25DEC26-100000-C', 'BTC-25DEC26-90000-P'])
  })

  it('bumps the revision only when the holdings of the same book change', async () => {
    const api = installFakeApi({ listPositionColumns: async ({ bookId }) => reply(bookId, held) })
    const positions = usePositionsStore()
    await positions.load(7)
    expect(positions.revision).toBe(0) // a first load is not a change
    await positions.load(7)
    expect(positions.revision).toBe(0) // nor a reload of the same holdings
    vi.mocked(api.listPositionColumns).mockResolvedValueOnce(reply(7, [{ ...held[0]!, sizeContracts: 150 }, ...held.slice(1)]))
    await positions.load(7)
    expect(positions.revision).toBe(1)
    vi.mocked(api.listPositionColumns).mockResolvedValueOnce(reply(8, held.slice(0, 1)))
    await positions.load(8)
    expect(positions.revision).toBe(1) // another book: the book id already says so
  })

  it('shows the error of a failed load', async () => {
    installFakeApi({ listPositionColumns: () => Promise.reject(new Error('book 7 has no market snapshot')) })
    const positions = usePositionsStore()
    await positions.load(7)
    expect(positions.error).toBe('book 7 has no market snapshot')
    expect(positions.loading).toBe(false)
  })

  it('filters, collapses and keeps both in the book file', async () => {
    vi.useFakeTimers()
    try {
      const api = installFakeApi({ listPositionColumns: async ({ bookId }) => reply(bookId, held) })
      const positions = usePositionsStore()
      await positions.load(7)
      positions.setFilter({ text: '', kinds: ['option'], side: 'all' })
      expect(positions.shownCount).toBe(2)
      expect(positions.matchingCount).toBe(2)
      positions.collapseAll()
      expect(positions.shownCount).toBe(0)
      await vi.runAllTimersAsync()
      expect(api.uiState.get('positions.filter')).toEqual({ text: '', kinds: ['option'], side: 'all' })
      expect(api.uiState.get('positions.collapsed')).toHaveLength(3)
      positions.collapseAll()
      const call = positions.rows.find((r) => r.rowType === 'position' && r.symbol === 'BTC-25DEC26-100000-C')!
      positions.toggle(call.parentIds[2]!) // open its expiry group
      expect(positions.shownCount).toBe(1)
      await vi.runAllTimersAsync()

      // A fresh store restores what was saved.
      setActivePinia(createPinia())
      const again = usePositionsStore()
      await again.restore()
      expect(again.filter.kinds).toEqual(['option'])
      expect(again.collapsed.size).toBe(2)
      expect(again.collapsed).toEqual(new Set(api.uiState.get('positions.collapsed') as string[]))
    } finally {
      vi.useRealTimers()
    }
  })
})
