/**
 * Margin alerts as OS notifications in the desktop app (src-main/electron/alert-notifications.ts)
 * with a fake Electron Notification: one notification per evaluation with new breaches, worded by
 * the contract (book, pool, rule text, cause), none for clearings or other events, none where the
 * OS has no notifications; a click focuses the window.
 */
import { describe, expect, it } from 'vitest'
import { EventBus } from '../../src-main/services/event-bus'
import { installAlertNotifications, type Notifier } from '../../src-main/electron/alert-notifications'

const check = { poolKey: 'Deribit main · ETH', rule: 'im-utilisation' as const, underlying: '', threshold: 80, source: 'default' as const, value: 84.2, breached: true, text: 'IM 84.2 % of equity ≥ 80 %' }

function fake(supported = true) {
  const shown: { title: string; body: string; click: () => void }[] = []
  const notifier: Notifier = { isSupported: () => supported, show: (n, onClick) => void shown.push({ ...n, click: onClick }) }
  return { shown, notifier }
}

describe('alert notifications (Electron)', () => {
  it('one notification per evaluation with new breaches, naming book, pool, rule and cause; a click focuses the window', () => {
    const bus = new EventBus()
    const { shown, notifier } = fake()
    let focused = 0
    const off = installAlertNotifications(bus, notifier, (id) => (id === 3 ? 'Sell ETH calls' : null), () => focused++)
    bus.emit({ type: 'alerts.raised', bookId: 3, cause: 'what-if trade', transitions: [{ event: 'breach', ...check }, { event: 'breach', ...check, rule: 'liquidation-distance', underlying: 'ETH', text: 'ETH index 8 % from liquidation ≤ 10 %' }] })
    expect(shown).toHaveLength(1)
    expect(shown[0]!.title).toBe('Margin alerts (2) · Sell ETH calls')
    expect(shown[0]!.body).toBe('Deribit main · ETH: IM 84.2 % of equity ≥ 80 %\nDeribit main · ETH: ETH index 8 % from liquidation ≤ 10 %\nafter: what-if trade')
    shown[0]!.click()
    expect(focused).toBe(1)
    off()
    bus.emit({ type: 'alerts.raised', bookId: 3, cause: 'x', transitions: [{ event: 'breach', ...check }] })
    expect(shown).toHaveLength(1)
  })

  it('clearings, other events and an OS without notifications show nothing', () => {
    const bus = new EventBus()
    const { shown, notifier } = fake()
    installAlertNotifications(bus, notifier, () => null, () => {})
    bus.emit({ type: 'alerts.raised', bookId: 1, cause: 'what-if edit', transitions: [{ event: 'clear', ...check, breached: false }] })
    bus.emit({ type: 'task.progress', taskId: 't', done: 1, total: 2 })
    expect(shown).toEqual([])
    const none = fake(false)
    const bus2 = new EventBus()
    installAlertNotifications(bus2, none.notifier, () => null, () => {})
    bus2.emit({ type: 'alerts.raised', bookId: 1, cause: 'c', transitions: [{ event: 'breach', ...check }] })
    expect(none.shown).toEqual([])
  })
})
