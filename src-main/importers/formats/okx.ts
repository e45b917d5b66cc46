/**
 * OKX "Trading account history" (bills) CSV, three header generations (research notes §1.1–1.4;
 * column meanings: OKX API "Get bills details", https://www.okx.com/docs-v5/en/#trading-account-rest-api-get-bills-details-last-3-months;
 * BittyTax okx.py; everytrade OkxBeanV2Test / OkxBeanV2_2Test):
 *   current (17): id,Order id,Time,Trade Type,Symbol,Action,Amount,Trading Unit,Filled Price,PnL,Fee,Fee Unit,
 *                 Position Change,Position Balance,Balance Change,Balance,Balance Unit
 *   2023 (19):    the same plus Filled Price Unit and Position Unit
 *   older (15):   id,Order id,Time,Trade Type,Instrument,Type,Amount,Unit,PL,Fee,Position Change,Position Balance,
 *                 Balance Change,Balance,Unit
 * A first line `UID:…,Account Type:…,Time Zone:UTC+3` may precede the header; times are local to
 * that zone (UTC when it is not named). Rows are newest first and, inside one second, in no
 * reliable order: each currency's Balance chain orders them (see ../balance-chain.ts).
 *
 * Cash: Balance Change is the row's change of the account balance in Balance Unit and Balance the
 * balance after it (API balChg, bal). Every row's Balance Change is booked, split into parts:
 * - derivative fill (Open/Close long/short, Buy/Sell on options, delivery, liquidation, ADL,
 *   exercise): realised_pnl = PnL, fee = Fee (negative = charged), and the remainder
 *   Balance Change − PnL − Fee as 'premium' on options, 'trade' otherwise (how OKX prints option
 *   premium is not established: research notes §5.3). Amount is in contracts (API sz);
 * - spot leg, one row per currency (Balance Change = ±Amount + Fee): trade = Balance Change − Fee, fee = Fee;
 * - funding fee expense/income: funding; transfers: internal_transfer (trading ⇄ funding account).
 *
 * Which currencies are cash: stablecoins and fiat always; any other coin when the file books a
 * derivative or funding row in it (it is then margin, e.g. BTC of coin-margined BTC-USD-SWAP,
 * and spot legs in it change that collateral). A coin seen only on spot and transfer rows is a
 * spot holding: its legs move the `<COIN>-USDT` spot position and no cash (movesCash false), and
 * its Balance is reported in a note, not as a cash balance.
 */
import { CellReader, readCsv } from '../csv-records'
import { venueId } from '../row-identity'
import type { ParsedStatement, RowIssue, StatementCashFlow, StatementTrade } from '../statement'
import { CASH_COINS, balanceChain, flowsOf, printedDecimals, readAmount, type ChainRow, type FlowPart, type UnreadableRow } from '../balance-chain'
import { okxZoneNote, okxZoneOffsetMinutes } from './okx-time-zone'
import { quoteInput } from '../../engine/instruments/bounds'

export { detectOkxFunding, parseOkxFunding } from './okx-funding'

const SHARED = ['id', 'Order id', 'Time', 'Trade Type', 'Amount', 'Fee', 'Balance Change', 'Balance']
/** Column names per generation: the 17/19-column layouts renamed the older 15-column ones. */
const CURRENT = { symbol: 'Symbol', action: 'Action', pnl: 'PnL', amountUnit: 'Trading Unit' }
const OLDER = { symbol: 'Instrument', action: 'Type', pnl: 'PL', amountUnit: 'Unit' }

export function detectOkxBills(_text: string, header: readonly string[] | null): boolean {
  if (!header || !SHARED.every((c) => header.includes(c))) return false
  return [CURRENT, OLDER].some((g) => [g.symbol, g.action, g.pnl].every((c) => header.includes(c))) && (header.includes('Balance Unit') || header.includes('Unit'))
}

const DERIVATIVE_SIDES: Record<string, 'buy' | 'sell'> = {
  'open long': 'buy', 'close short': 'buy', 'open short': 'sell', 'close long': 'sell',
  'delivery long': 'sell', 'delivery short': 'buy',
  'liquidation long': 'sell', 'liquidation short': 'buy', 'liquidation buy': 'buy', 'liquidation sell': 'sell',
  'partial liquidation close long': 'sell', 'partial liquidation close short': 'buy',
  'partial liquidation close buy': 'buy', 'partial liquidation close sell': 'sell',
  'adl close long': 'sell', 'adl close short': 'buy', 'adl buy': 'buy', 'adl sell': 'sell',
  // The holder of an ITM option is exercised out of a long, the writer out of a short (API subType).
  exercised: 'sell', 'counterparty exercised': 'buy',
  buy: 'buy', sell: 'sell'
}
/** Rows that only move cash, by Action (API subType descriptions). */
const CASH_ACTIONS: [RegExp, string][] = [
  [/^funding fee/, 'funding'],
  [/^settlement pnl/, 'settlement'],
  [/^interest deduction/, 'interest'],
  [/^(convert|easy convert|simple (buy|sell))/, 'conversion']
]

type RowClass = { kind: 'transfer' } | { kind: 'spot' } | { kind: 'derivative'; side: 'buy' | 'sell' } | { kind: 'cash'; flow: string } | { kind: 'expired' } | null

const isSpotPair = (symbol: string): boolean => /^[A-Z0-9]+-[A-Z0-9]+$/i.test(symbol)
const isOption = (symbol: string): boolean => /-[CP]$/i.test(symbol)

function classify(tradeType: string, action: string, symbol: string): RowClass {
  if (tradeType === 'transfer' || action.startsWith('transfer')) return { kind: 'transfer' }
  const cash = CASH_ACTIONS.find(([re]) => re.test(action))
  if (cash) return cash[1] === 'conversion' ? { kind: 'spot' } : { kind: 'cash', flow: cash[1] }
  if (tradeType === 'spot' || ((action === 'buy' || action === 'sell') && isSpotPair(symbol))) return { kind: 'spot' }
  if (action === 'expired') return { kind: 'expired' }
  const side = DERIVATIVE_SIDES[action]
  return side ? { kind: 'derivative', side } : null
}

export function parseOkxBills(text: string, file: string): ParsedStatement {
  const table = readCsv(text, file, (h) => detectOkxBills('', h))
  const g = table.columns.has('Symbol') ? CURRENT : OLDER
  // The 15-column layout has two `Unit` columns: the second is the balance's currency (the first,
  // the Amount's, e.g. "cont"); exports with one Unit column carry the currency there.
  const unitColumn = table.columns.has('Balance Unit') ? 'Balance Unit' : table.columns.has('Unit (2)') ? 'Unit (2)' : 'Unit'
  const amountUnitColumn = g.amountUnit === unitColumn ? null : g.amountUnit
  const offsetMinutes = okxZoneOffsetMinutes(table.preamble)
  const shift = (offsetMinutes ?? 0) * 60_000
  const issues: RowIssue[] = table.problems.map((p) => ({ file, line: p.line, column: null, reason: `not readable as CSV: ${p.message}`, severity: 'rejected' }))
  const notes = [okxZoneNote(offsetMinutes)]
  const trades: StatementTrade[] = []
  const cashFlows: StatementCashFlow[] = []
  const chainRows: ChainRow[] = []
  const unreadable: UnreadableRow[] = []

  const cell = (values: readonly string[], column: string): string => (values[table.columns.get(column) ?? -1] ?? '').trim()
  const classOf = (values: readonly string[]): RowClass =>
    classify(cell(values, 'Trade Type').toLowerCase(), cell(values, g.action).toLowerCase(), cell(values, g.symbol))
  // Margin currencies: those a derivative or funding row is booked in (see the header comment).
  const margin = new Set<string>()
  for (const { values } of table.records) {
    const c = classOf(values)
    if (c && (c.kind === 'derivative' || c.kind === 'cash' || c.kind === 'expired')) margin.add(cell(values, unitColumn).toUpperCase())
  }
  const isCash = (ccy: string): boolean => CASH_COINS.has(ccy.toUpperCase()) || margin.has(ccy.toUpperCase())

  for (const record of table.records) {
    const r = new CellReader(file, table, record)
    const line = record.line
    const id = r.text('id')
    const local = r.time('Time')
    const tradeType = (r.text('Trade Type', false) ?? '').toLowerCase()
    const action = (r.text(g.action, false) ?? '').toLowerCase()
    const symbol = r.text(g.symbol, false)
    const currency = r.raw(unitColumn).toUpperCase()
    const change = readAmount(r, 'Balance Change')
    const balance = readAmount(r, 'Balance')
    if (!currency) r.issues.push({ file, line, column: unitColumn, reason: 'empty: the currency of the balance change', severity: 'rejected' })
    const atMs = local === null ? null : local - shift
    if (currency && atMs !== null && change !== null && balance !== null) {
      chainRows.push({ line, atMs, currency, order: atMs, tiebreak: -line, change, balance, decimals: printedDecimals(r.raw('Balance')) })
    } else if (currency && atMs !== null) unreadable.push({ line, currency, order: atMs })
    if (!r.ok || id === null || atMs === null || change === null || balance === null) {
      issues.push(...r.issues)
      continue
    }
    const fee = readAmount(r, 'Fee', false, 'fee') ?? 0
    const pnl = readAmount(r, g.pnl, false) ?? 0
    if (!r.ok) {
      issues.push(...r.issues)
      continue
    }
    // A fee charged in another currency than the balance is not inside this row's Balance Change.
    const feeUnit = r.raw('Fee Unit').toUpperCase()
    const feeHere = feeUnit === '' || feeUnit === currency ? fee : 0
    const decimals = Math.max(...['Balance Change', 'Fee', g.pnl].map((c) => printedDecimals(r.raw(c))))
    const cash = isCash(currency)
    const common = { line, atMs, currency, instrumentSymbol: symbol ?? undefined }
    const main = venueId('okx', 'bill', id)
    const c = classify(tradeType, action, symbol ?? '')
    if (c === null) {
      issues.push({ file, line, column: g.action, reason: `unknown bill type ${quoteInput(action)} for trade type ${quoteInput(tradeType)}`, severity: 'rejected' })
      continue
    }
    if (c.kind === 'transfer') {
      cashFlows.push(...flowsOf({ ...common, note: `${tradeType}: ${action}` }, [{ kind: 'internal_transfer', amount: change, externalId: main, movesCash: cash }], decimals))
      continue
    }
    if (c.kind === 'cash' || c.kind === 'expired') {
      cashFlows.push(...flowsOf(common, [{ kind: c.kind === 'cash' ? c.flow : 'delivery', amount: change, externalId: main }], decimals))
      if (c.kind === 'expired') issues.push({ file, line, column: g.action, reason: `${symbol ?? 'an option'} expired: the row does not say which side, so the position is left to the book's expiry rule`, severity: 'skipped' })
      continue
    }
    if (c.kind === 'spot') {
      // A leg in a held coin moves that coin's spot position, fee included; in a cash currency, cash.
      const holding = (amount: number): Pick<FlowPart, 'movesCash' | 'positionEffect'> =>
        cash ? {} : { movesCash: false, positionEffect: { instrument: { venue: 'okx', symbol: `${currency}-USDT` }, deltaContracts: amount } }
      const note = `spot ${action} ${symbol ?? ''}`.trim()
      cashFlows.push(...flowsOf({ ...common, note }, [
        { kind: 'trade', amount: change - feeHere, externalId: main, ...holding(change - feeHere) },
        { kind: 'fee', amount: feeHere, externalId: venueId('okx', 'fee', id), ...holding(feeHere) }
      ], decimals))
      continue
    }
    if (!symbol) {
      issues.push({ file, line, column: g.symbol, reason: 'a derivative row needs an instrument', severity: 'rejected' })
      continue
    }
    const amount = r.number('Amount', true, 'sizeContracts')
    const amountUnit = amountUnitColumn ? r.raw(amountUnitColumn) : ''
    // Amount is in contracts (API sz); an export in coin units would size positions wrongly.
    if (amountUnit && !/^cont/i.test(amountUnit)) r.issues.push({ file, line, column: amountUnitColumn!, reason: `Amount is in ${quoteInput(amountUnit)}, not contracts: export the history with contract units`, severity: 'rejected' })
    const price = r.raw('Filled Price') ? readAmount(r, 'Filled Price', false, 'price') : null
    if (amount === null || !r.ok) {
      issues.push(...r.issues)
      continue
    }
    cashFlows.push(...flowsOf(common, [
      { kind: 'realised_pnl', amount: pnl, externalId: venueId('okx', 'pnl', id) },
      { kind: 'fee', amount: feeHere, externalId: venueId('okx', 'fee', id) },
      isOption(symbol)
        ? { kind: 'premium', amount: change - pnl - feeHere, externalId: venueId('okx', 'premium', id) }
        : { kind: 'trade', amount: change - pnl - feeHere, externalId: venueId('okx', 'trade', id) }
    ], decimals))
    if (amount === 0) {
      issues.push({ file, line, column: 'Amount', reason: `a ${action} of 0 contracts changes nothing`, severity: 'skipped' })
      continue
    }
    trades.push({
      line, externalId: main, instrument: { venue: 'okx', symbol }, tradedAtMs: atMs, side: c.side, sizeContracts: Math.abs(amount),
      price: price !== null && price > 0 ? price : null, fee: -fee, feeCurrency: feeUnit || currency, kind: action
    })
  }

  const chain = balanceChain(file, chainRows, 'Balance', true, unreadable)
  issues.push(...chain.issues)
  notes.push(...chain.notes)
  for (const close of chain.closing) {
    if (isCash(close.currency)) continue
    notes.push(`${close.currency} appears only on spot and transfer rows: it is held as the ${close.currency}-USDT spot position, not cash (its Balance after line ${close.line} is ${close.amount}).`)
  }
  return {
    file, format: 'okx-bills', formatLabel: `OKX trading history (bills, ${table.header.length >= 19 ? '2023' : g === CURRENT ? 'current' : 'older'} layout)`,
    venue: 'okx', accountName: 'OKX', baseCurrency: 'USDT',
    rowsTotal: table.records.length, trades, cashFlows, positions: null, positionsAsOfMs: null,
    closingBalances: chain.closing.filter((b) => isCash(b.currency)),
    openingBalances: chain.opening.filter((b) => isCash(b.currency)),
    settlements: [], notes, issues
  }
}
