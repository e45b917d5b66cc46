/**
 * IBKR Flex cash: what each Trade and CashTransaction does to the account's cash, and the
 * CashReport's balances with a check of the ledger against them. Attribute names: csingley/ibflex
 * ibflex/Types.py (CashReportCurrency, CashTransaction, Trade).
 * - Stocks and options: netCash = proceeds + ibCommission + taxes (csingley/ibflex README's real
 *   sample: proceeds 11.2, ibCommission −0.00680792, netCash 11.19319208), booked as the parts.
 * - Futures: the notional never touches cash; netCash is the trade day's MTM plus the commission
 *   (portfolio-performance issue 3742, a real FDXS fill: mtmPnl 72, ibCommission −0.4, netCash
 *   71.6), booked as 'variation_margin' and 'fee'. The Cash Report's cashSettlingMtm also holds
 *   the daily MTM of futures carried from earlier days, which no Trade row lists.
 * - Forex (assetCategory CASH, 'EUR.USD'): quantity in the first currency, proceeds in the second.
 * - CashReportCurrency levelOfDetail="Currency" rows: startingCash and endingCash (trade-date
 *   balances; IBKR Reporting Guide, Cash Report) per currency; BASE_SUMMARY is in base currency.
 */
import { boundProblem, quoteInput, withinBound, type BoundKind } from '../../engine/instruments/bounds'
import { venueId } from '../row-identity'
import type { RowIssue, StatementBalance } from '../statement'
import type { CalendarDate, IbkrClock } from './ibkr-flex-time'

export type Attrs = Record<string, string>

/** A flow as the Cash Report would count it: for the check, and the diagnosis when it fails. */
export interface LedgerEntry {
  statement: number
  currency: string
  amount: number
  /** The CashReportCurrency attribute the flow belongs to (commissions, cashSettlingMtm, …). */
  component: string
}

export interface CashPart {
  suffix: string
  kind: string
  component: string
  currency: string
  amount: number
}

/** Longer than any attribute IBKR writes: never read as a number (a 10 MB attribute is garbage). */
const MAX_ATTRIBUTE = 1000

/**
 * An attribute as a number within its input bound (`bound`: a cash amount unless said; bounds.ts);
 * blank or IBKR's no-value marks, garbage and out-of-range values ('1e308') are NaN (Number('')
 * would be 0): rejected, never booked.
 */
export function strictNumber(raw: string | undefined, bound: BoundKind = 'cash'): number {
  if (raw === undefined || raw.length > MAX_ATTRIBUTE || ['', '-', '--', 'n/a'].includes(raw.trim().toLowerCase())) return Number.NaN
  const n = Number(raw)
  return withinBound(bound, n) ? n : Number.NaN
}

/** Why an attribute is not a usable number: absent, not a number, or out of range (the value clipped). */
export function numberProblem(raw: string | undefined, bound: BoundKind = 'cash'): string {
  if (raw === undefined) return 'missing'
  const n = raw.trim() === '' || raw.length > MAX_ATTRIBUTE ? Number.NaN : Number(raw)
  return `${quoteInput(raw)} ${boundProblem(bound, n) ?? 'is not a number'}`
}

const orZero = (raw: string | undefined): number => (raw === undefined || raw.trim() === '' ? 0 : strictNumber(raw))

/**
 * The cash a Trade moves, split into parts, or the reason it cannot be told. Zero parts are left
 * out (an expiry's BookTrade has netCash 0).
 */
export function tradeCash(a: Attrs, quantity: number): { parts: CashPart[]; problem: string | null; warning: string | null } {
  const currency = a.currency?.trim()
  if (!currency) return { parts: [], problem: 'no currency: the trade\'s cash cannot be booked', warning: null }
  const commission = orZero(a.ibCommission)
  const commissionCurrency = a.ibCommissionCurrency?.trim() || currency
  const taxes = orZero(a.taxes)
  const netCash = strictNumber(a.netCash)
  const proceeds = strictNumber(a.proceeds)
  if (!Number.isFinite(taxes)) return { parts: [], problem: `taxes ${numberProblem(a.taxes)}`, warning: null }
  // netCash holds the commission when it is charged in the trade's currency.
  const sameCurrency = commissionCurrency === currency
  const beforeCharges = netCash - (sameCurrency ? commission : 0) - taxes
  const parts: CashPart[] = [
    { suffix: 'commission', kind: 'fee', component: 'commissions', currency: commissionCurrency, amount: commission },
    { suffix: 'tax', kind: 'tax', component: 'transactionTax', currency, amount: taxes }
  ]
  let warning: string | null = null
  if (a.assetCategory === 'FUT') {
    const mtm = Number.isFinite(netCash) ? beforeCharges : strictNumber(a.mtmPnl)
    if (!Number.isFinite(mtm)) return { parts: [], problem: 'neither netCash nor mtmPnl: the trade day\'s variation margin cannot be booked', warning: null }
    parts.push({ suffix: 'vm', kind: 'variation_margin', component: 'cashSettlingMtm', currency, amount: mtm })
  } else {
    const gross = Number.isFinite(proceeds) ? proceeds : beforeCharges
    if (!Number.isFinite(gross)) return { parts: [], problem: 'neither proceeds nor netCash: the trade\'s cash cannot be booked', warning: null }
    const component = gross > 0 ? 'netTradesSales' : 'netTradesPurchases'
    parts.push({ suffix: 'proceeds', kind: 'trade', component, currency, amount: gross })
    const pair = a.assetCategory === 'CASH' ? /^([A-Z]{3})\.([A-Z]{3})$/.exec(a.symbol?.trim() ?? '') : null
    if (pair) parts.push({ suffix: 'base', kind: 'trade', component: quantity > 0 ? 'netTradesPurchases' : 'netTradesSales', currency: pair[1]!, amount: quantity })
    if (Number.isFinite(proceeds) && Number.isFinite(netCash) && Math.abs(beforeCharges - proceeds) > 0.01) {
      warning = `netCash ${netCash} is not proceeds ${proceeds} + ibCommission + taxes: booked from proceeds`
    }
  }
  return { parts: parts.filter((p) => p.amount !== 0), problem: null, warning }
}

/** CashTransaction type (ibflex enums.CashAction; IBKR Flex builder options) → kind and Cash Report component. */
const CASH_ACTIONS: [RegExp, string, string][] = [
  [/^deposits?\s*(&|\/|and)\s*withdrawals?$/i, 'deposit', 'deposits'],
  [/^broker interest (paid|received)$/i, 'interest', 'brokerInterest'],
  [/^bond interest (paid|received)$/i, 'interest', 'bondInterest'],
  [/^withholding tax$/i, 'tax', 'withholdingTax'],
  [/^871\(m\) withholding$/i, 'tax', 'withholding871m'],
  [/^other fees$/i, 'fee', 'otherFees'],
  [/^broker fees$/i, 'fee', 'brokerFees'],
  [/^advisor fees$/i, 'fee', 'advisorFees'],
  [/^commission adjustments$/i, 'fee', 'commissions'],
  [/^dividends$/i, 'dividend', 'dividends'],
  [/^payment in lieu of dividends$/i, 'dividend', 'paymentInLieu'],
  [/^bill pay$/i, 'withdrawal', 'billPay'],
  [/^carbon credits$/i, 'fee', 'carbonCredits']
]

/** Kind and component of a CashTransaction; `known` false for a type no IBKR source lists. */
export function cashAction(type: string, amount: number): { kind: string; component: string; known: boolean } {
  const hit = CASH_ACTIONS.find(([re]) => re.test(type.trim()))
  if (!hit) return { kind: type.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_') || 'cash', component: 'other', known: false }
  if (hit[1] === 'deposit') return amount >= 0 ? { kind: 'deposit', component: 'deposits', known: true } : { kind: 'withdrawal', component: 'withdrawals', known: true }
  return { kind: hit[1], component: hit[2], known: true }
}

/** One CashReportCurrency row of one currency (levelOfDetail="Currency"). */
export interface CashReportRow {
  statement: number
  accountId: string
  currency: string
  /** The row's line; `startingLine` where the opening balance is printed on another (the CSV's Starting Cash row). */
  line: number
  startingLine?: number
  from: CalendarDate | null
  to: CalendarDate | null
  starting: { amount: number; decimals: number } | null
  ending: { amount: number; decimals: number }
  attrs: Attrs
}

const decimalsOf = (raw: string): number => /\.(\d+)$/.exec(raw.trim())?.[1]!.length ?? 0

/** A CashReportCurrency element as a row, or the issue that stops it; null for BASE_SUMMARY (checks only). */
export function readCashReportRow(a: Attrs, at: { file: string; line: number }, statement: number, accountId: string, clock: IbkrClock, period: { from: CalendarDate | null; to: CalendarDate | null }): CashReportRow | RowIssue | null {
  const level = (a.levelOfDetail ?? '').trim().toLowerCase()
  if (a.currency === 'BASE_SUMMARY' || level === 'basecurrency') return null
  if (level !== '' && level !== 'currency') return { ...at, column: 'levelOfDetail', reason: `a ${quoteInput(a.levelOfDetail ?? '')} row; the Currency rows hold the balances`, severity: 'skipped' }
  const currency = a.currency?.trim()
  if (!currency) return { ...at, column: 'currency', reason: 'empty', severity: 'rejected' }
  const ending = strictNumber(a.endingCash)
  if (!Number.isFinite(ending)) return { ...at, column: 'endingCash', reason: numberProblem(a.endingCash), severity: 'rejected' }
  const starting = strictNumber(a.startingCash)
  if (a.startingCash !== undefined && a.startingCash.trim() !== '' && !Number.isFinite(starting)) {
    return { ...at, column: 'startingCash', reason: numberProblem(a.startingCash), severity: 'rejected' }
  }
  return {
    statement, accountId, currency, line: at.line,
    from: clock.date(a.fromDate) ?? period.from,
    to: clock.date(a.toDate) ?? period.to,
    starting: Number.isFinite(starting) ? { amount: starting, decimals: decimalsOf(a.startingCash!) } : null,
    ending: { amount: ending, decimals: decimalsOf(a.endingCash!) },
    attrs: a
  }
}

/**
 * Closing balances: per account and currency the latest period's endingCash at the end of its
 * toDate (New York); opening: the earliest period's startingCash at the start of its fromDate.
 * Accounts a file merges into one book account add up.
 */
export function cashBalances(rows: readonly CashReportRow[], clock: IbkrClock): { closing: StatementBalance[]; opening: StatementBalance[] } {
  const last = new Map<string, { row: CashReportRow; atMs: number }>()
  const first = new Map<string, { row: CashReportRow; atMs: number }>()
  for (const row of rows) {
    const key = `${row.accountId}\u0000${row.currency}`
    if (row.to) {
      const atMs = clock.endOfDay(row.to)
      const seen = last.get(key)
      if (!seen || atMs >= seen.atMs) last.set(key, { row, atMs })
    }
    if (row.from && row.starting) {
      const atMs = clock.startOfDay(row.from)
      const seen = first.get(key)
      if (!seen || atMs < seen.atMs) first.set(key, { row, atMs })
    }
  }
  const sum = (picked: Map<string, { row: CashReportRow; atMs: number }>, value: (r: CashReportRow) => { amount: number; decimals: number }, lineOf: (r: CashReportRow) => number): StatementBalance[] => {
    const byCurrency = new Map<string, StatementBalance>()
    for (const { row, atMs } of picked.values()) {
      const v = value(row)
      const b = byCurrency.get(row.currency)
      if (!b) byCurrency.set(row.currency, { currency: row.currency, amount: v.amount, atMs, line: lineOf(row), decimals: v.decimals })
      else Object.assign(b, { amount: b.amount + v.amount, atMs: Math.max(b.atMs, atMs), line: Math.max(b.line, lineOf(row)), decimals: Math.max(b.decimals, v.decimals) })
    }
    return [...byCurrency.values()].sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0))
  }
  return { closing: sum(last, (r) => r.ending, (r) => r.line), opening: sum(first, (r) => r.starting!, (r) => r.startingLine ?? r.line) }
}

/** Cash Report components a flow of this file can belong to, for the diagnosis of a mismatch. */
const COMPONENTS = [
  'commissions', 'deposits', 'withdrawals', 'dividends', 'paymentInLieu', 'withholdingTax', 'withholding871m', 'brokerInterest', 'bondInterest',
  'otherFees', 'brokerFees', 'advisorFees', 'billPay', 'carbonCredits', 'cashSettlingMtm', 'netTradesSales', 'netTradesPurchases', 'transactionTax',
  'clientFees', 'billableCommissions', 'accountTransfers', 'internalTransfers', 'linkingAdjustments', 'insuredDepositInterest', 'realizedVm',
  'realizedForexVm', 'cfdCharges', 'salesTax', 'otherIncome', 'other', 'excessFundSweep', 'debitCardActivity', 'referralFee', 'donations'
]

const fmt = (x: number): string => String(Math.round(x * 1e8) / 1e8)

/**
 * A warning per Currency row where startingCash + the statement's flows in that currency misses
 * endingCash by more than 0.01 (IBKR: "cash balances when summed may reflect a one-dollar
 * difference" from rounding, so this is a warning, never a rejection), naming the components
 * whose report value and ledger sum differ.
 */
export function reconcileCash(rows: readonly CashReportRow[], ledger: readonly LedgerEntry[], file: string): RowIssue[] {
  const issues: RowIssue[] = []
  for (const row of rows) {
    if (!row.starting) continue
    const mine = ledger.filter((e) => e.statement === row.statement && e.currency === row.currency)
    const total = mine.reduce((s, e) => s + e.amount, 0)
    const expected = row.starting.amount + total
    const difference = row.ending.amount - expected
    if (Math.abs(difference) <= 0.01) continue
    const byComponent = new Map<string, number>()
    for (const e of mine) byComponent.set(e.component, (byComponent.get(e.component) ?? 0) + e.amount)
    // Without separate deposits/withdrawals attributes the report has only their net.
    if (row.attrs.deposits === undefined && row.attrs.depositWithdrawals !== undefined) {
      byComponent.set('depositWithdrawals', (byComponent.get('deposits') ?? 0) + (byComponent.get('withdrawals') ?? 0))
      byComponent.delete('deposits')
      byComponent.delete('withdrawals')
    }
    const names = new Set([...COMPONENTS.filter((c) => row.attrs[c] !== undefined), ...byComponent.keys()])
    const differing: string[] = []
    for (const name of names) {
      const reported = strictNumber(row.attrs[name])
      const booked = byComponent.get(name) ?? 0
      if (!Number.isFinite(reported) || Math.abs(reported - booked) > 0.01) {
        const hint = name === 'cashSettlingMtm' ? ' (the daily MTM of futures held from an earlier day is in the report, not in any Trade row)' : ''
        differing.push(`${name} ${Number.isFinite(reported) ? fmt(reported) : 'not in the report'} in the Cash Report, ${fmt(booked)} in the ledger${hint}`)
      }
    }
    issues.push({
      file,
      line: row.line,
      column: 'endingCash',
      reason: `${row.accountId} ${row.currency}: startingCash ${fmt(row.starting.amount)} + the statement's cash flows ${fmt(total)} = ${fmt(expected)}, but endingCash is ${fmt(row.ending.amount)} (difference ${fmt(difference)})${differing.length ? `; ${differing.join('; ')}` : ''}. The closing balance is taken from the Cash Report.`,
      severity: 'warning'
    })
  }
  return issues
}

export const tradeCashId = (tradeExternalId: string, suffix: string): string => `${tradeExternalId}:${suffix}`
export const cashTransactionId = (transactionId: string): string => venueId('ibkr', 'cash', transactionId)
