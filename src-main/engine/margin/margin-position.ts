/**
 * A position as every margin method sees it: its size in coin of the underlying, the price its P&L
 * moves with (the forward of its expiry, a perpetual's mark, the index for spot), and for options
 * strike, expiry and implied vol. One revaluation rule for all scenario grids, so methods differ
 * only in their scenarios and aggregation (docs/METHODOLOGY.md §4).
 */
import { black76PriceUsd, yearsBetween } from '../pricing/black76'
import { normCdf } from '../pricing/normal'
import { MIN_SCENARIO_VOL } from '../scenarios/scenario-set'

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
  const v = Math.max(vol, MIN_SCENARIO_VOL)
  const k = pos.strikeUsd
  // black76PriceUsd's operations at rate 0 (its discount factor 1 multiplies exactly), without
  // building its input object: scenario grids call this millions of times per book. Inputs it
  // would refuse go to it, so it throws as before.
  if (!(priceUsd > 0 && priceUsd < Infinity && k > 0 && k < Infinity && years < Infinity && v < Infinity && (pos.optionType === 'call' || pos.optionType === 'put')))
    return black76PriceUsd({ forwardUsd: priceUsd, strikeUsd: k, years, vol: v, optionType: pos.optionType! })
  const sd = v * Math.sqrt(years)
  const d1 = Math.log(priceUsd / k) / sd + sd / 2
  const d2 = d1 - sd
  return pos.optionType === 'call' ? priceUsd * normCdf(d1) - k * normCdf(d2) : k * normCdf(-d2) - priceUsd * normCdf(-d1)
}

export interface ScenarioMove {
  /** Relative price move (−0.1 = −10 %). */
  move: number
  /** The option's vol in the scenario (ignored for delta-one positions). */
  vol: number
  /** Time elapsed in the scenario, years. */
  elapsedYears: number
}

/**
 * What every scenario of a position starts from: its years left and its value per coin today (USD).
 * Scenario grids revalue a position 20 to 40 times (the liquidation search once per step): the
 * base is the same each time, so a grid computes it once per position.
 */
export interface PositionBase {
  years: number
  valueUsd: number
}

export function positionBase(pos: MarginPosition, asOfMs: number): PositionBase {
  const years = yearsLeft(pos, asOfMs)
  return { years, valueUsd: unitValueUsd(pos, pos.priceUsd, pos.vol, years) }
}

/** pnlUsd from the position's base: the same operations, without revaluing today's value again. */
export function pnlUsdFrom(pos: MarginPosition, base: PositionBase, move: number, vol: number, elapsedYears: number): number {
  const v1 = unitValueUsd(pos, pos.priceUsd * (1 + move), vol, Math.max(base.years - elapsedYears, 0))
  return pos.sizeCoin * (v1 - base.valueUsd)
}

/** pnlCoin from the position's base (see pnlUsdFrom). */
export function pnlCoinFrom(pos: MarginPosition, base: PositionBase, move: number, vol: number, elapsedYears: number): number {
  if (pos.kind !== 'option') return (pos.sizeCoin * move) / (1 + move)
  const f1 = pos.priceUsd * (1 + move)
  const v0 = base.valueUsd / pos.priceUsd
  const v1 = unitValueUsd(pos, f1, vol, Math.max(base.years - elapsedYears, 0)) / f1
  return pos.sizeCoin * (v1 - v0)
}

/** pnlIn from the position's base. */
export function pnlInFrom(coinAccount: boolean, pos: MarginPosition, base: PositionBase, move: number, vol: number, elapsedYears: number): number {
  return coinAccount ? pnlCoinFrom(pos, base, move, vol, elapsedYears) : pnlUsdFrom(pos, base, move, vol, elapsedYears)
}

/**
 * pnlInFrom(coinAccount, pos, base, move, pos.vol, 0) given unitValueUsd(pos, pos.priceUsd × (1 + move),
 * pos.vol, base.years) already computed (valueUsd): the same operations after it. The liquidation
 * search revalues each position at its moved price once, for its equity and its margin record.
 */
export function pnlInAtValue(coinAccount: boolean, pos: MarginPosition, base: PositionBase, move: number, valueUsd: number): number {
  if (!coinAccount) return pos.sizeCoin * (valueUsd - base.valueUsd)
  if (pos.kind !== 'option') return (pos.sizeCoin * move) / (1 + move)
  return pos.sizeCoin * (valueUsd / (pos.priceUsd * (1 + move)) - base.valueUsd / pos.priceUsd)
}

/** P&L in USD (gain positive) of the whole position in a scenario. */
export function pnlUsd(pos: MarginPosition, asOfMs: number, s: ScenarioMove): number {
  return pnlUsdFrom(pos, positionBase(pos, asOfMs), s.move, s.vol, s.elapsedYears)
}

/**
 * P&L in coin of an inverse position: an inverse future's q·m/(1+m) (N·(1/F0 − 1/F1) with q = N/F0),
 * an inverse option's change in coin value V/F. Linear positions in a coin account are converted at
 * the scenario price.
 */
export function pnlCoin(pos: MarginPosition, asOfMs: number, s: ScenarioMove): number {
  if (pos.kind !== 'option') return (pos.sizeCoin * s.move) / (1 + s.move)
  return pnlCoinFrom(pos, positionBase(pos, asOfMs), s.move, s.vol, s.elapsedYears)
}

/** P&L in the method's currency: coin for a coin-settled account, USD otherwise. */
export function pnlIn(coinAccount: boolean, pos: MarginPosition, asOfMs: number, s: ScenarioMove): number {
  return coinAccount ? pnlCoin(pos, asOfMs, s) : pnlUsd(pos, asOfMs, s)
}

/** moveDelta's central-difference step, a relative move. */
export const MOVE_DELTA_STEP = 1e-4

/** ∂P&L/∂m at m = 0 in the account currency (coin delta for coin accounts, USD per unit move otherwise), by central difference. */
export function moveDelta(coinAccount: boolean, pos: MarginPosition, asOfMs: number, base = pos.kind === 'option' ? positionBase(pos, asOfMs) : null): number {
  if (pos.kind !== 'option') return coinAccount ? pos.sizeCoin : pos.sizeCoin * pos.priceUsd
  const h = MOVE_DELTA_STEP
  return (pnlInFrom(coinAccount, pos, base!, h, pos.vol, 0) - pnlInFrom(coinAccount, pos, base!, -h, pos.vol, 0)) / (2 * h)
}

/**
 * Per-coin revaluations of options shared between margin groups (the same option held in several
 * accounts is revalued once). A method's option record is sizeCoin × per-coin amounts when every
 * P&L in it is pnlInFrom's or pnlUsdFrom's (an option's is sizeCoin × (v1 − v0)): the per-coin
 * amounts, computed by the method's own operations on a 1-coin copy (1 × x = x), then × each
 * holding's size, are the same numbers. Keyed by strike, then matched on every input the amounts
 * depend on besides the method's (underlying, price, vol, expiry, type): a position moved or edited
 * after the share was filled simply misses. One share per method and account currency.
 */
export type OptionUnitShare = Map<number, { underlying: string; priceUsd: number; vol: number; expiryMs: number | null; optionType: MarginPosition['optionType']; unit: Float64Array }[]>

/** The option's per-coin amounts from the share, computed by `compute` on a 1-coin copy the first time. */
export function sharedUnit(share: OptionUnitShare, pos: MarginPosition, compute: (one: MarginPosition) => Float64Array): Float64Array {
  let entries = share.get(pos.strikeUsd)
  if (!entries) share.set(pos.strikeUsd, (entries = []))
  for (const e of entries) if (e.priceUsd === pos.priceUsd && e.vol === pos.vol && e.expiryMs === pos.expiryMs && e.optionType === pos.optionType && e.underlying === pos.underlying) return e.unit
  const unit = compute({ ...pos, sizeCoin: 1 })
  entries.push({ underlying: pos.underlying, priceUsd: pos.priceUsd, vol: pos.vol, expiryMs: pos.expiryMs, optionType: pos.optionType, unit })
  return unit
}
