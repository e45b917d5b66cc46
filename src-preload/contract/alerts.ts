/**
 * Margin alerts (issue 22, §1): the rules per pool or book-wide, what they say now, the alert log,
 * editing the rules and re-arming a raised alert. The service evaluates the rules after every change
 * to a book (import, market, what-if edit, balances, parameters) and sends `alerts.raised` events.
 */
import { z } from 'zod'
import { BookRequest } from './books'
import type { MethodTable } from './method-table'
import { id, isoUtc } from './primitives'
import { AlertCheckView, AlertRuleKindName } from './alert-check'

export { AlertCheckView, AlertRuleKindName }

/** Utilisations and liquidation distances in percent; a delta limit in coin of its underlying. */
export const AlertRuleView = z
  .object({
    /** The pool's name as its health card shows it, or '' for every pool of the book. */
    poolKey: z.string().max(200),
    rule: AlertRuleKindName,
    /** A delta limit's underlying; '' for the other rules. */
    underlying: z.string().max(20),
    threshold: z.number(),
    enabled: z.boolean()
  })
  .strict()

export const AlertLogView = z.object({
  id: z.number().int(),
  atUtc: isoUtc,
  poolKey: z.string(),
  rule: AlertRuleKindName,
  underlying: z.string(),
  event: z.enum(['breach', 'clear', 'rearm']),
  value: z.number().nullable(),
  threshold: z.number(),
  cause: z.string(),
  marketSnapshotId: z.string().nullable(),
  marketAsOfUtc: isoUtc.nullable()
})

export const AlertStatusResponse = z.object({
  bookId: id,
  /** The book whose rules apply (a what-if copy without its own: its parent's); null: the defaults. */
  rulesFromBookId: id.nullable(),
  rules: z.array(AlertRuleView),
  effective: z.array(z.object({ poolKey: z.string(), rules: z.array(AlertRuleView.extend({ source: z.enum(['pool', 'book', 'default']) })) })),
  checks: z.array(AlertCheckView),
  /** Alerts raised and not cleared: the badges. */
  raised: z.array(z.object({ poolKey: z.string(), rule: AlertRuleKindName, underlying: z.string() })),
  log: z.array(AlertLogView),
  marketId: z.string().nullable(),
  marketAsOfUtc: isoUtc.nullable()
})

export const SaveAlertRulesRequest = z.object({ bookId: id, rules: z.array(AlertRuleView).max(500) }).strict()

export const RearmAlertRequest = z.object({ bookId: id, poolKey: z.string().max(200), rule: AlertRuleKindName, underlying: z.string().max(20) }).strict()

export const AlertTransitionView = z.object({ event: z.enum(['breach', 'clear']), check: AlertCheckView })

export const EvaluateAlertsResponse = z.object({
  bookId: id,
  checks: z.array(AlertCheckView),
  transitions: z.array(AlertTransitionView),
  breached: z.array(AlertCheckView),
  /** The market the checks were computed on. */
  marketId: z.string().nullable(),
  marketAsOfUtc: isoUtc.nullable()
})

export const alertsMethods = {
  /** The rules a book is held to, what they say now, the raised alerts and the newest 200 log rows. */
  alertStatus: { request: BookRequest, response: AlertStatusResponse },
  /** Replace the book's rules (validated, every field named), then evaluate them. */
  saveAlertRules: { request: SaveAlertRulesRequest, response: AlertStatusResponse },
  /** Evaluate every rule now and log what changed (the hosts also do it after every change to the book). */
  evaluateAlerts: { request: BookRequest, response: EvaluateAlertsResponse },
  /** Re-arm a raised alert (logged): it is raised and notified again while still breached. */
  rearmAlert: { request: RearmAlertRequest, response: AlertStatusResponse }
} as const satisfies MethodTable

/** An `alerts.raised` event as the hosts send it. */
export interface AlertsRaisedEvent {
  type: 'alerts.raised'
  bookId: number
  cause: string
  transitions: { event: 'breach' | 'clear'; poolKey: string; text: string }[]
}

/**
 * The OS notification of an evaluation's new breaches (none: null), worded once for both hosts:
 * the Electron main process (Electron's Notification) and the browser host's page (the Notification
 * API). Cleared alerts show on the cards and in the log, without a notification.
 */
export function alertNotification(e: AlertsRaisedEvent, bookName: string | null): { title: string; body: string } | null {
  const breaches = e.transitions.filter((t) => t.event === 'breach')
  if (!breaches.length) return null
  const title = `Margin alert${breaches.length > 1 ? `s (${breaches.length})` : ''}${bookName ? ` · ${bookName}` : ''}`
  const lines = breaches.slice(0, 4).map((t) => `${t.poolKey}: ${t.text}`)
  if (breaches.length > 4) lines.push(`… and ${breaches.length - 4} more (Alerts view)`)
  lines.push(`after: ${e.cause}`)
  return { title, body: lines.join('\n') }
}
