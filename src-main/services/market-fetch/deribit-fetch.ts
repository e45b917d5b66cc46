/**
 * Deribit's public market data (API v2 over HTTP GET, no authentication) as a market snapshot, per
 * currency:
 * - public/get_index_price (index_name btc_usd): the index;
 *   https://docs.deribit.com/api-reference/market-data/public-get_index_price
 * - public/get_book_summary_by_currency (kind option, then future): option marks with mark IVs and
 *   the forward each option is priced on (underlying_price), futures and perpetual marks;
 *   https://docs.deribit.com/api-reference/market-data/public-get_book_summary_by_currency
 * - public/get_funding_rate_history (the perpetual, the last 8 hours): interest_8h, the funding over
 *   the trailing eight hours; https://docs.deribit.com/api-reference/market-data/public-get_funding_rate_history
 * The option rows go through the same chain builder as a saved book-summary CSV
 * (engine/market/chain-snapshot.ts, importers/market/deribit-book-summary.ts), so a fetched chain
 * and an imported file of the same rows give the same snapshot.
 */
import { z } from 'zod'
import { buildSnapshotFromDeribitChain, type ChainRow } from '../../engine/market/chain-snapshot'
import { parseSymbol } from '../../engine/instruments/parse-symbol'
import { instrumentKey } from '../../engine/instruments/instrument'
import type { MarketSnapshotData } from '../../engine/market/snapshot'
import { getVenueJson, MarketFetchError, type VenueGet } from './venue-http'

export const DERIBIT_BASE_URL = 'https://www.deribit.com/api/v2'
const HOUR_MS = 3_600_000

export const DERIBIT_ENDPOINTS = {
  index: '/public/get_index_price',
  bookSummary: '/public/get_book_summary_by_currency',
  funding: '/public/get_funding_rate_history'
} as const

/** What is sent per currency, for the settings view and the README (the timestamps are the last 8 hours). */
export const deribitRequestsSent = (underlyings: readonly string[]): string[] =>
  underlyings.flatMap((u) => [
    `GET ${DERIBIT_ENDPOINTS.index}?index_name=${u.toLowerCase()}_usd`,
    `GET ${DERIBIT_ENDPOINTS.bookSummary}?currency=${u}&kind=option`,
    `GET ${DERIBIT_ENDPOINTS.bookSummary}?currency=${u}&kind=future`,
    `GET ${DERIBIT_ENDPOINTS.funding}?instrument_name=${u}-PERPETUAL&start_timestamp=(now − 8 h, ms)&end_timestamp=(now, ms)`
  ])

const price = z.number().finite().nonnegative()
const quote = price.nullable().optional()
const envelope = <T extends z.ZodType>(result: T) => z.object({ jsonrpc: z.literal('2.0'), result })

const IndexReply = envelope(z.object({ index_price: price.positive(), estimated_delivery_price: price.optional() }))
const SummaryRow = z.object({
  instrument_name: z.string().min(1),
  mark_price: price,
  mark_iv: z.number().finite().nullable().optional(),
  underlying_price: price.positive().optional(),
  estimated_delivery_price: price.positive(),
  creation_timestamp: z.number().int().positive(),
  bid_price: quote,
  ask_price: quote
})
const SummaryReply = envelope(z.array(SummaryRow))
const FundingReply = envelope(z.array(z.object({ timestamp: z.number().int().positive(), interest_8h: z.number().finite() })))

export interface VenueSnapshot {
  snapshot: MarketSnapshotData
  /** Rows the venue sent that could not be used, one line each naming the endpoint and row. */
  unusedRows: string[]
}

export async function fetchDeribit(get: VenueGet, underlyings: readonly string[], nowMs: number): Promise<VenueSnapshot> {
  const rows: ChainRow[] = []
  const rowWhere: string[] = []
  const unusedRows: string[] = []
  const indexUsd: Record<string, number> = {}
  const futures: { u: string; row: z.output<typeof SummaryRow>; where: string }[] = []
  const fundingRate8h: Record<string, number> = {}
  for (const u of underlyings) {
    const index = await getVenueJson(get, DERIBIT_ENDPOINTS.index, { index_name: `${u.toLowerCase()}_usd` }, IndexReply)
    indexUsd[u] = index.result.index_price
    const options = await getVenueJson(get, DERIBIT_ENDPOINTS.bookSummary, { currency: u, kind: 'option' }, SummaryReply)
    const usableBefore = rows.length
    options.result.forEach((r, i) => {
      const where = `${DERIBIT_ENDPOINTS.bookSummary} currency=${u}&kind=option result[${i}] ${r.instrument_name}`
      if (r.underlying_price === undefined) {
        unusedRows.push(`${where}: no underlying_price`)
        return
      }
      rowWhere.push(where)
      rows.push({
        line: rowWhere.length,
        instrumentName: r.instrument_name,
        markPrice: r.mark_price,
        markIvPct: r.mark_iv ?? null,
        forwardUsd: r.underlying_price,
        indexUsd: r.estimated_delivery_price,
        timestampMs: r.creation_timestamp,
        bid: r.bid_price ?? null,
        ask: r.ask_price ?? null
      })
    })
    // An underlying without one usable option would replace the book's vol surface and forwards with
    // nothing: the venue is refused whole (nothing of it written), the last market stays.
    if (rows.length === usableBefore) throw new MarketFetchError('deribit', `Deribit ${DERIBIT_ENDPOINTS.bookSummary} (currency=${u}&kind=option): no usable ${u} option in the reply (${unusedRows.find((x) => x.includes(`currency=${u}&`)) ?? 'empty result'})`)
    const future = await getVenueJson(get, DERIBIT_ENDPOINTS.bookSummary, { currency: u, kind: 'future' }, SummaryReply)
    future.result.forEach((row, i) => futures.push({ u, row, where: `${DERIBIT_ENDPOINTS.bookSummary} currency=${u}&kind=future result[${i}] ${row.instrument_name}` }))
    const perpetual = `${u}-PERPETUAL`
    const funding = await getVenueJson(get, DERIBIT_ENDPOINTS.funding, { instrument_name: perpetual, start_timestamp: String(nowMs - 8 * HOUR_MS), end_timestamp: String(nowMs) }, FundingReply)
    const latest = [...funding.result].sort((a, b) => b.timestamp - a.timestamp)[0]
    if (latest) fundingRate8h[instrumentKey('deribit', perpetual)] = latest.interest_8h
  }
  if (rows.length === 0) throw new MarketFetchError('deribit', `Deribit ${DERIBIT_ENDPOINTS.bookSummary} (kind=option): no usable option in the reply (${unusedRows[0] ?? 'empty result'})`)
  // Venue, base URL and endpoints; the instant is the snapshot's own as-of (the venue's timestamps), and
  // the fetch time is in the imports log, so the same data fetched twice is one snapshot, not two.
  const source = `Deribit public API ${get.baseUrl} (get_index_price, get_book_summary_by_currency, get_funding_rate_history)`
  const { snapshot, problems } = buildSnapshotFromDeribitChain(rows, source)
  for (const p of problems) unusedRows.push(`${rowWhere[p.line - 1] ?? `row ${p.line}`}: ${p.message}`)
  // The index endpoint's level, not the rows' estimated delivery price (a 30-minute average near expiry).
  for (const u of Object.keys(snapshot.indexUsd)) if (indexUsd[u] !== undefined) snapshot.indexUsd[u] = indexUsd[u]
  for (const { u, row, where } of futures) addFuture(snapshot, u, row, where, unusedRows)
  for (const u of Object.keys(snapshot.forwardsUsd)) snapshot.forwardsUsd[u] = sortedByExpiry(snapshot.forwardsUsd[u]!)
  snapshot.fundingRate8h = Object.fromEntries(Object.entries(fundingRate8h).filter(([k]) => k in snapshot.marks))
  return { snapshot: { ...snapshot, id: snapshot.id.replace(/^deribit-chain-/, 'deribit-api-') }, unusedRows }
}

/** A future's mark is the forward of its expiry (kept where no option of that expiry gave one); a perpetual's is its own mark. */
function addFuture(s: MarketSnapshotData, u: string, row: { instrument_name: string; mark_price: number; bid_price?: number | null; ask_price?: number | null }, where: string, unused: string[]): void {
  if (!(u in s.indexUsd)) return
  let inst
  try {
    inst = parseSymbol('deribit', row.instrument_name)
  } catch (e) {
    unused.push(`${where}: ${(e as Error).message}`)
    return
  }
  if (inst.kind !== 'future' && inst.kind !== 'perpetual') return
  if (inst.kind === 'future' && inst.expiryMs! <= s.asOfMs) return
  if (!(row.mark_price > 0)) {
    unused.push(`${where}: mark_price ${row.mark_price} is not a price`)
    return
  }
  const bidAsk = row.bid_price != null && row.ask_price != null && row.bid_price > 0 && row.ask_price >= row.bid_price ? { bid: row.bid_price, ask: row.ask_price } : {}
  s.marks[instrumentKey('deribit', inst.symbol)] = { price: row.mark_price, currency: 'USD', ...bidAsk }
  if (inst.kind === 'future') (s.forwardsUsd[u] ??= {})[String(inst.expiryMs)] ??= row.mark_price
}

export function sortedByExpiry(byExpiry: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(byExpiry).sort((a, b) => Number(a[0]) - Number(b[0])))
}
