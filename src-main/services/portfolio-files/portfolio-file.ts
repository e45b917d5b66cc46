/**
 * Portfolio file ⇄ held positions. A file states sizes the way traders and venues do (coin, USD
 * notional or contracts); margin needs venue contracts, and for USD-sized or coin-sized quantities
 * the conversion needs a price, so it happens against the market the margin is computed on.
 */
import type { BookDb } from '../../book/database'
import { findBook } from '../../book/books-repository'
import { listBalances, type AccountBalance } from '../../book/balances-repository'
import { listHeldPositions, type HeldPosition } from '../../book/positions-repository'
import { loadMarketSnapshot } from '../../book/market-repository'
import { isPriced, notionalUsd, type Instrument } from '../../engine/instruments/instrument'
import { outOfRange, withinBound } from '../../engine/instruments/bounds'
import { parseSymbol, type Venue } from '../../engine/instruments/parse-symbol'
import { underlyingPriceFor, type MarketView } from '../../engine/market/market-view'
import { NotFoundError } from '../errors'
import { FileFormatError, jsonPath, parseJsonText, parseWithSchema, tidyNumber } from './json-file'
import { instrumentAt } from './market-file'
import { PortfolioFile, type QuantityUnit } from './schemas'
import type { z } from 'zod'

/** Positions and collateral without an account in the file belong to this one. */
export const DEFAULT_ACCOUNT = 'portfolio'

export interface PortfolioPosition {
  /** JSON path in the file, for messages: `positions[3]`. */
  path: string
  account: string
  venue: string
  instrument: Instrument
  /** Signed, in `unit`. */
  quantity: number
  unit: QuantityUnit
  /** In the instrument's price currency; null when the file does not say. */
  avgPrice: number | null
}

export interface Portfolio {
  file: string
  asOfMs: number
  positions: PortfolioPosition[]
  /** Undefined when the file has no `collateral`: then no account health is computed. */
  collateral?: { account: string; currency: string; amount: number }[]
}

export function readPortfolioFile(text: string, file: string): Portfolio {
  const data = parseWithSchema(PortfolioFile, parseJsonText(text, file), file)
  const asOfMs = Date.parse(data.asOf)
  return {
    file,
    asOfMs,
    positions: data.positions.map((p, n) => {
      const path = jsonPath(['positions', n])
      return {
        path,
        account: p.account ?? DEFAULT_ACCOUNT,
        venue: p.venue,
        instrument: instrumentAt(file, `${path}.instrument`, p.venue, p.instrument, asOfMs),
        quantity: p.quantity,
        unit: p.unit,
        avgPrice: p.avgPrice ?? null
      }
    }),
    collateral: data.collateral?.map((c) => ({ account: c.account ?? DEFAULT_ACCOUNT, currency: c.currency, amount: c.amount }))
  }
}

/**
 * Venue contracts for a signed quantity. USD-sized contracts (Deribit inverse futures) and coin
 * quantities of them convert at the instrument's own forward or mark, the price the margin service
 * converts contracts back to coin with: 0.314538364 coin in the file margins as that many coin.
 */
function contractsOf(i: Instrument, quantity: number, unit: QuantityUnit, priceUsd: () => number): number {
  if (unit === 'contracts') return quantity
  const usdSized = i.contractUnit === 'usd'
  if (unit === 'usd') return usdSized ? quantity / i.contractSize : quantity / priceUsd() / i.contractSize
  return usdSized ? (quantity * priceUsd()) / i.contractSize : quantity / i.contractSize
}

/**
 * Why a position of this many contracts is beyond the input bounds (bounds.ts), or null: its size
 * in contracts, or its USD notional at the price the margin service converts with. An instrument
 * the market cannot price yet is left to the margin service's "not covered".
 */
function implausibleSize(i: Instrument, sizeContracts: number, view: MarketView): string | null {
  if (!withinBound('sizeContracts', sizeContracts)) return `is ${sizeContracts.toPrecision(3)} contracts: ${outOfRange('sizeContracts')}`
  let priceUsd: number
  try {
    priceUsd = underlyingPriceFor(view, i)
  } catch {
    return null
  }
  const usd = notionalUsd(i, sizeContracts, priceUsd)
  return withinBound('notionalUsd', usd) ? null : `is ${Math.abs(usd).toPrecision(3)} USD of notional: ${outOfRange('notionalUsd')}`
}

/** Synthetic account ids: accounts numbered by first use, positions first, then collateral. */
function accountIdsOf(portfolio: Portfolio): Map<string, number> {
  const ids = new Map<string, number>()
  for (const { account } of [...portfolio.positions, ...(portfolio.collateral ?? [])]) if (!ids.has(account)) ids.set(account, ids.size + 1)
  return ids
}

/** The file's collateral as account balances (health is computed for them), or undefined when it has none. */
export function portfolioBalances(portfolio: Portfolio): AccountBalance[] | undefined {
  const ids = accountIdsOf(portfolio)
  return portfolio.collateral?.map((c) => ({ accountId: ids.get(c.account)!, accountName: c.account, currency: c.currency.toUpperCase(), amount: c.amount }))
}

/** The portfolio as held positions on `view` (ids synthetic: positions in file order). */
export function heldPositions(portfolio: Portfolio, view: MarketView): HeldPosition[] {
  const accountIds = accountIdsOf(portfolio)
  const asOfMs = view.snapshot.asOfMs
  return portfolio.positions.map((p, n) => {
    const i = p.instrument
    const at = (field: string): string => `${p.path}.${field}`
    if (i.expiryMs !== null && i.expiryMs <= asOfMs) {
      throw new FileFormatError(portfolio.file, at('instrument'), `${i.symbol} expired at ${new Date(i.expiryMs).toISOString()}, not after the market's asOf ${new Date(asOfMs).toISOString()}`)
    }
    let sizeContracts: number
    try {
      sizeContracts = contractsOf(i, p.quantity, p.unit, () => underlyingPriceFor(view, i))
    } catch (e) {
      throw new FileFormatError(portfolio.file, at('quantity'), `cannot convert ${p.quantity} ${p.unit} to contracts: ${(e as Error).message}`)
    }
    // Refused here, before margin: 1e308 coin would print an IM of Infinity (METHODOLOGY §9).
    const problem = implausibleSize(i, sizeContracts, view)
    if (problem) throw new FileFormatError(portfolio.file, at('quantity'), `${p.quantity} ${p.unit} ${problem}`)
    return { positionId: n + 1, accountId: accountIds.get(p.account)!, accountName: p.account, venue: p.venue, instrument: i, sizeContracts, avgPrice: p.avgPrice }
  })
}

export interface PortfolioExport {
  file: z.input<typeof PortfolioFile>
  /** Positions a portfolio file cannot carry: symbols that do not parse without statement hints. */
  skipped: { account: string; symbol: string; reason: string }[]
}

/**
 * A book's positions as a portfolio file, as of its market snapshot (else `now`). Sizes in coin,
 * or USD for USD-sized contracts: what a trader reads, and independent of contract sizes.
 */
export function exportPortfolioFile(db: BookDb, bookId: number, now = new Date()): PortfolioExport {
  const book = findBook(db, bookId)
  if (!book) throw new NotFoundError(`book ${bookId} does not exist`)
  const market = book.marketSnapshotId ? loadMarketSnapshot(db, book.marketSnapshotId) : undefined
  const skipped: PortfolioExport['skipped'] = []
  const positions: z.input<typeof PortfolioFile>['positions'] = []
  for (const p of listHeldPositions(db, bookId)) {
    const i = p.instrument
    if (!isPriced(i)) {
      skipped.push({ account: p.accountName, symbol: i.symbol, reason: i.parseError })
      continue
    }
    try {
      parseSymbol(i.venue, i.symbol)
    } catch (e) {
      skipped.push({ account: p.accountName, symbol: i.symbol, reason: (e as Error).message })
      continue
    }
    positions.push({
      instrument: i.symbol,
      venue: i.venue as Venue, // parseSymbol accepted it just above
      quantity: tidyNumber(p.sizeContracts * i.contractSize),
      unit: i.contractUnit === 'usd' ? 'usd' : 'coin',
      account: p.accountName,
      // The file's avgPrice is a price: a book's 0 (a position opened for nothing) stays unknown.
      ...(p.avgPrice !== null && p.avgPrice > 0 ? { avgPrice: p.avgPrice } : {})
    })
  }
  const file = {
    $comment: `Exported from book ${bookId} (${book.name})${market ? `, as of market snapshot ${market.id}` : ''}.`,
    asOf: new Date(market?.asOfMs ?? now.getTime()).toISOString(),
    positions,
    collateral: listBalances(db, bookId).map((b) => ({ account: b.accountName, currency: b.currency, amount: b.amount }))
  }
  return { file, skipped }
}
