/**
 * Margin alerts of a book (issue 22, §1): the pools' figures from the book's margin (the same
 * answer the dashboard shows), the rules the book is held to, the checks, and what changed since
 * the last evaluation, logged in the book with the market the figures were computed on.
 */
import type { BookDb } from '../../book/database'
import { alertLog, alertRulesFor, alertStates, appendAlertLog, type AlertLogEntry } from '../../book/alerts-repository'
import { alertTransitions, checkAlerts, effectiveRules, type AlertCheck, type AlertRule, type AlertTransition, type PoolFigures } from '../../engine/alerts/alert-rules'

/** What the alerts read of a book's margin answer (services/margin/handlers.ts bookMarginView). */
export interface MarginAnswer {
  marketId: string | null
  accounts: readonly { pool: string; positionIds: readonly number[] }[]
  health: readonly {
    pool: string
    currency: string
    imUtilisation: number | null
    mmUtilisation: number | null
    liquidation: readonly { underlying: string; distancePct: number | null }[]
  }[]
}

/** A position's delta as the positions grid shows it (coin of its underlying). */
export interface PositionDelta {
  positionId: number
  underlying: string
  deltaCoin: number | null
}

export interface AlertInputs {
  margin: MarginAnswer
  /** Asked only when a delta limit is set (the positions' valuation is not free on a desk-size book). */
  deltas: () => readonly PositionDelta[]
  market: { id: string; asOfMs: number } | null
}

/** Each pool's figures: utilisations in percent, the nearest liquidation per underlying, net delta per underlying. */
export function poolFigures(inputs: AlertInputs, withDelta: boolean): PoolFigures[] {
  const deltaByPosition = withDelta ? new Map(inputs.deltas().map((d) => [d.positionId, d])) : null
  return inputs.margin.health.map((h) => {
    const deltas = new Map<string, number>()
    if (deltaByPosition)
      for (const a of inputs.margin.accounts)
        if (a.pool === h.pool)
          for (const id of a.positionIds) {
            const d = deltaByPosition.get(id)
            if (d && d.deltaCoin !== null) deltas.set(d.underlying, (deltas.get(d.underlying) ?? 0) + d.deltaCoin)
          }
    return {
      poolKey: h.pool,
      currency: h.currency,
      imUtilisationPct: h.imUtilisation === null ? null : h.imUtilisation * 100,
      mmUtilisationPct: h.mmUtilisation === null ? null : h.mmUtilisation * 100,
      liquidationDistancePct: h.liquidation.map((l) => ({ underlying: l.underlying, distancePct: l.distancePct })),
      deltaCoin: [...deltas].map(([underlying, deltaCoin]) => ({ underlying, deltaCoin }))
    }
  })
}

export interface AlertStatus {
  /** The book whose rules apply (a what-if copy without rules of its own: its parent's); null: the defaults. */
  rulesFromBookId: number | null
  /** The rules stored for that book, as the editor shows them. */
  rules: AlertRule[]
  /** Per pool, every rule it is held to, with where it came from. */
  effective: { poolKey: string; rules: (AlertRule & { source: 'pool' | 'book' | 'default' })[] }[]
  checks: AlertCheck[]
  /** Alerts raised and not cleared (the log's state): what the badges show. */
  raised: { poolKey: string; rule: string; underlying: string }[]
  log: AlertLogEntry[]
  marketId: string | null
  marketAsOfMs: number | null
}

function checksOf(db: BookDb, bookId: number, inputs: AlertInputs): { checks: AlertCheck[]; rules: AlertRule[]; fromBookId: number | null } {
  const { rules, fromBookId } = alertRulesFor(db, bookId)
  const pools = inputs.margin.health.map((h) => h.pool)
  const withDelta = pools.some((p) => effectiveRules(rules, p).some((r) => r.rule.enabled && r.rule.rule === 'delta-limit'))
  return { checks: checkAlerts(poolFigures(inputs, withDelta), rules), rules, fromBookId }
}

/** The book's alerts as they stand, nothing written. */
export function alertStatus(db: BookDb, bookId: number, inputs: AlertInputs): AlertStatus {
  const { checks, rules, fromBookId } = checksOf(db, bookId, inputs)
  const states = alertStates(db, bookId)
  return {
    rulesFromBookId: fromBookId,
    rules,
    effective: inputs.margin.health.map((h) => ({ poolKey: h.pool, rules: effectiveRules(rules, h.pool).map(({ rule, source }) => ({ ...rule, source })) })),
    checks,
    raised: states.filter((s) => s.event === 'breach').map(({ poolKey, rule, underlying }) => ({ poolKey, rule, underlying })),
    log: alertLog(db, bookId, 200),
    marketId: inputs.market?.id ?? null,
    marketAsOfMs: inputs.market?.asOfMs ?? null
  }
}

export interface AlertEvaluation {
  checks: AlertCheck[]
  /** What this evaluation raised or cleared (logged). */
  transitions: AlertTransition[]
  /** Every breached check now. */
  breached: AlertCheck[]
  /** The market the figures were computed on. */
  market: { id: string; asOfMs: number } | null
}

/**
 * Evaluate every rule and log what changed (a breach raised, one cleared), in one transaction.
 * `write: false` (a book file opened read-only): the same answer, nothing logged.
 */
export function evaluateAlerts(db: BookDb, bookId: number, inputs: AlertInputs, cause: string, nowMs: number, write = true): AlertEvaluation {
  const { checks } = checksOf(db, bookId, inputs)
  const transitions = alertTransitions(checks, alertStates(db, bookId))
  if (write && transitions.length)
    appendAlertLog(
      db,
      bookId,
      transitions.map((t) => ({
        atMs: nowMs,
        poolKey: t.check.poolKey,
        rule: t.check.rule,
        underlying: t.check.underlying,
        event: t.event,
        value: t.check.value,
        threshold: t.check.threshold,
        cause,
        marketSnapshotId: inputs.market?.id ?? null,
        marketAsOfMs: inputs.market?.asOfMs ?? null
      }))
    )
  return { checks, transitions, breached: checks.filter((c) => c.breached), market: inputs.market }
}

/**
 * The trader re-arms a raised alert: logged, so the next evaluation raises it again (and notifies)
 * while it is still breached. Re-arming one that is not raised changes nothing.
 */
export function rearmAlert(db: BookDb, bookId: number, a: { poolKey: string; rule: AlertCheck['rule']; underlying: string }, inputs: AlertInputs, nowMs: number): boolean {
  const raised = alertStates(db, bookId).find((s) => s.event === 'breach' && s.poolKey === a.poolKey && s.rule === a.rule && s.underlying === a.underlying)
  if (!raised) return false
  // The figure now, else (the rule gone since) the one the breach was logged with.
  const check = checksOf(db, bookId, inputs).checks.find((c) => c.poolKey === a.poolKey && c.rule === a.rule && c.underlying === a.underlying)
  appendAlertLog(db, bookId, [
    { atMs: nowMs, ...a, event: 'rearm', value: check ? check.value : raised.value, threshold: check?.threshold ?? raised.threshold, cause: 're-armed by the trader', marketSnapshotId: inputs.market?.id ?? null, marketAsOfMs: inputs.market?.asOfMs ?? null }
  ])
  return true
}
