/**
 * One step from a held position to engine inputs, with one rule for every consumer: margin
 * (services/margin-service.ts), the valuation grid (engine/valuation/position-valuation.ts), the
 * scenario arrays behind VaR, stress, backtests and the P&L explorer
 * (engine/scenarios/portfolio-arrays.ts) and the hedgers, which all go through those.
 *
 * A position resolves to its inputs — the price its P&L moves with, the index, its size in coin and
 * USD, its settlement currency, years to expiry and, for an option, its implied vol — or to a typed
 * reason it cannot be priced, with the message every consumer shows:
 * - 'unknown-instrument': a symbol no parser understands (kept in the book, never valued);
 * - 'expired': past its expiry at the market's as-of. Expired contracts are settled at their payoff
 *   (services/expiry/settle-expired.ts), never priced as alive — nor at intrinsic value off today's
 *   index: until a settlement price is imported the position awaits settlement, left out of every
 *   figure and listed with this reason;
 * - 'unpriced': the market snapshot has no index for the underlying, no implied vol for the
 *   option, or no positive price;
 * - 'implausible': a size or USD notional beyond the input bounds (bounds.ts, METHODOLOGY §9),
 *   e.g. 1e308 contracts: refused before any figure, which would otherwise print Infinity or NaN.
 * The checks run in that order: an expired position awaits its settlement whatever today's market.
 *
 * USD-sized contracts (inverse futures sized in USD) convert to coin at the price the position moves
 * with: size in coin = contracts × contract size (USD) / price (sizeInCoin).
 */
import { isPriced, notionalUsd, sizeInCoin, type Instrument, type UnpricedInstrument } from '../instruments/instrument'
import { impliedVolOrNull, MissingMarketDataError, underlyingPriceFor, type MarketView } from '../market/market-view'
import { yearsBetween } from '../pricing/black76'
import { outOfRange, withinBound } from '../instruments/bounds'

export type UnresolvedReason = 'unknown-instrument' | 'expired' | 'unpriced' | 'implausible'

export interface ResolvedPosition {
  ok: true
  instrument: Instrument
  sizeContracts: number
  /** The market's as-of these inputs hold at. */
  asOfMs: number
  /** The price the P&L moves with, USD: the forward of its expiry (futures, options), its own mark (perpetuals), the index (spot). */
  forwardUsd: number
  /** The underlying's index, USD. */
  indexUsd: number
  /** Contracts × contract size, counted in the contract unit (USD for USD-sized contracts). */
  notional: number
  /** Signed size in underlying coin (USD-sized contracts at forwardUsd). */
  sizeCoin: number
  /** Signed USD notional (coin contracts at forwardUsd). */
  notionalUsd: number
  /** Inverse contracts settle in coin. */
  inverse: boolean
  settleCurrency: string
  /** Years to expiry, > 0; null without an expiry (spot, perpetuals). */
  years: number | null
  /** Options: implied vol at the strike, fraction (own mark IV, else the surface); null otherwise. */
  vol: number | null
}

export interface UnresolvedPosition {
  ok: false
  reason: UnresolvedReason
  /** What every consumer shows (notCovered reason, the grid's valuation error). */
  message: string
}

export type PositionResolution = ResolvedPosition | UnresolvedPosition

/** Thrown by consumers that take one position and cannot go on without its inputs. */
export class UnresolvedPositionError extends RangeError {
  readonly reason: UnresolvedReason
  constructor(u: UnresolvedPosition) {
    super(u.message)
    this.name = 'UnresolvedPositionError'
    this.reason = u.reason
  }
}

/** An instant as traders read it in messages: 2026-11-27 08:00 UTC. */
export const utcMinute = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`

const unresolved = (reason: UnresolvedReason, message: string): UnresolvedPosition => ({ ok: false, reason, message })

/** Whether the instrument has expired at `asOfMs` (its expiry at or before it). */
export const expiredAt = (i: Pick<Instrument, 'expiryMs'>, asOfMs: number): boolean => i.expiryMs !== null && i.expiryMs <= asOfMs

export function resolvePosition(instrument: Instrument | UnpricedInstrument, sizeContracts: number, view: MarketView): PositionResolution {
  if (!isPriced(instrument)) return unresolved('unknown-instrument', `not priced: ${instrument.parseError}`)
  const i = instrument
  const asOfMs = view.snapshot.asOfMs
  if (expiredAt(i, asOfMs)) {
    return unresolved(
      'expired',
      `${i.venue}:${i.symbol}: expired ${utcMinute(i.expiryMs!)}, before the market's as-of (${utcMinute(asOfMs)}): awaiting settlement price (import the venue's statement with its delivery, or daily ${i.underlying} history covering the expiry)`
    )
  }
  const curve = view.curves.get(i.underlying)
  if (!curve) return unresolved('unpriced', new MissingMarketDataError(i, `no ${i.underlying} index`).message)
  const forwardUsd = underlyingPriceFor(view, i)
  if (!(forwardUsd > 0)) return unresolved('unpriced', `${i.venue}:${i.symbol}: no positive price for ${i.underlying}`)
  let vol: number | null = null
  if (i.kind === 'option') {
    vol = impliedVolOrNull(view, i, forwardUsd)
    if (vol === null) return unresolved('unpriced', new MissingMarketDataError(i, `no ${i.underlying} implied vols`).message)
  }
  const usd = notionalUsd(i, sizeContracts, forwardUsd)
  if (!withinBound('sizeContracts', sizeContracts) || !withinBound('notionalUsd', usd)) {
    const what = withinBound('sizeContracts', sizeContracts) ? `its USD notional ${usd.toPrecision(3)} is ${outOfRange('notionalUsd')}` : `its size ${sizeContracts} contracts is ${outOfRange('sizeContracts')}`
    return unresolved('implausible', `${i.venue}:${i.symbol}: ${what} (docs/METHODOLOGY.md §9): check the position`)
  }
  return {
    ok: true,
    instrument: i,
    sizeContracts,
    asOfMs,
    forwardUsd,
    indexUsd: curve.indexUsd,
    notional: sizeContracts * i.contractSize,
    sizeCoin: sizeInCoin(i, sizeContracts, forwardUsd)!,
    notionalUsd: usd,
    inverse: i.settlement === 'inverse',
    settleCurrency: i.settleCurrency,
    years: i.expiryMs === null ? null : yearsBetween(asOfMs, i.expiryMs),
    vol
  }
}

/** The inputs, or an UnresolvedPositionError with the reason (consumers of a single position). */
export function requireResolved(instrument: Instrument | UnpricedInstrument, sizeContracts: number, view: MarketView): ResolvedPosition {
  const r = resolvePosition(instrument, sizeContracts, view)
  if (!r.ok) throw new UnresolvedPositionError(r)
  return r
}
