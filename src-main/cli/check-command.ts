/**
 * `cli check`: every margin alert rule of a book evaluated now (issue 22, §1), for a nightly job or
 * cron that pages someone: each breach printed, exit 4 when any rule is breached, 0 when none. What
 * changed since the last evaluation (a breach raised, one cleared) is logged in the book, as the
 * workstation logs it; a book file opened view-only is checked without writing.
 */
import { call, type CliIo } from './commands'
import type { Services } from '../services/api-service'
import { formatTable } from './format-table'

/** Exit code when a rule is breached (0 none; 1 the command failed; 2 usage; 3 import rejected rows). */
export const EXIT_BREACHED = 4

const RULE_LABELS: Record<string, string> = {
  'im-utilisation': 'IM utilisation',
  'mm-utilisation': 'MM utilisation',
  'liquidation-distance': 'Liquidation distance',
  'delta-limit': 'Delta limit'
}

/**
 * The breaches first (a cron mail's first screen), then the passing checks counted per rule, or
 * listed with --verbose: a desk's many pools would otherwise bury the breach. --json: every check.
 */
export async function checkCommand(services: Services, io: CliIo, bookId: number, json: boolean, verbose = false): Promise<number> {
  const book = (await call(services, 'listBooks', {})).find((b) => b.id === bookId)
  // One evaluation: it answers with the market it was computed on (alertStatus would compute the
  // checks again, and re-read the margin the log write has just made stale).
  const r = await call(services, 'evaluateAlerts', { bookId })
  const code = r.breached.length ? EXIT_BREACHED : 0
  if (json) {
    io.out(JSON.stringify({ bookId, book: book?.name ?? null, marketId: r.marketId, marketAsOfUtc: r.marketAsOfUtc, breached: r.breached, checks: r.checks, transitions: r.transitions, exitCode: code }, null, 2))
    return code
  }
  const unit = (rule: string, underlying: string): string => (rule === 'delta-limit' ? underlying : '%')
  io.out(`Book ${bookId}${book ? ` (${book.name})` : ''}: ${r.checks.length} checks on market ${r.marketId ?? 'none'} as of ${r.marketAsOfUtc ?? '—'}; ${r.breached.length ? `${r.breached.length} BREACHED` : 'none breached'}`)
  const table = (checks: typeof r.checks): string =>
    formatTable(
      ['Pool', 'Rule', 'Underlying', 'Value', 'Threshold', 'Unit', 'Rule from', 'State', 'Detail'],
      checks.map((c) => [c.poolKey, RULE_LABELS[c.rule] ?? c.rule, c.underlying || null, c.value === null ? null : Number(c.value.toFixed(4)), c.threshold, unit(c.rule, c.underlying), c.source, c.breached ? 'BREACHED' : 'ok', c.text])
    )
  if (r.breached.length) io.out(table(r.breached))
  const passing = r.checks.filter((c) => !c.breached)
  if (passing.length && verbose) io.out(`${r.breached.length ? '\n' : ''}${table(passing)}`)
  else if (passing.length) {
    const byRule = new Map<string, number>()
    for (const c of passing) byRule.set(c.rule, (byRule.get(c.rule) ?? 0) + 1)
    io.out(`ok: ${[...byRule].map(([rule, n]) => `${n} ${RULE_LABELS[rule] ?? rule}`).join(', ')} (--verbose lists them)`)
  }
  for (const t of r.transitions) io.out(`${t.event === 'breach' ? 'raised' : 'cleared'}: ${t.check.poolKey} — ${t.check.text}`)
  return code
}
