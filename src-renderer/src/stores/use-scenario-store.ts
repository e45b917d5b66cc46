/**
 * The scenario editor's state: the scenario being edited, the saved ones, and the one applied to
 * the grids. An applied scenario follows the open book: switching book or changing its positions
 * re-values it, and the positions grid shows each position's P&L under it (USD) in its scenario
 * column, like a risk-array drill-through.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { RunScenarioResponse, SavedScenario, ScenarioSpec } from '@contract/api'
import { useApi } from '../api/api'
import { useSessionStore } from './use-session-store'
import { usePositionsStore } from './use-positions-store'

export const useScenarioStore = defineStore('scenario', () => {
  const session = useSessionStore()
  const positions = usePositionsStore()
  const saved = ref<SavedScenario[]>([])
  const result = shallowRef<RunScenarioResponse | null>(null)
  const appliedName = ref<string | null>(null)
  const applied = ref<ScenarioSpec | null>(null)
  const error = ref<string | null>(null)

  async function loadSaved(): Promise<void> {
    saved.value = await useApi().savedScenarios({})
  }

  async function run(spec: ScenarioSpec): Promise<RunScenarioResponse | null> {
    const bookId = session.currentBookId
    if (bookId === null) return null
    try {
      result.value = await useApi().runScenario({ bookId, scenario: spec })
      error.value = null
    } catch (e) {
      error.value = (e as Error).message
      result.value = null
    }
    return result.value
  }

  async function apply(name: string, spec: ScenarioSpec): Promise<void> {
    applied.value = spec
    appliedName.value = name
    await run(spec)
  }
  function clear(): void {
    applied.value = null
    appliedName.value = null
  }

  async function save(name: string, spec: ScenarioSpec): Promise<void> {
    saved.value = await useApi().saveScenario({ name, scenario: spec })
  }
  async function remove(name: string): Promise<void> {
    saved.value = await useApi().deleteScenario({ name })
  }

  watch(
    () => [session.currentBookId, positions.revision] as const,
    () => {
      if (applied.value) void run(applied.value)
    }
  )

  const pnlByPosition = computed(() => new Map((applied.value ? (result.value?.positions ?? []) : []).map((p) => [p.positionId, p.pnlUsd])))

  return { saved, result, applied, appliedName, error, loadSaved, run, apply, clear, save, remove, pnlByPosition }
})
