/**
 * `cli market fetch [--venue deribit|okx]... [--book-id N] [--base-url-deribit URL] [--base-url-okx URL] [--json]`:
 * the venues' public market data now, merged into the book's market through the same API method
 * the workstation's *Fetch market now* calls (fetchMarketNow). Without --venue, the venues turned on
 * in the settings; none on: refused, nothing sent. Exit 0 when every venue answered, 1 when one did
 * not (its line on stderr; its part of the market stays as it was).
 */
import { FetchMarketNowRequest, MarketFetchVenue, VenueBaseUrl, type FetchMarketNowResponse } from '@contract/market-fetch'
import type { CliIo } from './commands'
import { echoLine } from './excerpt'

/** The options `market fetch` adds to the CLI's parseArgs table. */
export const MARKET_FETCH_OPTIONS = {
  venue: { type: 'string', multiple: true },
  'base-url-deribit': { type: 'string' },
  'base-url-okx': { type: 'string' }
} as const

export interface MarketFetchArgs {
  venue?: string[]
  'base-url-deribit'?: string
  'base-url-okx'?: string
}

/** The request from the parsed options, or a usage error naming the option. */
export function marketFetchRequest(bookId: number, args: MarketFetchArgs): FetchMarketNowRequest | string {
  const venues: MarketFetchVenue[] = []
  for (const v of args.venue ?? []) {
    const parsed = MarketFetchVenue.safeParse(v.toLowerCase())
    if (!parsed.success) return `--venue "${v}" is not a venue we fetch (deribit, okx)`
    if (!venues.includes(parsed.data)) venues.push(parsed.data)
  }
  const baseUrls: NonNullable<FetchMarketNowRequest['baseUrls']> = {}
  for (const venue of MarketFetchVenue.options) {
    const url = args[`base-url-${venue}`]
    if (url === undefined) continue
    if (!VenueBaseUrl.safeParse(url).success) return `--base-url-${venue} "${url}" is not an http(s) URL without user, password, query or fragment`
    baseUrls[venue] = url
  }
  return FetchMarketNowRequest.parse({ bookId, ...(venues.length ? { venues } : {}), ...(Object.keys(baseUrls).length ? { baseUrls } : {}) })
}

export interface MarketFetchIo extends CliIo {
  err(text: string): void
}

/** Run the fetch through `fetchNow` (the CLI's `call(services, 'fetchMarketNow', req)`: dispatch, as the hosts) and print it. */
export async function marketFetchCommand(io: MarketFetchIo, req: FetchMarketNowRequest, json: boolean, fetchNow: (req: FetchMarketNowRequest) => Promise<FetchMarketNowResponse>): Promise<number> {
  const res = await fetchNow(req)
  const failed = res.venues.filter((v) => !v.ok)
  if (json) {
    io.out(JSON.stringify(res, null, 2))
    return failed.length ? 1 : 0
  }
  for (const v of res.venues) {
    if (!v.ok) {
      io.err(`marginal: ${echoLine(v.message)}`)
      continue
    }
    io.out(v.message)
    for (const u of v.underlyings) io.out(`  ${u.underlying}: index ${u.indexUsd} USD as of ${u.asOfUtc}, ${u.instruments} instruments, ${u.expiries} expiries`)
    io.out(`  ${v.requests.length} public request(s): ${v.requests.map((r) => r.replace(/^https?:\/\/[^/]+/, '')).join(', ')}`)
    for (const row of v.unusedRows.slice(0, 5)) io.out(`  not used: ${echoLine(row)}`)
    if (v.unusedRows.length > 5) io.out(`  … and ${v.unusedRows.length - 5} more row(s) not used (--json lists them all)`)
  }
  io.out(
    res.written
      ? `Book ${res.bookId}: market ${res.marketSnapshotId} (a new snapshot; the earlier ones are kept)`
      : `Book ${res.bookId}: market unchanged (${res.marketSnapshotId ?? 'none'})`
  )
  return failed.length ? 1 : 0
}
