/**
 * P&L explain of the current book (issue 22 §2): the two dates, the end-of-day time (kept in the
 * book file's UI state, default 08:00 UTC — the venues' daily settlement), and the last reply.
 * Defaults: the end of day at or after the book's market and the one before it
 * (modules/explain/explain-table.ts, defaultExplainDates).
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import { EOD_TIME, type ExplainPnlResponse } from '@contract/explain'
import { useExplainApi } from '../lib/api/explain'
import { loadUiState, saveUiState } from '../api/use-ui-state'
import { useSessionStore } from './use-session-store'
import { defaultExplainDates } from '../modules/explain/explain-table'

export const EOD_KEY = 'explain.eodUtc'
export const DEFAULT_EOD_UTC = '08:00'
const isEod = (v: unknown): v is string => typeof v === 'string' && EOD_TIME.test(v)

export const useExplainStore = defineStore('explain', () => {
  const session = useSessionStore()
  const fromDate = ref('')
  const toDate = ref('')
  const eodUtc = ref(DEFAULT_EOD_UTC)
  /** The book's market (id, as-of) the default dates were taken from. */
  const market = shallowRef<{ id: string; asOfUtc: string } | null>(null)
  const result = shallowRef<ExplainPnlResponse | null>(null)
  const error = ref<string | null>(null)
  const loading = ref(false)
  let datesForBook: number | null = null
  let generation = 0

  /** The EOD time from the book file, and default dates for this book (once per book). */
  async function prepare(): Promise<void> {
    const bookId = session.currentBookId
    if (bookId === null) return
    const saved = await loadUiState(EOD_KEY, isEod)
    if (saved) eodUtc.value = saved
    if (datesForBook === bookId && fromDate.value && toDate.value) return
    try {
      const { snapshot } = await useExplainApi().currentMarket({ bookId })
      market.value = snapshot ? { id: snapshot.id, asOfUtc: snapshot.asOfUtc } : null
    } catch {
      market.value = null
    }
    const d = defaultExplainDates(market.value?.asOfUtc ?? null, eodUtc.value, Date.now())
    fromDate.value = d.from
    toDate.value = d.to
    datesForBook = bookId
  }

  function setEod(value: string): void {
    if (!isEod(value)) return
    eodUtc.value = value
    saveUiState(EOD_KEY, value, 0)
  }

  /** `positions`: the per-position rows too (only the position grouping shows them: a desk book's are megabytes). */
  async function run(positions = false): Promise<void> {
    const bookId = session.currentBookId
    if (bookId === null || !fromDate.value || !toDate.value) return
    const mine = ++generation
    loading.value = true
    try {
      const r = await useExplainApi().explainPnl({ bookId, fromUtc: fromDate.value, toUtc: toDate.value, eodUtc: eodUtc.value, positions })
      if (mine !== generation) return
      result.value = r
      error.value = null
    } catch (e) {
      if (mine !== generation) return
      result.value = null
      error.value = (e as Error).message
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  /** A new book: its own default dates and reply. */
  function reset(): void {
    datesForBook = null
    result.value = null
    error.value = null
  }

  return { fromDate, toDate, eodUtc, market, result, error, loading, prepare, setEod, run, reset }
})
