/**
 * Binance exports the same futures-wallet money twice: as the USD-M/COIN-M rows of "generate all
 * statements" and as the futures Transaction History, with no shared id. Importing both into one
 * account would count every realised P&L, fee, funding and transfer twice. A new row from one of
 * them that matches a row the account already holds from the other (same instant to the second,
 * currency, amount and kind) is the same money: left out, and said so with the row it matches.
 */
import type { BookDb } from '../book/database'
import { sameMoneyFinder } from '../book/import-repository'
import type { RowIssue, StatementCashFlow } from '../importers/statement'

const FAMILIES = ['binance:ledger:', 'binance:usdm:'] as const
const familyOf = (id: string): string | null => FAMILIES.find((f) => id.startsWith(f)) ?? null
/** Kinds the two exports name differently for the same movement. */
const kindClass = (kind: string): string => (kind === 'internal_transfer' ? 'transfer' : kind)

export function dropCrossExportDuplicates(db: BookDb, accountId: number | null, flows: StatementCashFlow[], file: string): { kept: StatementCashFlow[]; issues: RowIssue[] } {
  // Nothing to drop: the rows themselves, not a copy (a 1M-row log has 1.9M: issue 20).
  if (accountId === null || !flows.some((f) => familyOf(f.externalId) !== null)) return { kept: flows, issues: [] }
  const candidates = sameMoneyFinder(db)
  const used = new Set<string>()
  const kept: StatementCashFlow[] = []
  const issues: RowIssue[] = []
  for (const f of flows) {
    const family = familyOf(f.externalId)
    if (family === null || f.positionEffect || f.movesCash === false) {
      kept.push(f)
      continue
    }
    const match = candidates(accountId, f.currency.toUpperCase(), f.atMs - 999, f.atMs + 999, f.amount).find(
      (c) => familyOf(c.externalId) !== null && familyOf(c.externalId) !== family && kindClass(c.kind) === kindClass(f.kind) && !used.has(c.externalId)
    )
    if (!match) {
      kept.push(f)
      continue
    }
    used.add(match.externalId)
    issues.push({ file, line: f.line, column: null, severity: 'skipped', reason: `the same ${f.kind} of ${f.amount} ${f.currency} is in the book already from ${match.fileName ?? 'another Binance export'}: Binance lists futures-wallet money in both its statement and its futures transaction history` })
  }
  return { kept, issues }
}
