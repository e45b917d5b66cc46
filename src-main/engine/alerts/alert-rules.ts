/**
 * Margin alert rules (issue 22, §1): thresholds on a margin pool's IM and MM utilisation, its
 * liquidation distance and, optionally, its delta per underlying; what they say of the pools'
 * figures; and which alerts a new evaluation raises or clears against the last state.
 *
 * Rules are kept per pool or book-wide (pool ''), the pool's own rule winning. Defaults, ours,
 * after what desks ask of the tools they already use (IB Risk Navigator's margin alerts, Binance's
 * margin-call levels): IM 80 % of equity, MM 90 %, the index within 10 % of a liquidation level.
 * A delta limit has no default: it is the desk's own number.
 *
 * Pure: no I/O, no clock.
 */

export const ALERT_RULE_KINDS = ['im-utilisation', 'mm-utilisation', 'liquidation-distance', 'delta-limit'] as const
export type AlertRuleKind = (typeof ALERT_RULE_KINDS)[number]

/** A rule as the trader sets it. Thresholds: utilisations and distances in percent, delta limits in coin of the underlying. */
export interface AlertRule {
  /** The pool it watches (the health card's name), or '' for every pool of the book. */
  poolKey: string
  rule: AlertRuleKind
  /** The underlying of a delta limit; '' for the other rules. */
  underlying: string
  threshold: number
  enabled: boolean
}

/** Where an effective rule came from. */
export type AlertRuleSource = 'pool' | 'book' | 'default'

export const DEFAULT_ALERT_RULES: readonly AlertRule[] = [
  { poolKey: '', rule: 'im-utilisation', underlying: '', threshold: 80, enabled: true },
  { poolKey: '', rule: 'mm-utilisation', underlying: '', threshold: 90, enabled: true },
  { poolKey: '', rule: 'liquidation-distance', underlying: '', threshold: 10, enabled: true }
]

/** What a rule reads of a pool. Utilisations in percent (null: margin due with no equity, i.e. infinite). */
export interface PoolFigures {
  poolKey: string
  currency: string
  imUtilisationPct: number | null
  mmUtilisationPct: number | null
  /** Per underlying the pool holds: the nearest liquidation level's distance, % of the index (null: none in the search's range). */
  liquidationDistancePct: { underlying: string; distancePct: number | null }[]
  /** Per underlying the pool holds: net delta in coin of the underlying. */
  deltaCoin: { underlying: string; deltaCoin: number }[]
}

/** One rule applied to one pool (and underlying). */
export interface AlertCheck {
  poolKey: string
  rule: AlertRuleKind
  underlying: string
  threshold: number
  source: AlertRuleSource
  /** The figure compared (percent or coin); null when infinite or not defined (see `breached`). */
  value: number | null
  breached: boolean
  /** Plain words: "IM 84.2 % of equity ≥ 80 %". */
  text: string
}

const key = (r: { poolKey: string; rule: string; underlying: string }): string => `${r.poolKey}\u0000${r.rule}\u0000${r.underlying}`

/** The rule each pool is held to: its own, else the book's, else the default; disabled rules are returned too (not checked). */
export function effectiveRules(stored: readonly AlertRule[], poolKey: string): { rule: AlertRule; source: AlertRuleSource }[] {
  const out = new Map<string, { rule: AlertRule; source: AlertRuleSource }>()
  const add = (r: AlertRule, source: AlertRuleSource): void => {
    const k = `${r.rule}\u0000${r.underlying}`
    if (!out.has(k)) out.set(k, { rule: { ...r, poolKey }, source })
  }
  for (const r of stored) if (r.poolKey === poolKey && poolKey !== '') add(r, 'pool')
  for (const r of stored) if (r.poolKey === '') add(r, 'book')
  for (const r of DEFAULT_ALERT_RULES) add(r, 'default')
  return [...out.values()]
}

const number = (x: number, digits: number): string => x.toLocaleString('en-US', { maximumFractionDigits: digits })
const pct = (x: number): string => `${number(x, 1)} %`
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Every enabled rule against every pool, in pool order then rule order. */
export function checkAlerts(pools: readonly PoolFigures[], stored: readonly AlertRule[]): AlertCheck[] {
  const checks: AlertCheck[] = []
  for (const pool of pools) {
    const rules = effectiveRules(stored, pool.poolKey).filter((r) => r.rule.enabled)
    rules.sort((a, b) => ALERT_RULE_KINDS.indexOf(a.rule.rule) - ALERT_RULE_KINDS.indexOf(b.rule.rule) || byText(a.rule.underlying, b.rule.underlying))
    for (const { rule, source } of rules) {
      const base = { poolKey: pool.poolKey, rule: rule.rule, threshold: rule.threshold, source }
      if (rule.rule === 'im-utilisation' || rule.rule === 'mm-utilisation') {
        const which = rule.rule === 'im-utilisation' ? 'IM' : 'MM'
        const value = rule.rule === 'im-utilisation' ? pool.imUtilisationPct : pool.mmUtilisationPct
        // null: margin due with no equity to carry it, the worst utilisation there is.
        const breached = value === null || value >= rule.threshold
        const shown = value === null ? '∞ % of equity (due with no equity)' : `${pct(value)} of equity`
        checks.push({ ...base, underlying: '', value, breached, text: `${which} ${shown} ${breached ? '≥' : '<'} ${pct(rule.threshold)}` })
      } else if (rule.rule === 'liquidation-distance') {
        // Each underlying the pool holds has its own levels: the alert is on the nearest.
        for (const l of pool.liquidationDistancePct) {
          const value = l.distancePct === null ? null : Math.abs(l.distancePct)
          const breached = value !== null && value <= rule.threshold
          const text =
            value === null
              ? `${l.underlying}: no liquidation level within the search's range`
              : value === 0
                ? `${l.underlying}: equity at or below MM at today's index (0 % from liquidation)`
                : `${l.underlying} index ${pct(value)} from liquidation ${breached ? '≤' : '>'} ${pct(rule.threshold)}`
          checks.push({ ...base, underlying: l.underlying, value, breached, text })
        }
      } else {
        // A delta limit watches one underlying; a pool that does not hold it has none.
        const held = pool.deltaCoin.find((d) => d.underlying === rule.underlying)
        if (!held) continue
        const value = held.deltaCoin
        const breached = Math.abs(value) > rule.threshold
        checks.push({ ...base, underlying: rule.underlying, value, breached, text: `${rule.underlying} delta ${number(value, 4)} ${breached ? '>' : '≤'} ±${number(rule.threshold, 4)} ${rule.underlying}` })
      }
    }
  }
  return checks
}

/** The last logged event of an alert (pool, rule, underlying): what state the alert is in. */
export interface AlertState {
  poolKey: string
  rule: AlertRuleKind
  underlying: string
  event: 'breach' | 'clear' | 'rearm'
  /** The threshold and value logged with that event: what a clearing of an alert no longer checked repeats. */
  threshold: number
  value: number | null
}

export interface AlertTransition {
  check: AlertCheck
  event: 'breach' | 'clear'
}

/**
 * What a new evaluation changes: a breach not already raised is raised (notified once, logged);
 * a raised breach whose figure is back within its threshold is cleared (logged). A re-armed alert
 * (the trader's reset) raises again while it is still breached. Alerts no longer checked (a rule
 * disabled, a pool gone) are cleared.
 */
export function alertTransitions(checks: readonly AlertCheck[], last: readonly AlertState[]): AlertTransition[] {
  const raised = new Set(last.filter((s) => s.event === 'breach').map(key))
  const out: AlertTransition[] = []
  const seen = new Set<string>()
  for (const c of checks) {
    const k = key(c)
    seen.add(k)
    if (c.breached && !raised.has(k)) out.push({ check: c, event: 'breach' })
    else if (!c.breached && raised.has(k)) out.push({ check: c, event: 'clear' })
  }
  for (const s of last)
    if (s.event === 'breach' && !seen.has(key(s))) {
      const text = 'no longer checked (rule disabled or removed, or pool gone)'
      out.push({ check: { poolKey: s.poolKey, rule: s.rule, underlying: s.underlying, threshold: s.threshold, source: 'pool', value: s.value, breached: false, text }, event: 'clear' })
    }
  return out
}

/** A rule the trader typed, checked: a message naming the field, or null when it is fine. */
export function ruleProblem(r: AlertRule): string | null {
  if (!ALERT_RULE_KINDS.includes(r.rule)) return `rule: "${r.rule}" is not one of ${ALERT_RULE_KINDS.join(', ')}`
  if (!Number.isFinite(r.threshold)) return `threshold: ${r.threshold} is not a number`
  if (r.rule === 'delta-limit') {
    if (!r.underlying) return 'underlying: a delta limit needs the underlying it watches'
    if (!(r.threshold >= 0)) return `threshold: a delta limit is a size in coin, ≥ 0 (got ${r.threshold})`
    if (r.threshold > 1e9) return `threshold: ${r.threshold} coin is not a plausible delta limit`
  } else {
    if (r.underlying) return `underlying: only a delta limit names an underlying (got "${r.underlying}")`
    if (!(r.threshold > 0 && r.threshold <= 1000)) return `threshold: ${r.threshold} % is outside 0 … 1,000 %`
  }
  return null
}
