/**
 * Opt-in public market data (issue 22 §3): fetch the venues' public market endpoints now, and the
 * per-venue settings (off by default; an optional refresh interval). Only public market data is
 * ever requested: no key, no account, nothing about the book leaves the machine.
 */
import { z } from 'zod'
import { id, isoUtc } from './primitives'
import { EmptyRequest } from './common'
import type { MethodTable } from './method-table'

export const MarketFetchVenue = z.enum(['deribit', 'okx'])

/** An http(s) base URL without credentials, query or fragment (a test server, a mirror). */
export const VenueBaseUrl = z
  .string()
  .max(300)
  .refine((s) => {
    try {
      const u = new URL(s)
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === '' && u.search === '' && u.hash === ''
    } catch {
      return false
    }
  }, 'an http(s) URL without user, password, query or fragment')

export const VenueFetchSettings = z
  .object({
    enabled: z.boolean(),
    /** Fetch again every N minutes while the workstation runs; null: only when asked (Fetch now). */
    refreshMinutes: z.number().int().min(1).max(1440).nullable(),
    /** null: the venue's own public API (market-fetch/venue-endpoints.ts). */
    baseUrl: VenueBaseUrl.nullable(),
    /** Underlyings asked for. */
    underlyings: z.array(z.enum(['BTC', 'ETH'])).min(1)
  })
  .strict()

export const MarketFetchSettings = z.object({ deribit: VenueFetchSettings, okx: VenueFetchSettings }).strict()

/** The last fetch of one venue, kept beside the settings for the status line. */
export const VenueFetchStatus = z.object({
  venue: MarketFetchVenue,
  atUtc: isoUtc,
  ok: z.boolean(),
  /** One line: what was fetched, or why nothing was (venue, endpoint, field or HTTP status). */
  message: z.string(),
  /** The instant the venue's data was taken (its own timestamps). */
  asOfUtc: isoUtc.nullable()
})

export const MarketFetchSettingsView = MarketFetchSettings.extend({
  /** Per venue: the last fetch (null: never fetched). */
  lastFetch: z.object({ deribit: VenueFetchStatus.nullable(), okx: VenueFetchStatus.nullable() }),
  /** Exactly what each venue is sent, one line per endpoint (the README's list). */
  requestsSent: z.object({ deribit: z.array(z.string()), okx: z.array(z.string()) })
})

export const FetchMarketNowRequest = z
  .object({
    bookId: id,
    /** Venues to fetch now; absent: the venues turned on in the settings (none on: refused, nothing sent). */
    venues: z.array(MarketFetchVenue).min(1).optional(),
    /** For this fetch only (a local replay server, a mirror); else the settings', else the venue's own. */
    baseUrls: z.object({ deribit: VenueBaseUrl.optional(), okx: VenueBaseUrl.optional() }).strict().optional()
  })
  .strict()

export const UnderlyingFetched = z.object({
  underlying: z.string(),
  venue: MarketFetchVenue,
  indexUsd: z.number(),
  asOfUtc: isoUtc,
  expiries: z.number().int().nonnegative(),
  instruments: z.number().int().nonnegative()
})

export const VenueFetchResult = VenueFetchStatus.extend({
  /** Every request sent, as sent (public endpoints only). */
  requests: z.array(z.string()),
  underlyings: z.array(UnderlyingFetched),
  /** Rows the venue sent that could not be used (unknown instrument, no implied vol), one line each. */
  unusedRows: z.array(z.string())
})

export const FetchMarketNowResponse = z.object({
  bookId: id,
  /** The book's market after the fetch: the new snapshot, or the one it had when nothing was written. */
  marketSnapshotId: z.string().nullable(),
  /** Whether a new snapshot was saved (kept beside the earlier ones, never overwriting them). */
  written: z.boolean(),
  venues: z.array(VenueFetchResult)
})

export type MarketFetchVenue = z.output<typeof MarketFetchVenue>
export type VenueFetchSettings = z.output<typeof VenueFetchSettings>
export type MarketFetchSettings = z.output<typeof MarketFetchSettings>
export type MarketFetchSettingsView = z.output<typeof MarketFetchSettingsView>
export type VenueFetchStatus = z.output<typeof VenueFetchStatus>
export type VenueFetchResult = z.output<typeof VenueFetchResult>
export type FetchMarketNowRequest = z.output<typeof FetchMarketNowRequest>
export type FetchMarketNowResponse = z.output<typeof FetchMarketNowResponse>

export const marketFetchMethods = {
  /** Fetch the named (or enabled) venues' public market data now and merge it into the book's market. */
  fetchMarketNow: { request: FetchMarketNowRequest, response: FetchMarketNowResponse },
  /** The settings (off by default), each venue's last fetch, and exactly what each venue is sent. */
  marketFetchSettings: { request: EmptyRequest, response: MarketFetchSettingsView },
  /** Validate and save the settings (invalid_request naming the field otherwise). */
  saveMarketFetchSettings: { request: MarketFetchSettings, response: MarketFetchSettingsView }
} as const satisfies MethodTable
