/**
 * What every hedging mode shares, owned by the hedging view and handed to its modes: the margining
 * group and its methods, the objective, the candidate constraints, one operation at a time (a solve
 * or an apply), and booking a suggestion into a what-if book. `useHedgeMode` is a mode's side of it:
 * its solve as a task (progress, Cancel), its error and its Apply.
 */
import { computed, inject, provide, ref, watch, type ComputedRef, type InjectionKey, type Ref } from 'vue'
import type { MarginMethodName } from '@contract/api'
import { useSessionStore } from '../../stores/use-session-store'
import { useMarginStore, groupKey, type MarginGroup } from '../../stores/use-margin-store'
import { useWhatIfStore } from '../../stores/use-whatif-store'
import { useTask, type Task } from '../../lib/use-task'

export type HedgeMode = 'hedge' | 'reduce' | 'greeks'
export type CandidateKind = 'perpetual' | 'future' | 'option'
/** A suggested trade as every solver returns it: what Apply books, at its fill. */
export interface HedgeTrade {
  symbol: string
  side: 'buy' | 'sell'
  contracts: number
  fillPrice: number
}

export interface HedgeForm {
  /** Minimise the method's margin by hedging, close the least costly parts of the book to reach a utilisation target, or hedge Greeks. */
  mode: Ref<HedgeMode>
  groupId: Ref<string | null>
  groups: ComputedRef<MarginGroup[]>
  group: ComputedRef<MarginGroup | null>
  methods: ComputedRef<MarginMethodName[]>
  /** The group's underlying: its risk unit (OKX), else the settlement coin (Deribit inverse). */
  underlying: ComputedRef<string>
  /** A margin method's IM, or the book's 97.5 % historical ES ('es'). */
  method: Ref<MarginMethodName | 'es'>
  kinds: Ref<CandidateKind[]>
  maxExpiryDays: Ref<number>
  moneyLow: Ref<number>
  moneyHigh: Ref<number>
  maxLegs: Ref<number>
  /** Every hedge sells no option the account does not hold short already, unless unticked (issue 17 §6). */
  noNewShortOptions: Ref<boolean>
  toggleKind(k: CandidateKind): void
  /** A solve or an apply is under way (in any mode): one at a time. */
  busy: Ref<boolean>
  /** The what-if book the last suggestion was booked into. */
  applied: Ref<string | null>
  /** Bumped when every mode's suggestion is dropped: a new solve, an apply, another book. */
  cleared: Ref<number>
}

const KEY: InjectionKey<HedgeForm> = Symbol('hedge-form')

/** Create the shared form (the hedging view, once) and hand it to its modes. */
export function provideHedgeForm(): HedgeForm {
  const session = useSessionStore()
  const margin = useMarginStore()
  const mode = ref<HedgeMode>('hedge')
  const groupId = ref<string | null>(null)
  const method = ref<MarginMethodName | 'es'>('deribit-pm')
  const kinds = ref<CandidateKind[]>(['perpetual', 'future', 'option'])
  const groups = computed(() => margin.margin?.accounts ?? [])
  const group = computed(() => groups.value.find((g) => groupKey(g) === groupId.value) ?? groups.value[0] ?? null)
  const methods = computed(() => (group.value?.results ?? []).map((r) => r.method))
  const cleared = ref(0)
  watch(groups, (gs) => {
    if (!gs.some((g) => groupKey(g) === groupId.value)) groupId.value = gs[0] ? groupKey(gs[0]) : null
  }, { immediate: true })
  watch([methods, () => mode.value], ([ms]) => {
    if (method.value === 'es' && mode.value === 'hedge') return
    if (!ms.includes(method.value as MarginMethodName)) method.value = (ms.includes('deribit-pm') ? 'deribit-pm' : ms.includes('okx-pm') ? 'okx-pm' : ms[0]) ?? 'span'
  }, { immediate: true })
  watch(() => session.currentBookId, () => cleared.value++)
  const form: HedgeForm = {
    mode,
    groupId,
    groups,
    group,
    methods,
    underlying: computed(() => group.value?.riskUnit ?? group.value?.currency ?? ''),
    method,
    kinds,
    maxExpiryDays: ref(120),
    moneyLow: ref(0.7),
    moneyHigh: ref(1.3),
    maxLegs: ref(4),
    noNewShortOptions: ref(true),
    toggleKind: (k) => {
      kinds.value = kinds.value.includes(k) ? kinds.value.filter((x) => x !== k) : [...kinds.value, k]
    },
    busy: ref(false),
    applied: ref(null),
    cleared
  }
  provide(KEY, form)
  return form
}

export function useHedgeForm(): HedgeForm {
  const form = inject(KEY)
  if (!form) throw new Error('a hedging mode is used outside the hedging view')
  return form
}

export interface HedgeModeRun<T> {
  form: HedgeForm
  task: Task<T>
  /** The solve's error, or the apply's. */
  error: ComputedRef<string | null>
  /** Solve for the selected group of the current book; ignored while anything runs. */
  run(solve: (taskId: string, group: MarginGroup, bookId: number) => Promise<T>): Promise<void>
  /** Book the trades into a what-if book: the current one, or a new copy named after `what`. */
  apply(trades: readonly HedgeTrade[], what: string): Promise<void>
}

/** A mode's solve (a task with progress and Cancel) and its Apply, over the shared form. */
export function useHedgeMode<T>(): HedgeModeRun<T> {
  const form = useHedgeForm()
  const session = useSessionStore()
  const whatif = useWhatIfStore()
  const task = useTask<T>('hedge')
  const applyError = ref<string | null>(null)
  watch(form.cleared, () => (task.result.value = null), { flush: 'sync' })

  async function run(solve: (taskId: string, group: MarginGroup, bookId: number) => Promise<T>): Promise<void> {
    const g = form.group.value
    const bookId = session.currentBookId
    if (!g || bookId === null || form.busy.value) return
    form.busy.value = true
    form.applied.value = null
    applyError.value = null
    form.cleared.value++
    try {
      await task.run((taskId) => solve(taskId, g, bookId))
    } finally {
      form.busy.value = false
    }
  }

  async function apply(trades: readonly HedgeTrade[], what: string): Promise<void> {
    if (!trades.length || session.currentBookId === null) return
    form.busy.value = true
    try {
      const accountName = form.group.value!.account
      if (session.currentBook?.kind !== 'whatif') await whatif.copyBook(session.currentBookId, `${what} ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`)
      // At the suggestion's fills (the mark ± half the bid-ask): the prices its cost and equity change assume.
      await whatif.applyTicketsByAccount(accountName, trades.map((t) => ({ symbol: t.symbol, side: t.side, sizeContracts: t.contracts, price: t.fillPrice > 0 ? t.fillPrice : null })))
      form.applied.value = session.currentBook?.name ?? null
      form.cleared.value++
    } catch (e) {
      applyError.value = (e as Error).message
    } finally {
      form.busy.value = false
    }
  }

  return { form, task, error: computed(() => applyError.value ?? task.error.value), run, apply }
}
