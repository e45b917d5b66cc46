/**
 * IBKR classic Activity Statement CSV: many sections in one file, each row
 * `Section,Header|Data|SubTotal|Total,fields…`, with a Header row giving the fields of the Data rows
 * after it (a section may redefine them, e.g. per asset category). Used: Account Information,
 * Trades (DataDiscriminator Order), Open Positions (Summary), Financial Instrument Information
 * (futures multipliers and expiries), Deposits & Withdrawals, Fees, Interest, and Cash Report
 * (Starting and Ending Cash per currency: the opening and closing balances; ibkr-activity-cash.ts).
 * Trades move cash too: stocks and options their proceeds and commission, futures their commission
 * and trade-day MTM. Forex rows are taken as today (a trade), their cash is not booked.
 */
import { columnIndex, CellReader, readCsvRows, type CsvRecord } from '../csv-records'
import { ContentIdentity } from '../row-identity'
import type { InstrumentRef, ParsedStatement, RowIssue, StatementCashFlow, StatementPosition, StatementTrade } from '../statement'
import { newYorkCloseUtc, newYorkTimeUtc } from '../../engine/instruments/expiry'
import { activityTradeCash, cashReportRows, periodOf } from './ibkr-activity-cash'
import { cashBalances, reconcileCash, tradeCashId } from './ibkr-flex-cash'
import { IbkrClock } from './ibkr-flex-time'
import { quoteInput } from '../../engine/instruments/bounds'

export const detectIbkrActivityCsv = (header: readonly string[]): boolean =>
  header[0] === 'Statement' && header[1] === 'Header' && header[2] === 'Field Name'

/** '2025-01-15, 10:30:00' in the account's time zone, taken as New York (IBKR's default). */
function ibkrLocalTime(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}),?\s+(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim())
  return m ? newYorkTimeUtc(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0)) : NaN
}

interface SectionRow {
  section: string
  reader: CellReader
  record: CsvRecord
}

const CASH_SECTIONS: Record<string, string> = { 'Deposits & Withdrawals': 'deposit_withdrawal', Fees: 'fee', Interest: 'interest', Dividends: 'dividend', 'Withholding Tax': 'tax' }
/** The Cash Report line item each cash section's rows add to, for explaining a mismatch. */
const COMPONENT_OF_KIND: Record<string, string> = { deposit: 'deposits', withdrawal: 'withdrawals', fee: 'otherFees', interest: 'brokerInterest', dividend: 'dividends', tax: 'withholdingTax' }

export function parseIbkrActivityCsv(text: string, file: string): ParsedStatement {
  const { rows, problems } = readCsvRows(text)
  const issues: RowIssue[] = problems.map((p) => ({ file, line: p.line, column: null, reason: `not readable as CSV: ${p.message}`, severity: 'rejected' }))
  const headers = new Map<string, Map<string, number>>()
  const data: SectionRow[] = []
  for (const record of rows) {
    const [section = '', kind = ''] = record.values
    const fields = record.values.slice(2).map((v) => v.trim())
    if (kind === 'Header') headers.set(section, columnIndex(fields))
    else if (kind === 'Data') {
      const columns = headers.get(section)
      if (!columns) {
        issues.push({ file, line: record.line, column: null, reason: `a ${section} data row before its header`, severity: 'rejected' })
        continue
      }
      const shifted: CsvRecord = { line: record.line, values: fields }
      data.push({ section, record: shifted, reader: new CellReader(file, { columns }, shifted) })
    }
  }

  const accountId = data.find((d) => d.section === 'Account Information' && d.reader.raw('Field Name') === 'Account')?.reader.raw('Field Value') ?? ''
  // Futures need their multiplier and expiry, which only this section carries.
  const futureSpecs = new Map<string, { multiplier: number; expiryMs: number | null }>()
  for (const d of data.filter((x) => x.section === 'Financial Instrument Information')) {
    const symbol = d.reader.raw('Symbol')
    const expiry = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d.reader.raw('Expiry'))
    // A multiplier that is not a number within the contract-size bound rejects its row (and leaves the future without its spec).
    const multiplier = d.reader.raw('Multiplier') === '' ? 1 : d.reader.number('Multiplier', true, 'contractSize')
    if (multiplier === null) {
      issues.push(...d.reader.issues)
      continue
    }
    futureSpecs.set(symbol, {
      multiplier: multiplier || 1,
      expiryMs: expiry ? newYorkCloseUtc(+expiry[1]!, +expiry[2]! - 1, +expiry[3]!) : null
    })
  }
  const refFor = (category: string, symbol: string, multiplier: number): InstrumentRef => {
    const spec = futureSpecs.get(symbol)
    const contractSize = multiplier > 0 ? multiplier : (spec?.multiplier ?? 1)
    return { venue: 'ibkr', symbol, hints: category === 'Futures' ? { contractSize, ...(spec?.expiryMs ? { expiryMs: spec.expiryMs } : {}) } : { contractSize } }
  }

  const trades: StatementTrade[] = []
  const positions: StatementPosition[] = []
  const cashFlows: StatementCashFlow[] = []
  const identity = new ContentIdentity('ibkr')
  let asOfMs: number | null = null

  const ledger: { statement: number; currency: string; amount: number; component: string }[] = []
  const notes: string[] = []
  const USED = new Set(['Statement', 'Account Information', 'Financial Instrument Information', 'Trades', 'Open Positions', 'Cash Report', ...Object.keys(CASH_SECTIONS)])
  const unusedSections = new Map<string, { line: number; rows: number }>()
  const skip = (line: number, reason: string): void => {
    issues.push({ file, line, column: 'DataDiscriminator', reason, severity: 'skipped' })
  }

  for (const { section, reader: r, record } of data) {
    if (!USED.has(section)) {
      const s = unusedSections.get(section)
      if (s) s.rows++
      else unusedSections.set(section, { line: record.line, rows: 1 })
      continue
    }
    if (section === 'Trades' && r.raw('DataDiscriminator') !== 'Order') {
      skip(record.line, `a ${r.raw('DataDiscriminator') || 'summary'} line, not a trade`)
      continue
    }
    if (section === 'Open Positions' && r.raw('DataDiscriminator') !== 'Summary') {
      skip(record.line, `a ${r.raw('DataDiscriminator') || 'detail'} line; the Summary line holds the position`)
      continue
    }
    if (section === 'Statement' && r.raw('Field Name') === 'Period') {
      const end = /(\w+ \d{1,2}, \d{4})\s*$/.exec(r.raw('Field Value'))
      if (end) asOfMs = Date.parse(`${end[1]} UTC`) || asOfMs
    }
    if (section === 'Trades' && r.raw('DataDiscriminator') === 'Order') {
      const category = r.text('Asset Category')
      const symbol = r.text('Symbol')
      const when = r.text('Date/Time')
      const quantity = r.number('Quantity', true, 'sizeContracts')
      const price = r.number('T. Price', true, 'price')
      const fee = r.number('Comm/Fee', false, 'fee') ?? 0
      const mult = r.number('Mult', false, 'contractSize') ?? 0
      const atMs = when ? ibkrLocalTime(when) : NaN
      if (when && !Number.isFinite(atMs)) r.issues.push({ file, line: record.line, column: 'Date/Time', reason: `${quoteInput(when)} is not a date and time`, severity: 'rejected' })
      if (quantity === 0) r.issues.push({ file, line: record.line, column: 'Quantity', reason: 'a trade of quantity 0', severity: 'rejected' })
      const proceeds = r.number('Proceeds', false)
      const mtm = r.number('MTM P/L', false)
      if (!r.ok || !category || !symbol || quantity === null || price === null || !Number.isFinite(atMs)) {
        issues.push(...r.issues)
        continue
      }
      const externalId = identity.of('trade', [symbol, when, quantity, price])
      const currency = r.raw('Currency') || 'USD'
      if (!/^forex$/i.test(category)) {
        const parts = activityTradeCash(category, currency, proceeds, fee, mtm)
        if (!parts) issues.push({ file, line: record.line, column: /^futures$/i.test(category) ? 'MTM P/L' : 'Proceeds', reason: 'empty: the trade\'s cash is not booked; the position is', severity: 'warning' })
        for (const p of parts ?? []) {
          cashFlows.push({ line: record.line, externalId: tradeCashId(externalId, p.suffix), atMs, kind: p.kind, currency: p.currency, amount: p.amount, instrumentSymbol: symbol, note: `${symbol}: ${p.component}` })
          ledger.push({ statement: 0, currency: p.currency, amount: p.amount, component: p.component })
        }
      }
      trades.push({
        line: record.line,
        externalId,
        instrument: refFor(category, symbol, mult),
        tradedAtMs: atMs,
        side: quantity > 0 ? 'buy' : 'sell',
        sizeContracts: Math.abs(quantity),
        price,
        fee: -fee,
        feeCurrency: r.raw('Currency') || 'USD',
        kind: r.raw('Code').includes('A') ? 'assignment' : r.raw('Code').includes('Ex') ? 'exercise' : 'trade'
      })
    } else if (section === 'Open Positions' && r.raw('DataDiscriminator') === 'Summary') {
      const category = r.text('Asset Category')
      const symbol = r.text('Symbol')
      const quantity = r.number('Quantity', true, 'sizeContracts')
      const cost = r.number('Cost Price', false, 'price')
      const mult = r.number('Mult', false, 'contractSize') ?? 0
      if (!r.ok || !category || !symbol || quantity === null) {
        issues.push(...r.issues)
        continue
      }
      // Futures settle into cash nightly: the cash holds their P&L up to the Close Price already.
      const close = /^futures$/i.test(category) ? r.number('Close Price', false, 'price') : null
      positions.push({ line: record.line, instrument: refFor(category, symbol, mult), sizeContracts: quantity, avgPrice: cost, sessionPrice: close !== null && close > 0 ? close : null })
    } else if (CASH_SECTIONS[section]) {
      const currency = r.raw('Currency')
      if (!currency || currency.startsWith('Total')) {
        issues.push({ file, line: record.line, column: 'Currency', reason: 'a total line, not a transaction', severity: 'skipped' })
        continue
      }
      const amount = r.number('Amount')
      const date = r.raw('Date') || r.raw('Settle Date') || null
      const atMs = date ? Date.parse(`${date}T00:00:00Z`) : NaN
      if (!r.ok || amount === null || !Number.isFinite(atMs)) {
        issues.push(...(r.ok ? [{ file, line: record.line, column: 'Date', reason: `${quoteInput(date ?? '')} is not a date`, severity: 'rejected' as const }] : r.issues))
        continue
      }
      const description = r.raw('Description')
      const kind = CASH_SECTIONS[section] === 'deposit_withdrawal' ? (amount >= 0 ? 'deposit' : 'withdrawal') : CASH_SECTIONS[section]!
      ledger.push({ statement: 0, currency, amount, component: COMPONENT_OF_KIND[kind] ?? 'other' })
      cashFlows.push({
        line: record.line,
        externalId: identity.of('cash', [section, currency, date, description, amount]),
        atMs,
        kind,
        currency,
        amount,
        note: description || undefined
      })
    }
  }

  for (const [section, s] of unusedSections) {
    issues.push({ file, line: s.line, column: null, reason: `section ${quoteInput(section)} (${s.rows} rows) is not imported: it holds no trades, positions or cash`, severity: 'skipped' })
  }

  const period = periodOf(data.find((d) => d.section === 'Statement' && d.reader.raw('Field Name') === 'Period')?.reader.raw('Field Value') ?? '')
  const report = cashReportRows(data.filter((d) => d.section === 'Cash Report'), file, period)
  const cashRows = report.rows.map((row) => ({ ...row, accountId }))
  issues.push(...report.issues, ...reconcileCash(cashRows, ledger, file))
  const { closing, opening } = cashBalances(cashRows, new IbkrClock())
  notes.push(
    cashRows.length
      ? 'Cash: the Cash Report\'s Ending Cash per currency is the closing balance, as of the end of the period\'s last day in New York; Starting Cash is the opening balance.'
      : 'The statement has no Cash Report section, so it states no balances: the ledger (trades\' cash, deposits, fees, interest) is all there is.'
  )

  return {
    file, format: 'ibkr-activity-csv', formatLabel: 'IBKR Activity Statement (CSV)', venue: 'ibkr',
    accountName: accountId ? `IBKR ${accountId}` : 'IBKR', baseCurrency: 'USD', rowsTotal: data.length,
    trades, cashFlows, positions: positions.length || trades.length ? positions : null, positionsAsOfMs: asOfMs, closingBalances: closing, openingBalances: opening, settlements: [], notes, issues
  }
}
