/**
 * Bybit transaction logs (research notes §2; BittyTax bybit.py; Bybit API docs, "Get Transaction
 * Log", https://bybit-exchange.github.io/docs/v5/account/transaction-log):
 * - Unified Trading Account ("Account Change Details"), after a first line `UID: …,Company Name: …,Country: …`:
 *   Uid,Currency,Contract,Type,Direction,Quantity,Position,Filled Price,Funding,Fee Paid,Cash Flow,Change,Wallet Balance,Action,Time(UTC)
 * - classic derivatives account:
 *   Time,Currency,Contract,Type,Direction,Quantity,Position,Filled Price,Funding,Fee Paid,Cash Flow,Change,Wallet Balance,Fee Rate,Trade ID,Order ID
 * The two disagree on signs: in the UTA export a fee or funding paid is negative and
 * Change = Cash Flow + Funding + Fee Paid (checked on every row of a real export: everytrade's
 * bybiteu_uta_v001.csv); in the classic one they are positive and Change = Cash Flow − Funding −
 * Fee Paid (Bybit's classic API: "funding: positive value means deducting"). `--` means not
 * applicable. Quantity is in the contract's own unit: coin for linear, USD for inverse.
 *
 * Cash: Change moves the Wallet Balance of Currency (the balance after the row). Each row's
 * Change is booked in parts: fee = Fee Paid, funding = Funding (both signed as ledger amounts),
 * and the rest (Cash Flow: realised P&L on a close, the transfer, the USDC contracts' 8-hourly
 * session settlement) as trade_pnl, settlement, transfer, …. A USDC contract's P&L realised by a
 * trade that Change does not include is session P&L, booked at the next settlement: kept as
 * 'session_pnl' moving no cash. Spot legs (UTA, Action `--`) are one row per currency, as OKX's:
 * in a stablecoin, fiat or a coin the file margins derivatives in, cash; in any other coin, the
 * `<COIN>USDT` spot holding (movesCash false, and its Wallet Balance is reported in a note).
 */
import { CellReader, readCsv } from '../csv-records'
import { ContentIdentity, venueId } from '../row-identity'
import type { ParsedStatement, RowIssue, StatementCashFlow, StatementSettlement, StatementTrade } from '../statement'
import { parseSymbol } from '../../engine/instruments/parse-symbol'
import type { Instrument } from '../../engine/instruments/instrument'
import { CASH_COINS, balanceChain, flowsOf, printedDecimals, readAmount, roundTo, usableDecimals, type ChainRow, type FlowPart, type UnreadableRow } from '../balance-chain'
import { quoteInput } from '../../engine/instruments/bounds'

const HEADER = ['Time', 'Currency', 'Contract', 'Type', 'Direction', 'Quantity', 'Position', 'Filled Price', 'Change', 'Wallet Balance']
/** The UTA export names its time column 'Time(UTC)'. */
export const detectBybitLog = (header: readonly string[]): boolean =>
  HEADER.every((c) => header.includes(c) || (c === 'Time' && header.includes('Time(UTC)')))

const SIDES: Record<string, 'buy' | 'sell'> = { 'open long': 'buy', 'close short': 'buy', buy: 'buy', 'open short': 'sell', 'close long': 'sell', sell: 'sell' }
/** Type → kind of the row's main part; the CSV prints the API's types, UTA in upper snake case, classic in lower camel. */
const CASH: Record<string, string> = {
  funding: 'funding', settlement: 'settlement', transferin: 'transfer', transfer_in: 'transfer', transferout: 'transfer',
  transfer_out: 'transfer', deposit: 'deposit', withdraw: 'withdrawal', bonus: 'reward', bonus_recollect: 'reward', airdrop: 'reward',
  interest: 'interest', fee_refund: 'fee', currency_buy: 'conversion', currency_sell: 'conversion', exchangein: 'conversion',
  exchangeout: 'conversion', auto_deduction: 'correction',
  // A Type of `--` with a Cash Flow: a small-balance conversion in the samples seen (research notes §2.1).
  '--': 'conversion'
}
const POSITION_TYPES = new Set(['trade', 'delivery', 'liquidation', 'adl'])
const NA = (raw: string): boolean => raw === '' || raw === '--'

export function parseBybitLog(text: string, file: string): ParsedStatement {
  const table = readCsv(text, file, detectBybitLog)
  const uta = table.columns.has('Time(UTC)')
  const timeColumn = uta ? 'Time(UTC)' : 'Time'
  // Ledger sign of Fee Paid and Funding: UTA prints them as ledger amounts, classic as costs.
  const costSign = uta ? 1 : -1
  const issues: RowIssue[] = table.problems.map((p) => ({ file, line: p.line, column: null, reason: `not readable as CSV: ${p.message}`, severity: 'rejected' }))
  const notes: string[] = uta ? [] : ['Times taken as UTC: the classic Bybit log does not say its zone.']
  const trades: StatementTrade[] = []
  const cashFlows: StatementCashFlow[] = []
  const settlements: StatementSettlement[] = []
  const chainRows: ChainRow[] = []
  const unreadable: UnreadableRow[] = []
  const identity = new ContentIdentity('bybit')
  const instruments = new Map<string, Instrument | null>()
  const instrumentOf = (contract: string): Instrument | null => {
    if (!instruments.has(contract)) {
      try {
        instruments.set(contract, parseSymbol('bybit', contract))
      } catch {
        instruments.set(contract, null) // kept as not priced, in the venue's own units
      }
    }
    return instruments.get(contract)!
  }
  /** USDC perpetuals and futures settle their session P&L into cash every 8 hours (Bybit docs, transaction log: cashFlow). */
  const sessionSettled = (contract: string): boolean => {
    const i = contract ? instrumentOf(contract) : null
    return !!i && i.settleCurrency === 'USDC' && (i.kind === 'perpetual' || i.kind === 'future')
  }

  const cell = (values: readonly string[], column: string): string => (values[table.columns.get(column) ?? -1] ?? '').trim()
  // Spot pairs have no dash (BTCUSDT, BTCEUR); dated futures and options do, whatever their Action says.
  const isSpotLeg = (values: readonly string[]): boolean =>
    uta && cell(values, 'Type').toLowerCase() === 'trade' && NA(cell(values, 'Action')) && !cell(values, 'Contract').includes('-')
  // Margin currencies: those a derivative row is booked in (see the header comment).
  const margin = new Set<string>()
  for (const { values } of table.records) {
    const type = cell(values, 'Type').toLowerCase()
    if (!isSpotLeg(values) && (POSITION_TYPES.has(type) || type === 'settlement' || type === 'funding')) margin.add(cell(values, 'Currency').toUpperCase())
  }
  const isCash = (ccy: string): boolean => CASH_COINS.has(ccy) || margin.has(ccy)

  for (const record of table.records) {
    const r = new CellReader(file, table, record)
    const line = record.line
    const atMs = r.time(timeColumn)
    const currency = (r.text('Currency') ?? '').toUpperCase()
    const type = (r.text('Type') ?? '').toLowerCase()
    const contract = r.text('Contract', false) ?? ''
    const change = readAmount(r, 'Change')
    const balance = readAmount(r, 'Wallet Balance')
    if (currency && atMs !== null && change !== null && balance !== null) {
      chainRows.push({ line, atMs, currency, order: atMs, tiebreak: -line, change, balance, decimals: printedDecimals(r.raw('Wallet Balance')) })
    } else if (currency && atMs !== null) unreadable.push({ line, currency, order: atMs })
    const fee = (readAmount(r, 'Fee Paid', false, 'fee') ?? 0) * costSign
    const funding = (readAmount(r, 'Funding', false) ?? 0) * costSign
    const cashFlow = readAmount(r, 'Cash Flow', false) ?? 0
    if (!r.ok || atMs === null || !currency || change === null || balance === null) {
      issues.push(...r.issues)
      continue
    }
    // Bybit prints 20 decimals; parts keep what a double holds, so differences leave no residue.
    const decimals = usableDecimals(Math.max(...['Change', 'Cash Flow', 'Funding', 'Fee Paid'].map((c) => printedDecimals(r.raw(c)))), Math.max(1, Math.abs(change), Math.abs(cashFlow), Math.abs(fee), Math.abs(funding)))
    const tolerance = 10 ** -decimals
    const rest = change - fee - funding
    const common = { line, atMs, currency, instrumentSymbol: contract || undefined }
    const tradeId = r.raw('Trade ID')
    const idPart = NA(tradeId) ? null : tradeId

    if (isSpotLeg(record.values)) {
      const base = identity.of('spot', [atMs, contract, currency, change])
      const holding = (amount: number): Pick<FlowPart, 'movesCash' | 'positionEffect'> =>
        isCash(currency) ? {} : { movesCash: false, positionEffect: { instrument: { venue: 'bybit', symbol: `${currency}USDT`, hints: { product: 'spot' } }, deltaContracts: amount } }
      cashFlows.push(...flowsOf({ ...common, note: `spot ${r.raw('Direction').toLowerCase()} ${contract}`.trim() }, [
        { kind: 'trade', amount: change - fee, externalId: base, ...holding(change - fee) },
        { kind: 'fee', amount: fee, externalId: `${base}:fee`, ...holding(fee) }
      ], decimals))
      continue
    }

    if (POSITION_TYPES.has(type)) {
      const side = SIDES[r.raw('Direction').toLowerCase()]
      const quantity = r.number('Quantity', true, 'sizeContracts')
      const priceText = r.raw('Filled Price')
      const price = NA(priceText) ? null : readAmount(r, 'Filled Price', true, 'price')
      if (!side) r.issues.push({ file, line, column: 'Direction', reason: `${quoteInput(r.raw('Direction'))} is not a trade direction`, severity: 'rejected' })
      if (!contract) r.issues.push({ file, line, column: 'Contract', reason: 'empty', severity: 'rejected' })
      if (!r.ok || !side || quantity === null) {
        issues.push(...r.issues)
        continue
      }
      const externalId = idPart ? venueId('bybit', 'trade', idPart) : identity.of('trade', [atMs, contract, type, quantity, priceText])
      const parts: FlowPart[] = [
        { kind: type === 'delivery' ? 'delivery' : 'trade_pnl', amount: rest, externalId: `${externalId}:pnl` },
        { kind: 'fee', amount: fee, externalId: `${externalId}:fee` },
        { kind: 'funding', amount: funding, externalId: `${externalId}:funding` }
      ]
      if (Math.abs(rest - cashFlow) > tolerance) {
        // Change left the realised P&L out: a USDC contract's, booked at its next session settlement.
        if (Math.abs(rest) <= tolerance && sessionSettled(contract)) parts.push({ kind: 'session_pnl', amount: cashFlow, externalId: `${externalId}:session`, movesCash: false })
        else issues.push({ file, line, column: 'Change', reason: `Change ${change} is not Cash Flow ${cashFlow} plus funding ${funding} and fee ${fee} (${roundTo(cashFlow + funding + fee, decimals)}): booked as Change says`, severity: 'warning' })
      }
      cashFlows.push(...flowsOf(common, parts, decimals))
      if (quantity === 0) {
        issues.push({ file, line, column: 'Quantity', reason: `a ${type} of size 0 changes nothing`, severity: 'skipped' })
        continue
      }
      trades.push({
        line, externalId, instrument: { venue: 'bybit', symbol: contract }, tradedAtMs: atMs, side,
        sizeContracts: Math.abs(quantity) / (instrumentOf(contract)?.contractSize ?? 1), price, fee: -fee, feeCurrency: currency, kind: type
      })
      continue
    }

    const kind = CASH[type]
    if (!kind) {
      issues.push({ file, line, column: 'Type', reason: `unknown transaction type ${quoteInput(r.raw('Type'))}`, severity: 'rejected' })
      continue
    }
    const base = idPart ? venueId('bybit', type, idPart) : identity.of(type, [atMs, contract, change, currency])
    // A settlement row's lasting identity is its funding (all a USDT or inverse perpetual's carries).
    const fundingRow = kind === 'funding' || kind === 'settlement'
    cashFlows.push(...flowsOf(common, [
      { kind: kind === 'funding' ? 'settlement' : kind, amount: rest, externalId: fundingRow ? `${base}:settlement` : base },
      { kind: 'funding', amount: funding, externalId: fundingRow ? base : `${base}:funding` },
      { kind: 'fee', amount: fee, externalId: `${base}:fee` }
    ], decimals))
    if (fundingRow && contract && sessionSettled(contract)) {
      const priceText = r.raw('Filled Price')
      const price = NA(priceText) ? null : readAmount(r, 'Filled Price', true, 'price')
      if (price !== null && price > 0) settlements.push({ line, atMs, instrument: { venue: 'bybit', symbol: contract }, price })
      issues.push(...r.issues)
    }
  }

  const chain = balanceChain(file, chainRows, 'Wallet Balance', true, unreadable)
  issues.push(...chain.issues)
  notes.push(...chain.notes)
  for (const close of chain.closing) {
    if (!isCash(close.currency)) notes.push(`${close.currency} appears only on spot and transfer rows: it is held as the ${close.currency}USDT spot position, not cash (its Wallet Balance after line ${close.line} is ${close.amount}).`)
  }
  return {
    file, format: 'bybit-transaction-log', formatLabel: `Bybit transaction log (${uta ? 'Unified Trading Account' : 'classic'})`, venue: 'bybit', accountName: 'Bybit', baseCurrency: 'USDT',
    rowsTotal: table.records.length, trades, cashFlows, positions: null, positionsAsOfMs: null,
    closingBalances: chain.closing.filter((b) => isCash(b.currency)),
    openingBalances: chain.opening.filter((b) => isCash(b.currency)),
    settlements, notes, issues
  }
}
