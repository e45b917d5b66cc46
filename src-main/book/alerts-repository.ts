/**
 * Margin alert rules and the alert log (book schema 9, issue 22 §1). Rules are kept per book; a
 * what-if copy without rules of its own is held to its parent's (the trader set them once, on the
 * live book). The log is append-only: breaches, clearings and re-armings, each with the market the
 * figures were computed on.
 */
import type { BookDb } from './database'
import { recordAudit } from './audit'
import { ALERT_RULE_KINDS, type AlertRule, type AlertRuleKind, type AlertState } from '../engine/alerts/alert-rules'

interface RuleRow {
  pool_key: string
  rule: AlertRuleKind
  underlying: string
  threshold: number
  enabled: number
}

const toRule = (r: RuleRow): AlertRule => ({ poolKey: r.pool_key, rule: r.rule, underlying: r.underlying, threshold: r.threshold, enabled: r.enabled === 1 })

/** The book's own rules (none: []). */
export function ownAlertRules(db: BookDb, bookId: number): AlertRule[] {
  const rows = db.prepare('SELECT pool_key, rule, underlying, threshold, enabled FROM alert_rules WHERE book_id = ? ORDER BY pool_key, rule, underlying').all(bookId) as RuleRow[]
  return rows.map(toRule)
}

/** The rules a book is held to: its own, else its nearest ancestor's that has some (what-if copies), else none (the defaults then apply). */
export function alertRulesFor(db: BookDb, bookId: number): { rules: AlertRule[]; fromBookId: number | null } {
  const parent = db.prepare('SELECT parent_id FROM books WHERE id = ?')
  const seen = new Set<number>()
  for (let id: number | null = bookId; id !== null && !seen.has(id); ) {
    seen.add(id)
    const own = ownAlertRules(db, id)
    if (own.length) return { rules: own, fromBookId: id }
    id = (parent.get(id) as { parent_id: number | null } | undefined)?.parent_id ?? null
  }
  return { rules: [], fromBookId: null }
}

/** Replace the book's rules with these, in one transaction with an audit row. */
export function saveAlertRules(db: BookDb, bookId: number, rules: readonly AlertRule[], now = new Date()): void {
  const insert = db.prepare('INSERT INTO alert_rules (book_id, pool_key, rule, underlying, threshold, enabled, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
  db.transaction(() => {
    const before = ownAlertRules(db, bookId)
    db.prepare('DELETE FROM alert_rules WHERE book_id = ?').run(bookId)
    for (const r of rules) insert.run(bookId, r.poolKey, r.rule, r.underlying, r.threshold, r.enabled ? 1 : 0, now.toISOString())
    recordAudit(db, { bookId, entity: 'alert_rules', entityId: bookId, action: 'saved', detail: { before, after: rules } }, now)
  })()
}

export interface AlertLogEntry {
  id: number
  atMs: number
  poolKey: string
  rule: AlertRuleKind
  underlying: string
  event: 'breach' | 'clear' | 'rearm'
  value: number | null
  threshold: number
  /** What evaluated it: "import transaction_log.csv", "what-if edit", "cli check", … */
  cause: string
  marketSnapshotId: string | null
  marketAsOfMs: number | null
}

interface LogRow {
  id: number
  at_ms: number
  pool_key: string
  rule: AlertRuleKind
  underlying: string
  event: AlertLogEntry['event']
  value: number | null
  threshold: number
  cause: string
  market_snapshot_id: string | null
  market_as_of_ms: number | null
}

const toEntry = (r: LogRow): AlertLogEntry => ({
  id: r.id, atMs: r.at_ms, poolKey: r.pool_key, rule: r.rule, underlying: r.underlying, event: r.event, value: r.value, threshold: r.threshold, cause: r.cause, marketSnapshotId: r.market_snapshot_id, marketAsOfMs: r.market_as_of_ms
})

/** Append entries (inside the caller's transaction, or its own). */
export function appendAlertLog(db: BookDb, bookId: number, entries: readonly Omit<AlertLogEntry, 'id'>[]): void {
  const insert = db.prepare('INSERT INTO alert_log (book_id, at_ms, pool_key, rule, underlying, event, value, threshold, cause, market_snapshot_id, market_as_of_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
  db.transaction(() => {
    for (const e of entries) {
      // A log row states the threshold it was checked against: never a made-up one.
      if (!Number.isFinite(e.threshold)) throw new Error(`alert log: ${e.poolKey} ${e.rule}: threshold ${e.threshold} is not a number; nothing logged`)
      insert.run(bookId, e.atMs, e.poolKey, e.rule, e.underlying, e.event, e.value, e.threshold, e.cause, e.marketSnapshotId, e.marketAsOfMs)
    }
  })()
}

/** The newest entries first, at most `limit`. */
export function alertLog(db: BookDb, bookId: number, limit = 500): AlertLogEntry[] {
  const rows = db.prepare('SELECT * FROM alert_log WHERE book_id = ? ORDER BY id DESC LIMIT ?').all(bookId, limit) as LogRow[]
  return rows.map(toEntry)
}

/**
 * Each alert's last event: the state the next evaluation starts from. One pass over the book's log
 * (SQLite returns the other columns from the row holding MAX(id): its documented bare-column rule,
 * https://sqlite.org/lang_select.html#bareagg), by the index alert_log_last.
 */
export function alertStates(db: BookDb, bookId: number): AlertState[] {
  const rows = db
    .prepare('SELECT pool_key, rule, underlying, event, threshold, value, MAX(id) AS id FROM alert_log WHERE book_id = ? GROUP BY pool_key, rule, underlying')
    .all(bookId) as { pool_key: string; rule: AlertRuleKind; underlying: string; event: AlertState['event']; threshold: number; value: number | null }[]
  return rows
    .filter((r) => (ALERT_RULE_KINDS as readonly string[]).includes(r.rule))
    .map((r) => ({ poolKey: r.pool_key, rule: r.rule, underlying: r.underlying, event: r.event, threshold: r.threshold, value: r.value }))
}
