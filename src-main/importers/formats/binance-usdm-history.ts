/**
 * Binance USD-M futures transaction history CSV: Date(UTC),type,Amount,Asset,Symbol,Transaction ID.
 * An income ledger (realised P&L, funding, commissions, transfers): cash flows, no positions.
 */
import { CellReader, readCsv } from '../csv-records'
import { venueId } from '../row-identity'
import type { ParsedStatement, RowIssue, StatementCashFlow } from '../statement'

const HEADER = ['Date(UTC)', 'type', 'Amount', 'Asset', 'Symbol', 'Transaction ID']
export const detectBinanceUsdm = (header: readonly string[]): boolean => HEADER.every((c) => header.includes(c))

/** Binance income types (GET /fapi/v1/income `incomeType`) → cash-flow kinds. */
const KINDS: Record<string, string> = {
  REALIZED_PNL: 'realised_pnl',
  FUNDING_FEE: 'funding',
  COMMISSION: 'fee',
  TRANSFER: 'transfer',
  INTERNAL_TRANSFER: 'internal_transfer',
  CROSS_COLLATERAL_TRANSFER: 'internal_transfer',
  INSURANCE_CLEAR: 'insurance',
  WELCOME_BONUS: 'reward',
  REFERRAL_KICKBACK: 'reward',
  COMMISSION_REBATE: 'reward',
  API_REBATE: 'reward',
  CONTEST_REWARD: 'reward',
  OPTIONS_PREMIUM_FEE: 'fee',
  OPTIONS_SETTLE_PROFIT: 'realised_pnl',
  AUTO_EXCHANGE: 'conversion',
  DELIVERED_SETTELMENT: 'settlement', // sic: Binance's own spelling
  COIN_SWAP_DEPOSIT: 'conversion',
  COIN_SWAP_WITHDRAW: 'conversion',
  POSITION_LIMIT_INCREASE_FEE: 'fee'
}

export function parseBinanceUsdm(text: string, file: string): ParsedStatement {
  const table = readCsv(text, file)
  const issues: RowIssue[] = table.problems.map((p) => ({ file, line: p.line, column: null, reason: `not readable as CSV: ${p.message}`, severity: 'rejected' }))
  const cashFlows: StatementCashFlow[] = []
  for (const record of table.records) {
    const r = new CellReader(file, table, record)
    const atMs = r.time('Date(UTC)')
    const type = r.text('type')
    const amount = r.number('Amount')
    const asset = r.text('Asset')
    const id = r.text('Transaction ID')
    const kind = type ? KINDS[type.toUpperCase()] : undefined
    if (type && !kind) r.issues.push({ file, line: record.line, column: 'type', reason: `unknown income type '${type}'`, severity: 'rejected' })
    if (!r.ok || atMs === null || amount === null || asset === null || id === null || !kind) {
      issues.push(...r.issues)
      continue
    }
    cashFlows.push({
      line: record.line,
      externalId: venueId('binance', 'usdm', `${id}:${type}`),
      atMs,
      kind,
      currency: asset,
      amount,
      instrumentSymbol: r.text('Symbol', false) ?? undefined,
      note: `USD-M: ${type}`
    })
  }
  return {
    file, format: 'binance-usdm-history', formatLabel: 'Binance USD-M futures transaction history', venue: 'binance',
    accountName: 'Binance USD-M', baseCurrency: 'USDT', rowsTotal: table.records.length,
    trades: [], cashFlows, positions: null, positionsAsOfMs: null, closingBalances: [], openingBalances: [], settlements: [], notes: [], issues
  }
}
