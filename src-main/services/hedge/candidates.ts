/**
 * What every hedging method shares: the instruments it may trade (the book file's and the
 * snapshot's, or an explicit universe), the trader's candidate window, and the cost of a trade:
 * half the bid-ask, quoted or the add-on parameters' default spread (one spread assumption for the
 * whole app, editable in the Parameters view).
 */
import type { BookDb } from '../../book/database'
import type { Instrument } from '../../engine/instruments/instrument'
import type { MarketView } from '../../engine/market/market-view'
import type { MarginPosition } from '../../engine/margin/margin-position'
import type { LiquidityParams } from '../../engine/margin/add-ons'
import { toMarginPosition } from '../margin-service'
import { tradableWithInstruments } from '../whatif/trade-ticket'

export type CandidateKind = 'perpetual' | 'future' | 'option'
export interface CandidateWindow {
  kinds?: CandidateKind[]
  /** Futures and options expiring within this many days (default 120). */
  maxExpiryDays?: number
  /** Options with strike / forward in this band (default 0.7 … 1.3). */
  moneyness?: [number, number]
}
export type Universe = { instrument: Instrument; lotSize: number }[]

/** The instruments on offer: an explicit universe, else every instrument the book file and snapshot can price. */
export function hedgeUniverse(db: BookDb | null, view: MarketView, universe?: Universe): Universe {
  if (universe) return universe
  if (!db) throw new Error('hedge: no book file to draw candidates from, and no universe given')
  return tradableWithInstruments(db, view).map(({ instrument, quote }) => ({ instrument, lotSize: quote.lotSize }))
}

/** Whether an unexpired instrument falls in the trader's window of kinds, expiry and moneyness. */
export function inWindow(i: Instrument, view: MarketView, w: CandidateWindow): boolean {
  if (!(w.kinds ?? ['perpetual', 'future', 'option']).includes(i.kind as CandidateKind)) return false
  if (i.expiryMs !== null && (i.expiryMs <= view.snapshot.asOfMs || i.expiryMs > view.snapshot.asOfMs + (w.maxExpiryDays ?? 120) * 86_400_000)) return false
  if (i.kind !== 'option') return true
  const [low, high] = w.moneyness ?? [0.7, 1.3]
  const m = i.strikeUsd! / toMarginPosition(i, 1, view).priceUsd
  return m >= low && m <= high
}

/** Half the bid-ask on a position, USD: quoted when the snapshot has bid and ask, else the default spread. */
export function halfSpreadCostUsd(pos: MarginPosition, liquidity: LiquidityParams): number {
  const perCoin = pos.halfSpreadUsd ?? (pos.kind === 'option' ? liquidity.defaultHalfSpreadOption * pos.indexUsd : liquidity.defaultHalfSpreadLinear * pos.priceUsd)
  return perCoin * Math.abs(pos.sizeCoin)
}
