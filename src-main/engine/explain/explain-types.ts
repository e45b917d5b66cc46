/**
 * P&L explain between two book snapshots (docs/METHODOLOGY.md, "P&L explain"): what goes in (two
 * snapshots of holdings, balances and market, the fills and cash flows between them) and what comes
 * out (per position, per account × underlying × settlement currency, per account, per underlying and
 * for the book, each component in the settlement currency and in USD).
 *
 * Sign: gain positive. Amounts of a row are in its settlement currency (`settle`: coin for inverse
 * contracts, the quote stablecoin for linear ones) and in USD (`usd`).
 */
import type { Instrument, UnpricedInstrument } from '../instruments/instrument'
import type { MarketView } from '../market/market-view'

/**
 * The components in waterfall order: the second-order Taylor terms of the positions held at `from`
 * (Greeks of the `from` market, actual moves), the fills between the two instants, the cash the
 * account paid or received, the USD revaluation of coin amounts, and what the terms do not explain.
 */
export const EXPLAIN_COMPONENTS = ['delta', 'gamma', 'vega', 'theta', 'vanna', 'volga', 'charm', 'veta', 'newTrades', 'closes', 'funding', 'fees', 'currency', 'residual'] as const
export type ExplainComponent = (typeof EXPLAIN_COMPONENTS)[number]

/** What each component is, for tables, the waterfall and the report; `published: false` marks a rule of ours. */
export const EXPLAIN_COMPONENT_INFO: Record<ExplainComponent, { label: string; published: boolean; note: string }> = {
  delta: { label: 'Delta', published: true, note: 'V_F·ΔF at the from market (Hull, Taylor series expansion); delta-one contracts: their whole price P&L' },
  gamma: { label: 'Gamma', published: true, note: '½·V_FF·ΔF² at the from market (Hull, Taylor series expansion)' },
  vega: { label: 'Vega', published: true, note: 'V_σ·Δσ, σ the implied vol at the strike (sticky strike)' },
  theta: { label: 'Theta', published: true, note: 'V_t·Δt + ½·V_tt·Δt², Δt the calendar time between the two markets (ACT/365)' },
  vanna: { label: 'Vanna', published: true, note: 'V_Fσ·ΔF·Δσ: zero unless the vol moved' },
  volga: { label: 'Volga', published: true, note: '½·V_σσ·Δσ²: zero unless the vol moved' },
  charm: { label: 'Charm', published: true, note: 'V_Ft·ΔF·Δt: the delta drifting as time passes, on the move' },
  veta: { label: 'Veta', published: true, note: 'V_σt·Δσ·Δt: the vega drifting as time passes, on the vol move' },
  newTrades: { label: 'New trades', published: false, note: 'fills that open or add, from their trade price to the to mark (ours: a fill without a price counts at the to mark)' },
  closes: { label: 'Closes', published: false, note: 'fills that reduce the from position, from their trade price to the to mark (ours)' },
  funding: { label: 'Funding', published: false, note: "perpetuals: the ledger's funding rows; without them an estimate from the funding-rate history or the from market's rate (ours)" },
  fees: { label: 'Fees', published: true, note: "the ledger's fee rows in the window, else the trades' fees" },
  currency: { label: 'Currency', published: false, note: 'USD only: coin value held at from (option premium, coin cash) × the change of its index (ours)' },
  residual: { label: 'Residual', published: true, note: 'full revaluation minus the explained parts: the Taylor terms of third order and beyond' }
}

/**
 * One row's amounts. `revaluation`: the full-revaluation P&L of the holdings (both markets priced in
 * full, fills at their prices), of which delta … closes and residual are the parts; `total` adds the
 * cash (funding, fees) and, in USD, the currency term. By construction
 * delta + gamma + vega + theta + vanna + volga + charm + veta + newTrades + closes + residual = revaluation (settle),
 * the same + currency = revaluation (USD), and every component summed = total.
 */
export type ExplainAmounts = Record<ExplainComponent | 'revaluation' | 'total', number>

/** One holding in a snapshot: an account's position in an instrument, signed contracts. */
export interface ExplainHolding {
  account: string
  venue: string
  instrument: Instrument | UnpricedInstrument
  sizeContracts: number
}

/** Cash of an account in one currency at the snapshot's instant (coin collateral is revalued in USD). */
export interface ExplainBalance {
  account: string
  venue: string
  currency: string
  amount: number
}

/** The book at one instant: what it held, its cash, and the market it is valued on (its as-of is the instant). */
export interface ExplainSnapshot {
  view: MarketView
  holdings: readonly ExplainHolding[]
  balances: readonly ExplainBalance[]
}

/** A fill between the two instants. `price` in the instrument's price currency (coin for inverse options); null when unknown. */
export interface ExplainFill {
  account: string
  venue: string
  instrument: Instrument | UnpricedInstrument
  /** Signed: a buy positive. */
  signedContracts: number
  price: number | null
  atMs: number
  /** Fee the trade row carries, positive a cost, in `feeCurrency`; used only when the account's ledger has no fee rows in the window. */
  fee?: number
  feeCurrency?: string | null
}

/** A ledger row between the two instants (statements): funding or fee, signed as it moved the cash. */
export interface ExplainCashFlow {
  account: string
  venue: string
  kind: 'funding' | 'fee'
  currency: string
  amount: number
  atMs: number
  instrumentSymbol: string | null
}

/** An imported funding rate (per funding interval, fraction) at an instant. */
export interface ExplainFundingRate {
  venue: string
  symbol: string
  atMs: number
  rate: number
}

/**
 * The price an expiry settled at, as the book settles expired positions (services/expiry): the
 * venue's delivery price from a statement, else our approximation from daily history (its source
 * says which). A position expiring between the two instants is valued at it.
 */
export interface ExplainSettlementPrice {
  venue: string
  underlying: string
  expiryMs: number
  priceUsd: number
  source: string
}

export interface ExplainInput {
  from: ExplainSnapshot
  to: ExplainSnapshot
  /** Fills inside the window (from < atMs ≤ to; others are ignored). */
  fills: readonly ExplainFill[]
  /** Funding and fee ledger rows inside the window (others are ignored). */
  cashFlows: readonly ExplainCashFlow[]
  /** Funding-rate history (funding_history), used for perpetuals whose funding the ledger does not give. */
  fundingRates?: readonly ExplainFundingRate[]
  /** Settlement prices of the expiries between the two markets: a position expiring in the window is valued at its payoff. */
  settlementPrices?: readonly ExplainSettlementPrice[]
  /**
   * The instants the holdings were taken at (e.g. each day's end-of-day time), which bound the fills,
   * the ledger rows and the funding: default, the two markets' as-of instants. Prices, vols and the
   * time that passes for theta are always the markets' own.
   */
  window?: { fromMs: number; toMs: number }
}

/** Where a row's funding came from: the ledger (the venue's own), an imported rate history or the `from` market's rate (estimates, ours). */
export type FundingSource = 'statement' | 'funding-history' | 'market-rate'

/** The market inputs of a position at one instant: the price it moves with (USD), its vol (options), years to expiry. */
export interface ExplainPoint {
  priceUsd: number
  vol: number | null
  years: number | null
  /** USD per unit of the settlement currency (the index for a coin, 1 for USD-like). */
  usdPerSettle: number
}

export interface ExplainRow {
  /** 'position': an instrument held or traded; 'cash': an account's currency (collateral revaluation, cash not tied to a position). */
  kind: 'position' | 'cash'
  account: string
  venue: string
  underlying: string
  /** Null for a cash row. */
  symbol: string | null
  instrumentKind: Instrument['kind'] | 'cash'
  settleCurrency: string
  sizeFromContracts: number
  sizeToContracts: number
  from: ExplainPoint | null
  to: ExplainPoint | null
  settle: ExplainAmounts
  usd: ExplainAmounts
  fundingSource: FundingSource | null
  notes: string[]
}

/** A position no part of the explain covers, and why (unknown symbol, expired between the two instants without a settlement price, no market). */
export interface NotExplained {
  account: string
  symbol: string
  reason: string
}

export interface ExplainGroup {
  account: string
  venue: string
  underlying: string
  settleCurrency: string
  settle: ExplainAmounts
  usd: ExplainAmounts
}

export interface ExplainResult {
  /** The two markets' as-of instants (valuation), and the window the holdings, fills and cash are taken over. */
  fromAsOfMs: number
  toAsOfMs: number
  window: { fromMs: number; toMs: number }
  /** Calendar time between the two markets, ACT/365 years: theta's Δt. */
  elapsedYears: number
  rows: ExplainRow[]
  /** Per account × underlying × settlement currency: the only level where settlement amounts add up. */
  groups: ExplainGroup[]
  byAccount: { account: string; venue: string; usd: ExplainAmounts }[]
  byUnderlying: { underlying: string; usd: ExplainAmounts }[]
  book: { usd: ExplainAmounts }
  notExplained: NotExplained[]
  /** The settlement prices the rows were valued at, each with how many positions it valued (the service says so in its notes). */
  settlementsUsed: { price: ExplainSettlementPrice; positions: number }[]
}

export const zeroAmounts = (): ExplainAmounts => ({
  delta: 0,
  gamma: 0,
  vega: 0,
  theta: 0,
  vanna: 0,
  volga: 0,
  charm: 0,
  veta: 0,
  newTrades: 0,
  closes: 0,
  funding: 0,
  fees: 0,
  currency: 0,
  residual: 0,
  revaluation: 0,
  total: 0
})

/** a += b, component by component (aggregation). */
export function addAmounts(a: ExplainAmounts, b: ExplainAmounts): void {
  for (const k of Object.keys(a) as (keyof ExplainAmounts)[]) a[k] += b[k]
}
