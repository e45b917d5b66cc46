/**
 * OKX funding-account history: id,Time,Type,Amount,Before Balance,After Balance[,Fee],Symbol
 * (BittyTax okx.py; everytrade OkxBeanV2_2Test; research notes §1.4). Deposits, withdrawals and
 * yields change what the trader owns; moves to and from the trading account do not (the trading
 * account's own export books the other side). Its balances are the funding account's, not the
 * trading account's cash, so none are reported as the account's balances.
 */
import { CellReader, readCsv } from '../csv-records'
import { ContentIdentity, venueId } from '../row-identity'
import type { ParsedStatement, RowIssue, StatementCashFlow } from '../statement'
import { CASH_COINS } from '../balance-chain'
import { okxZoneNote, okxZoneOffsetMinutes } from './okx-time-zone'
import { quoteInput } from '../../engine/instruments/bounds'

const FUNDING = ['id', 'Time', 'Type', 'Amount', 'Before Balance', 'After Balance', 'Symbol']

export const detectOkxFunding = (header: readonly string[]): boolean => FUNDING.every((c) => header.includes(c)) && !header.includes('Trade Type')

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
  const table = readCsv(text, file, detectOkxFunding)
  const offsetMinutes = okxZoneOffsetMinutes(table.preamble)
  const shift = (offsetMinutes ?? 0) * 60_000
  const issues: RowIssue[] = table.problems.map((p) => ({ file, line: p.line, column: null, reason: `not readable as CSV: ${p.message}`, severity: 'rejected' }))
  const identity = new ContentIdentity('okx')
  const cashFlows: StatementCashFlow[] = []
  for (const record of table.records) {
    const r = new CellReader(file, table, record)
    const local = r.time('Time')
    const type = r.text('Type')
    const amount = r.number('Amount')
    const coin = r.text('Symbol')
    const spec = type ? FUNDING_KINDS[type.toLowerCase()] : undefined
    if (type && !spec) r.issues.push({ file, line: record.line, column: 'Type', reason: `unknown funding type ${quoteInput(type)}`, severity: 'rejected' })
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
    if (!CASH_COINS.has(coin.toUpperCase())) {
      // A coin in the funding account is a spot holding, not cash: a deposit or yield grows it.
      flow.movesCash = false
      if (spec.ownership) flow.positionEffect = { instrument: { venue: 'okx', symbol: `${coin}-USDT` }, deltaContracts: amount }
    }
    cashFlows.push(flow)
  }
  return {
    file, format: 'okx-funding', formatLabel: 'OKX funding account history', venue: 'okx', accountName: 'OKX', baseCurrency: 'USDT',
    rowsTotal: table.records.length, trades: [], cashFlows, positions: null, positionsAsOfMs: null, closingBalances: [], openingBalances: [], settlements: [],
    notes: [okxZoneNote(offsetMinutes), 'Funding-account balances are not the trading account\'s cash: the book\'s balances are not set from this file.'],
    issues
  }
}
