/**
 * Bybit derivatives transaction log: Time,Currency,Contract,Type,Direction,Quantity,Position,
 * Filled Price,Funding,Fee Paid,Cash Flow,Change,Wallet Balance,Fee Rate,Trade ID,Order ID.
 * Two generations disagree on signs: the classic export (types 'trade', 'funding', directions
 * 'Open Long'…) counts fees and funding paid as positive; the UTA export ('TRADE', 'SETTLEMENT',
 * 'BUY'/'SELL') as negative. Change, the net wallet change, means the same in both, so cash flows
 * are taken from it. Quantity is in the contract's own unit: coin for linear, USD for inverse.
 */
import { CellReader, readCsv } from '../csv-records'
import { ContentIdentity, venueId } from '../row-identity'
import type { ParsedStatement, RowIssue, StatementCashFlow, StatementTrade } from '../statement'
import { parseSymbol } from '../../engine/instruments/parse-symbol'

const HEADER = ['Time', 'Currency', 'Contract', 'Type', 'Direction', 'Quantity', 'Position', 'Filled Price', 'Change', 'Wallet Balance']
/** The UTA export names its time column 'Time(UTC)'. */
export const detectBybitLog = (header: readonly string[]): boolean =>
  HEADER.every((c) => header.includes(c) || (c === 'Time' && header.includes('Time(UTC)')))

const SIDES: Record<string, 'buy' | 'sell'> = { 'open long': 'buy', 'close short': 'buy', buy: 'buy', 'open short': 'sell', 'close long': 'sell', sell: 'sell' }
const CASH: Record<string, string> = {
  funding: 'funding', settlement: 'funding', transferin: 'transfer', transfer_in: 'transfer', transferout: 'transfer',
  transfer_out: 'transfer', bonus: 'reward', interest: 'interest', currency_buy: 'conversion', currency_sell: 'conversion'
}
const POSITION_TYPES = new Set(['trade', 'delivery', 'liquidation', 'adl'])

export function parseBybitLog(text: string, file: string): ParsedStatement {
  const table = readCsv(text, file)
  const timeColumn = table.columns.has('Time(UTC)') ? 'Time(UTC)' : 'Time'
  const issues: RowIssue[] = table.problems.map((p) => ({ file, line: p.line, column: null, reason: `not readable as CSV: ${p.message}`, severity: 'rejected' }))
  const trades: StatementTrade[] = []
  const cashFlows: StatementCashFlow[] = []
  const identity = new ContentIdentity('bybit')
  const contractSizes = new Map<string, number>()
  for (const record of table.records) {
    const r = new CellReader(file, table, record)
    const atMs = r.time(timeColumn)
    const currency = r.text('Currency')
    const type = (r.text('Type') ?? '').toLowerCase()
    const contract = r.raw('Contract')
    const change = r.number('Change', false) ?? 0
    if (!r.ok || atMs === null || currency === null) {
      issues.push(...r.issues)
      continue
    }
    const tradeId = r.raw('Trade ID')
    const idPart = tradeId && tradeId !== '--' ? tradeId : null
    if (POSITION_TYPES.has(type)) {
      const side = SIDES[r.raw('Direction').toLowerCase()]
      const quantity = r.number('Quantity')
      const priceText = r.raw('Filled Price')
      const price = priceText && priceText !== '--' ? r.number('Filled Price') : null
      if (!side) r.issues.push({ file, line: record.line, column: 'Direction', reason: `'${r.raw('Direction')}' is not a trade direction`, severity: 'rejected' })
      if (!contract) r.issues.push({ file, line: record.line, column: 'Contract', reason: 'empty', severity: 'rejected' })
      if (!r.ok || !side || quantity === null || quantity === 0) {
        issues.push(...r.issues)
        if (r.ok && quantity === 0) issues.push({ file, line: record.line, column: 'Quantity', reason: `a ${type} of size 0 changes nothing`, severity: 'skipped' })
        continue
      }
      if (!contractSizes.has(contract)) {
        let size: number
        try {
          size = parseSymbol('bybit', contract).contractSize
        } catch {
          size = 1 // kept as not priced, in the venue's own units
        }
        contractSizes.set(contract, size)
      }
      const externalId = idPart ? venueId('bybit', 'trade', idPart) : identity.of('trade', [atMs, contract, type, quantity, priceText])
      trades.push({
        line: record.line, externalId, instrument: { venue: 'bybit', symbol: contract }, tradedAtMs: atMs, side,
        sizeContracts: Math.abs(quantity) / contractSizes.get(contract)!, price, fee: 0, feeCurrency: currency, kind: type
      })
      if (change !== 0) cashFlows.push({ line: record.line, externalId: `${externalId}:change`, atMs, kind: 'trade_pnl', currency, amount: change, instrumentSymbol: contract })
      continue
    }
    const kind = CASH[type]
    if (!kind) {
      issues.push({ file, line: record.line, column: 'Type', reason: `unknown transaction type '${r.raw('Type')}'`, severity: 'rejected' })
      continue
    }
    cashFlows.push({
      line: record.line,
      externalId: idPart ? venueId('bybit', type, idPart) : identity.of(type, [atMs, contract, change, currency]),
      atMs, kind, currency, amount: change, instrumentSymbol: contract || undefined
    })
  }
  return {
    file, format: 'bybit-transaction-log', formatLabel: 'Bybit derivatives transaction log', venue: 'bybit', accountName: 'Bybit', baseCurrency: 'USDT',
    rowsTotal: table.records.length, trades, cashFlows, positions: null, positionsAsOfMs: null, closingBalances: [], openingBalances: [], settlements: [], notes: [], issues
  }
}
