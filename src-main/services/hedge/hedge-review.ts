/**
 * A hedge suggestion as the trader would live with it (issue 17 §6; docs/METHODOLOGY.md §6:
 * "before/after figures under every method"). One assembly for every hedging method (margin,
 * reduce to target, Greeks, ES) and for the PDF report:
 * - the trades filled where their estimated cost assumes: the mark ± half the bid-ask (buy at the
 *   ask side, sell at the bid side; candidates.ts halfSpreadInPrice);
 * - the book and balances after them: entry and session prices move by the importer's fill rule
 *   (engine/positions/fills.ts applyFill: averaged when adding, harmonically for inverse futures; the fill
 *   when a position flips), and a future's close realises its P&L from the price equity counts it
 *   from (the session price, else the entry) to the fill;
 * - every method and pool before → after (the trade ticket's diff), the stress library before →
 *   after, what the trades make worse (worsens.ts), and how the equity change reconciles with the
 *   estimated cost per pool (reconcile.ts).
 */
import { findAccountByName } from '../../book/accounts-repository'
import type { BookDb } from '../../book/database'
import type { AccountBalance } from '../../book/balances-repository'
import type { HeldPosition } from '../../book/positions-repository'
import type { Instrument } from '../../engine/instruments/instrument'
import type { MarketView } from '../../engine/market/market-view'
import { valuePosition } from '../../engine/valuation/position-valuation'
import { bookMargin, toMarginPosition } from '../margin-service'
import { marginParamSets } from '../margin-params'
import { stressHistory, stressTest } from '../stress-service'
import { valuedPositions } from '../var-service'
import { applyFill } from '../../engine/positions/fills'
import { marginDiff, stressDiff, type StressDiff } from '../whatif/book-diff'
import { resolveTicket, type ResolvedTicket } from '../whatif/trade-ticket'
import { balancesAfter } from '../whatif/whatif-service'
import { halfSpreadCostUsd, halfSpreadInPrice } from './candidates'
import { inPool, reconcile, usdPer, type PoolReconciliation, type TradeEffect } from './reconcile'
import { worsenings, type Worsening } from './worsens'

export interface ReviewInputs {
  db: BookDb
  bookId: number
  /** The book (or the report's account) before the trades, and its balances. */
  held: readonly HeldPosition[]
  balances: readonly AccountBalance[]
  view: MarketView
  params: unknown
  paramsSource: string
}

export interface TradeFill {
  symbol: string
  side: 'buy' | 'sell'
  /** Lot-rounded, positive. */
  contracts: number
  markPrice: number
  /** The mark ± half the bid-ask, in `priceCurrency`: the price "Apply" books. */
  fillPrice: number
  priceCurrency: string
  spread: 'quoted' | 'default'
  pool: string
}

export interface HedgeReview {
  accountId: number
  fills: TradeFill[]
  tickets: ResolvedTicket[]
  heldAfter: HeldPosition[]
  diff: ReturnType<typeof marginDiff>
  stress: StressDiff[]
  worsens: Worsening[]
  reconciliation: PoolReconciliation[]
}

/** The pool a trade of this account counts against (margin-service.ts marginGroups: Deribit per settlement coin, else the account in USD). */
const poolOf = (account: { name: string; venue: string }, i: Instrument): { pool: string; currency: string } => {
  const currency = account.venue === 'deribit' ? i.settleCurrency : 'USD'
  return { pool: `${account.name} · ${currency}`, currency }
}

/** P&L of `contracts` from price `from` to price `to` (settlement currency): two valuations at the view's price, differenced. */
const pnlBetween = (i: Instrument, contracts: number, from: number, to: number, view: MarketView): number =>
  (valuePosition(i, contracts, from, view).pnlSettle ?? 0) - (valuePosition(i, contracts, to, view).pnlSettle ?? 0)

/**
 * The book after the tickets and each ticket's cash (premium, and for a future's close the P&L it
 * realises at the fill), applied in order.
 */
export function bookAfterTrades(held: readonly HeldPosition[], tickets: readonly ResolvedTicket[], view: MarketView): { held: HeldPosition[]; tickets: ResolvedTicket[] } {
  const book = held.map((p) => ({ ...p }))
  let nextId = -1
  const settled = tickets.map((t) => {
    const n = t.sizeContracts
    const i = t.instrument
    const at = book.findIndex((p) => p.accountId === t.account.id && p.venue === i.venue && p.instrument.symbol === i.symbol)
    if (at < 0) {
      book.push({ positionId: nextId--, accountId: t.account.id, accountName: t.account.name, venue: t.account.venue, instrument: i, sizeContracts: n, avgPrice: t.price, sessionPrice: null })
      return t
    }
    const p = book[at]!
    let out = t
    const linear = i.kind === 'future' || i.kind === 'perpetual'
    const from = p.sessionPrice ?? p.avgPrice
    if (linear && from !== null && Math.sign(p.sizeContracts) === -Math.sign(n)) {
      const closed = Math.sign(p.sizeContracts) * Math.min(Math.abs(p.sizeContracts), Math.abs(n))
      const realised = pnlBetween(i, closed, from, t.price, view)
      out = { ...t, cashAmount: t.cashAmount + realised, cashCurrency: t.cashCurrency ?? i.settleCurrency, cashUsd: t.cashUsd + realised * usdPer(view, i.settleCurrency) }
    }
    const size = p.sizeContracts + n
    if (Math.abs(size) < 1e-9 * Math.max(1, Math.abs(p.sizeContracts))) {
      book.splice(at, 1)
      return out
    }
    // The importer's rule for a fill (importers/plan.ts): inverse futures average harmonically, so N·(1/avg − 1/F) stays their P&L.
    const harmonic = i.kind !== 'option' && i.settlement === 'inverse'
    const averaged = (was: number | null): number | null => applyFill({ sizeContracts: p.sizeContracts, avgPrice: was }, n, t.price, harmonic).avgPrice
    book[at] = { ...p, sizeContracts: size, avgPrice: averaged(p.avgPrice), sessionPrice: p.sessionPrice == null ? null : averaged(p.sessionPrice) }
    return out
  })
  return { held: book, tickets: settled }
}

/** The stress library on the book before and after (both in full); [] when nothing can be valued. */
async function stressBeforeAfter(db: BookDb, before: readonly HeldPosition[], after: readonly HeldPosition[], view: MarketView, params: unknown, paramsSource: string): Promise<StressDiff[]> {
  const { valued, underlyings } = valuedPositions(before, view)
  const afterUnderlyings = valuedPositions(after, view).underlyings
  if (!valued.length) return []
  const library = marginParamSets(params, paramsSource).stress
  const history = stressHistory(db, [...new Set([...underlyings, ...afterUnderlyings])].sort())
  return stressDiff(await stressTest(before, view, history, library), await stressTest(after, view, history, library))
}

/** A suggestion's signed trades at the named account, reviewed (see the module comment). */
export async function reviewTrades(inputs: ReviewInputs, account: string, trades: readonly { symbol: string; contracts: number }[]): Promise<HedgeReview> {
  const { db, bookId, view, held, balances } = inputs
  const row = findAccountByName(db, bookId, account)
  if (!row) throw new RangeError(`account ${account} is not in book ${bookId}`)
  const sets = marginParamSets(inputs.params, inputs.paramsSource)
  const liquidity = sets.addOns.liquidity
  const haircut = (c: string): number => sets.collateral.haircuts[c] ?? sets.collateral.otherHaircut

  const fills: TradeFill[] = []
  const effects: TradeEffect[] = []
  const resolved = trades.map((t) => {
    const ticket = { accountId: row.id, symbol: t.symbol, side: t.contracts > 0 ? ('buy' as const) : ('sell' as const), sizeContracts: Math.abs(t.contracts) }
    const atMark = resolveTicket(db, bookId, view, ticket)
    const i = atMark.instrument
    const { halfSpread, quoted } = halfSpreadInPrice(i, view, liquidity)
    // Selling below zero is no fill: an option worth less than half the spread is sold at the mark.
    const fillPrice = ticket.side === 'buy' ? atMark.price + halfSpread : atMark.price - halfSpread > 0 ? atMark.price - halfSpread : atMark.price
    const filled = fillPrice > 0 ? resolveTicket(db, bookId, view, { ...ticket, price: fillPrice }) : atMark
    const { pool, currency } = poolOf(atMark.account, i)
    const n = filled.sizeContracts
    fills.push({ symbol: i.symbol, side: ticket.side, contracts: Math.abs(n), markPrice: atMark.price, fillPrice, priceCurrency: filled.priceCurrency, spread: quoted ? 'quoted' : 'default', pool })
    effects.push({
      pool,
      currency,
      cash: 0,
      cashGross: 0,
      cost: halfSpreadCostUsd(toMarginPosition(i, n, view), liquidity) / usdPer(view, currency),
      valuationGap: inPool(valuePosition(i, n, atMark.price, view).pnlSettle ?? 0, i.settleCurrency, currency, view, () => 0)
    })
    return filled
  })
  const after = bookAfterTrades(held, resolved, view)
  after.tickets.forEach((t, k) => {
    const e = effects[k]!
    e.cash = t.cashCurrency ? inPool(t.cashAmount, t.cashCurrency, e.currency, view, haircut) : 0
    e.cashGross = t.cashCurrency ? inPool(t.cashAmount, t.cashCurrency, e.currency, view, () => 0) : 0
  })
  const margin = (h: readonly HeldPosition[], b: readonly AccountBalance[]) => bookMargin(h, view, { balances: b, params: inputs.params, paramsSource: inputs.paramsSource, liquidation: false })
  const diff = marginDiff(margin(held, balances), margin(after.held, balancesAfter(balances, after.tickets)))
  const stress = await stressBeforeAfter(db, held, after.held, view, inputs.params, inputs.paramsSource)
  return {
    accountId: row.id,
    fills,
    tickets: after.tickets,
    heldAfter: after.held,
    diff,
    stress,
    worsens: worsenings(diff, stress),
    reconciliation: reconcile(diff.health, effects)
  }
}
