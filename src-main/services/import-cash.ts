/**
 * An import's cash, per account and currency: the venue's balance printed on the statement against
 * the book's ledger (every cash row imported so far, this statement's included), the opening
 * balance a statement that does not start at the account's opening implies, and the cash before and
 * after. The preview computes it without writing; the commit writes the ledger rows, anchors the
 * statement's closing balances and recomputes the cash, then reports the same lines from the book.
 *
 * Tolerance: a difference is a warning above half the statement's last printed digit, and never
 * below 1e-8 of the currency (issue 17).
 */
import type { BookDb } from '../book/database'
import { anchorStatementBalance, balanceAnchor, cashAmount, ledgerSum, refreshCash } from '../book/balances-repository'
import { openingBalanceRows } from '../book/import-repository'
import type { ParsedStatement, StatementBalance, StatementCashFlow } from '../importers/statement'
import type { ImportPlan } from '../importers/plan'

export interface OpeningView {
  line: number
  atUtc: string
  statementBalance: number | null
  ledgerBefore: number
  missing: number
  booked: boolean
}

export interface CashLine {
  account: string
  currency: string
  statementBalance: number | null
  statementAtUtc: string | null
  statementLine: number | null
  decimals: number | null
  ledger: number
  difference: number | null
  warning: boolean
  newFlows: number
  cashBefore: number
  cashAfter: number
  cashSource: 'statement' | 'newer anchor' | 'ledger'
  opening: OpeningView | null
}

export interface CashOptions {
  openingBalance?: 'take' | 'skip'
  openingBalances?: { currency: string; amount: number }[]
}

interface FileRef {
  file: string
  sha256: string
}

export const tolerance = (decimals: number | null, amount = 0): number =>
  Math.max(1e-8, decimals === null ? 0 : 0.5 * 10 ** -decimals) + 1e-12 * Math.abs(amount)

const moves = (f: StatementCashFlow): boolean => f.movesCash !== false
const iso = (ms: number): string => new Date(ms).toISOString()

interface CurrencyPlan {
  currency: string
  closing: StatementBalance | null
  opening: OpeningView | null
  openingFlow: StatementCashFlow | null
}

/** The opening balance rows an import would book, and what each currency's opening looks like. */
function planCurrencies(db: BookDb, accountId: number | null, parsed: ParsedStatement, plan: ImportPlan, opts: CashOptions, ref: FileRef): CurrencyPlan[] {
  const up = (c: string): string => c.toUpperCase()
  const given = new Map((opts.openingBalances ?? []).map((o) => [up(o.currency), o.amount]))
  const currencies = new Set<string>([...parsed.closingBalances.map((b) => up(b.currency)), ...parsed.openingBalances.map((b) => up(b.currency))])
  for (const f of plan.newCashFlows) if (moves(f)) currencies.add(up(f.currency))
  for (const c of given.keys()) currencies.add(c)
  // Loops, not Math.min(...xs) nor arrays of every row's time: a 1M-row statement (issue 20).
  const firstFlow = new Map<string, number>()
  for (const f of parsed.cashFlows) {
    if (!moves(f)) continue
    const c = up(f.currency)
    const t = firstFlow.get(c)
    if (t === undefined || f.atMs < t) firstFlow.set(c, f.atMs)
  }
  const firstFlowAt = (c: string): number | null => firstFlow.get(c) ?? null
  let fileStartMs: number | null = null
  for (const t of parsed.trades) if (fileStartMs === null || t.tradedAtMs < fileStartMs) fileStartMs = t.tradedAtMs
  for (const f of parsed.cashFlows) if (fileStartMs === null || f.atMs < fileStartMs) fileStartMs = f.atMs
  return [...currencies].sort().map((currency) => {
    const closing = parsed.closingBalances.find((b) => up(b.currency) === currency) ?? null
    const implied = parsed.openingBalances.find((b) => up(b.currency) === currency) ?? null
    const explicit = given.get(currency)
    // A given opening in a currency the file has no row in stands at the file's first row.
    const atMs = implied?.atMs ?? firstFlowAt(currency) ?? (explicit !== undefined ? fileStartMs : null)
    if (atMs === null || (implied === null && explicit === undefined)) return { currency, closing, opening: null, openingFlow: null }
    // Rows strictly before the statement's first one: what the book already knows of the account then.
    const ledgerBefore = accountId === null ? 0 : ledgerSum(db, accountId, currency, atMs - 1)
    const missing = explicit !== undefined ? explicit - ledgerBefore : implied!.amount - ledgerBefore
    const tol = tolerance(implied?.decimals ?? null, implied?.amount ?? 0)
    const needed = Math.abs(missing) > tol
    const booked = needed && (explicit !== undefined || opts.openingBalance !== 'skip')
    const opening: OpeningView = {
      line: implied?.line ?? parsed.cashFlows.find((f) => moves(f) && up(f.currency) === currency && f.atMs === atMs)?.line ?? 0,
      atUtc: iso(atMs),
      statementBalance: explicit ?? implied?.amount ?? null,
      ledgerBefore,
      missing: needed ? missing : 0,
      booked
    }
    const openingFlow: StatementCashFlow | null = booked
      ? {
          line: opening.line,
          // One per file and currency: the same file again is found by its hash and adds nothing;
          // another file starting at the same instant books only what is still missing.
          externalId: `marginal:opening:${currency}:${atMs}:${ref.sha256.slice(0, 16)}`,
          atMs: atMs - 1,
          kind: 'opening_balance',
          currency,
          amount: missing,
          note: `balance before ${parsed.file} line ${opening.line}${explicit !== undefined ? ' (given by the trader)' : ''}`
        }
      : null
    return { currency, closing, opening: needed || explicit !== undefined ? opening : null, openingFlow }
  })
}

function line(accountName: string, c: CurrencyPlan, ledger: number, newFlows: number, cashBefore: number, cashAfter: number, cashSource: CashLine['cashSource']): CashLine {
  const difference = c.closing ? c.closing.amount - ledger : null
  return {
    account: accountName,
    currency: c.currency,
    statementBalance: c.closing?.amount ?? null,
    statementAtUtc: c.closing ? iso(c.closing.atMs) : null,
    statementLine: c.closing?.line ?? null,
    decimals: c.closing?.decimals ?? null,
    ledger,
    difference,
    warning: difference !== null && Math.abs(difference) > tolerance(c.closing!.decimals, c.closing!.amount),
    newFlows,
    cashBefore,
    cashAfter,
    cashSource,
    opening: c.opening
  }
}

const cashNow = (db: BookDb, accountId: number | null, currency: string): number =>
  accountId === null ? 0 : (cashAmount(db, accountId, currency) ?? 0)

/** What the import would do to the cash, written nowhere. */
export function previewCash(db: BookDb, accountId: number | null, accountName: string, parsed: ParsedStatement, plan: ImportPlan, opts: CashOptions, ref: FileRef): { lines: CashLine[]; openingFlows: StatementCashFlow[] } {
  const plans = planCurrencies(db, accountId, parsed, plan, opts, ref)
  const lines = plans.map((c) => {
    // This currency's new rows that move cash, then its opening row: summed by the rules below in
    // one pass each over the statement's rows, in their order (the same sums as filter and reduce),
    // without an array of them (1.9M rows on a 1M-row log: issue 20).
    const sumWhere = (p: (f: StatementCashFlow) => boolean): number => {
      let sum = 0
      for (const f of plan.newCashFlows) if (moves(f) && f.currency.toUpperCase() === c.currency && p(f)) sum = sum + f.amount
      if (c.openingFlow && p(c.openingFlow)) sum = sum + c.openingFlow.amount
      return sum
    }
    const existing = (upTo?: number, after?: number): number => (accountId === null ? 0 : ledgerSum(db, accountId, c.currency, upTo, after))
    const ledger = c.closing ? existing(c.closing.atMs) + sumWhere((f) => f.atMs <= c.closing!.atMs) : existing() + sumWhere(() => true)
    // The cash after, as refreshCash will compute it once the rows are in.
    const anchor = accountId === null ? null : balanceAnchor(db, accountId, c.currency)
    let cashAfter: number
    let source: CashLine['cashSource']
    if (c.closing && (!anchor || anchor.atMs <= c.closing.atMs)) {
      cashAfter = c.closing.amount + existing(undefined, c.closing.atMs) + sumWhere((f) => f.atMs > c.closing!.atMs)
      source = 'statement'
    } else if (anchor) {
      cashAfter = anchor.amount + existing(undefined, anchor.atMs) + sumWhere((f) => f.atMs > anchor.atMs)
      source = 'newer anchor'
    } else {
      cashAfter = existing() + sumWhere(() => true)
      source = 'ledger'
    }
    return line(accountName, c, ledger, sumWhere((f) => f.kind !== 'opening_balance'), cashNow(db, accountId, c.currency), cashAfter, source)
  })
  return { lines, openingFlows: plans.flatMap((c) => (c.openingFlow ? [c.openingFlow] : [])) }
}

/**
 * After the import's ledger rows are written (inside its transaction): anchor the statement's
 * closing balances, recompute every touched currency's cash, and report from the book.
 */
export function settleCash(db: BookDb, accountId: number, accountName: string, parsed: ParsedStatement, preview: CashLine[], file: string): CashLine[] {
  return preview.map((p) => {
    const closing = parsed.closingBalances.find((b) => b.currency.toUpperCase() === p.currency) ?? null
    const anchored = closing ? anchorStatementBalance(db, accountId, { currency: p.currency, amount: closing.amount, atMs: closing.atMs, note: `${file} line ${closing.line}` }) : false
    const cashAfter = refreshCash(db, accountId, p.currency)
    const ledger = closing ? ledgerSum(db, accountId, p.currency, closing.atMs) : ledgerSum(db, accountId, p.currency)
    const c: CurrencyPlan = { currency: p.currency, closing, opening: p.opening, openingFlow: null }
    return line(accountName, c, ledger, p.newFlows, p.cashBefore, cashAfter, anchored ? 'statement' : balanceAnchor(db, accountId, p.currency) ? 'newer anchor' : 'ledger')
  })
}

/**
 * An older statement imported after a newer one fills the period the newer one's opening-balance
 * row stood in for: that row keeps only what the new rows before it do not explain, and goes when
 * nothing is left (else the ledger would count the same money twice, and the next statement would
 * book a negative "opening" to undo it). Call after the new rows are written.
 */
export function absorbLaterOpenings(db: BookDb, accountId: number, newFlows: readonly (readonly StatementCashFlow[])[]): void {
  const currencies = new Set<string>()
  for (const list of newFlows) for (const f of list) if (moves(f)) currencies.add(f.currency.toUpperCase())
  const openings = openingBalanceRows(db)
  // The lists' rows of one currency that move cash, in order, read in place (a 1M-row log's 1.9M
  // rows were copied into one array, then filtered into another: issue 20).
  const eachFresh = (currency: string, visit: (f: StatementCashFlow) => void): void => {
    for (const list of newFlows) for (const f of list) if (moves(f) && f.currency.toUpperCase() === currency) visit(f)
  }
  for (const currency of currencies) {
    const list = openings.list(accountId, currency)
    if (list.length === 0) continue
    for (const o of list) {
      // Only an opening row can be this opening (the same id in the same account): kinds first.
      let own = false
      eachFresh(currency, (f) => void (own ||= f.kind === 'opening_balance' && f.externalId === o.externalId))
      if (own) continue
      // Summed in the rows' order from 0, as filter and reduce did.
      let explained = 0
      eachFresh(currency, (f) => void (f.atMs < o.atMs && (explained = explained + f.amount)))
      if (explained === 0) continue
      const left = o.amount - explained
      if (Math.abs(left) <= tolerance(8, o.amount)) openings.remove(o.id)
      else openings.setAmount(o.id, left)
    }
  }
}
