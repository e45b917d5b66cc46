/**
 * The trade ticket: which instruments can be traded on the book's market snapshot, and what a
 * ticket means before it is booked: the instrument, its size rounded to the venue's lot, the fill
 * price (the mark) and the cash the trade moves (option premium, spot cost), and the book it leaves.
 */
import { applyFill, averagesHarmonically, futuresPnl } from '../../engine/positions/fills'
import { isUsdLike } from '../../engine/market/currency'
import type { BookDb } from '../../book/database'
import type { HeldPosition } from '../../book/positions-repository'
import { instrumentBySymbol, listKnownInstruments } from '../../book/instruments-repository'
import { findAccountInBook } from '../../book/accounts-repository'
import { instrumentKey, isPriced, priceCurrency, sizeInCoin, type Instrument } from '../../engine/instruments/instrument'
import { parseSymbol } from '../../engine/instruments/parse-symbol'
import type { MarketView } from '../../engine/market/market-view'
import { isCoinCurrency } from '../../engine/market/currency'
import { resolvePosition } from '../../engine/positions/resolve-position'
import { valuePosition, valueResolved } from '../../engine/valuation/position-valuation'
import { InvalidDocumentError } from '../errors'
import { outOfRange, withinBound } from '../../engine/instruments/bounds'

export interface TradableInstrument {
  venue: string
  symbol: string
  kind: Instrument['kind']
  underlying: string
  settlement: Instrument['settlement']
  settleCurrency: string
  expiryMs: number | null
  strikeUsd: number | null
  optionType: Instrument['optionType']
  contractSize: number
  contractUnit: string
  lotSize: number
  /** Mark (or model price when the snapshot has no mark) in `priceCurrency`. */
  price: number
  priceCurrency: string
  ivPct: number | null
  /** Whether the price is the venue's mark or our model's (surface vol, Black-76). */
  priceSource: 'mark' | 'model'
}

/** A ticket as typed: one instrument of one account, a side and a size in contracts. */
export interface Ticket {
  accountId: number
  symbol: string
  side: 'buy' | 'sell'
  sizeContracts: number
  /** Fill price in the instrument's price currency; the mark when absent. */
  price?: number | null
}

export interface ResolvedTicket {
  account: { id: number; name: string; venue: string }
  instrument: Instrument
  requestedContracts: number
  /** Signed, rounded to the lot: buy > 0. */
  sizeContracts: number
  price: number
  priceCurrency: string
  priceSource: 'mark' | 'model' | 'ticket'
  /** Premium or cost: cash moved by the trade in `cashCurrency` (paid < 0); 0 for futures and perpetuals. */
  cashAmount: number
  cashCurrency: string | null
  cashUsd: number
  /** Absolute underlying exposure of the trade, USD. */
  notionalUsd: number
}

/** A message naming the ticket field at fault (invalid_request with that field over the API). */
export class TicketError extends InvalidDocumentError {
  constructor(message: string, field: string) {
    super(message, field)
    this.name = 'TicketError'
  }
}

/** Tradable: what the book's every consumer can price (one resolve step), at its mark or model price. */
function tradable(i: Instrument, view: MarketView): TradableInstrument | null {
  const resolved = resolvePosition(i, 1, view)
  if (!resolved.ok) return null
  const mark = view.snapshot.marks[instrumentKey(i.venue, i.symbol)]
  let price = mark?.price
  let source: TradableInstrument['priceSource'] = 'mark'
  let iv = mark?.ivPct ?? null
  if (price === undefined) {
    try {
      const v = valueResolved(resolved, null, view)
      price = v.modelPrice
      iv = v.vol === null ? null : v.vol * 100
      source = 'model'
    } catch {
      return null
    }
  }
  return {
    venue: i.venue, symbol: i.symbol, kind: i.kind, underlying: i.underlying, settlement: i.settlement, settleCurrency: i.settleCurrency,
    expiryMs: i.expiryMs, strikeUsd: i.strikeUsd, optionType: i.optionType, contractSize: i.contractSize, contractUnit: i.contractUnit,
    lotSize: i.lotSize, price, priceCurrency: priceCurrency(i), ivPct: iv, priceSource: source
  }
}

/**
 * Every instrument the ticket can price on this snapshot: the ones the book file knows (held or
 * imported) and the ones the snapshot marks (an imported option chain), unexpired, by venue,
 * underlying, expiry, strike.
 */
export function tradableInstruments(db: BookDb, view: MarketView): TradableInstrument[] {
  return tradableWithInstruments(db, view).map((t) => t.quote)
}

/** The same list with each instrument itself (hedge candidates need both). */
export function tradableWithInstruments(db: BookDb, view: MarketView): { instrument: Instrument; quote: TradableInstrument }[] {
  const byKey = new Map<string, Instrument>()
  for (const i of listKnownInstruments(db)) {
    if (isPriced(i)) byKey.set(instrumentKey(i.venue, i.symbol), i)
  }
  for (const key of Object.keys(view.snapshot.marks)) {
    if (byKey.has(key)) continue
    const at = key.indexOf(':')
    try {
      byKey.set(key, parseSymbol(key.slice(0, at), key.slice(at + 1)))
    } catch {
      // A mark whose symbol needs statement hints (IBKR multipliers) cannot be traded from the ticket.
    }
  }
  return [...byKey.values()]
    .flatMap((instrument) => {
      const quote = tradable(instrument, view)
      return quote ? [{ instrument, quote }] : []
    })
    .sort(({ quote: a }, { quote: b }) =>
      a.venue.localeCompare(b.venue) || a.underlying.localeCompare(b.underlying) || (a.expiryMs ?? 0) - (b.expiryMs ?? 0) ||
      (a.strikeUsd ?? 0) - (b.strikeUsd ?? 0) || a.symbol.localeCompare(b.symbol))
}

function findInstrument(db: BookDb, venue: string, symbol: string): Instrument {
  const i = instrumentBySymbol(db, venue, symbol)
  if (i) {
    if (!isPriced(i)) throw new TicketError(`${venue}:${symbol} is not priced: ${i.parseError}`, 'symbol')
    return i
  }
  try {
    return parseSymbol(venue, symbol)
  } catch (e) {
    throw new TicketError((e as Error).message, 'symbol')
  }
}

/** Check and price a ticket against the book's market; throws a TicketError naming the field. */
export function resolveTicket(db: BookDb, bookId: number, view: MarketView, t: Ticket): ResolvedTicket {
  const account: ResolvedTicket['account'] | undefined = findAccountInBook(db, bookId, t.accountId)
  if (!account) throw new TicketError(`account ${t.accountId} is not in book ${bookId}`, 'accountId')
  const instrument = findInstrument(db, account.venue, t.symbol.trim())
  // The rule of every consumer (engine/positions/resolve-position.ts): expired, or no market data.
  const live = resolvePosition(instrument, 1, view)
  if (!live.ok) throw new TicketError(live.message, 'symbol')
  if (!(t.sizeContracts > 0) || !Number.isFinite(t.sizeContracts)) throw new TicketError(`size ${t.sizeContracts} is not a positive number of contracts`, 'sizeContracts')
  const lots = Math.round(t.sizeContracts / instrument.lotSize)
  if (lots < 1) throw new TicketError(`${t.sizeContracts} contracts is less than one lot (${instrument.lotSize} contracts) of ${instrument.symbol}`, 'sizeContracts')
  // Lot multiples rounded to the lot's own decimals: 3 × 0.1 must book as 0.3, not 0.30000000000000004.
  const decimals = Math.max(0, -Math.floor(Math.log10(instrument.lotSize)) + 2)
  const size = Number((lots * instrument.lotSize).toFixed(decimals)) * (t.side === 'buy' ? 1 : -1)

  const quoted = tradable(instrument, view)
  if (!quoted) throw new TicketError(`${account.venue}:${instrument.symbol} cannot be priced on snapshot ${view.snapshot.id}`, 'symbol')
  if (t.price !== undefined && t.price !== null && !(t.price > 0)) throw new TicketError(`price ${t.price} is not a positive price`, 'price')
  const price = t.price ?? quoted.price
  // Refused before margin (METHODOLOGY §9): a notional beyond any market would print Infinity.
  const notional = Math.abs(live.notionalUsd * size)
  if (!withinBound('notionalUsd', notional)) {
    throw new TicketError(`${t.sizeContracts} contracts of ${instrument.symbol} is ${notional.toPrecision(3)} USD of notional: ${outOfRange('notionalUsd')}`, 'sizeContracts')
  }
  const v = valuePosition(instrument, size, price, view)
  const underlyingUsd = v.underlyingUsd
  const units = sizeInCoin(instrument, size, underlyingUsd)!

  // Options and spot exchange cash for the holding; futures and perpetuals only margin.
  let cashAmount = 0
  let cashCurrency: string | null = null
  let cashUsd = 0
  if (instrument.kind === 'option' || instrument.kind === 'spot') {
    const currency = priceCurrency(instrument)
    const perUnitUsd = isCoinCurrency(currency) ? price * (view.curves.get(currency.toUpperCase())?.indexUsd ?? underlyingUsd) : price
    cashUsd = -units * perUnitUsd
    cashCurrency = instrument.kind === 'spot' ? instrument.quoteCurrency : instrument.settleCurrency
    // Premium in the price currency is exact (coin per coin for inverse options); USD via the index.
    cashAmount = cashCurrency.toUpperCase() === currency.toUpperCase() ? -units * price
      : isCoinCurrency(cashCurrency) ? cashUsd / view.curves.get(cashCurrency.toUpperCase())!.indexUsd : cashUsd
  }
  return {
    account,
    instrument,
    requestedContracts: t.sizeContracts,
    sizeContracts: size,
    price,
    priceCurrency: priceCurrency(instrument),
    priceSource: t.price != null ? 'ticket' : quoted.priceSource,
    cashAmount,
    cashCurrency,
    cashUsd,
    notionalUsd: Math.abs(units) * underlyingUsd
  }
}

/** The book after the tickets: existing positions resized (or closed), new ones appended with negative ids. */
export function heldAfter(held: readonly HeldPosition[], tickets: readonly ResolvedTicket[]): HeldPosition[] {
  const out = held.map((p) => ({ ...p }))
  let nextId = -1
  for (const t of tickets) {
    const same = out.find((p) => p.accountId === t.account.id && p.venue === t.instrument.venue && p.instrument.symbol === t.instrument.symbol)
    if (same) {
      // The venues' averaging (harmonic for inverse futures), for the entry and the session price alike.
      const harmonic = averagesHarmonically(t.instrument)
      const after = applyFill(same, t.sizeContracts, t.price, harmonic)
      const session = same.sessionPrice != null ? applyFill({ sizeContracts: same.sizeContracts, avgPrice: same.sessionPrice }, t.sizeContracts, t.price, harmonic).avgPrice : null
      Object.assign(same, { sizeContracts: after.sizeContracts, avgPrice: after.avgPrice, sessionPrice: session })
    } else out.push({ positionId: nextId--, accountId: t.account.id, accountName: t.account.name, venue: t.account.venue, instrument: t.instrument, sizeContracts: t.sizeContracts, avgPrice: t.price })
  }
  return out.filter((p) => Math.abs(p.sizeContracts) > 1e-12)
}

/**
 * Futures and perpetuals settle their P&L when reduced: a ticket that closes part (or all) of a
 * held position realises (fill − average) on the closed contracts into the account's balance, as
 * the venues do. Without it a close would drop the position's unrealised P&L from equity.
 * Tickets are taken in order against the book as it stands after the earlier ones.
 */
export function withRealisedPnl(held: readonly HeldPosition[], tickets: readonly ResolvedTicket[], view: MarketView): ResolvedTicket[] {
  const book = held.map((p) => ({ ...p }))
  return tickets.map((t) => {
    const p = book.find((h) => h.accountId === t.account.id && h.venue === t.instrument.venue && h.instrument.symbol === t.instrument.symbol)
    let out = t
    const linearKind = t.instrument.kind === 'future' || t.instrument.kind === 'perpetual'
    // Realised from where the position's unsettled P&L runs (its session price at venues that
    // settle daily, else its average entry) to the fill price, not to the market.
    const basis = p?.sessionPrice ?? p?.avgPrice ?? null
    if (p && linearKind && basis !== null && Math.sign(p.sizeContracts) === -Math.sign(t.sizeContracts)) {
      const closed = Math.sign(p.sizeContracts) * Math.min(Math.abs(p.sizeContracts), Math.abs(t.sizeContracts))
      const realised = futuresPnl(t.instrument, closed, basis, t.price)
      const toUsd = isUsdLike(t.instrument.settleCurrency) ? 1 : (view.curves.get(t.instrument.settleCurrency.toUpperCase())?.indexUsd ?? 0)
      out = { ...t, cashAmount: t.cashAmount + realised, cashCurrency: t.cashCurrency ?? t.instrument.settleCurrency, cashUsd: t.cashUsd + realised * toUsd }
    }
    if (p) {
      const harmonic = averagesHarmonically(t.instrument)
      const after = applyFill(p, t.sizeContracts, t.price, harmonic)
      p.sessionPrice = p.sessionPrice != null ? applyFill({ sizeContracts: p.sizeContracts, avgPrice: p.sessionPrice }, t.sizeContracts, t.price, harmonic).avgPrice : null
      p.sizeContracts = after.sizeContracts
      p.avgPrice = after.avgPrice
    } else book.push({ positionId: -1, accountId: t.account.id, accountName: t.account.name, venue: t.account.venue, instrument: t.instrument, sizeContracts: t.sizeContracts, avgPrice: t.price })
    return out
  })
}
