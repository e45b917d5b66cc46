/**
 * One expiry of a Derive account, valued as PMRM_2 values it: its options at their SVI vols, the
 * forward split into a part that moves with spot and a part already fixed (the settlement average in
 * the last 30 minutes), the discount at the rate floored at 0 (PMRM_2._initialiseExpiries), and the
 * per-expiry shocks of PMRMLib_2: vol-shock multipliers (_addVolShocks) and static discounts
 * (_addStaticDiscount).
 */
import { derivePrices, yearsFromSeconds } from './black76'
import { sviVol } from './svi'
import type { DeriveExpiryFeed, DeriveOption, DeriveParameters } from './types'

const DAY_SECONDS = 86400
const THIRTY_DAYS_SECONDS = 30 * DAY_SECONDS

export interface PricedOption {
  /** Index in the portfolio's option list. */
  index: number
  strikeUsd: number
  isCall: boolean
  contracts: number
  vol: number
}

export interface PricedExpiry {
  /** Seconds to expiry, 0 once expired. */
  seconds: number
  years: number
  /** Forward = spotLinkedForwardUsd × spot shock + fixedForwardUsd. */
  spotLinkedForwardUsd: number
  fixedForwardUsd: number
  discount: number
  rate: number
  /** min(forward, rate, vol confidences) of this expiry, before the portfolio's own. */
  feedConfidence: number
  options: PricedOption[]
  /** Σ|contracts|, the notional base of the expiry's confidence charge. */
  grossContracts: number
  volShockUp: number
  volShockDown: number
  staticDiscountLong: number
  staticDiscountShort: number
}

/** Groups the options by expiry (in order of first appearance, as the contract arranges them). */
export function priceExpiries(options: DeriveOption[], feeds: DeriveExpiryFeed[], params: DeriveParameters): PricedExpiry[] {
  const bySeconds = new Map<number, PricedOption[]>()
  options.forEach((option, index) => {
    const feed = feedFor(feeds, option.secondsToExpiry)
    const held: PricedOption = { index, strikeUsd: option.strikeUsd, isCall: option.isCall, contracts: option.contracts, vol: sviVol(option.strikeUsd, feed.svi) }
    const list = bySeconds.get(option.secondsToExpiry)
    if (list) list.push(held)
    else bySeconds.set(option.secondsToExpiry, [held])
  })
  return [...bySeconds].map(([secondsToExpiry, held]) => expiryOf(feedFor(feeds, secondsToExpiry), held, params))
}

function feedFor(feeds: DeriveExpiryFeed[], secondsToExpiry: number): DeriveExpiryFeed {
  const feed = feeds.find((f) => f.secondsToExpiry === secondsToExpiry)
  if (!feed) throw new Error(`Derive: no forward/rate/SVI feed for the expiry ${secondsToExpiry} s away`)
  return feed
}

function expiryOf(feed: DeriveExpiryFeed, options: PricedOption[], params: DeriveParameters): PricedExpiry {
  const seconds = Math.max(0, feed.secondsToExpiry)
  const years = yearsFromSeconds(seconds)
  // "We assume the rate is always positive" (PMRM_2._initialiseExpiries): a negative rate is read as 0.
  const rate = Math.max(feed.rate, 0)
  const fixedForwardUsd = feed.fixedForwardUsd ?? 0
  const { up, down } = volShockMultipliers(seconds, params)
  const discount = Math.exp(-rate * years)
  const { long, short } = staticDiscounts(years, rate, discount, params)
  return {
    seconds,
    years,
    spotLinkedForwardUsd: feed.forwardUsd - fixedForwardUsd,
    fixedForwardUsd,
    discount,
    rate,
    // Every option read from the vol feed lowers the expiry's confidence to the feed's (PMRM_2._arrangeAssets).
    feedConfidence: Math.min(feed.forwardConfidence, feed.rateConfidence, feed.volConfidence),
    options,
    grossContracts: options.reduce((sum, o) => sum + Math.abs(o.contracts), 0),
    volShockUp: up,
    volShockDown: down,
    staticDiscountLong: long,
    staticDiscountShort: short,
  }
}

/**
 * Vol-shock multipliers (PMRMLib_2._addVolShocks): m = (30 days ÷ max(time left, DTE floor))^p, with
 * the short-term power up to 30 days and the long-term power beyond; Up = 1 + rangeUp·m,
 * Down = max(0, 1 − rangeDown·m). The contract keeps the floor in whole seconds.
 */
export function volShockMultipliers(seconds: number, params: DeriveParameters): { up: number; down: number } {
  const floorSeconds = Math.floor(params.volShock.dteFloorDays * DAY_SECONDS)
  const denominator = Math.max(seconds, floorSeconds)
  if (denominator <= 0) throw new Error('Derive: vol shock undefined for an expired option with no DTE floor')
  const power = seconds <= THIRTY_DAYS_SECONDS ? params.volShock.shortTermPower : params.volShock.longTermPower
  const m = Math.pow(THIRTY_DAYS_SECONDS / denominator, power)
  return { up: 1 + params.volShock.rangeUp * m, down: Math.max(0, 1 - params.volShock.rangeDown * m) }
}

/**
 * Static discounts on a shocked expiry value (PMRMLib_2._addStaticDiscount): a positive value is
 * multiplied by base_long·e^(−τ·(r·mult_long + add_long)); a negative one by
 * base_short·e^(+τ·(r·mult_short + add_short)), never more than 1 ÷ the expiry's discount factor.
 */
export function staticDiscounts(years: number, rate: number, discount: number, params: DeriveParameters): { long: number; short: number } {
  const m = params.margin
  const long = m.longBaseStaticDiscount * Math.exp(-years * (rate * m.longRateMultScale + m.longRateAddScale))
  const short = m.shortBaseStaticDiscount / Math.exp(-years * (rate * m.shortRateMultScale + m.shortRateAddScale))
  return { long, short: Math.min(1 / discount, short) }
}

/** Expiry value with the forward's spot-linked part shocked and every vol scaled (PMRMLib_2._getExpiryShockedMTM). */
export function shockedExpiryValueUsd(expiry: PricedExpiry, spotShock: number, volMultiplier: number, minVol: number): number {
  const forwardUsd = expiry.spotLinkedForwardUsd * spotShock + expiry.fixedForwardUsd
  let total = 0
  for (const option of expiry.options) {
    const vol = Math.max(minVol, option.vol * volMultiplier)
    total += optionValueUsd(expiry, option, vol, forwardUsd)
  }
  return total
}

export function optionValueUsd(expiry: PricedExpiry, option: PricedOption, vol: number, forwardUsd: number): number {
  const { callUsd, putUsd } = derivePrices(expiry.seconds, vol, forwardUsd, option.strikeUsd, expiry.discount)
  return (option.isCall ? callUsd : putUsd) * option.contracts
}
