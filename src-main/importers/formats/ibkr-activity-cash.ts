/**
 * The classic IBKR Activity Statement CSV's cash: what a Trades row moves, and the 'Cash Report'
 * section's balances. The section's rows are `Cash Report,Data,<line item>,<currency>,<Total>,
 * <Securities>,<Futures>,<Month to Date>,<Year to Date>`, with 'Base Currency Summary' as the
 * base-currency currency (a real statement in cdump/investments tests/report_parsers/ib_test.py,
 * whose USD and RUB rows add up from Starting Cash to Ending Cash). Its line items are the Flex
 * CashReportCurrency attributes under their printed names, so the Flex check applies unchanged.
 */
import type { CellReader, CsvRecord } from '../csv-records'
import type { RowIssue } from '../statement'
import { type CashPart, type CashReportRow } from './ibkr-flex-cash'
import { boundProblem, quoteInput } from '../../engine/instruments/bounds'
import type { CalendarDate } from './ibkr-flex-time'

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december']

/** 'January 15, 2025' or 'January 1, 2025 - December 31, 2025' (Statement, Period) → first and last day. */
export function periodOf(text: string): { from: CalendarDate; to: CalendarDate } | null {
  const days = [...text.matchAll(/([A-Za-z]+) (\d{1,2}), (\d{4})/g)].flatMap((m) => {
    const month0 = MONTHS.indexOf(m[1]!.toLowerCase())
    return month0 < 0 ? [] : [{ year: Number(m[3]), month0, day: Number(m[2]) }]
  })
  return days.length ? { from: days[0]!, to: days[days.length - 1]! } : null
}

/** Printed line item → the Flex attribute name (IBKR Reporting Guide, Cash Report; the Flex field list). */
const LINE_ITEMS: Record<string, string> = {
  'Starting Cash': 'startingCash',
  'Ending Cash': 'endingCash',
  'Ending Settled Cash': 'endingSettledCash',
  Commissions: 'commissions',
  Deposits: 'deposits',
  Withdrawals: 'withdrawals',
  'Deposits & Withdrawals': 'depositWithdrawals',
  Dividends: 'dividends',
  'Payment In Lieu of Dividends': 'paymentInLieu',
  'Withholding Tax': 'withholdingTax',
  'Broker Interest Paid and Received': 'brokerInterest',
  'Bond Interest Paid and Received': 'bondInterest',
  'Net Trades (Sales)': 'netTradesSales',
  'Net Trades (Purchase)': 'netTradesPurchases',
  'Cash Settling MTM': 'cashSettlingMtm',
  'Other Fees': 'otherFees',
  'Transaction Fees': 'transactionTax',
  'Cash FX Translation Gain/Loss': 'fxTranslationGainLoss'
}

const decimalsOf = (raw: string): number => /\.(\d+)$/.exec(raw.trim())?.[1]!.length ?? 0

/**
 * The section's rows gathered per currency into Flex-shaped rows (attributes by Flex name),
 * base-currency summary left out; a Starting or Ending Cash that is not a number is rejected.
 */
export function cashReportRows(rows: { reader: CellReader; record: CsvRecord }[], file: string, period: { from: CalendarDate; to: CalendarDate } | null): { rows: CashReportRow[]; issues: RowIssue[] } {
  const issues: RowIssue[] = []
  const byCurrency = new Map<string, { attrs: Record<string, string>; line: number; startingLine?: number }>()
  for (const { reader: r, record } of rows) {
    const item = r.raw('Currency Summary')
    const currency = r.raw('Currency')
    if (!currency || /summary/i.test(currency)) continue
    const name = LINE_ITEMS[item] ?? item
    const total = r.raw('Total')
    const value = total === '' || total.length > 1000 ? Number.NaN : Number(total.replace(/,/g, ''))
    const problem = boundProblem('cash', value)
    if (problem !== null) {
      // Other line items only explain a mismatch; a balance that cannot be read is a problem.
      if (name === 'startingCash' || name === 'endingCash') issues.push({ file, line: record.line, column: 'Total', reason: `${quoteInput(total)} is not a usable ${quoteInput(item, '')}${Number.isNaN(value) ? '' : `: it ${problem}`}`, severity: 'rejected' })
      continue
    }
    const entry = byCurrency.get(currency) ?? { attrs: {}, line: record.line }
    byCurrency.set(currency, entry)
    entry.attrs[name] = total.replace(/,/g, '')
    if (name === 'endingCash') entry.line = record.line
    if (name === 'startingCash') entry.startingLine = record.line
  }
  const out: CashReportRow[] = []
  for (const [currency, { attrs, line, startingLine }] of byCurrency) {
    if (attrs.endingCash === undefined) continue
    out.push({
      statement: 0,
      accountId: '',
      currency,
      line,
      startingLine,
      from: period?.from ?? null,
      to: period?.to ?? null,
      starting: attrs.startingCash === undefined ? null : { amount: Number(attrs.startingCash), decimals: decimalsOf(attrs.startingCash) },
      ending: { amount: Number(attrs.endingCash), decimals: decimalsOf(attrs.endingCash) },
      attrs
    })
  }
  return { rows: out, issues }
}

/**
 * What a Trades (Order) row moves in cash: stocks and options their Proceeds and Comm/Fee;
 * futures their commission and the trade day's MTM P/L (the notional never touches cash; the
 * Cash Report's Cash Settling MTM holds futures P&L, IBKR Cash & Collateral Report). null when a
 * column that would be needed is missing.
 */
export function activityTradeCash(category: string, currency: string, proceeds: number | null, commission: number, mtm: number | null): CashPart[] | null {
  const parts: CashPart[] = [{ suffix: 'commission', kind: 'fee', component: 'commissions', currency, amount: commission }]
  if (/^futures$/i.test(category)) {
    if (mtm === null) return null
    parts.push({ suffix: 'vm', kind: 'variation_margin', component: 'cashSettlingMtm', currency, amount: mtm })
  } else {
    if (proceeds === null) return null
    parts.push({ suffix: 'proceeds', kind: 'trade', component: proceeds > 0 ? 'netTradesSales' : 'netTradesPurchases', currency, amount: proceeds })
  }
  return parts.filter((p) => p.amount !== 0)
}
