// @vitest-environment happy-dom
/**
 * The alerts store: an `alerts.raised` event for the current book re-reads the status (the
 * badges); a breach is shown as an OS notification in the browser host (the Notification API,
 * permission asked once per book file, never again after a refusal), never in the desktop app
 * (its main process notifies); clearings notify nothing.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { AlertStatusResponse } from '@contract/alerts'
import type { ApiEvent, AppInfo } from '@contract/api'
import type { z } from 'zod'
import { useSessionStore } from '../../../src-renderer/src/stores/use-session-store'
import { useAlertsStore } from '../../../src-renderer/src/stores/use-alerts-store'
import { heldPositions, installFakeApi } from '../support/fake-api'
import { book, bookMargin, deribitGroup, market } from '../support/fixtures'

const POOL = 'Deribit main · BTC'
const check = { poolKey: POOL, rule: 'im-utilisation' as const, underlying: '', threshold: 80, source: 'default' as const, value: 84.2, breached: true, text: 'IM 84.2 % of equity ≥ 80 %' }
const status = (raised: boolean): z.input<typeof AlertStatusResponse> => ({
  bookId: 2, rulesFromBookId: null, rules: [], effective: [], checks: [check], raised: raised ? [{ poolKey: POOL, rule: 'im-utilisation', underlying: '' }] : [], log: [], marketId: 'snap-2', marketAsOfUtc: '2026-11-20T09:00:00.000Z'
})
const raisedEvent = (event: 'breach' | 'clear'): ApiEvent => ({ type: 'alerts.raised', bookId: 2, cause: 'what-if trade', transitions: [{ event, ...check, breached: event === 'breach' }] })

/** A stand-in for the browser's Notification: records what is shown and how often permission is asked. */
function fakeNotification(permission: NotificationPermission, answer: NotificationPermission) {
  const shown: { title: string; body?: string }[] = []
  const asked = { n: 0 }
  const F = function (this: unknown, title: string, options?: NotificationOptions) {
    shown.push({ title, body: options?.body })
  } as unknown as { permission: NotificationPermission; requestPermission(): Promise<NotificationPermission> }
  F.permission = permission
  F.requestPermission = async () => {
    asked.n++
    F.permission = answer
    return answer
  }
  vi.stubGlobal('Notification', F)
  return { shown, asked }
}

function fake(host: AppInfo['host'], raised: { now: boolean }) {
  const appInfo: AppInfo = { appVersion: '0.1.0', host, bookPath: '/tmp/book.sqlite', schemaVersion: 9, sqliteVersion: '3.46', workerCount: 2, bookState: 'ok', bookStateReason: null }
  return installFakeApi({
    appInfo: async () => appInfo,
    listBooks: async () => [book(2, 'live', 'My book')],
    engineStatus: async () => ({ workerCount: 2, busyWorkers: 0, queuedTasks: 0, workersReplaced: 0, tasksCompleted: 0 }),
    currentMarket: async ({ bookId }) => ({ snapshot: market(`snap-${bookId}`) }),
    bookMargin: async () => bookMargin([deribitGroup()]),
    alertStatus: async () => status(raised.now)
  })
}

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => vi.unstubAllGlobals())

describe('alerts store', () => {
  it('browser host: a breach event re-reads the badges and notifies; permission asked once; a clearing notifies nothing', async () => {
    const raised = { now: false }
    const api = fake('browser', raised)
    const n = fakeNotification('default', 'granted')
    const alerts = useAlertsStore()
    alerts.listen()
    await useSessionStore().start()
    await flushPromises()
    expect(alerts.raisedByPool.get(POOL)).toBeUndefined()

    raised.now = true
    api.emit(raisedEvent('breach'))
    await flushPromises()
    expect(alerts.raisedByPool.get(POOL)?.map((c) => c.text)).toEqual(['IM 84.2 % of equity ≥ 80 %'])
    expect(n.asked.n).toBe(1)
    expect(n.shown).toEqual([{ title: 'Margin alert · My book', body: `${POOL}: IM 84.2 % of equity ≥ 80 %\nafter: what-if trade` }])
    expect(alerts.lastNotification?.title).toBe('Margin alert · My book')

    api.emit(raisedEvent('breach'))
    await flushPromises()
    expect(n.asked.n).toBe(1)
    expect(n.shown).toHaveLength(2)

    raised.now = false
    api.emit(raisedEvent('clear'))
    await flushPromises()
    expect(n.shown).toHaveLength(2)
    expect(alerts.raisedByPool.get(POOL)).toBeUndefined()
  })

  it('asks for the status only once the book\'s positions have arrived: it computes the margin, and the host answers one request at a time', async () => {
    const order: string[] = []
    const held = heldPositions(order)
    const api = installFakeApi({
      appInfo: async () => ({ appVersion: '0.1.0', host: 'browser', bookPath: '/tmp/book.sqlite', schemaVersion: 10, sqliteVersion: '3.46', workerCount: 2, bookState: 'ok', bookStateReason: null }),
      listBooks: async () => [book(2, 'live', 'My book')],
      engineStatus: async () => ({ workerCount: 2, busyWorkers: 0, queuedTasks: 0, workersReplaced: 0, tasksCompleted: 0 }),
      currentMarket: async ({ bookId }) => ({ snapshot: market(`snap-${bookId}`) }),
      listPositionColumns: held.listPositionColumns,
      bookMargin: async () => bookMargin([deribitGroup()]),
      alertStatus: async () => {
        order.push('alertStatus asked')
        return status(false)
      }
    })
    useAlertsStore()
    await useSessionStore().start()
    await flushPromises()
    expect(order).toEqual(['listPositions asked'])
    held.release()
    await flushPromises()
    expect(order.slice(0, 3)).toEqual(['listPositions asked', 'listPositions answered', 'alertStatus asked'])
    expect(api.alertStatus).toHaveBeenCalled()
  })

  it('a refused permission is not asked again (kept in the book file); the desktop app leaves notifying to its main process', async () => {
    const api = fake('browser', { now: true })
    const n = fakeNotification('default', 'denied')
    const alerts = useAlertsStore()
    alerts.listen()
    await useSessionStore().start()
    api.emit(raisedEvent('breach'))
    await flushPromises()
    ;(globalThis as unknown as { Notification: { permission: string } }).Notification.permission = 'default'
    api.emit(raisedEvent('breach'))
    await flushPromises()
    expect(n.asked.n).toBe(1)
    expect(n.shown).toEqual([])
    // The UI state is saved on the next turn (debounced): waited for, not slept on.
    await vi.waitFor(() => expect(api.uiState.get('alerts.notificationPermissionAsked')).toBe(true))

    setActivePinia(createPinia())
    const desktop = fake('electron', { now: true })
    const m = fakeNotification('granted', 'granted')
    const a2 = useAlertsStore()
    a2.listen()
    await useSessionStore().start()
    desktop.emit(raisedEvent('breach'))
    await flushPromises()
    expect(m.shown).toEqual([])
    expect(a2.lastNotification?.title).toBe('Margin alert · My book')
  })
})
