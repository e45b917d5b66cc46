/**
 * Long, repetitive reports, summarised: a 200 MB log of duplicate rows printed one "skipped" line
 * per row (305 MB). Up to FIRST_ISSUES issues print as before, one line each; beyond that the
 * report gives the count per kind of reason and severity, the first FIRST_ISSUES lines and how to
 * see all of them: --verbose prints every line, --issues FILE writes them all as CSV
 * (file,line,column,severity,reason). --json stays complete: it is for programs.
 */
import { appendFileSync, writeFileSync } from 'node:fs'
import type { RowIssue } from '@contract/api'
import { clipText, reasonKey } from './excerpt'
import { formatTable } from './format-table'
import type { CliIo } from './commands'

/** Issue lines printed before the report summarises. */
export const FIRST_ISSUES = 20
/** Kinds of reason listed in the summary table. */
const KINDS_SHOWN = 20

export interface IssueReportOptions {
  /** --verbose: every line, however many. */
  verbose: boolean
  /** --issues FILE: every issue of the run, as CSV. */
  issuesLog?: IssueLog
}

export const issueLine = (i: RowIssue): string =>
  clipText(`  ${i.file}, line ${i.line}${i.column ? `, column ${i.column}` : ''}: ${i.severity}: ${i.reason}`, { oneLine: true })

/** Count per kind of reason and severity, most frequent first (ties: the earlier line first). */
export function issueKinds(issues: readonly RowIssue[]): { severity: RowIssue['severity']; reason: string; count: number; firstLine: number }[] {
  const kinds = new Map<string, { severity: RowIssue['severity']; reason: string; count: number; firstLine: number }>()
  for (const i of issues) {
    const reason = reasonKey(clipText(i.reason, { oneLine: true }))
    const key = `${i.severity}\u0000${reason}`
    const k = kinds.get(key)
    if (k) {
      k.count++
      k.firstLine = Math.min(k.firstLine, i.line)
    } else kinds.set(key, { severity: i.severity, reason, count: 1, firstLine: i.line })
  }
  return [...kinds.values()].sort((a, b) => b.count - a.count || a.firstLine - b.firstLine)
}

/** The report's lines after its heading: every issue, or the summary, the first lines and how to see the rest. */
export function issueReport(issues: readonly RowIssue[], o: IssueReportOptions): string[] {
  const sorted = [...issues].sort((a, b) => a.line - b.line)
  if (sorted.length <= FIRST_ISSUES || o.verbose) return sorted.map(issueLine)
  const kinds = issueKinds(sorted)
  const shown = kinds.slice(0, KINDS_SHOWN)
  const rest = kinds.slice(KINDS_SHOWN)
  const lines = [
    `By reason (quoted values as '…', numbers as #):`,
    formatTable(['Count', 'Severity', 'Reason', 'First line'], shown.map((k) => [k.count, k.severity, k.reason, k.firstLine])),
    ...(rest.length ? [`… and ${rest.length} other reasons (${rest.reduce((n, k) => n + k.count, 0)} issues).`] : []),
    '',
    `The first ${FIRST_ISSUES} of ${sorted.length} issues:`,
    ...sorted.slice(0, FIRST_ISSUES).map(issueLine)
  ]
  if (!o.issuesLog) lines.push(`… ${sorted.length - FIRST_ISSUES} more: --verbose prints every issue, --issues FILE writes them all (CSV).`)
  return lines
}

/** A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
const csvField = (v: string | number | null): string => {
  const s = v === null ? '' : String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export const ISSUES_CSV_HEADER = 'file,line,column,severity,reason'

/**
 * --issues FILE: every issue of the run (of every file a report imports), one CSV row each, in
 * line order per file. The file is (re)written at the first add; the reason's echoed values are
 * clipped as on screen, with their size (the line and column find the whole cell).
 */
export class IssueLog {
  private started = false
  written = 0
  constructor(readonly path: string) {}

  add(issues: readonly RowIssue[]): void {
    const rows = [...issues]
      .sort((a, b) => a.line - b.line)
      .map((i) => [i.file, i.line, i.column, i.severity, clipText(i.reason, { oneLine: true })].map(csvField).join(','))
    const text = rows.map((r) => `${r}\n`).join('')
    try {
      if (this.started) appendFileSync(this.path, text)
      else writeFileSync(this.path, `${ISSUES_CSV_HEADER}\n${text}`)
    } catch (e) {
      throw new Error(`cannot write ${this.path}: ${(e as Error).message}`, { cause: e })
    }
    this.started = true
    this.written += rows.length
  }
}

/** Print a heading and the report of `issues` (nothing when there are none); log them to --issues FILE. */
export function printIssueReport(io: CliIo, heading: string, issues: readonly RowIssue[], o: IssueReportOptions): void {
  o.issuesLog?.add(issues)
  if (issues.length) {
    io.out(heading)
    for (const line of issueReport(issues, o)) io.out(line)
  }
  if (o.issuesLog && issues.length) io.out(`All ${issues.length} issues: ${o.issuesLog.path} (CSV: ${ISSUES_CSV_HEADER}).`)
}

/**
 * A list joined on one line ("a; b; c"), shortened to its first FIRST_ISSUES items and a count
 * unless verbose: positions not covered, not exported…
 */
export function listLine(items: readonly string[], verbose: boolean): string {
  const shown = verbose ? items : items.slice(0, FIRST_ISSUES)
  const more = items.length - shown.length
  return shown.map((s) => clipText(s, { oneLine: true })).join('; ') + (more > 0 ? `; … and ${more} more (--verbose lists all)` : '')
}
