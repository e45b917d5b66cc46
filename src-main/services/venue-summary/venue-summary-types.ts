/**
 * What a venue's own account summary says, as read from the file the trader saved (issue 22 §4):
 * per margin pool (a Deribit settlement currency; an OKX account as a whole, in USD) the venue's
 * equity, IM and MM in the pool's currency, and every other figure read, labelled with its key.
 * Stored as the `summary` column of venue_summaries (book schema 9), the file itself verbatim beside it.
 */

export const VENUE_SUMMARY_KINDS = ['deribit-account-summary', 'deribit-pme-simulate', 'okx-balance', 'okx-position-builder'] as const
export type VenueSummaryKind = (typeof VENUE_SUMMARY_KINDS)[number]

/** The venue's name for each kind: the API method whose response the file is. */
export const KIND_SOURCE: Record<VenueSummaryKind, string> = {
  'deribit-account-summary': 'Deribit private/get_account_summary',
  'deribit-pme-simulate': 'Deribit private/pme/simulate',
  'okx-balance': 'OKX GET /api/v5/account/balance',
  'okx-position-builder': 'OKX POST /api/v5/account/position-builder'
}

/** One figure read from the file: its key path in the file, its value and unit. */
export interface VenueFigure {
  key: string
  value: number | string | boolean | null
  unit: string | null
}

/** An OKX risk unit of a position-builder response: its IMR and MMR and each stress component (USD). */
export interface VenueRiskUnit {
  riskUnit: string
  initialMargin: number
  maintenanceMargin: number
  /** mr1 … mr9 as OKX states them (null where OKX leaves it empty). */
  components: Record<string, number | null>
}

export interface VenueSummaryEntry {
  venue: 'deribit' | 'okx'
  kind: VenueSummaryKind
  /** The pool's currency: Deribit's settlement currency (BTC, ETH, USDC …); USD for an OKX account. */
  currency: string
  /** When the venue computed it (epoch ms), or null when the file does not say. */
  asOfMs: number | null
  equity: number | null
  initialMargin: number | null
  maintenanceMargin: number | null
  /**
   * The margin model the venue applied: 'pm' (portfolio margin), 'standard', or null when the file
   * does not say. A Deribit account on standard margin is compared with the replica's standard method.
   */
  marginModel: 'pm' | 'standard' | null
  /** Every other figure read, by key path. */
  figures: VenueFigure[]
  riskUnits: VenueRiskUnit[]
  /** What the reader noticed (cross collateral, a mode where OKX leaves a figure empty …). */
  notes: string[]
}

export interface VenueSummaryRead {
  venue: 'deribit' | 'okx'
  kind: VenueSummaryKind
  entries: VenueSummaryEntry[]
}
