/**
 * How old each underlying's market is against the clock, and whether that is stale: amber past the
 * first threshold, red past the second (defaults 1 h and 24 h; the trader sets them in the Market
 * view, kept in the book file). The clock is read here, in the view, never in the engine.
 */
import { computed, onBeforeUnmount, ref } from 'vue'
import { defineStore } from 'pinia'
import { useSessionStore } from '../stores/use-session-store'
import { loadUiState, saveUiState } from '../api/use-ui-state'

export interface Staleness {
  amberMinutes: number
  redMinutes: number
}
const KEY = 'market.staleness'
const DEFAULTS: Staleness = { amberMinutes: 60, redMinutes: 24 * 60 }
const isStaleness = (v: unknown): v is Staleness =>
  typeof v === 'object' && v !== null && Number.isFinite((v as Staleness).amberMinutes) && Number.isFinite((v as Staleness).redMinutes)

export const useStalenessStore = defineStore('staleness', () => {
  const thresholds = ref<Staleness>({ ...DEFAULTS })
  let restored = false
  async function restore(): Promise<void> {
    if (restored) return
    restored = true
    const saved = await loadUiState(KEY, isStaleness)
    if (saved) thresholds.value = saved
  }
  function set(next: Staleness): void {
    const amber = Math.max(1, Math.round(next.amberMinutes))
    thresholds.value = { amberMinutes: amber, redMinutes: Math.max(amber, Math.round(next.redMinutes)) }
    saveUiState(KEY, thresholds.value, 0)
  }
  return { thresholds, restore, set }
})

/** "3 min", "5 h", "997 d" */
export function formatAge(minutes: number): string {
  if (minutes < 90) return `${Math.max(0, Math.round(minutes))} min`
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h`
  return `${Math.round(minutes / 1440).toLocaleString('en-US')} d`
}

export function useMarketAge() {
  const session = useSessionStore()
  const staleness = useStalenessStore()
  void staleness.restore()
  const now = ref(Date.now())
  const timer = setInterval(() => (now.value = Date.now()), 30_000)
  onBeforeUnmount(() => clearInterval(timer))
  const ages = computed(() =>
    (session.market?.underlyings ?? []).map((u) => {
      const minutes = (now.value - Date.parse(u.asOfUtc)) / 60_000
      const { amberMinutes, redMinutes } = staleness.thresholds
      const level = minutes >= redMinutes ? 'red' : minutes >= amberMinutes ? 'amber' : 'fresh'
      return { underlying: u.underlying, asOfUtc: u.asOfUtc, source: u.source, minutes, age: formatAge(minutes), level } as const
    })
  )
  const worst = computed(() => (ages.value.some((a) => a.level === 'red') ? 'red' : ages.value.some((a) => a.level === 'amber') ? 'amber' : 'fresh'))
  return { ages, worst }
}
