// @vitest-environment happy-dom
/** The session store against a fake API: start-up, switching books, a changed book file, the theme. */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { AppInfo, EngineStatus } from '@contract/api'
import { useSessionStore } from '../../../src-renderer/src/stores/use-session-store'
import { installFakeApi } from '../support/fake-api'
import { book, market } from '../support/fixtures'

const appInfo: AppInfo = { appVersion: '0.1.0', host: 'browser', bookPath: '/tmp/book.sqlite', schemaVersion: 7, sqliteVersion: '3.46', workerCount: 2, bookState: 'ok', bookStateReason: null }
const status = (busyWorkers: number): EngineStatus => ({ workerCount: 2, busyWorkers, queuedTasks: 0, workersReplaced: 0, tasksCompleted: 5 })
const books = [book(1, 'demo', 'Demo book'), book(2, 'live', 'My book'), book(3, 'whatif', 'What-if 1', { parentId: 2 })]

function fake(uiState: Record<string, unknown> = {}) {
  return installFakeApi(
    {
      appInfo: async () => appInfo,
      listBooks: async () => books,
      engineStatus: async () => status(0),
      currentMarket: async ({ bookId }) => ({ snapshot: market(`snap-${bookId}`) })
    },
    uiState
  )
}

beforeEach(() => setActivePinia(createPinia()))

describe('session store', () => {
  it('starts on the live book when no book was saved, and reads its market', async () => {
    const api = fake()
    const session = useSessionStore()
    await session.start()
    expect(session.appInfo).toEqual(appInfo)
    expect(session.books.map((b) => b.name)).toEqual(['Demo book', 'My book', 'What-if 1'])
    expect(session.currentBookId).toBe(2)
    expect(session.currentBook?.name).toBe('My book')
    expect(session.liveBook?.id).toBe(2)
    expect(session.demoBook?.id).toBe(1)
    expect(api.currentMarket).toHaveBeenCalledWith({ bookId: 2 })
    expect(session.market?.id).toBe('snap-2')
    expect(session.error).toBeNull()
  })

  it('reopens the book and theme saved in the book file', async () => {
    fake({ 'app.book': 3, 'app.theme': 'dark' })
    const session = useSessionStore()
    await session.start()
    expect(session.currentBookId).toBe(3)
    expect(session.theme).toBe('dark')
  })

  it('follows engine status events', async () => {
    const api = fake()
    const session = useSessionStore()
    await session.start()
    expect(session.engine?.busyWorkers).toBe(0)
    api.emit({ type: 'engine.status', status: status(2) })
    expect(session.engine?.busyWorkers).toBe(2)
  })

  it('shows why it could not start', async () => {
    installFakeApi({ appInfo: async () => appInfo, listBooks: () => Promise.reject(new Error('the book file is locked')), engineStatus: async () => status(0) })
    const session = useSessionStore()
    await session.start()
    expect(session.error).toBe('the book file is locked')
    expect(session.currentBookId).toBeNull()
  })

  it('saves the book switched to, and falls back to the live book when the current one is deleted', async () => {
    vi.useFakeTimers()
    try {
      const api = fake()
      const session = useSessionStore()
      await session.start()
      await session.selectBook(3)
      await vi.runAllTimersAsync()
      expect(api.uiState.get('app.book')).toBe(3)
      expect(session.market?.id).toBe('snap-3')
      vi.mocked(api.listBooks).mockResolvedValueOnce(books.slice(0, 2))
      await session.refreshBooks()
      expect(session.currentBookId).toBe(2)
    } finally {
      vi.useRealTimers()
    }
  })

  it('a changed book file re-reads the books, shows the book named, and tells every view', async () => {
    const api = fake()
    const session = useSessionStore()
    await session.start()
    const revision = session.dataRevision
    vi.mocked(api.listBooks).mockClear()
    await session.bookFileChanged(1)
    expect(api.listBooks).toHaveBeenCalledTimes(1)
    expect(session.currentBookId).toBe(1)
    expect(session.market?.id).toBe('snap-1')
    expect(session.dataRevision).toBe(revision + 1)
    // Without a book to show: the same book, its market re-read.
    vi.mocked(api.currentMarket).mockResolvedValueOnce({ snapshot: market('snap-new') })
    await session.bookFileChanged()
    expect(session.currentBookId).toBe(1)
    expect(session.market?.id).toBe('snap-new')
    expect(session.dataRevision).toBe(revision + 2)
  })

  it('keeps the theme in the book file', async () => {
    vi.useFakeTimers()
    try {
      const api = fake()
      const session = useSessionStore()
      session.setTheme('dark')
      await vi.runAllTimersAsync()
      expect(session.theme).toBe('dark')
      expect(api.uiState.get('app.theme')).toBe('dark')
    } finally {
      vi.useRealTimers()
    }
  })
})
