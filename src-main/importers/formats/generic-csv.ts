/**
 * Any broker's trade CSV, read through a column mapping the user makes in the import wizard (and
 * may save as a preset): which column is the time, instrument, side (or a signed size), size,
 * price, fee and trade id; which venue's symbols the instrument column uses; whether numbers use a
 * decimal comma. Optionally the account's cash: a running balance column, the row's signed cash
 * change, and the currency of both. Everything else works as for the built-in formats.
 */
import { CellReader, readCsv } from '../csv-records'
import { ContentIdentity, venueId } from '../row-identity'
import { quoteInput } from '../../engine/instruments/bounds'
import type { ParsedStatement, RowIssue, StatementBalance, StatementCashFlow, StatementTrade } from '../statement'

export interface GenericMapping {
  venue: string
  time: string
  instrument: string
  /** null: the size column is signed (negative = sell). */
  side: string | null
  size: string
  price: string | null
  fee: string | null
  feeCurrency: string | null
  id: string | null
  decimalComma: boolean
  accountName: string
  /**
   * Column with the account's cash balance after the row (a running balance). The last row's
   * balance (by time) per currency is the statement's closing balance.
   */
  balance?: string | null
  /**
   * Column with the row's signed change of that cash (e.g. 'Net Amount': proceeds, fees and
   * realised P&L together). Each non-zero change is a cash flow; with a balance column, the first
   * row's balance minus its change is the opening balance.
   */
  cashChange?: string | null
  /**
   * Column naming the currency of the balance and the cash change, for multi-currency files.
   * Without it they are in `feeCurrency`, else USD.
   */
  balanceCurrency?: string | null
}

const BUY = /^(buy|b|long|bid|bought|open long|close short)$/i
const SELL = /^(sell|s|short|ask|sold|open short|close long)$/i

interface BalanceRow {
  atMs: number
  order: number
  line: number
  currency: string
  balance: number
  decimals: number
  change: number | null
}

export function parseGenericCsv(text: string, file: string, m: GenericMapping): ParsedStatement {
  const table = readCsv(text, file)
  const mapped = [m.time, m.instrument, m.size, m.side, m.price, m.fee, m.id, m.balance, m.cashChange, m.balanceCurrency]
  const missing = mapped.filter((c): c is string => !!c && !table.columns.has(c))
  if (missing.length) throw new Error(`${file}: the mapping names column(s) the file does not have: ${missing.join(', ')}`)
  const issues: RowIssue[] = table.problems.map((p) => ({ file, line: p.line, column: null, reason: `not readable as CSV: ${p.message}`, severity: 'rejected' }))
  const identity = new ContentIdentity(`generic-${m.venue}`)
  const trades: StatementTrade[] = []
  const cashFlows: StatementCashFlow[] = []
  const balances: BalanceRow[] = []
  const fixedCurrency = m.feeCurrency || 'USD'
  const decimalMark = m.decimalComma ? ',' : '.'
  for (const [order, record] of table.records.entries()) {
    const r = new CellReader(file, table, record, m.decimalComma)
    const atMs = r.time(m.time)
    const symbol = r.text(m.instrument)
    const size = r.number(m.size, true, 'sizeContracts')
    const price = m.price ? r.number(m.price, false, 'price') : null
    const fee = m.fee ? (r.number(m.fee, false, 'fee') ?? 0) : 0
    const balance = m.balance ? r.number(m.balance, false) : null
    const change = m.cashChange ? r.number(m.cashChange, false) : null
    const currency = m.balanceCurrency ? r.text(m.balanceCurrency, balance !== null || change !== null) : fixedCurrency
    let side: 'buy' | 'sell' | null = null
    if (m.side) {
      const text = r.raw(m.side)
      side = BUY.test(text) ? 'buy' : SELL.test(text) ? 'sell' : null
      if (!side) r.issues.push({ file, line: record.line, column: m.side, reason: `${quoteInput(text)} is neither a buy nor a sell`, severity: 'rejected' })
    } else if (size !== null) side = size > 0 ? 'buy' : size < 0 ? 'sell' : null
    if (!r.ok || atMs === null || symbol === null || size === null) {
      issues.push(...r.issues)
      continue
    }
    const isTrade = size !== 0 && side !== null
    const id = m.id ? r.raw(m.id) : ''
    const externalId = id ? venueId(`generic-${m.venue}`, 'trade', id) : identity.of('trade', [atMs, symbol, side, Math.abs(size), price])
    if (isTrade) {
      trades.push({ line: record.line, externalId, instrument: { venue: m.venue, symbol }, tradedAtMs: atMs, side: side!, sizeContracts: Math.abs(size), price, fee: Math.abs(fee), feeCurrency: m.feeCurrency, kind: 'trade' })
    } else if (change === null || change === 0) {
      issues.push({ file, line: record.line, column: m.size, reason: 'a trade of size 0 changes nothing', severity: 'skipped' })
    }
    if (change !== null && change !== 0 && currency !== null) {
      cashFlows.push({ line: record.line, externalId: `${externalId}:cash`, atMs, kind: isTrade ? 'trade' : 'cash', currency, amount: change, instrumentSymbol: symbol, note: `${m.cashChange} of the row` })
    }
    if (balance !== null && currency !== null) {
      const decimals = new RegExp(`\\${decimalMark}(\\d+)$`).exec(r.raw(m.balance!))?.[1]!.length ?? 0
      balances.push({ atMs, order, line: record.line, currency, balance, decimals, change })
    }
  }
  const { closing, opening } = balancesOf(balances)
  return {
    file, format: 'generic-csv', formatLabel: `CSV mapped by hand (${m.venue} symbols)`, venue: m.venue, accountName: m.accountName,
    baseCurrency: 'USD', rowsTotal: table.records.length, trades, cashFlows, positions: null, positionsAsOfMs: null,
    closingBalances: closing, openingBalances: opening, settlements: [], notes: notesFor(m), issues
  }
}

/**
 * Per currency, the last row's balance by time (closing) and the first row's balance less its
 * change (opening, only with a cash-change column). Rows in the same second keep the file's
 * order, read backwards when the file lists the newest first.
 */
function balancesOf(rows: BalanceRow[]): { closing: StatementBalance[]; opening: StatementBalance[] } {
  const newestFirst = rows.length > 1 && rows[0]!.atMs > rows[rows.length - 1]!.atMs
  const sorted = [...rows].sort((a, b) => a.atMs - b.atMs || (newestFirst ? b.order - a.order : a.order - b.order))
  const closing = new Map<string, StatementBalance>()
  const opening = new Map<string, StatementBalance>()
  for (const row of sorted) {
    // Only the first row of a currency gives its opening: a later one would skip earlier changes.
    if (!closing.has(row.currency) && row.change !== null) {
      opening.set(row.currency, { currency: row.currency, amount: row.balance - row.change, atMs: row.atMs, line: row.line, decimals: row.decimals })
    }
    closing.set(row.currency, { currency: row.currency, amount: row.balance, atMs: row.atMs, line: row.line, decimals: row.decimals })
  }
  return { closing: [...closing.values()], opening: [...opening.values()] }
}

function notesFor(m: GenericMapping): string[] {
  if (m.balance && m.cashChange) return [`Cash: the last row's ${m.balance} per currency is the closing balance; the first row's, less its ${m.cashChange}, the opening one. Each row's ${m.cashChange} is in the ledger.`]
  if (m.balance) return [`Cash: the last row's ${m.balance} per currency is the closing balance. The mapping has no cash-change column, so the ledger holds no cash and there is no opening balance.`]
  if (m.cashChange) return [`Cash: each row's ${m.cashChange} is in the ledger; the file states no balance, so the book's cash is the sum of the flows.`]
  return ['Trades only: the mapping has no balance or cash-change column, so the book\'s cash is not touched.']
}

/** Header, a few rows and the row count: what the mapper needs to show. */
export function inspectCsv(text: string, file: string): { header: string[]; sample: string[][]; rows: number } {
  const table = readCsv(text, file)
  return { header: table.header, sample: table.records.slice(0, 5).map((r) => r.values), rows: table.records.length }
}
