/**
 * The book's P&L explained between two dates (issue 22 §2): the two snapshots are rebuilt from the
 * book file, then the engine explains (engine/explain/explain-book.ts).
 * - Holdings at an instant: today's positions (and those settled since, by Marginal or the venue), less the trades
 *   after the instant — the trades table is the book's history; positions entered without trades
 *   (the demo book, hand edits) are taken as held throughout.
 * - Market at an instant: the newest stored market snapshot (every imported chain is kept with its
 *   as-of) taken at or before it that prices every underlying held; the newest one at all when none
 *   does (what it cannot price is listed, never dropped).
 * - Cash at an instant: today's balance less the ledger rows after it.
 * - An expiry after the `from` market and by the `to` instant: the price the book settles it at (the
 *   venue's delivery price, else our daily-history approximation: settle-expired.ts); the position
 *   is valued at its payoff. Positions a venue's settlement row closed are rebuilt from their trades.
 * A date (YYYY-MM-DD) means that day's end-of-day instant, by default 08:00 UTC (the venues' daily
 * settlement: Deribit, OKX); an instant with its zone is taken as it is.
 */
import type { BookDb } from '../../book/database'
import { findBook } from '../../book/books-repository'
import { listHeldPositions } from '../../book/positions-repository'
import { loadMarketSnapshot } from '../../book/market-repository'
import { ledgerSum, listBalances } from '../../book/balances-repository'
import { listAccounts } from '../../book/accounts-repository'
import { isPriced } from '../../engine/instruments/instrument'
import { utcMinute } from '../../engine/positions/resolve-position'
import { buildMarketView, type MarketView } from '../../engine/market/market-view'
import { underlyingAsOf } from '../../engine/market/merge-snapshots'
import { explainPnl, settlementKey } from '../../engine/explain/explain-book'
import type { ExplainBalance, ExplainHolding, ExplainResult, ExplainSettlementPrice } from '../../engine/explain/explain-types'
import { settlementPrice } from '../expiry/settle-expired'
import { InvalidDocumentError, MissingDataError, NotFoundError } from '../errors'
import { fundingAndFeesBetween, fundingRatesBetween, positionsClosedByVenue, positionsSettledAfter, venueClosingsWithoutTrades, snapshotsAtOrBefore, snapshotUnderlyings, tradedContracts, tradesAfter } from '../../book/explain-repository'

/** The venues' daily settlement time (Deribit and OKX settle at 08:00 UTC), the default end of day. */
export const DEFAULT_EOD_UTC = '08:00'
const DAY_MS = 24 * 3600 * 1000
/** An underlying's data older than this before the instant is said to be stale (ours). */
const STALE_MS = DAY_MS

export interface ExplainRequestInput {
  bookId: number
  /** A date (its end-of-day instant) or an ISO instant with its zone. */
  fromUtc: string
  toUtc: string
  /** End-of-day time for dates, HH:MM UTC. */
  eodUtc?: string
}

export interface MarketRef {
  id: string
  asOfMs: number
  source: string
}

export interface BookExplain extends ExplainResult {
  bookId: number
  eodUtc: string
  fromMarket: MarketRef
  toMarket: MarketRef
  /** What the trader should know about the inputs (the same market on both sides, stale underlyings…). */
  notes: string[]
}

/**
 * Why `text` names no instant for `field`, or null: a date (YYYY-MM-DD) or an instant with its
 * zone, on a day the calendar has. Date.parse rolls 2026-02-30 over to 2 March without a word, so
 * the day is checked as written.
 */
export function explainInstantProblem(text: string, field: string): string | null {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text)
  const ms = date ? Date.parse(`${text}T00:00:00Z`) : /(Z|[+-]\d{2}:\d{2})$/.test(text) ? Date.parse(text) : NaN
  if (!Number.isFinite(ms)) return `${field} "${text}" is neither a date (2026-11-20) nor an instant with its zone (2026-11-20T08:00:00Z)`
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(text)
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])]
    const check = new Date(Date.UTC(y, m - 1, d))
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return `${field} "${text}": ${day[0]} is not a day of the calendar`
  }
  return null
}

/** The instant a request names: a date at its end-of-day time, or the instant itself. */
export function explainInstant(text: string, eodUtc: string, field: string): number {
  const problem = explainInstantProblem(text, field)
  if (problem) throw new InvalidDocumentError(problem, field)
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T${eodUtc}:00Z`) : Date.parse(text)
}

/** The holdings at `atMs`: positions now (and settled after it), less the trades after it. */
function holdingsAt(held: readonly ExplainHolding[], settled: readonly (ExplainHolding & { settledAtMs: number })[], trades: ReturnType<typeof tradesAfter>, atMs: number): ExplainHolding[] {
  const sizes = new Map<string, ExplainHolding>()
  const add = (h: Omit<ExplainHolding, 'sizeContracts'>, size: number): void => {
    const key = `${h.account}\u0000${h.venue}\u0000${h.instrument.symbol}`
    const s = sizes.get(key)
    if (s) s.sizeContracts += size
    else sizes.set(key, { account: h.account, venue: h.venue, instrument: h.instrument, sizeContracts: size })
  }
  for (const h of held) add(h, h.sizeContracts)
  for (const h of settled) if (h.settledAtMs > atMs) add(h, h.sizeContracts)
  for (const t of trades) if (t.tradedAtMs > atMs) add({ account: t.accountName, venue: t.venue, instrument: t.instrument }, -t.signedContracts)
  return [...sizes.values()].filter((h) => Math.abs(h.sizeContracts) > 1e-12 * Math.max(1, Math.abs(h.sizeContracts)))
}

/** The newest snapshot at or before `atMs` pricing every underlying in `needed`, else the newest at all. */
function marketAt(db: BookDb, atMs: number, needed: ReadonlySet<string>, side: string): { view: MarketView; ref: MarketRef } {
  const candidates = snapshotsAtOrBefore(db, atMs)
  const chosen = candidates.find((c) => {
    const has = new Set(snapshotUnderlyings(db, c.id))
    return [...needed].every((u) => has.has(u))
  }) ?? candidates[0]
  if (!chosen) throw new MissingDataError(`no market snapshot taken at or before ${new Date(atMs).toISOString()} (the "${side}" instant): import an option chain of that time first`)
  const snapshot = loadMarketSnapshot(db, chosen.id)!
  return { view: buildMarketView(snapshot), ref: { id: snapshot.id, asOfMs: snapshot.asOfMs, source: snapshot.source } }
}

/** Explain the book's P&L between two dates or instants. */
export function explainBook(db: BookDb, req: ExplainRequestInput): BookExplain {
  const book = findBook(db, req.bookId)
  if (!book) throw new NotFoundError(`book ${req.bookId} does not exist`)
  const eodUtc = req.eodUtc ?? DEFAULT_EOD_UTC
  const fromMs = explainInstant(req.fromUtc, eodUtc, 'fromUtc')
  const toMs = explainInstant(req.toUtc, eodUtc, 'toUtc')
  if (!(toMs > fromMs)) throw new InvalidDocumentError(`toUtc (${new Date(toMs).toISOString()}) must be after fromUtc (${new Date(fromMs).toISOString()})`, 'toUtc')

  const held: ExplainHolding[] = listHeldPositions(db, req.bookId).map((p) => ({ account: p.accountName, venue: p.venue, instrument: p.instrument, sizeContracts: p.sizeContracts }))
  // Settled by the book (still a row, marked settled), or by the venue's settlement row (deleted): held until then.
  const settled = [...positionsSettledAfter(db, req.bookId, fromMs), ...positionsClosedByVenue(db, req.bookId, fromMs)].map((p) => ({ account: p.accountName, venue: p.venue, instrument: p.instrument, sizeContracts: p.sizeContracts, settledAtMs: p.settledAtMs }))
  const trades = tradesAfter(db, req.bookId, fromMs)
  const fromHoldings = holdingsAt(held, settled, trades, fromMs)
  const toHoldings = holdingsAt(held, settled, trades, toMs)
  const inWindow = trades.filter((t) => t.tradedAtMs <= toMs)

  const underlyings = (hs: readonly ExplainHolding[]): Set<string> => new Set(hs.map((h) => h.instrument).filter(isPriced).map((i) => i.underlying))
  const tradedUnderlyings = inWindow.map((t) => t.instrument).filter(isPriced).map((i) => i.underlying)
  const from = marketAt(db, fromMs, underlyings(fromHoldings), 'from')
  const to = marketAt(db, toMs, new Set([...underlyings(toHoldings), ...underlyings(fromHoldings), ...tradedUnderlyings]), 'to')

  const accounts = listAccounts(db, req.bookId)
  const venueOf = new Map(accounts.map((a) => [a.id, a.venue]))
  const now = listBalances(db, req.bookId)
  const balancesAt = (atMs: number): ExplainBalance[] =>
    now.map((b) => ({ account: b.accountName, venue: venueOf.get(b.accountId) ?? '', currency: b.currency, amount: b.amount - ledgerSum(db, b.accountId, b.currency, Number.MAX_SAFE_INTEGER, atMs) }))

  // The expiries inside the explain (after the `from` market, by the `to` instant), at the prices the
  // book settles them at (settle-expired.ts): the engine values what expired at them.
  const settlementPrices = new Map<string, ExplainSettlementPrice | null>()
  for (const i of [...fromHoldings, ...toHoldings, ...inWindow].map((h) => h.instrument)) {
    if (!isPriced(i) || i.expiryMs === null || !(i.expiryMs > from.ref.asOfMs && i.expiryMs <= Math.max(to.ref.asOfMs, toMs))) continue
    const key = settlementKey(i.venue, i.underlying, i.expiryMs)
    if (settlementPrices.has(key)) continue
    const price = settlementPrice(db, i.venue, i.underlying, i.expiryMs)
    settlementPrices.set(key, price && { venue: i.venue, underlying: i.underlying, expiryMs: i.expiryMs, priceUsd: price.priceUsd, source: price.source })
  }

  const result = explainPnl({
    from: { view: from.view, holdings: fromHoldings, balances: balancesAt(fromMs) },
    to: { view: to.view, holdings: toHoldings, balances: balancesAt(toMs) },
    fills: inWindow.map((t) => ({ account: t.accountName, venue: t.venue, instrument: t.instrument, signedContracts: t.signedContracts, price: t.price, atMs: t.tradedAtMs, fee: t.fee, feeCurrency: t.feeCurrency })),
    cashFlows: fundingAndFeesBetween(db, req.bookId, fromMs, toMs),
    fundingRates: fundingRatesBetween(db, fromMs, toMs),
    settlementPrices: [...settlementPrices.values()].filter((p) => p !== null),
    window: { fromMs, toMs }
  })
  // A position the venue's settlement row closed that no trade accounts for (a statement's
  // snapshot): nothing in the book says what was held before, so it is listed, never left out silently.
  const rebuilt = new Set([...fromHoldings, ...toHoldings, ...inWindow.map((t) => ({ account: t.accountName, instrument: t.instrument }))].map((h) => `${h.account}\u0000${h.instrument.symbol}`))
  for (const c of venueClosingsWithoutTrades(db, req.bookId, fromMs, toMs)) {
    if (rebuilt.has(`${c.accountName}\u0000${c.symbol}`)) continue
    result.notExplained.push({
      account: c.accountName,
      symbol: c.symbol,
      reason: "closed by the venue's settlement or delivery row, and entered without trades (a statement's position snapshot): what was held before is not in the book, so its P&L to the expiry is not explained"
    })
  }

  const notes: string[] = []
  // Holdings before the window's trades are today's less those trades: exact for what the trades
  // table accounts for; a position (or part) entered without a trade is taken as held throughout.
  const traded = tradedContracts(db, req.bookId)
  const untraced = held.filter((h) => Math.abs(h.sizeContracts - (traded.get(`${h.account}\u0000${h.instrument.symbol}`) ?? 0)) > 1e-9 * Math.max(1, Math.abs(h.sizeContracts)))
  if (untraced.length)
    notes.push(
      `${untraced.length} of ${held.length} positions are not wholly accounted for by the book's trades (a statement's position snapshot, a hand edit, the demo's seed): ` +
        'the part no trade explains is taken as held throughout the window (ours); import the trades of the window to explain them exactly'
    )
  // Which settlement prices the totals hold, and where they come from (a daily-history one is ours).
  for (const { price, positions } of result.settlementsUsed)
    notes.push(
      `${positions} position${positions === 1 ? '' : 's'} expired before the "to" instant, valued at the ${price.venue} ${price.underlying} settlement price of ${utcMinute(price.expiryMs)}: ${price.priceUsd} USD (${price.source}); ` +
        'their Taylor terms run to the expiry (theta over the life they had left, not the days between the markets) and what second order misses of the payoff is in their residual'
    )
  if (from.ref.id === to.ref.id) notes.push(`the same market snapshot (${from.ref.id}) values both instants: only trades, funding and fees can show; import a chain taken nearer ${new Date(toMs).toISOString()}`)
  for (const [side, m, atMs] of [['from', from, fromMs], ['to', to, toMs]] as const) {
    for (const [u, asOf] of Object.entries(underlyingAsOf(m.view.snapshot))) {
      if (atMs - asOf > STALE_MS) notes.push(`${side}: ${u} market data is from ${new Date(asOf).toISOString()}, more than a day before ${new Date(atMs).toISOString()}`)
    }
  }
  return { ...result, bookId: req.bookId, eodUtc, fromMarket: from.ref, toMarket: to.ref, notes }
}
