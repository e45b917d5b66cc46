/**
 * Margin of the current book by every method, shared by the risk dashboard (pinned above every
 * view), the risk view and the positions grid's scenario drill-through. Recomputed whenever the
 * book, its positions or its market change; the request runs on the backend, so the UI never
 * blocks, and a stale answer (book switched meanwhile) is dropped.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { BookMarginResponse, MarginMethodName, ScenarioDrillResponse } from '@contract/api'
import { useApi } from '../api/api'
import { loadUiState, saveUiState } from '../api/use-ui-state'
import { useSessionStore } from './use-session-store'
import { usePositionsStore } from './use-positions-store'

export type MethodChoice = 'venue' | MarginMethodName
export type MarginGroup = BookMarginResponse['accounts'][number]

const METHOD_KEY = 'risk.method'
export const METHOD_LABELS: Record<MethodChoice, string> = {
  venue: "Venue's own (Deribit PM / OKX PM / Derive PM)",
  standard: 'Standard (isolated)',
  span: 'SPAN-style',
  'deribit-pm': 'Deribit PM replica',
  'okx-pm': 'OKX PM replica',
  'derive-pm': 'Derive PM replica (PMRM_2)',
  greeks: 'Greeks-based'
}
const isChoice = (v: unknown): v is MethodChoice => typeof v === 'string' && v in METHOD_LABELS

export const groupKey = (g: Pick<MarginGroup, 'account' | 'currency' | 'riskUnit'>): string => `${g.account} · ${g.currency}${g.riskUnit ? ` · ${g.riskUnit}` : ''}`

export const useMarginStore = defineStore('margin', () => {
  const session = useSessionStore()
  const positions = usePositionsStore()
  const margin = shallowRef<BookMarginResponse | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)
  const method = ref<MethodChoice>('venue')
  const selectedGroup = ref<string | null>(null)
  const drill = shallowRef<ScenarioDrillResponse | null>(null)
  let generation = 0

  async function load(): Promise<void> {
    const bookId = session.currentBookId
    if (bookId === null) return
    const mine = ++generation
    loading.value = true
    try {
      const m = await useApi().bookMargin({ bookId })
      if (mine !== generation) return
      margin.value = m
      error.value = null
      if (!m.accounts.some((a) => groupKey(a) === selectedGroup.value)) selectedGroup.value = m.accounts[0] ? groupKey(m.accounts[0]) : null
    } catch (e) {
      if (mine === generation) error.value = (e as Error).message
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  async function restore(): Promise<void> {
    const saved = await loadUiState(METHOD_KEY, isChoice)
    if (saved) method.value = saved
  }

  function setMethod(m: MethodChoice): void {
    method.value = m
    saveUiState(METHOD_KEY, m)
  }

  /** The method shown for a group: the choice, or the venue's own method. */
  function methodFor(g: MarginGroup): MarginMethodName {
    if (method.value !== 'venue') return method.value
    if (g.venue === 'derive') return g.results.some((r) => r.method === 'derive-pm') ? 'derive-pm' : 'span'
    return g.venue === 'deribit' ? 'deribit-pm' : g.venue === 'okx' ? 'okx-pm' : 'span'
  }

  const group = computed(() => margin.value?.accounts.find((a) => groupKey(a) === selectedGroup.value) ?? null)

  async function drillInto(g: MarginGroup, m: MarginMethodName, scenarioIndex: number): Promise<void> {
    if (session.currentBookId === null) return
    drill.value = await useApi().scenarioDrill({ bookId: session.currentBookId, account: g.account, currency: g.currency, riskUnit: g.riskUnit, method: m, scenarioIndex })
  }

  const drillPnl = computed(() => new Map((drill.value?.positions ?? []).map((p) => [p.positionId, p.pnl])))

  // Recompute when the book, its holdings or its market change: once per change. The backend values
  // the book on the book's own market, so the session's market summary is not a trigger: it changes
  // only with the book (selectBook: the id changes first, the summary an API call later) or with
  // the book file (bookFileChanged: dataRevision), each already one here. Watching it too ran a
  // 10,000-position book's margin twice at start. A drill-through survives the recompute (re-read
  // under the same scenario) unless the book changed.
  watch(
    () => [session.currentBookId, positions.revision, session.dataRevision] as const,
    async ([bookId], previous) => {
      const previousBookId = previous?.[0]
      if (bookId !== previousBookId) drill.value = null
      // The positions go first: the host answers one request at a time, and a desk-scale book's
      // margin (about a second at 10,000 positions) would otherwise hold the grid's first row.
      await positions.settled()
      await load()
      const d = drill.value
      const g = margin.value?.accounts.find((a) => d && a.account === d.account && a.currency === d.currency && a.riskUnit === d.riskUnit)
      if (d && g) await drillInto(g, d.method, d.scenarioIndex).catch(() => (drill.value = null))
    },
    { immediate: true }
  )

  return { margin, loading, error, method, selectedGroup, group, drill, drillPnl, load, restore, setMethod, methodFor, drillInto }
})
