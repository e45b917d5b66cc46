/**
 * Binance "Transaction history / generate all statements" CSV: a ledger of balance changes per
 * wallet and coin, with no balance column (Binance exports none; Ilyazykov/erp's import-binance
 * sums the rows and says the sums match the live balances). Header generations, matched by name:
 * - `User_ID,UTC_Time,Account,Operation,Coin,Change,Remark` and the older one without `User_ID`
 *   (BittyTax binance.py; rotki reads UTC_Time as UTC);
 * - `User ID,Time,Account,Operation,Coin,Change,Remark` (current): times in the zone the file name
 *   states, 'Binance-Transaction-History-202611011200(UTC+3)-part1-of1.csv'; two-digit years occur.
 *
 * Cash: a row moves the book account's cash when its coin is fiat or a USD stablecoin, or it is in
 * a futures wallet (margin there is collateral in that coin). Other coins in the Spot and Funding
 * wallets are spot holdings: rows that change what the user owns of them (trades, fees, deposits,
 * rewards, moves to a futures wallet) move the holding (positionEffect) and are recorded with
 * movesCash false. Moves into Earn products keep the coin the user's: recorded, moving nothing.
 */
import { CellReader, readCsv } from '../csv-records'
import { ContentIdentity } from '../row-identity'
import type { ParsedStatement, RowIssue, StatementCashFlow } from '../statement'
import { BINANCE_CASH_COINS, isNoDataLine, NO_DATA_NOTE, readTime, zoneOf } from './binance-common'
import { quoteInput } from '../../engine/instruments/bounds'

const TIME_COLUMNS = ['UTC_Time', 'Time']
const USER_COLUMNS = ['User_ID', 'User ID']
const REQUIRED = ['Account', 'Operation', 'Coin', 'Change']

export const detectBinanceStatement = (header: readonly string[]): boolean =>
  REQUIRED.every((c) => header.includes(c)) && TIME_COLUMNS.some((c) => header.includes(c))

/**
 * Operation → cash-flow kind; `ownership`: it changes what the user owns of the coin (a spot
 * holding's size); `earn`: the coin moves into or out of an Earn product and stays the user's.
 * Names: BittyTax src/bittytax/conv/parsers/binance.py and rotki's data_import/importers/binance.py.
 */
interface Operation {
  kind: string
  ownership: boolean
  earn?: true
}
const own = (kind: string): Operation => ({ kind, ownership: true })
const earn: Operation = { kind: 'internal_transfer', ownership: false, earn: true }
const OPERATIONS: Record<string, Operation> = {
  deposit: own('deposit'),
  'fiat deposit': own('deposit'),
  withdraw: own('withdrawal'),
  'fiat withdraw': own('withdrawal'),
  buy: own('trade'),
  sell: own('trade'),
  'transaction buy': own('trade'),
  'transaction spend': own('trade'),
  'transaction sold': own('trade'),
  'transaction revenue': own('trade'),
  'transaction related': own('trade'),
  'buy crypto': own('trade'),
  'binance convert': own('trade'),
  'small assets exchange bnb': own('trade'),
  // ETH 2.0 staking swaps ETH for BETH: both legs appear, each changes a holding.
  'eth 2.0 staking': own('trade'),
  fee: own('fee'),
  'transaction fee': own('fee'),
  'bnb fee deduction': own('fee'),
  'funding fee': own('funding'),
  'realized profit and loss': own('realised_pnl'),
  'realize profit and loss': own('realised_pnl'),
  'insurance fund compensation': own('insurance'),
  'referrer rebates': own('reward'),
  'referee rebates': own('reward'),
  'simple earn flexible interest': own('interest'),
  'simple earn locked rewards': own('interest'),
  'pos savings interest': own('interest'),
  'launchpool interest': own('interest'),
  'eth 2.0 staking rewards': own('interest'),
  'bnb vault rewards': own('interest'),
  'mission reward distribution': own('reward'),
  'cash voucher distribution': own('reward'),
  distribution: own('reward'),
  'commission history': own('reward'),
  'simple earn flexible subscription': earn,
  'simple earn flexible redemption': earn,
  'simple earn locked subscription': earn,
  'simple earn locked redemption': earn,
  'pos savings purchase': earn,
  'pos savings redemption': earn,
  'staking purchase': earn,
  'staking redemption': earn,
  // Between two holding wallets: both legs are listed and the holding is the same coin.
  'transfer between main and funding wallet': { kind: 'internal_transfer', ownership: false },
  // Between a holding wallet and a futures wallet: the spot leg leaves (or joins) the holding, the
  // futures leg is margin cash; both legs net to nothing in one book account.
  'transfer between spot account and um futures account': own('internal_transfer'),
  'transfer between spot account and cm futures account': own('internal_transfer'),
  transfer_in: own('internal_transfer'),
  transfer_out: own('internal_transfer')
}

const HOLDING_WALLETS = new Set(['spot', 'funding'])

/** Whether a row moves the account's cash (see the file comment). */
export const binanceRowMovesCash = (wallet: string, coin: string, op: Operation): boolean =>
  !op.earn && (/futures/i.test(wallet) || BINANCE_CASH_COINS.has(coin.toUpperCase()))

export function parseBinanceStatement(text: string, file: string): ParsedStatement {
  const table = readCsv(text, file, detectBinanceStatement)
  const { records, problems } = table
  const timeColumn = TIME_COLUMNS.find((c) => table.columns.has(c))!
  const userColumn = USER_COLUMNS.find((c) => table.columns.has(c))
  const notes: string[] = [
    'Binance statements carry flows only, no balances: the book\'s cash per coin is the sum of these flows over every statement imported (fiat and stablecoins in any wallet, and every futures-wallet row). Other coins in the Spot and Funding wallets are spot holdings (positions); moves into Earn products stay the user\'s and move nothing.'
  ]
  const zone = zoneOf(file, timeColumn, notes)
  const issues: RowIssue[] = problems.map((p) => ({ file, line: p.line, column: null, reason: `not readable as CSV: ${p.message}`, severity: 'rejected' }))
  const cashFlows: StatementCashFlow[] = []
  const identity = new ContentIdentity('binance')
  let userId: string | null = null
  let rows = 0

  for (const record of records) {
    if (isNoDataLine(record)) {
      notes.push(NO_DATA_NOTE)
      continue
    }
    rows++
    const at = { file, line: record.line }
    const r = new CellReader(file, table, record)
    const atMs = readTime(r, at, timeColumn, zone)
    const wallet = r.text('Account')
    const operation = r.text('Operation')
    const coin = r.text('Coin')
    const change = r.number('Change')
    if (userColumn) userId ??= r.text(userColumn, false)
    const op = operation ? OPERATIONS[operation.toLowerCase()] : undefined
    if (operation && !op) r.issues.push({ ...at, column: 'Operation', reason: `unknown operation ${quoteInput(operation)}`, severity: 'rejected' })
    if (!r.ok || atMs === null || wallet === null || coin === null || change === null || !op) {
      issues.push(...r.issues)
      continue
    }
    const movesCash = binanceRowMovesCash(wallet, coin, op)
    const flow: StatementCashFlow = {
      line: record.line,
      externalId: identity.of('ledger', [atMs, wallet, operation, coin, change]),
      atMs,
      kind: op.kind,
      currency: coin,
      amount: change,
      note: `${wallet}: ${operation}`,
      movesCash
    }
    if (op.ownership && HOLDING_WALLETS.has(wallet.toLowerCase()) && !movesCash) {
      flow.positionEffect = { instrument: { venue: 'binance', symbol: `${coin}USDT`, hints: { product: 'spot' } }, deltaContracts: change }
    }
    cashFlows.push(flow)
  }

  return {
    file,
    format: 'binance-statement',
    formatLabel: 'Binance transaction history (all statements)',
    venue: 'binance',
    accountName: userId ? `Binance ${userId}` : 'Binance',
    baseCurrency: 'USDT',
    rowsTotal: rows,
    trades: [],
    cashFlows,
    positions: null,
    positionsAsOfMs: null,
    closingBalances: [],
    openingBalances: [],
    settlements: [],
    notes,
    issues
  }
}
