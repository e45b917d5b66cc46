/**
 * How a hedge's estimated cost and its equity change reconcile, per pool (issue 17 §6). Three
 * prices meet in a trade: the fill (the mark ± half the bid-ask, what the estimated cost assumes),
 * the mark, and our valuation (Black-76 at the option's own mark IV or the surface; a dated
 * future at the curve's forward). So, per pool, exactly:
 *   equity change = cash moved + positions' value change                 (premium paid moves cash,
 *                                                                           the options move positions value)
 *                 = valuation gap − fill loss (+ haircut)                 (value at our valuation − at the mark,
 *                                                                           less the mark-to-fill distance; a USD
 *                                                                           pool counts coin cash after its haircut)
 * and the fill loss is the estimated cost up to conversions (the cost is valued at the index, an
 * inverse future's fill in 1 / price), shown as the residual. Buying at the ask and valuing at the
 * mark loses the half spread at once: that is the cost, and why equity falls by about it.
 */
import { isUsdLike } from '../../engine/market/currency'
import type { MarketView } from '../../engine/market/market-view'
import type { HealthRowDiff } from '../whatif/book-diff'

export interface PoolReconciliation {
  pool: string
  currency: string
  equityBefore: number
  equityAfter: number
  equityChange: number
  /** Cash the trades move, as equity counts it (after haircuts in USD pools): premium paid (< 0) or received, futures P&L realised by closes. */
  cashChange: number
  /** equityChange − cashChange: the options' value at our valuation, the futures' P&L from their fill. */
  positionsValueChange: number
  /** The suggestion's estimated cost: half the bid-ask × size. */
  costTotal: number
  /** The traded contracts' value at our valuation minus at their marks. */
  valuationGap: number
  /** USD pools: what the collateral haircut takes off the coin cash the trades move (equity counts coin cash after it, positions before). */
  haircutEffect: number
  /** equityChange − (valuationGap − costTotal + haircutEffect): the conversions between cost and fill. */
  residual: number
  explanation: string
}

/** One trade's share of a pool's figures, in the pool's currency. */
export interface TradeEffect {
  pool: string
  currency: string
  /** As equity counts it (after haircuts), and before haircuts. */
  cash: number
  cashGross: number
  cost: number
  valuationGap: number
}

/** USD per unit of a currency at the snapshot's index (1 for USD-likes). */
export const usdPer = (view: MarketView, currency: string): number => (isUsdLike(currency) ? 1 : (view.curves.get(currency.toUpperCase())?.indexUsd ?? Number.NaN))

/** An amount in `from` as the pool counts it: coin pools in their coin; USD pools in USD after the collateral haircut (account-health.ts). */
export function inPool(amount: number, from: string, poolCurrency: string, view: MarketView, haircut: (currency: string) => number): number {
  if (amount === 0) return 0
  if (isUsdLike(poolCurrency)) return amount * usdPer(view, from) * (1 - haircut(from.toUpperCase()))
  return from.toUpperCase() === poolCurrency.toUpperCase() ? amount : (amount * usdPer(view, from)) / usdPer(view, poolCurrency)
}

/** Signed, with the currency's decimals (USD 2, coins 6); a non-zero amount below them in two significant digits. */
const fmt = (x: number, currency: string): string => {
  const d = isUsdLike(currency) ? 2 : 6
  const fixed = Math.abs(x).toFixed(d)
  const s = Number(fixed) === 0 && x !== 0 ? Math.abs(x).toPrecision(2) : fixed
  return `${x < 0 && Number(s) !== 0 ? '−' : x > 0 && Number(s) !== 0 ? '+' : ''}${s}`
}

/** Per pool the trades touch: the equity change from the quote, taken apart. */
export function reconcile(health: readonly HealthRowDiff[], effects: readonly TradeEffect[]): PoolReconciliation[] {
  const pools = [...new Set(effects.map((e) => e.pool))]
  return pools.map((pool) => {
    const mine = effects.filter((e) => e.pool === pool)
    const currency = mine[0]!.currency
    const row = health.find((h) => h.pool === pool)
    const equityBefore = row?.equity.base ?? 0
    const equityAfter = row?.equity.other ?? 0
    const equityChange = equityAfter - equityBefore
    const sum = (f: (e: TradeEffect) => number): number => mine.reduce((s, e) => s + f(e), 0)
    const cashChange = sum((e) => e.cash)
    const costTotal = sum((e) => e.cost)
    const valuationGap = sum((e) => e.valuationGap)
    const haircutEffect = cashChange - sum((e) => e.cashGross)
    const residual = equityChange - (valuationGap - costTotal + haircutEffect)
    const c = ` ${currency}`
    const explanation = row
      ? `Equity ${fmt(equityChange, currency)}${c} = cash ${fmt(cashChange, currency)}${c} (premiums, P&L realised by closes) + positions ${fmt(equityChange - cashChange, currency)}${c} (options at our valuation, futures from their fill). ` +
        `Filling at the mark ± half the bid-ask loses the estimated cost, ${fmt(-costTotal, currency)}${c}, at once; our valuation puts the traded contracts ${fmt(valuationGap, currency)}${c} from their marks; ` +
        (haircutEffect !== 0 ? `the collateral haircut on the coin cash moved ${fmt(haircutEffect, currency)}${c}; ` : '') +
        `rest ${fmt(residual, currency)}${c} (the cost converted at the index, inverse contracts' 1/price).`
      : `No balance recorded for ${pool}: no equity to reconcile; the estimated cost is ${fmt(-costTotal, currency)}${c}, the valuation gap ${fmt(valuationGap, currency)}${c}.`
    return { pool, currency, equityBefore, equityAfter, equityChange, cashChange, positionsValueChange: equityChange - cashChange, costTotal, valuationGap, haircutEffect, residual, explanation }
  })
}
