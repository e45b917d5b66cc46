/**
 * Binance USD-M futures "Trade History" CSV: one row per fill, booked as trades on the USD-M
 * perpetual (BTCUSDT) or dated future (BTCUSDT_250627). Headers (refinvest-dev/core-api
 * docs/TRADING_REVIEW.md §6 on anonymised real samples: UTF-8 BOM, CRLF, no quoting; the legacy one
 * from other projects' fixtures):
 * - current: `Uid,Time,Symbol,Side,Price,Quantity,Amount,Fee,Realized Profit,Buyer,Maker,Trade ID,Order ID`,
 *   'Binance-Futures-Trade-History-<yyyymmddhhmm>(UTC+3)-part1-of1.csv', times in that zone;
 * - legacy: `Uid,Time(UTC),Symbol,Side,Position Side,Price,Quantity,Amount,Fee,Realized Profit,Buyer,Maker,Trade Id,Order Id`.
 * Quantity is in the base coin (Amount = Price × Quantity), and USD-M contracts are one coin.
 * Fee carries its asset ('0.03682290USDT', '0.29 USDT', '0.0035 BNB'), positive = paid.
 *
 * Cash: the fee and the realised P&L are recorded (kinds 'fee', 'realised_pnl') but move no cash
 * here: the same money arrives as the COMMISSION and REALIZED_PNL rows of the futures Transaction
 * History and as the statement's futures-wallet rows, which carry no trade id to match them by.
 */
import { CellReader, readCsv } from '../csv-records'
import { venueId } from '../row-identity'
import type { ParsedStatement, RowIssue, StatementCashFlow, StatementTrade } from '../statement'
import { isNoDataLine, NO_DATA_NOTE, readTime, zoneOf, type RowAt } from './binance-common'
import { outOfRange, quoteInput, withinBound } from '../../engine/instruments/bounds'

const COLUMNS = {
  uid: ['Uid'],
  time: ['Time', 'Time(UTC)'],
  symbol: ['Symbol'],
  side: ['Side'],
  price: ['Price'],
  quantity: ['Quantity'],
  amount: ['Amount'],
  fee: ['Fee'],
  realised: ['Realized Profit'],
  tradeId: ['Trade ID', 'Trade Id']
} as const

const pick = (header: readonly string[], names: readonly string[]): string | undefined => names.find((n) => header.includes(n))

export const detectBinanceFuturesTrades = (header: readonly string[]): boolean => Object.values(COLUMNS).every((names) => pick(header, names) !== undefined)

/**
 * '0.03682290USDT', '0.29 USDT', '-0.01 BNB' (a rebate) → amount and asset; a bare number is in
 * `defaultAsset` (the contract's margin asset). null: not a fee, or beyond the fee bound (bounds.ts).
 */
export function parseFeeCell(raw: string, defaultAsset: string, bounded = true): { amount: number; asset: string } | null {
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z][A-Za-z0-9]{1,14})?$/.exec(raw.trim())
  if (!m) return null
  const amount = Number(m[1])
  return (bounded ? withinBound('fee', amount) : Number.isFinite(amount)) ? { amount, asset: m[2]?.toUpperCase() ?? defaultAsset } : null
}

/**
 * A USD-M symbol: BTCUSDT (perpetual) or BTCUSDT_250627 (dated). COIN-M symbols (BTCUSD_PERP)
 * have their own export, whose layout (contracts or coin in Quantity) is not established.
 */
const USDM_SYMBOL = /^[A-Z0-9]{2,20}(USDT|USDC|BUSD|FDUSD)(_\d{6})?$/
/** The margin asset of a USD-M symbol, its quote: fees and realised P&L are in it by default. */
const marginAsset = (symbol: string): string => USDM_SYMBOL.exec(symbol)?.[1] ?? 'USDT'

export function parseBinanceFuturesTrades(text: string, file: string): ParsedStatement {
  const table = readCsv(text, file, detectBinanceFuturesTrades)
  const col = Object.fromEntries(Object.entries(COLUMNS).map(([k, names]) => [k, pick(table.header, names)!])) as Record<keyof typeof COLUMNS, string>
  const notes = [
    'Trades only: each fill\'s fee and realised P&L are recorded but move no cash, because the same amounts arrive as COMMISSION and REALIZED_PNL rows of the futures Transaction History and as futures-wallet rows of the statement. Import one of those into the same account for its cash.'
  ]
  const zone = zoneOf(file, col.time, notes)
  const issues: RowIssue[] = table.problems.map((p) => ({ file, line: p.line, column: null, reason: `not readable as CSV: ${p.message}`, severity: 'rejected' }))
  const trades: StatementTrade[] = []
  const cashFlows: StatementCashFlow[] = []
  let uid: string | null = null
  let rows = 0
  let hedgeMode = false

  for (const record of table.records) {
    if (isNoDataLine(record)) {
      notes.push(NO_DATA_NOTE)
      continue
    }
    rows++
    const at: RowAt = { file, line: record.line }
    const r = new CellReader(file, table, record)
    const reject = (column: string, reason: string): void => {
      r.issues.push({ ...at, column, reason, severity: 'rejected' })
    }
    const atMs = readTime(r, at, col.time, zone)
    const symbol = r.text(col.symbol)
    const sideText = r.text(col.side)
    const price = r.number(col.price, true, 'price')
    const quantity = r.number(col.quantity, true, 'sizeContracts')
    const amount = r.number(col.amount, false)
    const realised = r.number(col.realised)
    const feeText = r.text(col.fee)
    const tradeId = r.text(col.tradeId)
    uid ??= r.text(col.uid, false)
    const side = sideText?.toUpperCase() === 'BUY' ? 'buy' : sideText?.toUpperCase() === 'SELL' ? 'sell' : null
    if (sideText !== null && side === null) reject(col.side, `${quoteInput(sideText)} is neither BUY nor SELL`)
    if (symbol !== null && !USDM_SYMBOL.test(symbol)) reject(col.symbol, `${quoteInput(symbol)} is not a USD-M futures symbol like BTCUSDT or BTCUSDT_250627`)
    if (quantity !== null && quantity <= 0) reject(col.quantity, `${quoteInput(r.raw(col.quantity))} is not a positive quantity`)
    if (price !== null && price <= 0) reject(col.price, `${quoteInput(r.raw(col.price))} is not a positive price`)
    const fee = feeText === null ? null : parseFeeCell(feeText, marginAsset(symbol ?? ''))
    if (feeText !== null && fee === null) reject(col.fee, parseFeeCell(feeText, '', false) ? `${quoteInput(feeText)} is ${outOfRange('fee')}` : `${quoteInput(feeText)} is not a fee with its asset, like 0.03682290USDT`)
    if (!r.ok || atMs === null || symbol === null || side === null || price === null || quantity === null || realised === null || fee === null || tradeId === null) {
      issues.push(...r.issues)
      continue
    }
    // Amount is the notional Price × Quantity: a row where it is not is read wrongly somewhere.
    if (amount !== null && Math.abs(amount - price * quantity) > 1e-6 * Math.abs(amount) + 0.01) {
      issues.push({ ...at, column: col.amount, reason: `Amount ${amount} is not Price × Quantity (${price * quantity}); the trade is booked from Price and Quantity`, severity: 'warning' })
    }
    const positionSide = r.raw('Position Side').toUpperCase()
    if (positionSide === 'LONG' || positionSide === 'SHORT') hedgeMode = true
    // Binance numbers trades per symbol (its spot trade ids restart per pair; for futures this is
    // not documented either way), so the symbol is part of the identity.
    const externalId = venueId('binance', 'usdm-trade', `${symbol}:${tradeId}`)
    const dated = symbol.includes('_')
    trades.push({
      line: record.line,
      externalId,
      instrument: { venue: 'binance', symbol, hints: { product: 'derivative' } },
      tradedAtMs: atMs,
      side,
      sizeContracts: quantity,
      price,
      fee: fee.amount,
      feeCurrency: fee.asset,
      kind: 'trade'
    })
    const recorded = { line: record.line, atMs, instrumentSymbol: symbol, movesCash: false } as const
    if (fee.amount !== 0) {
      cashFlows.push({ ...recorded, externalId: `${externalId}:fee`, kind: 'fee', currency: fee.asset, amount: -fee.amount, note: `USD-M ${dated ? 'future' : 'perpetual'} fill fee (cash from the transaction history)` })
    }
    if (realised !== 0) {
      // Realized Profit is in the contract's margin asset, the symbol's quote (USDT for BTCUSDT).
      cashFlows.push({ ...recorded, externalId: `${externalId}:pnl`, kind: 'realised_pnl', currency: marginAsset(symbol), amount: realised, note: 'USD-M realised P&L of the fill (cash from the transaction history)' })
    }
  }
  if (hedgeMode) {
    notes.push('The file has LONG and SHORT position sides (hedge mode): the book nets them into one position per symbol.')
  }

  return {
    file,
    format: 'binance-futures-trades',
    formatLabel: 'Binance USD-M futures trade history',
    venue: 'binance',
    accountName: uid ? `Binance ${uid}` : 'Binance',
    baseCurrency: 'USDT',
    rowsTotal: rows,
    trades,
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
