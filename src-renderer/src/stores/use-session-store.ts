/** Session-wide state: which host and book we are on, the current view, theme and engine status. */
import { defineStore } from 'pinia'
import { ref, computed } from 'vue'
import type { AppInfo, BookSummary, EngineStatus, MarketSummary } from '@contract/api'
import { useApi } from '../api/api'
import { loadUiState, saveUiState } from '../api/use-ui-state'
import type { ViewName } from '@contract/views'

export type { ViewName } from '@contract/views'
export type ThemeName = 'light' | 'dark'

const isTheme = (v: unknown): v is ThemeName => v === 'light' || v === 'dark'
/** The OS colour scheme (Electron keeps nativeTheme on 'system'; a browser reports its own). */
const systemDark = (): MediaQueryList | null => (typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null)

export const useSessionStore = defineStore('session', () => {
  const appInfo = ref<AppInfo | null>(null)
  const books = ref<BookSummary[]>([])
  const currentBookId = ref<number | null>(null)
  const market = ref<MarketSummary | null>(null)
  const view = ref<ViewName>('positions')
  // Follows the OS until the user picks a theme (then the book file keeps the choice).
  const osScheme = systemDark()
  const theme = ref<ThemeName>(osScheme?.matches ? 'dark' : 'light')
  let themeChosen = false
  osScheme?.addEventListener?.('change', (e) => {
    if (!themeChosen) theme.value = e.matches ? 'dark' : 'light'
  })
  const engine = ref<EngineStatus | null>(null)
  const error = ref<string | null>(null)
  /**
   * Bumped whenever the book file changes under the views (an import, a balance set by hand, the
   * demo removed or restored): every view re-reads what it shows, without a reload.
   */
  const dataRevision = ref(0)

  const currentBook = computed(() => books.value.find((b) => b.id === currentBookId.value) ?? null)
  const liveBook = computed(() => books.value.find((b) => b.kind === 'live') ?? null)
  const demoBook = computed(() => books.value.find((b) => b.kind === 'demo') ?? null)

  async function start(): Promise<void> {
    const api = useApi()
    api.onEvent((e) => {
      if (e.type === 'engine.status') engine.value = e.status
    })
    try {
      const [info, list, status, savedTheme, lastBook] = await Promise.all([
        api.appInfo({}),
        api.listBooks({}),
        api.engineStatus({}),
        loadUiState('app.theme', isTheme),
        loadUiState('app.book', (v): v is number => typeof v === 'number')
      ])
      appInfo.value = info
      books.value = list
      engine.value = status
      if (savedTheme && !themeChosen) {
        theme.value = savedTheme
        themeChosen = true
      }
      // Reopen the book last worked on (a what-if book is framed, so it is never taken for the live one).
      const reopen = list.find((b) => b.id === lastBook)?.id
      await selectBook(reopen ?? list.find((b) => b.kind === 'live')?.id ?? list[0]?.id ?? null)
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  async function selectBook(bookId: number | null): Promise<void> {
    if (bookId !== null && bookId !== currentBookId.value && currentBookId.value !== null) saveUiState('app.book', bookId, 0)
    currentBookId.value = bookId
    market.value = bookId === null ? null : (await useApi().currentMarket({ bookId })).snapshot
  }

  /** Re-read the book list (after a copy, rename or delete); falls back to the live book if the current one is gone. */
  async function refreshBooks(): Promise<void> {
    books.value = await useApi().listBooks({})
    if (!books.value.some((b) => b.id === currentBookId.value)) await selectBook(books.value.find((b) => b.kind === 'live')?.id ?? books.value[0]?.id ?? null)
  }

  /**
   * The book file changed (an import landed, a balance was set): re-read the books and the market,
   * then tell every view. `showBookId`: switch to that book first (an import lands in the live book).
   */
  async function bookFileChanged(showBookId?: number): Promise<void> {
    books.value = await useApi().listBooks({})
    const target = showBookId ?? currentBookId.value
    if (target !== null && target !== currentBookId.value) await selectBook(target)
    else if (currentBookId.value !== null) market.value = (await useApi().currentMarket({ bookId: currentBookId.value })).snapshot
    dataRevision.value++
  }

  function setTheme(next: ThemeName): void {
    themeChosen = true
    theme.value = next
    saveUiState('app.theme', next, 0)
  }

  return { appInfo, books, currentBookId, currentBook, liveBook, demoBook, market, view, theme, engine, error, dataRevision, start, selectBook, refreshBooks, bookFileChanged, setTheme }
})
