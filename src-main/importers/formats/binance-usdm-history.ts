/**
 * Binance USD-M futures "Transaction History" CSV, the futures wallet's income ledger (realised
 * P&L, funding, commissions, transfers): every row moves the futures wallet's cash in its asset.
 * Headers: `Date(UTC),type,Amount,Asset,Symbol,Transaction ID` (BittyTax binance.py) and the newer `Time,Type,Amount,Asset,Symbol,Transaction ID` in
 * 'Binance-Futures-Transaction-History-<ts>(UTC+3).csv', times in the file name's zone. `Amount`
 * is signed from the account's side (GET /fapi/v1/income: COMMISSION negative). No balance
 * column: the book's cash is the sum of the flows.
 */
import { CellReader, readCsv } from '../csv-records'
import { venueId } from '../row-identity'
import type { ParsedStatement, RowIssue, StatementCashFlow } from '../statement'
import { isNoDataLine, NO_DATA_NOTE, readTime, zoneOf } from './binance-common'
import { quoteInput } from '../../engine/instruments/bounds'

/** Each column by its names in the two header generations. */
const COLUMNS = {
  time: ['Date(UTC)', 'Time'],
  type: ['type', 'Type'],
  amount: ['Amount'],
  asset: ['Asset'],
  symbol: ['Symbol'],
  id: ['Transaction ID']
} as const

const pick = (header: readonly string[], names: readonly string[]): string | undefined => names.find((n) => header.includes(n))

export const detectBinanceUsdm = (header: readonly string[]): boolean => Object.values(COLUMNS).every((names) => pick(header, names) !== undefined)

/** Binance income types (GET /fapi/v1/income `incomeType`; BittyTax adds DEPOSIT, WITHDRAW) → cash-flow kinds. */
const KINDS: Record<string, string> = {
  REALIZED_PNL: 'realised_pnl',
  FUNDING_FEE: 'funding',
  COMMISSION: 'fee',
  TRANSFER: 'transfer',
  DEPOSIT: 'deposit',
  WITHDRAW: 'withdrawal',
  INTERNAL_TRANSFER: 'internal_transfer',
  CROSS_COLLATERAL_TRANSFER: 'internal_transfer',
  STRATEGY_UMFUTURES_TRANSFER: 'internal_transfer',
  INSURANCE_CLEAR: 'insurance',
  WELCOME_BONUS: 'reward',
  REFERRAL_KICKBACK: 'reward',
  COMMISSION_REBATE: 'reward',
  API_REBATE: 'reward',
  CONTEST_REWARD: 'reward',
  BFUSD_REWARD: 'reward',
  FEE_RETURN: 'fee',
  OPTIONS_PREMIUM_FEE: 'fee',
  OPTIONS_SETTLE_PROFIT: 'realised_pnl',
  AUTO_EXCHANGE: 'conversion',
  DELIVERED_SETTELMENT: 'settlement', // sic: Binance's own spelling
  COIN_SWAP_DEPOSIT: 'conversion',
  COIN_SWAP_WITHDRAW: 'conversion',
  POSITION_LIMIT_INCREASE_FEE: 'fee'
}

export function parseBinanceUsdm(text: string, file: string): ParsedStatement {
  const table = readCsv(text, file, detectBinanceUsdm)
  const col = Object.fromEntries(Object.entries(COLUMNS).map(([k, names]) => [k, pick(table.header, names)!])) as Record<keyof typeof COLUMNS, string>
  const notes = [
    'The futures transaction history carries flows only, no balances: the book\'s cash per asset is the sum of these flows over every file imported. Trades and positions come from the futures trade history.'
  ]
  const zone = zoneOf(file, col.time, notes)
  const issues: RowIssue[] = table.problems.map((p) => ({ file, line: p.line, column: null, reason: `not readable as CSV: ${p.message}`, severity: 'rejected' }))
  const cashFlows: StatementCashFlow[] = []
  let rows = 0
  for (const record of table.records) {
    if (isNoDataLine(record)) {
      notes.push(NO_DATA_NOTE)
      continue
    }
    rows++
    const at = { file, line: record.line }
    const r = new CellReader(file, table, record)
    const atMs = readTime(r, at, col.time, zone)
    const type = r.text(col.type)
    const amount = r.number(col.amount)
    const asset = r.text(col.asset)
    const id = r.text(col.id)
    const kind = type ? KINDS[type.toUpperCase()] : undefined
    if (type && !kind) r.issues.push({ ...at, column: col.type, reason: `unknown income type ${quoteInput(type)}`, severity: 'rejected' })
    if (!r.ok || atMs === null || amount === null || asset === null || id === null || !kind || !type) {
      issues.push(...r.issues)
      continue
    }
    cashFlows.push({
      line: record.line,
      // tranId is "unique in the same incomeType" (GET /fapi/v1/income): a COMMISSION and the
      // REALIZED_PNL of one fill share it, so the type is part of the identity.
      externalId: venueId('binance', 'usdm', `${id}:${type}`),
      atMs,
      kind,
      currency: asset,
      amount,
      instrumentSymbol: r.text(col.symbol, false) ?? undefined,
      note: `USD-M: ${type}`
    })
  }
  return {
    file, format: 'binance-usdm-history', formatLabel: 'Binance USD-M futures transaction history', venue: 'binance',
    accountName: 'Binance USD-M', baseCurrency: 'USDT', rowsTotal: rows,
    trades: [], cashFlows, positions: null, positionsAsOfMs: null, closingBalances: [], openingBalances: [], settlements: [], notes, issues
  }
}
