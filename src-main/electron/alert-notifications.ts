/**
 * Margin alerts as OS notifications in the desktop app (issue 22, §1): each `alerts.raised` event
 * with a new breach becomes one Electron Notification, worded by the contract (the browser host's
 * page words its own the same way). The window's renderer is refused the web Notification permission
 * (permissions.ts), so the main process is the one that notifies. Electron is injected: tests pass fakes.
 */
import { alertNotification, type AlertsRaisedEvent } from '@contract/alerts'
import type { ApiEvent } from '@contract/api'

export interface Notifier {
  isSupported(): boolean
  show(n: { title: string; body: string }, onClick: () => void): void
}

/** Subscribe; returns the unsubscribe. `bookName` names the book in the title; `focus` brings the window up on a click. */
export function installAlertNotifications(events: { on(l: (e: ApiEvent) => void): () => void }, notifier: Notifier, bookName: (bookId: number) => string | null, focus: () => void): () => void {
  return events.on((e) => {
    if (e.type !== 'alerts.raised' || !notifier.isSupported()) return
    const n = alertNotification(e as AlertsRaisedEvent, bookName(e.bookId))
    if (n) notifier.show(n, focus)
  })
}
