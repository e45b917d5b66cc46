/** Positions of the current book, grouped for the grid, with the filter and collapsed groups. */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { PositionsResponse } from '@contract/api'
import { positionRowsOf } from '@contract/positions'
import { useApi } from '../api/api'
import { loadUiState, saveUiState } from '../api/use-ui-state'
import { useSessionStore } from './use-session-store'
import { buildGroupedRows, emptyFilter, visibleRowIds, type PositionFilter } from '../modules/positions/position-groups'

const FILTER_KEY = 'positions.filter'
const COLLAPSED_KEY = 'positions.collapsed'

const isFilter = (v: unknown): v is PositionFilter =>
  typeof v === 'object' && v !== null && typeof (v as PositionFilter).text === 'string' && Array.isArray((v as PositionFilter).kinds)
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string')

export const usePositionsStore = defineStore('positions', () => {
  const response = shallowRef<PositionsResponse | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)
  const filter = ref<PositionFilter>(emptyFilter())
  const collapsed = ref<Set<string>>(new Set())
  /**
   * Bumped when the book's holdings actually change (not on every reload when a view opens), so
   * what depends on them (margin) recomputes only then.
   */
  const revision = ref(0)
  let fingerprint = ''

  const rows = computed(() => {
    const startMs = performance.now()
    const grouped = buildGroupedRows(response.value?.rows ?? [])
    // Read by the grid bench (src-main/bench/grid-bench.ts); a user-timing entry, nothing else.
    performance.measure('positions.group', { start: startMs, detail: { positions: response.value?.rows.length ?? 0 } })
    return grouped
  })
  const visibility = computed(() => visibleRowIds(rows.value, filter.value, collapsed.value))
  const positionCount = computed(() => response.value?.rows.length ?? 0)
  const shownCount = computed(() => rows.value.filter((r) => r.rowType === 'position' && visibility.value.visible.has(r.id)).length)
  const matchingCount = computed(() => {
    let n = 0
    for (const r of rows.value) if (r.rowType === 'group' && r.level === 0) n += visibility.value.matchCount.get(r.id) ?? 0
    return n
  })

  async function restore(): Promise<void> {
    const [f, c] = await Promise.all([loadUiState(FILTER_KEY, isFilter), loadUiState(COLLAPSED_KEY, isStringArray)])
    if (f) filter.value = { ...emptyFilter(), ...f }
    if (c) collapsed.value = new Set(c)
  }

  let inflight: Promise<void> = Promise.resolve()
  /** Resolves when no positions load is under way (the one now, if any, has ended either way). */
  const settled = (): Promise<void> => inflight

  function load(bookId: number): Promise<void> {
    const current = (inflight = fetchRows(bookId))
    return current
  }

  async function fetchRows(bookId: number): Promise<void> {
    loading.value = true
    error.value = null
    try {
      // Column by column: a third of the bytes and of the validation of rows (contract: positions).
      response.value = positionRowsOf(await useApi().listPositionColumns({ bookId }))
      const next = `${bookId}|${response.value.rows.map((r) => `${r.positionId}:${r.sizeContracts}:${r.avgPrice}`).join(',')}`
      // A first load or a book switch is not a change of holdings (the book id already says so).
      if (fingerprint.startsWith(`${bookId}|`) && next !== fingerprint) revision.value++
      fingerprint = next
    } catch (e) {
      error.value = (e as Error).message
    } finally {
      loading.value = false
    }
  }

  // The store loads its book itself, when the book or the book file changes, from the moment it
  // exists: the margin store creates it first, so listPositions goes out before bookMargin and a
  // desk-scale book's first grid row does not wait behind its margin in the one-threaded host.
  const session = useSessionStore()
  watch(
    () => [session.currentBookId, session.dataRevision] as const,
    ([id]) => {
      if (id !== null) void load(id)
    },
    { immediate: true }
  )

  function setFilter(next: PositionFilter): void {
    filter.value = next
    saveUiState(FILTER_KEY, next)
  }

  function setCollapsed(next: Set<string>): void {
    collapsed.value = next
    saveUiState(COLLAPSED_KEY, [...next])
  }

  function toggle(groupId: string): void {
    const next = new Set(collapsed.value)
    if (next.has(groupId)) next.delete(groupId)
    else next.add(groupId)
    setCollapsed(next)
  }

  const expandAll = (): void => setCollapsed(new Set())
  const collapseAll = (): void =>
    setCollapsed(new Set(rows.value.filter((r) => r.rowType === 'group' && r.level === 2).map((r) => r.id)))

  return { response, revision, rows, visibility, loading, error, filter, collapsed, positionCount, shownCount, matchingCount, restore, load, settled, setFilter, toggle, expandAll, collapseAll }
})
