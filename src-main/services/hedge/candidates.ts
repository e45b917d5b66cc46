/**
 * What every hedging method shares: the instruments it may trade (the book file's and the
 * snapshot's, or an explicit universe), the trader's candidate window, and the cost of a trade:
 * half the bid-ask, quoted or the add-on parameters' default spread (one spread assumption for the
 * whole app, editable in the Parameters view).
 */
import type { BookDb } from '../../book/database'
import { instrumentKey, priceCurrency, type Instrument } from '../../engine/instruments/instrument'
import { isCoinCurrency } from '../../engine/market/currency'
import type { MarketView } from '../../engine/market/market-view'
import type { MarginPosition } from '../../engine/margin/margin-position'
import type { LiquidityParams } from '../../engine/margin/add-ons'
import { resolvePosition } from '../../engine/positions/resolve-position'
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

/**
 * Whether an instrument the market can price (one resolve step, engine/positions/resolve-position.ts:
 * not expired, index and vol in the snapshot) falls in the trader's window of kinds, expiry and moneyness.
 */
export function inWindow(i: Instrument, view: MarketView, w: CandidateWindow): boolean {
  if (!(w.kinds ?? ['perpetual', 'future', 'option']).includes(i.kind as CandidateKind)) return false
  const r = resolvePosition(i, 1, view)
  if (!r.ok) return false
  if (i.expiryMs !== null && i.expiryMs > view.snapshot.asOfMs + (w.maxExpiryDays ?? 120) * 86_400_000) return false
  if (i.kind !== 'option') return true
  const [low, high] = w.moneyness ?? [0.7, 1.3]
  const m = i.strikeUsd! / r.forwardUsd
  return m >= low && m <= high
}

/**
 * Half the bid-ask on a position, USD: quoted when the snapshot has bid and ask, else the default
 * spread. A coin-quoted (inverse) option's spread is coin per coin: the position's margin view
 * carries it × the forward, so it is taken back to coin and valued at the index, what the coin
 * paid is worth (the fill loss, halfSpreadInPrice × units, is then exactly this cost in coin).
 */
export function halfSpreadCostUsd(pos: MarginPosition, liquidity: LiquidityParams): number {
  const quoted = pos.halfSpreadUsd ?? null
  const perCoin =
    quoted !== null ? (pos.kind === 'option' && pos.inverse ? (quoted / pos.priceUsd) * pos.indexUsd : quoted)
      : pos.kind === 'option' ? liquidity.defaultHalfSpreadOption * pos.indexUsd : liquidity.defaultHalfSpreadLinear * pos.priceUsd
  return perCoin * Math.abs(pos.sizeCoin)
}

/**
 * The same half-spread in the instrument's own price units (coin per coin for inverse options, USD
 * per coin otherwise): a hedge fills at the mark plus this when buying and minus it when selling,
 * the price its estimated cost assumes (one spread assumption: the quote, else the defaults).
 */
export function halfSpreadInPrice(i: Instrument, view: MarketView, liquidity: LiquidityParams): { halfSpread: number; quoted: boolean } {
  const mark = view.snapshot.marks[instrumentKey(i.venue, i.symbol)]
  if (mark?.bid !== undefined && mark.ask !== undefined) return { halfSpread: (mark.ask - mark.bid) / 2, quoted: true }
  const pos = toMarginPosition(i, 1, view)
  if (i.kind === 'option') return { halfSpread: liquidity.defaultHalfSpreadOption * (isCoinCurrency(priceCurrency(i)) ? 1 : pos.indexUsd), quoted: false }
  return { halfSpread: liquidity.defaultHalfSpreadLinear * pos.priceUsd, quoted: false }
}

/**
 * The lowest size (contracts, ≤ 0) a hedge may trade in an instrument. Without new short options
 * (every hedge's default) an option can be sold only to close a long the account holds, or to add
 * to a short it already chose; anything else may be sold down to the size cap.
 */
export function sellFloor(i: Instrument, held: ReadonlyMap<string, number>, noNewShortOptions: boolean | undefined, bound: number): number {
  if (i.kind !== 'option' || noNewShortOptions === false) return -bound
  const size = held.get(i.symbol) ?? 0
  return size < 0 ? -bound : -Math.min(size, bound)
}

/** Net held contracts per symbol of some positions (one account or group). */
export const heldBySymbol = (held: readonly { instrument: { symbol: string }; sizeContracts: number }[]): Map<string, number> => {
  const out = new Map<string, number>()
  for (const h of held) out.set(h.instrument.symbol, (out.get(h.instrument.symbol) ?? 0) + h.sizeContracts)
  return out
}
