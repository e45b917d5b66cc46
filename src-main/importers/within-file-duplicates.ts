/**
 * A venue id seen twice in one file is one transaction listed twice (a copy-paste, an overlapping
 * export page): keep the first, report the others as skipped. Content-hash ids never collide here,
 * since identical rows get occurrence numbers (two identical fills are two fills).
 */
import type { ParsedStatement, RowIssue } from './statement'

function dedupe<T extends { externalId: string; line: number }>(rows: T[], file: string, issues: RowIssue[]): T[] {
  const firstLine = new Map<string, number>()
  return rows.filter((r) => {
    const seen = firstLine.get(r.externalId)
    if (seen === undefined) {
      firstLine.set(r.externalId, r.line)
      return true
    }
    issues.push({ file, line: r.line, column: null, reason: `same transaction as line ${seen} (id ${r.externalId})`, severity: 'skipped' })
    return false
  })
}

export function dropWithinFileDuplicates(parsed: ParsedStatement): ParsedStatement {
  if (parsed.externalIdsUnique) return parsed
  const issues = [...parsed.issues]
  return {
    ...parsed,
    trades: dedupe(parsed.trades, parsed.file, issues),
    cashFlows: dedupe(parsed.cashFlows, parsed.file, issues),
    issues
  }
}
