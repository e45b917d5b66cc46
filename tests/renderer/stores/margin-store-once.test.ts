// @vitest-environment happy-dom
/**
 * The margin store asks for the book's margin once per change, start included: at start the book
 * is chosen and its market summary arrives an API call later, one change, one bookMargin call
 * (a 10,000-position book's margin is half a second of the backend's time).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { AppInfo } from '@contract/api'
import { useSessionStore } from '../../../src-renderer/src/stores/use-session-store'
import { useMarginStore } from '../../../src-renderer/src/stores/use-margin-store'
import { usePositionsStore } from '../../../src-renderer/src/stores/use-positions-store'
import { heldPositions, installFakeApi } from '../support/fake-api'
import { book, bookMargin, deribitGroup, market } from '../support/fixtures'

const appInfo: AppInfo = { appVersion: '0.1.0', host: 'browser', bookPath: '/tmp/book.sqlite', schemaVersion: 7, sqliteVersion: '3.46', workerCount: 2, bookState: 'ok', bookStateReason: null }
const books = [book(1, 'demo', 'Demo book'), book(2, 'live', 'My book'), book(3, 'whatif', 'What-if 1', { parentId: 2 })]

function fake() {
  return installFakeApi({
    appInfo: async () => appInfo,
    listBooks: async () => books,
    engineStatus: async () => ({ workerCount: 2, busyWorkers: 0, queuedTasks: 0, workersReplaced: 0, tasksCompleted: 0 }),
    // The market summary arrives a few turns after the book is chosen, as over IPC.
    currentMarket: async ({ bookId }) => {
      for (let i = 0; i < 5; i++) await Promise.resolve()
      return { snapshot: market(`snap-${bookId}`) }
    },
    bookMargin: async () => bookMargin([deribitGroup()])
  })
}

beforeEach(() => setActivePinia(createPinia()))

describe('margin store: one bookMargin per change', () => {
  it('once at start, once per book switch, once per book-file change, once per holdings change', async () => {
    const api = fake()
    const session = useSessionStore()
    const margin = useMarginStore()
    await session.start()
    await flushPromises()
    expect(session.market?.id).toBe('snap-2')
    expect(api.bookMargin).toHaveBeenCalledTimes(1)
    expect(api.bookMargin).toHaveBeenLastCalledWith({ bookId: 2 })
    expect(margin.margin?.accounts).toHaveLength(1)

    await session.selectBook(3)
    await flushPromises()
    expect(session.market?.id).toBe('snap-3')
    expect(api.bookMargin).toHaveBeenCalledTimes(2)
    expect(api.bookMargin).toHaveBeenLastCalledWith({ bookId: 3 })

    // An import landed or a balance was set: the market is re-read and every view told, one change.
    await session.bookFileChanged()
    await flushPromises()
    expect(api.bookMargin).toHaveBeenCalledTimes(3)

    usePositionsStore().revision++
    await flushPromises()
    expect(api.bookMargin).toHaveBeenCalledTimes(4)

    // Nothing changed: no call.
    await flushPromises()
    expect(api.bookMargin).toHaveBeenCalledTimes(4)
  })

  it('asks for the margin only once the book\'s positions have arrived: the host answers one request at a time', async () => {
    const order: string[] = []
    const held = heldPositions(order)
    const api = installFakeApi({
      appInfo: async () => appInfo,
      listBooks: async () => books,
      engineStatus: async () => ({ workerCount: 2, busyWorkers: 0, queuedTasks: 0, workersReplaced: 0, tasksCompleted: 0 }),
      currentMarket: async ({ bookId }) => ({ snapshot: market(`snap-${bookId}`) }),
      listPositionColumns: held.listPositionColumns,
      bookMargin: async () => {
        order.push('bookMargin asked')
        return bookMargin([deribitGroup()])
      }
    })
    const session = useSessionStore()
    useMarginStore()
    await session.start()
    await flushPromises()
    expect(order).toEqual(['listPositions asked'])
    held.release()
    await flushPromises()
    expect(order).toEqual(['listPositions asked', 'listPositions answered', 'bookMargin asked'])
    expect(api.bookMargin).toHaveBeenCalledTimes(1)
  })
})
