/**
 * OKX exports (column meanings: OKX API docs for bills; BittyTax's okx.py; see the research notes
 * in the commit):
 * - Trading history (bills): id,Order id,Time,Trade Type,Instrument,Type,Amount,Unit,PL,Fee,
 *   Position Change,Position Balance,Balance Change,Balance,Unit. Derivative rows (Open/Close
 *   long/short, deliveries, liquidations) change positions by Amount contracts; no fill price is
 *   given. Spot rows are one leg per currency (Amount in the second Unit, Balance Change net of
 *   the fee) and move spot holdings. Funding and transfers are cash flows.
 * - Funding account: id,Time,Type,Amount,Before Balance,After Balance,Fee,Symbol.
 * Neither says its time zone unless a preamble line ("…,Time Zone:UTC+8") precedes the header;
 * without one, times are taken as UTC and a warning says so.
 */
import { CellReader, readCsv, type CsvTable } from '../csv-records'
import { ContentIdentity, venueId } from '../row-identity'
import type { ParsedStatement, RowIssue, StatementCashFlow, StatementTrade } from '../statement'

const BILLS = ['id', 'Order id', 'Time', 'Trade Type', 'Instrument', 'Type', 'Amount', 'PL', 'Fee', 'Balance Change', 'Balance']
const FUNDING = ['id', 'Time', 'Type', 'Amount', 'Before Balance', 'After Balance', 'Symbol']
const CASH_COINS = new Set(['USD', 'USDT', 'USDC', 'EUR', 'GBP', 'DAI', 'TUSD'])

/** Drop a "UID:…,Time Zone:UTC+8" preamble; return the text from the header on and the offset. */
function preamble(text: string): { body: string; offsetMinutes: number | null; lineOffset: number } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const firstBreak = body.indexOf('\n')
  const first = firstBreak < 0 ? body : body.slice(0, firstBreak)
  if (!/^\s*UID:/i.test(first)) return { body, offsetMinutes: null, lineOffset: 0 }
  const tz = /Time Zone:\s*UTC\s*([+-])\s*(\d{1,2})(?::(\d{2}))?/i.exec(first)
  const offsetMinutes = tz ? (tz[1] === '-' ? -1 : 1) * (Number(tz[2]) * 60 + Number(tz[3] ?? 0)) : null
  return { body: body.slice(firstBreak + 1), offsetMinutes, lineOffset: 1 }
}

export function detectOkxBills(text: string, header: readonly string[] | null): boolean {
  const h = header && BILLS.every((c) => header.includes(c)) ? header : null
  if (h) return true
  const { body, lineOffset } = preamble(text)
  if (!lineOffset) return false
  const second = body.slice(0, body.indexOf('\n')).split(',').map((c) => c.trim())
  return BILLS.every((c) => second.includes(c))
}

export const detectOkxFunding = (header: readonly string[]): boolean => FUNDING.every((c) => header.includes(c)) && !header.includes('Trade Type')

function readWithPreamble(text: string, file: string): { table: CsvTable; offsetMinutes: number | null; issues: RowIssue[] } {
  const { body, offsetMinutes, lineOffset } = preamble(text)
  const table = readCsv(body, file)
  for (const r of table.records) r.line += lineOffset
  const issues: RowIssue[] = table.problems.map((p) => ({ file, line: p.line + lineOffset, column: null, reason: `not readable as CSV: ${p.message}`, severity: 'rejected' }))
  if (offsetMinutes === null) {
    issues.push({ file, line: 1, column: 'Time', reason: 'the file does not say its time zone: times taken as UTC (newer OKX exports name it in a first line)', severity: 'warning' })
  }
  return { table, offsetMinutes, issues }
}

const DERIVATIVE_SIDES: Record<string, 'buy' | 'sell'> = {
  'open long': 'buy',
  'close short': 'buy',
  'open short': 'sell',
  'close long': 'sell',
  'delivery long': 'sell',
  'delivery short': 'buy',
  'liquidation long': 'sell',
  'liquidation short': 'buy',
  'partial liquidation close long': 'sell',
  'partial liquidation close short': 'buy',
  buy: 'buy',
  sell: 'sell'
}

export function parseOkxBills(text: string, file: string): ParsedStatement {
  const { table, offsetMinutes, issues } = readWithPreamble(text, file)
  const shift = (offsetMinutes ?? 0) * 60_000
  const trades: StatementTrade[] = []
  const cashFlows: StatementCashFlow[] = []
  for (const record of table.records) {
    const r = new CellReader(file, table, record)
    const id = r.text('id')
    const local = r.time('Time')
    const tradeType = (r.text('Trade Type') ?? '').toLowerCase()
    const type = (r.text('Type') ?? '').toLowerCase()
    const instrument = r.text('Instrument', false)
    // The second Unit is the balance change's currency (the first is the Amount's, e.g. "cont");
    // exports with one Unit column carry the currency there.
    const unitColumn = table.columns.has('Unit (2)') ? 'Unit (2)' : 'Unit'
    const currency = r.raw(unitColumn)
    const change = r.number('Balance Change')
    if (!currency) r.issues.push({ file, line: record.line, column: unitColumn, reason: 'empty: the currency of the balance change', severity: 'rejected' })
    if (!r.ok || id === null || local === null || change === null) {
      issues.push(...r.issues)
      continue
    }
    const atMs = local - shift
    const base = { line: record.line, atMs, currency, instrumentSymbol: instrument ?? undefined }
    if (tradeType === 'transfer' || type.startsWith('transfer')) {
      cashFlows.push({ ...base, externalId: venueId('okx', 'bill', id), kind: 'internal_transfer', amount: change, note: `${tradeType}: ${type}` })
      continue
    }
    if (type.startsWith('funding fee')) {
      cashFlows.push({ ...base, externalId: venueId('okx', 'bill', id), kind: 'funding', amount: change })
      continue
    }
    if (tradeType === 'spot') {
      // One leg per currency: the holding moves by the net change (fee included).
      const flow: StatementCashFlow = { ...base, externalId: venueId('okx', 'bill', id), kind: 'trade', amount: change, note: `spot ${type} ${instrument ?? ''}`.trim() }
      if (!CASH_COINS.has(currency.toUpperCase())) {
        flow.positionEffect = { instrument: { venue: 'okx', symbol: `${currency}-USDT` }, deltaContracts: change }
      }
      cashFlows.push(flow)
      continue
    }
    const side = DERIVATIVE_SIDES[type]
    if (!side || !instrument) {
      issues.push({ file, line: record.line, column: side ? 'Instrument' : 'Type', reason: side ? 'a derivative row needs an instrument' : `unknown bill type '${type}' for trade type '${tradeType}'`, severity: 'rejected' })
      continue
    }
    const amount = r.number('Amount')
    const fee = r.number('Fee', false) ?? 0
    const pnl = r.number('PL', false) ?? 0
    if (amount === null || !r.ok) {
      issues.push(...r.issues)
      continue
    }
    if (amount === 0) {
      issues.push({ file, line: record.line, column: 'Amount', reason: `a ${type} of 0 contracts changes nothing`, severity: 'skipped' })
      continue
    }
    trades.push({
      line: record.line,
      externalId: venueId('okx', 'bill', id),
      instrument: { venue: 'okx', symbol: instrument },
      tradedAtMs: atMs,
      side,
      sizeContracts: Math.abs(amount),
      price: null,
      fee: -fee,
      feeCurrency: currency || null,
      kind: type
    })
    if (pnl !== 0) cashFlows.push({ ...base, externalId: venueId('okx', 'pnl', id), kind: 'realised_pnl', amount: pnl })
    if (fee !== 0) cashFlows.push({ ...base, externalId: venueId('okx', 'fee', id), kind: 'fee', amount: fee })
  }
  return {
    file, format: 'okx-bills', formatLabel: 'OKX trading history (bills)', venue: 'okx', accountName: 'OKX', baseCurrency: 'USDT',
    rowsTotal: table.records.length, trades, cashFlows, positions: null, positionsAsOfMs: null, closingBalances: [], openingBalances: [], settlements: [], notes: [], issues
  }
}

const FUNDING_KINDS: Record<string, { kind: string; ownership: boolean }> = {
  deposit: { kind: 'deposit', ownership: true },
  withdrawal: { kind: 'withdrawal', ownership: true },
  'staking yield': { kind: 'interest', ownership: true },
  'fee rebate': { kind: 'reward', ownership: true },
  stake: { kind: 'internal_transfer', ownership: false },
  'redeem staking': { kind: 'internal_transfer', ownership: false },
  'savings subscription': { kind: 'internal_transfer', ownership: false },
  'savings redemption': { kind: 'internal_transfer', ownership: false },
  'from unified trading account': { kind: 'internal_transfer', ownership: false },
  'to unified trading account': { kind: 'internal_transfer', ownership: false }
}

export function parseOkxFunding(text: string, file: string): ParsedStatement {
  const { table, offsetMinutes, issues } = readWithPreamble(text, file)
  const shift = (offsetMinutes ?? 0) * 60_000
  const identity = new ContentIdentity('okx')
  const cashFlows: StatementCashFlow[] = []
  for (const record of table.records) {
    const r = new CellReader(file, table, record)
    const local = r.time('Time')
    const type = r.text('Type')
    const amount = r.number('Amount')
    const coin = r.text('Symbol')
    const spec = type ? FUNDING_KINDS[type.toLowerCase()] : undefined
    if (type && !spec) r.issues.push({ file, line: record.line, column: 'Type', reason: `unknown funding type '${type}'`, severity: 'rejected' })
    if (!r.ok || local === null || amount === null || coin === null || !spec) {
      issues.push(...r.issues)
      continue
    }
    const id = r.raw('id')
    const flow: StatementCashFlow = {
      line: record.line,
      externalId: id ? venueId('okx', 'funding', id) : identity.of('funding', [local, type, amount, coin]),
      atMs: local - shift,
      kind: spec.kind,
      currency: coin,
      amount,
      note: `funding account: ${type}`
    }
    if (spec.ownership && !CASH_COINS.has(coin.toUpperCase())) flow.positionEffect = { instrument: { venue: 'okx', symbol: `${coin}-USDT` }, deltaContracts: amount }
    cashFlows.push(flow)
  }
  return {
    file, format: 'okx-funding', formatLabel: 'OKX funding account history', venue: 'okx', accountName: 'OKX', baseCurrency: 'USDT',
    rowsTotal: table.records.length, trades: [], cashFlows, positions: null, positionsAsOfMs: null, closingBalances: [], openingBalances: [], settlements: [], notes: [], issues
  }
}
