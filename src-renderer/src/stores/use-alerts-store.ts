/**
 * Margin alerts of the current book (issue 22, §1): the rules it is held to, what they say, the
 * raised alerts (the dashboard's badges) and the log. The backend evaluates the rules after every
 * change to a book and sends `alerts.raised`; this store re-reads the status then and, in the
 * browser host, shows the OS notification through the Notification API (permission asked once per
 * book file). The desktop app notifies from its main process instead (its window is refused the
 * web permission).
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import { alertNotification, type AlertsRaisedEvent } from '@contract/alerts'
import type { ResponseOf } from '@contract/api'
import { useAlertsApi } from '../lib/api/alerts'
import { loadUiState, saveUiState } from '../api/use-ui-state'
import { useSessionStore } from './use-session-store'
import { useMarginStore } from './use-margin-store'
import { usePositionsStore } from './use-positions-store'

export type AlertStatus = ResponseOf<'alertStatus'>
export type AlertRuleRow = AlertStatus['rules'][number]

const ASKED_KEY = 'alerts.notificationPermissionAsked'

export const useAlertsStore = defineStore('alerts', () => {
  const session = useSessionStore()
  const margin = useMarginStore()
  const positions = usePositionsStore()
  const status = shallowRef<AlertStatus | null>(null)
  const error = ref<string | null>(null)
  /** The last notification shown by this page (the browser host), for the trader and the tests. */
  const lastNotification = ref<{ title: string; body: string } | null>(null)
  let generation = 0
  let listening = false
  let askedPermission = false

  async function load(): Promise<void> {
    const bookId = session.currentBookId
    if (bookId === null) return
    const mine = ++generation
    try {
      // The positions go first, as the margin store's request waits for them: the status computes
      // the book's margin, and on the host's one thread a 100,000-position book's (about 6 s) held
      // the grid's rows in the socket until it was done (issue 20: first row 12.8 s after load).
      await positions.settled()
      if (mine !== generation) return
      const s = await useAlertsApi().alertStatus({ bookId })
      if (mine !== generation) return
      status.value = s
      error.value = null
    } catch (e) {
      if (mine === generation) error.value = (e as Error).message
    }
  }

  /** Raised alerts per pool: the badges. */
  const raisedByPool = computed(() => {
    const out = new Map<string, AlertStatus['checks']>()
    const s = status.value
    if (!s) return out
    for (const r of s.raised) {
      const check = s.checks.find((c) => c.poolKey === r.poolKey && c.rule === r.rule && c.underlying === r.underlying)
      const list = out.get(r.poolKey) ?? []
      list.push(check ?? { ...r, threshold: NaN, source: 'pool', value: null, breached: true, text: `${r.rule}${r.underlying ? ` ${r.underlying}` : ''}` })
      out.set(r.poolKey, list)
    }
    return out
  })

  async function notify(e: AlertsRaisedEvent): Promise<void> {
    const n = alertNotification(e, session.books.find((b) => b.id === e.bookId)?.name ?? null)
    if (!n) return
    lastNotification.value = n
    if (session.appInfo?.host !== 'browser' || typeof Notification === 'undefined') return
    if (Notification.permission === 'default') {
      // Asked once per book file: a trader who dismissed the prompt is not asked at every alert.
      if (askedPermission || (await loadUiState(ASKED_KEY, (v): v is boolean => v === true))) return
      askedPermission = true
      saveUiState(ASKED_KEY, true, 0)
      if ((await Notification.requestPermission()) !== 'granted') return
    }
    if (Notification.permission === 'granted') new Notification(n.title, { body: n.body, tag: `marginal-alerts-${e.bookId}` })
  }

  function listen(): void {
    if (listening) return
    listening = true
    useAlertsApi().onEvent((e) => {
      if (e.type !== 'alerts.raised') return
      if (e.bookId === session.currentBookId) void load()
      void notify(e as AlertsRaisedEvent)
    })
  }

  async function saveRules(rules: AlertRuleRow[]): Promise<void> {
    const bookId = session.currentBookId
    if (bookId === null) return
    status.value = await useAlertsApi().saveAlertRules({ bookId, rules })
  }

  async function rearm(a: { poolKey: string; rule: AlertRuleRow['rule']; underlying: string }): Promise<void> {
    const bookId = session.currentBookId
    if (bookId === null) return
    status.value = await useAlertsApi().rearmAlert({ bookId, ...a })
  }

  // The checks follow the margin the dashboard shows (same backend memo): re-read when it changes.
  watch(
    () => [session.currentBookId, margin.margin] as const,
    () => void load()
  )

  return { status, error, lastNotification, raisedByPool, load, listen, saveRules, rearm }
})
