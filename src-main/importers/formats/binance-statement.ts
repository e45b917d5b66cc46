/**
 * Binance "Transaction history / generate all statements" CSV: User_ID,UTC_Time,Account,Operation,
 * Coin,Change,Remark. A ledger of balance changes per wallet and coin, not of trades: every row is
 * a cash flow; in the Spot and Funding wallets, rows that change what the user owns of a crypto
 * coin (trades, fees, deposits, rewards) also move its spot holding. Moves between the user's own
 * wallets and into Earn products change no holding.
 */
import { CellReader, readCsv } from '../csv-records'
import { ContentIdentity } from '../row-identity'
import type { ParsedStatement, RowIssue, StatementCashFlow } from '../statement'

export const BINANCE_STATEMENT_HEADER = ['User_ID', 'UTC_Time', 'Account', 'Operation', 'Coin', 'Change']

export const detectBinanceStatement = (header: readonly string[]): boolean => BINANCE_STATEMENT_HEADER.every((c) => header.includes(c))

/** Operation → cash-flow kind, and whether it changes what the user owns of the coin. */
const OPERATIONS: Record<string, { kind: string; ownership: boolean }> = {
  deposit: { kind: 'deposit', ownership: true },
  'fiat deposit': { kind: 'deposit', ownership: true },
  withdraw: { kind: 'withdrawal', ownership: true },
  buy: { kind: 'trade', ownership: true },
  sell: { kind: 'trade', ownership: true },
  'transaction buy': { kind: 'trade', ownership: true },
  'transaction spend': { kind: 'trade', ownership: true },
  'transaction sold': { kind: 'trade', ownership: true },
  'transaction revenue': { kind: 'trade', ownership: true },
  'transaction related': { kind: 'trade', ownership: true },
  'buy crypto': { kind: 'trade', ownership: true },
  'binance convert': { kind: 'trade', ownership: true },
  'small assets exchange bnb': { kind: 'trade', ownership: true },
  fee: { kind: 'fee', ownership: true },
  'transaction fee': { kind: 'fee', ownership: true },
  'funding fee': { kind: 'funding', ownership: true },
  'realized profit and loss': { kind: 'realised_pnl', ownership: true },
  'simple earn flexible interest': { kind: 'interest', ownership: true },
  'simple earn locked rewards': { kind: 'interest', ownership: true },
  'pos savings interest': { kind: 'interest', ownership: true },
  'launchpool interest': { kind: 'interest', ownership: true },
  'eth 2.0 staking rewards': { kind: 'interest', ownership: true },
  'bnb vault rewards': { kind: 'interest', ownership: true },
  'mission reward distribution': { kind: 'reward', ownership: true },
  'cash voucher distribution': { kind: 'reward', ownership: true },
  distribution: { kind: 'reward', ownership: true },
  'commission history': { kind: 'reward', ownership: true },
  // ETH 2.0 staking swaps ETH for BETH: both legs appear, each changes a holding.
  'eth 2.0 staking': { kind: 'trade', ownership: true },
  'simple earn flexible subscription': { kind: 'internal_transfer', ownership: false },
  'simple earn flexible redemption': { kind: 'internal_transfer', ownership: false },
  'simple earn locked subscription': { kind: 'internal_transfer', ownership: false },
  'simple earn locked redemption': { kind: 'internal_transfer', ownership: false },
  'pos savings purchase': { kind: 'internal_transfer', ownership: false },
  'pos savings redemption': { kind: 'internal_transfer', ownership: false },
  'staking purchase': { kind: 'internal_transfer', ownership: false },
  'staking redemption': { kind: 'internal_transfer', ownership: false },
  'transfer between main and funding wallet': { kind: 'internal_transfer', ownership: false },
  'transfer between spot account and um futures account': { kind: 'internal_transfer', ownership: false },
  'transfer between spot account and cm futures account': { kind: 'internal_transfer', ownership: false }
}

/** Fiat and USD stablecoins are cash (collateral), not positions. */
const CASH_COINS = new Set(['USD', 'EUR', 'GBP', 'TRY', 'BRL', 'AUD', 'RUB', 'UAH', 'NGN', 'USDT', 'USDC', 'BUSD', 'FDUSD', 'TUSD', 'DAI', 'USDP'])
const HOLDING_WALLETS = new Set(['spot', 'funding'])

export function parseBinanceStatement(text: string, file: string): ParsedStatement {
  const table = readCsv(text, file)
  const { records, problems } = table
  const issues: RowIssue[] = problems.map((p) => ({ file, line: p.line, column: null, reason: `not readable as CSV: ${p.message}`, severity: 'rejected' }))
  const cashFlows: StatementCashFlow[] = []
  const identity = new ContentIdentity('binance')
  let userId: string | null = null

  for (const record of records) {
    const r = new CellReader(file, table, record)
    const atMs = r.time('UTC_Time')
    const wallet = r.text('Account')
    const operation = r.text('Operation')
    const coin = r.text('Coin')
    const change = r.number('Change')
    userId ??= r.text('User_ID', false)
    const op = operation ? OPERATIONS[operation.toLowerCase()] : undefined
    if (operation && !op) r.issues.push({ file, line: record.line, column: 'Operation', reason: `unknown operation '${operation}'`, severity: 'rejected' })
    if (!r.ok || atMs === null || wallet === null || coin === null || change === null || !op) {
      issues.push(...r.issues)
      continue
    }
    const flow: StatementCashFlow = {
      line: record.line,
      externalId: identity.of('ledger', [atMs, wallet, operation, coin, change]),
      atMs,
      kind: op.kind,
      currency: coin,
      amount: change,
      note: `${wallet}: ${operation}`
    }
    if (op.ownership && HOLDING_WALLETS.has(wallet.toLowerCase()) && !CASH_COINS.has(coin.toUpperCase())) {
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
    rowsTotal: records.length,
    trades: [],
    cashFlows,
    positions: null,
    positionsAsOfMs: null, closingBalances: [], openingBalances: [], settlements: [], notes: [],
    issues
  }
}
