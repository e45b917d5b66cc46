// The margin code as it was before issue 20 (git HEAD 80dca66), kept as the twin the faster code
// is held equal to (tests/engine/margin-speed-twin.test.ts). Not used by the app.
/**
 * A position as every margin method sees it: its size in coin of the underlying, the price its P&L
 * moves with (the forward of its expiry, a perpetual's mark, the index for spot), and for options
 * strike, expiry and implied vol. One revaluation rule for all scenario grids, so methods differ
 * only in their scenarios and aggregation (docs/METHODOLOGY.md §4).
 */
import { black76PriceUsd, yearsBetween } from '../../engine/pricing/black76'
import { MIN_SCENARIO_VOL } from '../../engine/scenarios/scenario-set'

export interface MarginPosition {
  underlying: string
  kind: 'spot' | 'perpetual' | 'future' | 'option'
  /** Inverse contracts settle P&L in coin; linear ones in the quote (USD-like) currency. */
  inverse: boolean
  sizeCoin: number
  priceUsd: number
  expiryMs: number | null
  strikeUsd: number
  vol: number
  optionType: 'call' | 'put' | null
  /** Option mark in coin per coin (standard margin adds it); 0 when unknown or not an option. */
  markCoin: number
  /** Index of the underlying, USD (standard margin's OTM amount is measured from it). */
  indexUsd: number
  /** Quoted half bid-ask spread per coin, USD (the liquidity add-on); absent when unquoted. */
  halfSpreadUsd?: number | null
}

export function deltaOnePosition(p: { underlying?: string; kind: 'spot' | 'perpetual' | 'future'; inverse?: boolean; sizeCoin: number; priceUsd: number; expiryMs?: number | null; indexUsd?: number }): MarginPosition {
  return {
    underlying: p.underlying ?? 'BTC',
    kind: p.kind,
    inverse: p.inverse ?? true,
    sizeCoin: p.sizeCoin,
    priceUsd: p.priceUsd,
    expiryMs: p.expiryMs ?? null,
    strikeUsd: 0,
    vol: 0,
    optionType: null,
    markCoin: 0,
    indexUsd: p.indexUsd ?? p.priceUsd
  }
}

export function optionPosition(p: { underlying?: string; inverse?: boolean; sizeCoin: number; forwardUsd: number; strikeUsd: number; expiryMs: number; vol: number; optionType: 'call' | 'put'; markCoin?: number; indexUsd?: number }): MarginPosition {
  return {
    underlying: p.underlying ?? 'BTC',
    kind: 'option',
    inverse: p.inverse ?? true,
    sizeCoin: p.sizeCoin,
    priceUsd: p.forwardUsd,
    expiryMs: p.expiryMs,
    strikeUsd: p.strikeUsd,
    vol: p.vol,
    optionType: p.optionType,
    markCoin: p.markCoin ?? 0,
    indexUsd: p.indexUsd ?? p.forwardUsd
  }
}

/** Years to expiry at `asOfMs` (0 for spot and perpetuals, never negative). */
export const yearsLeft = (pos: MarginPosition, asOfMs: number): number => (pos.expiryMs === null ? 0 : Math.max(yearsBetween(asOfMs, pos.expiryMs), 0))

/**
 * USD value per coin of the position's instrument at price F, vol and years left (options: Black-76;
 * expired: intrinsic). A shocked vol is floored at MIN_SCENARIO_VOL, as in the scenario kernel: the
 * venues' vol-down shocks scale as (30/DTE)^p and pass below zero for options hours from expiry
 * (Deribit's BTC set: under about 7 hours).
 */
export function unitValueUsd(pos: MarginPosition, priceUsd: number, vol: number, years: number): number {
  if (pos.kind !== 'option') return priceUsd
  if (years <= 0) return pos.optionType === 'call' ? Math.max(priceUsd - pos.strikeUsd, 0) : Math.max(pos.strikeUsd - priceUsd, 0)
  return black76PriceUsd({ forwardUsd: priceUsd, strikeUsd: pos.strikeUsd, years, vol: Math.max(vol, MIN_SCENARIO_VOL), optionType: pos.optionType! })
}

export interface ScenarioMove {
  /** Relative price move (−0.1 = −10 %). */
  move: number
  /** The option's vol in the scenario (ignored for delta-one positions). */
  vol: number
  /** Time elapsed in the scenario, years. */
  elapsedYears: number
}

/** P&L in USD (gain positive) of the whole position in a scenario. */
export function pnlUsd(pos: MarginPosition, asOfMs: number, s: ScenarioMove): number {
  const t0 = yearsLeft(pos, asOfMs)
  const v0 = unitValueUsd(pos, pos.priceUsd, pos.vol, t0)
  const v1 = unitValueUsd(pos, pos.priceUsd * (1 + s.move), s.vol, Math.max(t0 - s.elapsedYears, 0))
  return pos.sizeCoin * (v1 - v0)
}

/**
 * P&L in coin of an inverse position: an inverse future's q·m/(1+m) (N·(1/F0 − 1/F1) with q = N/F0),
 * an inverse option's change in coin value V/F. Linear positions in a coin account are converted at
 * the scenario price.
 */
export function pnlCoin(pos: MarginPosition, asOfMs: number, s: ScenarioMove): number {
  if (pos.kind !== 'option') return (pos.sizeCoin * s.move) / (1 + s.move)
  const t0 = yearsLeft(pos, asOfMs)
  const f1 = pos.priceUsd * (1 + s.move)
  const v0 = unitValueUsd(pos, pos.priceUsd, pos.vol, t0) / pos.priceUsd
  const v1 = unitValueUsd(pos, f1, s.vol, Math.max(t0 - s.elapsedYears, 0)) / f1
  return pos.sizeCoin * (v1 - v0)
}

/** P&L in the method's currency: coin for a coin-settled account, USD otherwise. */
export function pnlIn(coinAccount: boolean, pos: MarginPosition, asOfMs: number, s: ScenarioMove): number {
  return coinAccount ? pnlCoin(pos, asOfMs, s) : pnlUsd(pos, asOfMs, s)
}

/** ∂P&L/∂m at m = 0 in the account currency (coin delta for coin accounts, USD per unit move otherwise), by central difference. */
export function moveDelta(coinAccount: boolean, pos: MarginPosition, asOfMs: number): number {
  if (pos.kind !== 'option') return coinAccount ? pos.sizeCoin : pos.sizeCoin * pos.priceUsd
  const h = 1e-4
  const at = (m: number): number => pnlIn(coinAccount, pos, asOfMs, { move: m, vol: pos.vol, elapsedYears: 0 })
  return (at(h) - at(-h)) / (2 * h)
}
