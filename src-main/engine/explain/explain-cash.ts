/**
 * The cash side of the explain: funding of perpetuals and fees between the two instants, and the USD
 * revaluation of coin cash (docs/METHODOLOGY.md, "P&L explain").
 * - Funding: the ledger's funding rows (the venue's own amounts) when the window has any for the
 *   position; otherwise an estimate (ours): −size in coin × Σ rate (× the price, for linear
 *   contracts) over the imported funding-rate history in the window, else over the `from` market's
 *   8-hour rate pro rata to the time elapsed. Longs pay a positive rate (Deribit, OKX, Bybit).
 * - Fees: the ledger's fee rows in the window when the account has any (statements book the fee of
 *   every trade there); otherwise the fee columns of the fills, a cost.
 */
import type { Instrument } from '../instruments/instrument'
import { instrumentKey } from '../instruments/instrument'
import type { ResolvedPosition } from '../positions/resolve-position'
import type { MarketView } from '../market/market-view'
import type { ExplainCashFlow, ExplainFundingRate, FundingSource } from './explain-types'

const HOURS_PER_YEAR = 365 * 24

export interface FundingEstimate {
  amountSettle: number
  source: FundingSource
}

/**
 * Funding estimated for a perpetual held (`rFrom`, the `from` size) when the ledger gives none; null
 * when neither a rate history nor a market rate is known.
 */
export function estimateFunding(i: Instrument, rFrom: ResolvedPosition, fromView: MarketView, rates: readonly ExplainFundingRate[], fromMs: number, toMs: number): FundingEstimate | null {
  // Paid per coin of position: the coin amount itself for inverse contracts (N/F × rate), its USD
  // value for linear ones (q × F × rate), both at the `from` price.
  const perRate = rFrom.inverse ? rFrom.sizeCoin : rFrom.sizeCoin * rFrom.forwardUsd
  const history = rates.filter((r) => r.venue === i.venue && r.symbol === i.symbol && r.atMs > fromMs && r.atMs <= toMs)
  if (history.length > 0) return { amountSettle: -perRate * history.reduce((s, r) => s + r.rate, 0), source: 'funding-history' }
  const rate8h = fromView.snapshot.fundingRate8h[instrumentKey(i.venue, i.symbol)]
  if (rate8h === undefined) return null
  const hours = ((toMs - fromMs) / (365 * 24 * 3600 * 1000)) * HOURS_PER_YEAR
  return { amountSettle: -perRate * rate8h * (hours / 8), source: 'market-rate' }
}

/** The ledger rows in the window, by kind. */
export function cashFlowsInWindow(flows: readonly ExplainCashFlow[], fromMs: number, toMs: number): { funding: ExplainCashFlow[]; fees: ExplainCashFlow[] } {
  const inside = flows.filter((f) => f.atMs > fromMs && f.atMs <= toMs)
  return { funding: inside.filter((f) => f.kind === 'funding'), fees: inside.filter((f) => f.kind === 'fee') }
}
