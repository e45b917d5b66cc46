/**
 * What-if work on a book: the pre-trade quote (every method's IM and MM, and each pool's
 * utilisation, before and after the tickets), booking tickets into a what-if book, resizing and
 * scaling its positions, and comparing two books. The live book is read, never written.
 */
import type { BookDb } from '../../book/database'
import { listBalances, type AccountBalance } from '../../book/balances-repository'
import { listHeldPositions, type HeldPosition } from '../../book/positions-repository'
import { upsertInstrument } from '../../book/instruments-repository'
import { applyWhatIfTrades, requireWhatIf } from '../../book/whatif-repository'
import type { MarketView } from '../../engine/market/market-view'
import { bookMargin, type BookMargin } from '../margin-service'
import type { StressLibrary } from '../../engine/risk/stress'
import { stressHistory, stressTest, type StressReport } from '../stress-service'
import { valuedPositions } from '../var-service'
import { greeksByUnderlying, greeksDiff, marginDiff, stressDiff } from './book-diff'
import { heldAfter, resolveTicket, TicketError, withRealisedPnl, type ResolvedTicket, type Ticket } from './trade-ticket'

export interface ParamsSource {
  params: unknown
  paramsSource: string
}

/** Balances after the tickets' cash (premium paid or received, spot cost). */
export function balancesAfter(balances: readonly AccountBalance[], tickets: readonly ResolvedTicket[]): AccountBalance[] {
  const out = balances.map((b) => ({ ...b }))
  for (const t of tickets) {
    if (!t.cashCurrency || t.cashAmount === 0) continue
    const currency = t.cashCurrency.toUpperCase()
    const b = out.find((x) => x.accountId === t.account.id && x.currency === currency)
    if (b) b.amount += t.cashAmount
    else out.push({ accountId: t.account.id, accountName: t.account.name, currency, amount: t.cashAmount })
  }
  return out
}

const margin = (held: readonly HeldPosition[], view: MarketView, balances: readonly AccountBalance[], p: ParamsSource): BookMargin =>
  // Liquidation prices need a margin run per bracket step: the quote is about the requirement now.
  bookMargin(held, view, { balances, params: p.params, paramsSource: p.paramsSource, liquidation: false })

export interface TradeQuote {
  tickets: ResolvedTicket[]
  diff: ReturnType<typeof marginDiff>
  notCoveredAfter: BookMargin['notCovered']
}

/** What the tickets would do to the book's margin, without writing anything (any book, live included). */
export function quoteTrades(db: BookDb, bookId: number, view: MarketView, tickets: readonly Ticket[], p: ParamsSource): TradeQuote {
  const resolved = tickets.map((t, k) => {
    try {
      return resolveTicket(db, bookId, view, t)
    } catch (e) {
      if (e instanceof TicketError && tickets.length > 1) throw new TicketError(`ticket ${k + 1}: ${e.message}`, `tickets.${k}.${e.field}`)
      throw e
    }
  })
  const held = listHeldPositions(db, bookId)
  const balances = listBalances(db, bookId)
  const settled = withRealisedPnl(held, resolved, view)
  const before = margin(held, view, balances, p)
  const after = margin(heldAfter(held, settled), view, balancesAfter(balances, settled), p)
  return { tickets: settled, diff: marginDiff(before, after), notCoveredAfter: after.notCovered }
}

/** Book the tickets into a what-if book, all or none. */
export function applyTrades(db: BookDb, bookId: number, view: MarketView, tickets: readonly Ticket[]): ResolvedTicket[] {
  requireWhatIf(db, bookId)
  const resolved = withRealisedPnl(listHeldPositions(db, bookId), tickets.map((t) => resolveTicket(db, bookId, view, t)), view)
  db.transaction(() => {
    applyWhatIfTrades(
      db,
      bookId,
      resolved.map((t) => ({ accountId: t.account.id, instrumentId: upsertInstrument(db, t.instrument), sizeContracts: t.sizeContracts, price: t.price, cashAmount: t.cashAmount, cashCurrency: t.cashCurrency }))
    )
  }).immediate()
  return resolved
}

/**
 * Tickets that take positions to new sizes (0 closes): the difference traded at the mark, so a
 * resize moves premium like any trade. `scale` multiplies every chosen position, rounded to lots.
 */
export function resizeTickets(db: BookDb, bookId: number, changes: readonly { positionId: number; sizeContracts: number }[]): Ticket[] {
  const held = listHeldPositions(db, bookId)
  return changes.flatMap((c) => {
    const p = held.find((h) => h.positionId === c.positionId)
    if (!p) throw new TicketError(`position ${c.positionId} is not in book ${bookId}`, 'positionId')
    if (!Number.isFinite(c.sizeContracts)) throw new TicketError(`size ${c.sizeContracts} is not a number of contracts`, 'sizeContracts')
    const delta = c.sizeContracts - p.sizeContracts
    if (delta === 0) return []
    return [{ accountId: p.accountId, symbol: p.instrument.symbol, side: delta > 0 ? ('buy' as const) : ('sell' as const), sizeContracts: Math.abs(delta) }]
  })
}

export function scaleTickets(db: BookDb, bookId: number, factor: number, positionIds?: readonly number[]): Ticket[] {
  if (!(factor >= 0) || !Number.isFinite(factor)) throw new TicketError(`scale factor ${factor} is not a number ≥ 0`, 'factor')
  const held = listHeldPositions(db, bookId).filter((p) => !positionIds || positionIds.includes(p.positionId))
  return resizeTickets(
    db,
    bookId,
    held.filter((p) => p.instrument.kind !== 'unknown').map((p) => {
      const lot = (p.instrument as { lotSize: number }).lotSize
      // Scaled to the nearest lot; a position scaled below half a lot closes.
      return { positionId: p.positionId, sizeContracts: Math.round((p.sizeContracts * factor) / lot) * lot }
    })
  ).filter((t) => t.sizeContracts > 1e-12)
}

export interface BookComparison {
  baseBookId: number
  otherBookId: number
  diff: ReturnType<typeof marginDiff>
  greeks: ReturnType<typeof greeksDiff>
  stress: ReturnType<typeof stressDiff>
  stressNote: string
}

/** Two books on one market: every margin method, utilisation, Greek and stress result, and their differences. */
export async function compareBooks(db: BookDb, baseBookId: number, otherBookId: number, view: MarketView, p: ParamsSource, library: StressLibrary): Promise<BookComparison> {
  const side = async (bookId: number) => {
    const held = listHeldPositions(db, bookId)
    const m = margin(held, view, listBalances(db, bookId), p)
    let stress: StressReport | null = null
    let note = ''
    const { underlyings, valued } = valuedPositions(held, view)
    if (valued.length) {
      const history = stressHistory(db, underlyings)
      stress = await stressTest(held, view, history, library)
      note = history.note
    }
    return { m, greeks: greeksByUnderlying(held, view), stress, note }
  }
  const a = await side(baseBookId)
  const b = await side(otherBookId)
  return {
    baseBookId,
    otherBookId,
    diff: marginDiff(a.m, b.m),
    greeks: greeksDiff(a.greeks, b.greeks),
    stress: stressDiff(a.stress, b.stress),
    stressNote: b.note || a.note
  }
}
