/**
 * A market snapshot: immutable, identified and as-of stamped (docs/METHODOLOGY.md §3).
 * Plain data so it crosses worker and database boundaries unchanged; market-view.ts derives the
 * forward curves and vol surfaces from it.
 */
import type { VolQuote } from './vol-surface'

export interface InstrumentMark {
  /** Mark price in `currency`: coin per coin for inverse options, else quote currency per unit. */
  price: number
  currency: string
  /** Implied volatility in percent for options (45.1 = 45.1 %). */
  ivPct?: number
  /** Best bid and ask in the mark's currency, when the source quotes them (the liquidity add-on). */
  bid?: number
  ask?: number
}

export interface MarketSnapshotData {
  id: string
  /** The valuation instant: the newest of `asOfByUnderlying` when the market was assembled per underlying. */
  asOfMs: number
  /**
   * When each underlying's data was taken, for a market assembled per underlying (one chain per
   * import); absent: every underlying as of `asOfMs`.
   */
  asOfByUnderlying?: Record<string, number>
  /** Where each underlying's data came from, for a market assembled per underlying. */
  sourceByUnderlying?: Record<string, string>
  source: string
  /** Index price per underlying, USD. */
  indexUsd: Record<string, number>
  /** Forward per underlying per expiry (epoch ms as the key), USD: futures marks or venue forwards. */
  forwardsUsd: Record<string, Record<string, number>>
  /** Option mark IVs per underlying: the vol surface's input. */
  volQuotes?: Record<string, VolQuote[]>
  /** Mark per instrument key (`venue:symbol`). */
  marks: Record<string, InstrumentMark>
  /** Funding rate per 8 h per perpetual key, as a fraction. */
  fundingRate8h: Record<string, number>
  /**
   * Derive's own feeds per underlying, as its portfolio-margin manager (PMRM_2) reads them: per
   * expiry a forward, a rate and an SVI surface, each with its oracle confidence. Only the Derive
   * replica reads them; absent: Derive accounts are margined by the house methods alone.
   */
  deriveFeeds?: Record<string, DeriveMarketFeeds>
}

/** One expiry's feeds on Derive (PMRM_2: forward feed, interest-rate feed, SVI vol feed). */
export interface DeriveExpiryFeedData {
  /** The option expiry instant (epoch ms): 08:00 UTC on the option's date by default. */
  expiryMs: number
  forwardUsd: number
  /** Continuously compounded, annual (0.05 = 5 %). */
  rate: number
  /** SVI raw parameters: total variance w(k) = a + b·(ρ(k − m) + √((k − m)² + σ²)), k = ln(K/F). */
  svi: { a: number; b: number; rho: number; m: number; sigma: number }
  /** The forward and time (years) the SVI fit was made at; default: this forward, and the time to expiry. */
  sviForwardUsd?: number
  sviYears?: number
  forwardConfidence: number
  rateConfidence: number
  volConfidence: number
}

export interface DeriveMarketFeeds {
  spotConfidence: number
  perpConfidence: number
  /** Price of the cash stable (USDC) in USD: below the peg-loss threshold IM rises. */
  stablePriceUsd: number
  expiries: DeriveExpiryFeedData[]
}
