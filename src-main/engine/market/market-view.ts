/**
 * What pricing reads from a snapshot: the forward for an instrument's expiry and the implied vol
 * at its strike. Built once per snapshot (curves and surfaces), then queried per position.
 */
import type { Instrument } from '../instruments/instrument'
import { instrumentKey } from '../instruments/instrument'
import type { MarketSnapshotData } from './snapshot'
import { buildForwardCurve, forwardAt, type ForwardCurve } from './forward-curve'
import { buildVolSurface, surfaceVol, type VolSurface } from './vol-surface'

export interface MarketView {
  snapshot: MarketSnapshotData
  curves: Map<string, ForwardCurve>
  surfaces: Map<string, VolSurface>
}

export function buildMarketView(snapshot: MarketSnapshotData): MarketView {
  const curves = new Map<string, ForwardCurve>()
  const surfaces = new Map<string, VolSurface>()
  for (const [underlying, indexUsd] of Object.entries(snapshot.indexUsd)) {
    const quotes = Object.entries(snapshot.forwardsUsd[underlying] ?? {}).map(([expiry, forwardUsd]) => ({ expiryMs: Number(expiry), forwardUsd }))
    curves.set(underlying, buildForwardCurve(underlying, snapshot.asOfMs, indexUsd, quotes))
    surfaces.set(underlying, buildVolSurface(underlying, snapshot.asOfMs, snapshot.volQuotes?.[underlying] ?? []))
  }
  return { snapshot, curves, surfaces }
}

/** Why an instrument cannot be valued on this snapshot. */
export class MissingMarketDataError extends Error {
  constructor(instrument: Instrument, what: string) {
    super(`${instrument.venue}:${instrument.symbol}: ${what} in market snapshot`)
    this.name = 'MissingMarketDataError'
  }
}

/**
 * The price the instrument's P&L moves with, USD: the forward of its expiry for futures and
 * options, its own mark for perpetuals (funding keeps it near the index), the index for spot.
 */
export function underlyingPriceFor(view: MarketView, i: Instrument): number {
  const curve = view.curves.get(i.underlying)
  if (!curve) throw new MissingMarketDataError(i, `no ${i.underlying} index`)
  if (i.kind === 'option' || i.kind === 'future') return forwardAt(curve, i.expiryMs!)
  if (i.kind === 'perpetual') {
    const mark = view.snapshot.marks[instrumentKey(i.venue, i.symbol)]
    return mark && mark.currency.toUpperCase() !== i.underlying ? mark.price : curve.indexUsd
  }
  return curve.indexUsd
}

/** Implied vol (fraction) for an option: its own mark IV when quoted, else the surface; null when neither. */
export function impliedVolOrNull(view: MarketView, i: Instrument, forwardUsd: number): number | null {
  const own = view.snapshot.marks[instrumentKey(i.venue, i.symbol)]?.ivPct
  if (own !== undefined && own > 0) return own / 100
  const surface = view.surfaces.get(i.underlying)
  return surface ? surfaceVol(surface, i.expiryMs!, i.strikeUsd!, forwardUsd) : null
}

/** The same, throwing when the snapshot has no vol for the option. */
export function volFor(view: MarketView, i: Instrument, forwardUsd: number): number {
  const vol = impliedVolOrNull(view, i, forwardUsd)
  if (vol === null) throw new MissingMarketDataError(i, `no ${i.underlying} implied vols`)
  return vol
}
