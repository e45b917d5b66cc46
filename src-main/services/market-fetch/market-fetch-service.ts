/**
 * *Fetch market now*: the venues' public market data, fetched (every venue completely, or not at
 * all), combined (combine-venues.ts) and written through the same market import as an option-chain
 * file (market-import.ts commitMarketFile: merged per underlying into the book's market, saved as a
 * new snapshot beside the earlier ones, an imports-log row naming the venues and endpoints, an
 * audit row), in one transaction. A venue that is offline, refuses, answers an HTTP error or a reply
 * that breaks its documented shape gives one line naming the venue, endpoint and field, and its part
 * of the book's market stays as it was; when no venue answered, nothing is written at all.
 */
import { createHash } from 'node:crypto'
import type { BookDb } from '../../book/database'
import { findBook, storedMarketSnapshotId } from '../../book/books-repository'
import { loadMarketSnapshot } from '../../book/market-repository'
import { BookRefusedError } from '../../book/whatif-repository'
import { BookReadOnlyError } from '../../book/book-errors'
import type { ParsedMarketFile } from '../../importers/market/market-files'
import { underlyingAsOf } from '../../engine/market/merge-snapshots'
import type { FetchMarketNowRequest, FetchMarketNowResponse, MarketFetchVenue, VenueFetchResult } from '@contract/market-fetch'
import { commitMarketFile } from '../market-import'
import { settleExpired } from '../expiry/settle-expired'
import { InvalidDocumentError, NotFoundError } from '../errors'
import { DEFAULT_TIMEOUT_MS, MarketFetchError, VENUE_LABEL, type FetchFn, type VenueGet } from './venue-http'
import { DERIBIT_BASE_URL, fetchDeribit, type VenueSnapshot } from './deribit-fetch'
import { OKX_BASE_URL, fetchOkx } from './okx-fetch'
import { combineVenueSnapshots, type FetchedVenue } from './combine-venues'
import { loadMarketFetchSettings, saveFetchStatus } from './settings'

export const VENUE_BASE_URL: Record<MarketFetchVenue, string> = { deribit: DERIBIT_BASE_URL, okx: OKX_BASE_URL }
const VENUE_ORDER: readonly MarketFetchVenue[] = ['deribit', 'okx']

export interface MarketFetchDeps {
  /** The HTTP client (default: Node's global fetch). */
  fetchFn?: FetchFn
  /** The clock (default: the system's). */
  now?: () => Date
  timeoutMs?: number
  /** Told after a fetch wrote a new market (alerts re-evaluate, the hosts tell the window). */
  onMarketChanged?: (bookId: number, snapshotId: string) => void
}

const iso = (ms: number): string => new Date(ms).toISOString()

/** The book a fetch may write: the live book (imports never go to the demo or a what-if copy). */
function requireFetchTarget(db: BookDb, bookId: number): void {
  const book = findBook(db, bookId)
  if (!book) throw new NotFoundError(`book ${bookId} does not exist`)
  if (book.kind === 'demo') throw new BookRefusedError(`"${book.name}" is the demo book: fetched market data goes to your live book, never into the demo`)
  if (book.kind === 'whatif') throw new BookRefusedError(`"${book.name}" is a what-if book: fetched market data goes to the live book (a what-if copy that follows it sees it)`)
  // A view-only book (read-only or damaged, book/database.ts) is refused before anything is sent.
  if (db.readonly || db.pragma('query_only', { simple: true }) === 1) {
    throw new BookReadOnlyError(`the book ${db.name} is open for viewing only: fetched market data cannot be written to it (nothing was sent)`, db.name)
  }
}

async function fetchVenue(venue: MarketFetchVenue, get: VenueGet, underlyings: readonly string[], now: Date): Promise<VenueSnapshot> {
  return venue === 'deribit' ? fetchDeribit(get, underlyings, now.getTime()) : fetchOkx(get, underlyings)
}

export async function fetchMarketNow(db: BookDb, req: FetchMarketNowRequest, deps: MarketFetchDeps = {}): Promise<FetchMarketNowResponse> {
  requireFetchTarget(db, req.bookId)
  const settings = loadMarketFetchSettings(db)
  const asked = req.venues ?? VENUE_ORDER.filter((v) => settings[v].enabled)
  if (asked.length === 0) {
    throw new InvalidDocumentError('market fetching is off: turn Deribit or OKX on in the market-data settings, or name a venue to fetch now (nothing was sent)', 'venues')
  }
  const venues = VENUE_ORDER.filter((v) => asked.includes(v))
  const now = (deps.now ?? (() => new Date()))()
  const fetchFn = deps.fetchFn ?? (globalThis.fetch as unknown as FetchFn)
  const attempts = await Promise.all(
    venues.map(async (venue) => {
      const get: VenueGet = {
        venue,
        label: VENUE_LABEL[venue],
        baseUrl: req.baseUrls?.[venue] ?? settings[venue].baseUrl ?? VENUE_BASE_URL[venue],
        fetchFn,
        timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        sent: []
      }
      try {
        return { venue, get, fetched: await fetchVenue(venue, get, settings[venue].underlyings, now), error: null }
      } catch (e) {
        if (!(e instanceof MarketFetchError)) throw e
        return { venue, get, fetched: null, error: `${e.message}; the last market stays` }
      }
    })
  )
  const good: FetchedVenue[] = attempts.flatMap((a) => (a.fetched ? [{ venue: a.venue, snapshot: a.fetched.snapshot }] : []))
  let written = false
  if (good.length > 0) {
    const stored = storedMarketSnapshotId(db, req.bookId)
    const market = combineVenueSnapshots(good, stored ? (loadMarketSnapshot(db, stored) ?? null) : null)
    const parsed: ParsedMarketFile = {
      file: `${good.map((g) => g.venue).join('+')} public market data, fetched ${now.toISOString()}`,
      format: 'market-fetch',
      formatLabel: 'Public market data fetched from the venues',
      dataset: 'option-chain',
      rowsTotal: Object.keys(market.marks).length,
      series: [],
      funding: null,
      snapshot: market,
      issues: []
    }
    const sha256 = createHash('sha256').update(JSON.stringify(market)).digest('hex')
    written = db.transaction(() => {
      const result = commitMarketFile(db, parsed, { bookId: req.bookId, fileName: parsed.file, sha256, rejectedRows: 0, skippedRows: 0, now })
      // A newer market settles what has expired, as a chain file does (import-service.ts commitMarket).
      if (result.importId !== null) settleExpired(db, req.bookId, now)
      return result.importId !== null
    }).immediate()
  }
  const results: VenueFetchResult[] = attempts.map((a) => venueResult(a.venue, a.get.sent, a.fetched, a.error, now))
  try {
    saveFetchStatus(db, results.map(({ venue, atUtc, ok, message, asOfUtc }) => ({ venue, atUtc, ok, message, asOfUtc })), now)
  } catch {
    // The status line is a convenience: a view-only book keeps none (the reply still says it all).
  }
  const marketSnapshotId = storedMarketSnapshotId(db, req.bookId)
  if (written && marketSnapshotId) deps.onMarketChanged?.(req.bookId, marketSnapshotId)
  return { bookId: req.bookId, marketSnapshotId, written, venues: results }
}

function venueResult(venue: MarketFetchVenue, sent: string[], fetched: VenueSnapshot | null, error: string | null, now: Date): VenueFetchResult {
  if (!fetched) return { venue, atUtc: now.toISOString(), ok: false, message: error!, asOfUtc: null, requests: sent, underlyings: [], unusedRows: [] }
  const s = fetched.snapshot
  const asOf = underlyingAsOf(s)
  const underlyings = Object.keys(s.indexUsd).sort().map((u) => ({
    underlying: u,
    venue,
    indexUsd: s.indexUsd[u]!,
    asOfUtc: iso(asOf[u]!),
    expiries: Object.keys(s.forwardsUsd[u] ?? {}).length,
    instruments: Object.keys(s.marks).filter((k) => k.startsWith(`${venue}:${u}-`) || k.startsWith(`${venue}:${u}_`)).length
  }))
  const summary = underlyings.map((u) => `${u.underlying} index ${u.indexUsd} USD, ${u.instruments} instruments, ${u.expiries} expiries`).join('; ')
  const unused = fetched.unusedRows.length ? `; ${fetched.unusedRows.length} row(s) not used` : ''
  return { venue, atUtc: now.toISOString(), ok: true, message: `${VENUE_LABEL[venue]}: ${summary}, as of ${iso(s.asOfMs)}${unused}`, asOfUtc: iso(s.asOfMs), requests: sent, underlyings, unusedRows: fetched.unusedRows }
}
