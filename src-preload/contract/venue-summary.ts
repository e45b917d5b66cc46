/**
 * The replica against the venue (issue 22 §4): import the venue's own account summary (Deribit
 * private/get_account_summary or private/pme/simulate JSON, OKX account/balance or
 * account/position-builder JSON) and compare, per margin pool, the venue's IM and MM with the
 * replica's; for simulations, figure by figure and (Deribit) scenario by scenario. Every list is a
 * list of flat rows a grid shows as they are. Amounts are in the row's `currency` / `unit`;
 * differences are replica − venue, percentages of the venue's figure (null when it is 0 or missing).
 */
import { z } from 'zod'
import { id, isoUtc } from './primitives'
import { BookRequest } from './books'
import type { MethodTable } from './method-table'

/** A venue file is small (a response body); 16 MB is far beyond any. */
export const MAX_VENUE_SUMMARY_CHARS = 16_000_000

export const VenueSummaryKind = z.enum(['deribit-account-summary', 'deribit-pme-simulate', 'okx-balance', 'okx-position-builder'])

export const ImportVenueSummaryRequest = z
  .object({
    bookId: id,
    fileName: z.string().min(1).max(255),
    text: z.string().min(1, 'the file is empty').max(MAX_VENUE_SUMMARY_CHARS, 'the file is larger than 16 MB'),
    /** The account the file is of; absent: the book's only account at the file's venue. */
    accountId: id.optional()
  })
  .strict()

export const VenueFigureView = z.object({ key: z.string(), value: z.union([z.number(), z.string(), z.boolean()]).nullable(), unit: z.string().nullable() })

export const VenueRiskUnitView = z.object({
  riskUnit: z.string(),
  initialMargin: z.number(),
  maintenanceMargin: z.number(),
  components: z.record(z.string(), z.number().nullable())
})

export const ImportedVenueSummaryEntry = z.object({
  id: z.number().int(),
  currency: z.string(),
  asOfUtc: isoUtc.nullable(),
  equity: z.number().nullable(),
  initialMargin: z.number().nullable(),
  maintenanceMargin: z.number().nullable(),
  marginModel: z.enum(['pm', 'standard']).nullable(),
  /** Imported before: the row already in the book, nothing written for it now. */
  duplicate: z.boolean(),
  importedAt: isoUtc,
  figures: z.array(VenueFigureView),
  riskUnits: z.array(VenueRiskUnitView),
  notes: z.array(z.string())
})

export const ImportVenueSummaryResponse = z.object({
  fileName: z.string(),
  venue: z.string(),
  kind: VenueSummaryKind,
  /** The venue's API method the file is a response of. */
  source: z.string(),
  sha256: z.string(),
  account: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  /** How the account was matched, or why none was. */
  accountNote: z.string(),
  entries: z.array(ImportedVenueSummaryEntry),
  /** Every currency of the file was already in the book: nothing written. */
  duplicate: z.boolean(),
  message: z.string()
})

export const PoolComparisonRowView = z.object({
  pool: z.string(),
  account: z.string(),
  accountId: z.number().int().nullable(),
  venue: z.string(),
  currency: z.string(),
  /** The replica's method compared: the venue's own, or standard where the venue says standard margin. */
  method: z.string(),
  status: z.enum(['compared', 'no venue summary']),
  summaryId: z.number().int().nullable(),
  kind: VenueSummaryKind.nullable(),
  source: z.string().nullable(),
  fileName: z.string().nullable(),
  venueAsOfUtc: isoUtc.nullable(),
  venueEquity: z.number().nullable(),
  replicaEquity: z.number(),
  equityDifference: z.number().nullable(),
  venueInitialMargin: z.number().nullable(),
  replicaInitialMargin: z.number().nullable(),
  initialMarginDifference: z.number().nullable(),
  initialMarginDifferencePct: z.number().nullable(),
  venueMaintenanceMargin: z.number().nullable(),
  replicaMaintenanceMargin: z.number().nullable(),
  maintenanceMarginDifference: z.number().nullable(),
  maintenanceMarginDifferencePct: z.number().nullable(),
  notes: z.array(z.string())
})

export const FigureComparisonView = z.object({
  name: z.string(),
  /** The figure's key path in the venue's file. */
  key: z.string(),
  unit: z.string(),
  venue: z.number().nullable(),
  replica: z.number().nullable(),
  difference: z.number().nullable(),
  differencePct: z.number().nullable(),
  /** false where the replica's figure rests on a rule of ours (the note says which). */
  published: z.boolean(),
  note: z.string().nullable()
})

export const VectorEntryComparisonView = z.object({
  /** The venue's key: aggregated_risk_vectors.btc_btc, pre_aggregated_risk_vectors.eth_eth, initial_risk_vectors.BTC-PERPETUAL. */
  vector: z.string(),
  part: z.enum(['standard', 'extended']),
  index: z.number().int(),
  scenario: z.string(),
  unit: z.string(),
  venue: z.number(),
  replica: z.number().nullable(),
  difference: z.number().nullable()
})

export const SimulationComparisonView = z.object({
  summaryId: z.number().int(),
  fileName: z.string(),
  kind: VenueSummaryKind,
  source: z.string(),
  venue: z.string(),
  account: z.string().nullable(),
  currency: z.string(),
  venueAsOfUtc: isoUtc.nullable(),
  figures: z.array(FigureComparisonView),
  vectors: z.array(VectorEntryComparisonView),
  /** The largest |replica − venue| over every vector entry, in `currency`; null when some entry has no replica. */
  maxVectorDifference: z.number().nullable(),
  notes: z.array(z.string())
})

export const UnmatchedSummaryView = z.object({
  summaryId: z.number().int(),
  fileName: z.string(),
  kind: VenueSummaryKind,
  venue: z.string(),
  currency: z.string(),
  account: z.string().nullable(),
  reason: z.string()
})

export const VenueComparisonResponse = z.object({
  bookId: z.number().int(),
  marketId: z.string().nullable(),
  marketAsOfUtc: isoUtc.nullable(),
  pools: z.array(PoolComparisonRowView),
  simulations: z.array(SimulationComparisonView),
  unmatched: z.array(UnmatchedSummaryView),
  notes: z.array(z.string())
})

export const VenueSummaryListResponse = z.array(
  z.object({
    id: z.number().int(),
    accountId: z.number().int().nullable(),
    account: z.string().nullable(),
    venue: z.string(),
    kind: VenueSummaryKind,
    currency: z.string(),
    asOfUtc: isoUtc.nullable(),
    fileName: z.string(),
    sha256: z.string(),
    importedAt: isoUtc
  })
)

export type ImportVenueSummaryResponse = z.output<typeof ImportVenueSummaryResponse>
export type VenueComparisonResponse = z.output<typeof VenueComparisonResponse>
export type VenueSummaryListResponse = z.output<typeof VenueSummaryListResponse>

export const venueSummaryMethods = {
  /** Read a venue's own summary file and keep it in the book (a file imported before is reported, not written again). */
  importVenueSummary: { request: ImportVenueSummaryRequest, response: ImportVenueSummaryResponse },
  /** Per margin pool the venue's IM and MM beside the replica's; per simulation its figures and risk vectors side by side. */
  venueComparison: { request: BookRequest, response: VenueComparisonResponse },
  /** The venue summaries imported into the book, newest first. */
  listVenueSummaries: { request: BookRequest, response: VenueSummaryListResponse }
} as const satisfies MethodTable

/** This domain's request and reply types, until its table is merged into the API's (then RequestOf / ResponseOf). */
export type VenueSummaryMethod = keyof typeof venueSummaryMethods
export type VenueSummaryRequestOf<M extends VenueSummaryMethod> = z.input<(typeof venueSummaryMethods)[M]['request']>
export type VenueSummaryParsedRequestOf<M extends VenueSummaryMethod> = z.output<(typeof venueSummaryMethods)[M]['request']>
export type VenueSummaryResponseOf<M extends VenueSummaryMethod> = z.output<(typeof venueSummaryMethods)[M]['response']>
