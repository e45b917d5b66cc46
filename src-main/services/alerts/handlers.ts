/**
 * Margin alerts through the API: status, rules, evaluation, re-arming; and the hook the API
 * service runs after every method that changes a book, which evaluates that book's rules, logs what
 * changed and sends `alerts.raised` to the hosts (the workstation notifies the trader).
 */
import type { alertsMethods } from '@contract/alerts'
import type { ResponseOf } from '@contract/api'
import { alertRulesFor, saveAlertRules } from '../../book/alerts-repository'
import { ruleProblem } from '../../engine/alerts/alert-rules'
import { InvalidDocumentError } from '../errors'
import type { HandlerSlice, ServiceContext } from '../service-context'
import { alertStatus, evaluateAlerts, rearmAlert, type AlertInputs, type AlertStatus } from './alerts-service'

/** What the alerts read from the other domains: the book's margin answer (memoised) and the positions' deltas. */
export interface AlertSources {
  margin(bookId: number): Promise<ResponseOf<'bookMargin'>>
  positions(bookId: number): Promise<ResponseOf<'listPositions'>>
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

export async function alertInputs(ctx: ServiceContext, sources: AlertSources, bookId: number): Promise<AlertInputs> {
  const margin = await sources.margin(bookId)
  // The market the margin was computed on: its id is the answer's, its as-of one column (not the payload).
  const asOf = margin.marketId === null ? undefined : (ctx.db.prepare('SELECT as_of_ms FROM market_snapshots WHERE id = ?').get(margin.marketId) as { as_of_ms: number } | undefined)
  // The positions' valuation is asked only when a rule this book is held to is a delta limit; it is
  // awaited up front so the evaluation itself stays synchronous (one transaction).
  let rows: ResponseOf<'listPositions'>['rows'] | null = null
  const needDelta = alertRulesFor(ctx.db, bookId).rules.some((r) => r.enabled && r.rule === 'delta-limit')
  if (needDelta && margin.health.length) rows = (await sources.positions(bookId)).rows
  return {
    margin,
    deltas: () => (rows ?? []).map((r) => ({ positionId: r.positionId, underlying: r.underlying, deltaCoin: r.valuation?.deltaCoin ?? null })),
    market: margin.marketId !== null && asOf ? { id: margin.marketId, asOfMs: asOf.as_of_ms } : null
  }
}

/** The books copied from this one, and from those, and so on. */
function descendantsOf(ctx: ServiceContext, bookId: number): number[] {
  const rows = ctx.db.prepare('SELECT id, parent_id FROM books').all() as { id: number; parent_id: number | null }[]
  const out: number[] = []
  for (let frontier = [bookId]; frontier.length; ) {
    const next = rows.filter((r) => r.parent_id !== null && frontier.includes(r.parent_id) && !out.includes(r.id) && r.id !== bookId).map((r) => r.id)
    out.push(...next)
    frontier = next
  }
  return out
}

const statusView = (bookId: number, s: AlertStatus): ResponseOf<'alertStatus'> => ({
  bookId,
  rulesFromBookId: s.rulesFromBookId,
  rules: s.rules,
  effective: s.effective,
  checks: s.checks,
  raised: s.raised.map((r) => ({ ...r, rule: r.rule as ResponseOf<'alertStatus'>['raised'][number]['rule'] })),
  log: s.log.map(({ atMs, marketAsOfMs, ...e }) => ({ ...e, atUtc: new Date(atMs).toISOString(), marketAsOfUtc: iso(marketAsOfMs) })),
  marketId: s.marketId,
  marketAsOfUtc: iso(s.marketAsOfMs)
})

/**
 * Evaluate a book's rules after a change (`cause` says which), log the transitions and send them as
 * an event. A book file opened view-only is evaluated without writing.
 */
export async function evaluateAfterChange(ctx: ServiceContext, sources: AlertSources, bookId: number, cause: string, nowMs = Date.now()) {
  const inputs = await alertInputs(ctx, sources, bookId)
  const result = evaluateAlerts(ctx.db, bookId, inputs, cause, nowMs, ctx.file.state === 'ok')
  if (result.transitions.length) ctx.events.emit({ type: 'alerts.raised', bookId, cause, transitions: result.transitions.map((t) => ({ event: t.event, ...t.check })) })
  return result
}

export function alertsHandlers(ctx: ServiceContext, sources: AlertSources): HandlerSlice<keyof typeof alertsMethods> {
  const status = async (bookId: number): Promise<ResponseOf<'alertStatus'>> => statusView(bookId, alertStatus(ctx.db, bookId, await alertInputs(ctx, sources, bookId)))
  return {
    alertStatus: ({ bookId }) => status(bookId),
    saveAlertRules: async ({ bookId, rules }) => {
      ctx.bookContext(bookId) // an unknown book is not_found before anything is written
      rules.forEach((r, i) => {
        const problem = ruleProblem(r)
        if (problem) throw new InvalidDocumentError(`rules[${i}] (${r.poolKey || 'every pool'}, ${r.rule}): ${problem}`, `rules.${i}.${problem.split(':')[0]}`)
      })
      const seen = new Set<string>()
      rules.forEach((r, i) => {
        const k = `${r.poolKey}\u0000${r.rule}\u0000${r.underlying}`
        if (seen.has(k)) throw new InvalidDocumentError(`rules[${i}] (${r.poolKey || 'every pool'}, ${r.rule}${r.underlying ? ` ${r.underlying}` : ''}): set twice`, `rules.${i}`)
        seen.add(k)
      })
      saveAlertRules(ctx.db, bookId, rules)
      // This book and its what-if copies, which are held to its rules unless they have their own.
      for (const id of [bookId, ...descendantsOf(ctx, bookId)]) await evaluateAfterChange(ctx, sources, id, 'alert rules edited')
      return status(bookId)
    },
    evaluateAlerts: async ({ bookId }) => {
      const r = await evaluateAfterChange(ctx, sources, bookId, 'evaluated on request')
      return {
        bookId,
        checks: r.checks,
        breached: r.breached,
        transitions: r.transitions.map((t) => ({ event: t.event, check: t.check })),
        marketId: r.market?.id ?? null,
        marketAsOfUtc: iso(r.market?.asOfMs ?? null)
      }
    },
    rearmAlert: async ({ bookId, ...a }) => {
      if (rearmAlert(ctx.db, bookId, a, await alertInputs(ctx, sources, bookId), Date.now())) await evaluateAfterChange(ctx, sources, bookId, 're-armed by the trader')
      return status(bookId)
    }
  }
}
