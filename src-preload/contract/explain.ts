/**
 * P&L explain between two dates (issue 22 §2): per position, per account × underlying × settlement
 * currency, per account, per underlying and for the book, each component in the settlement currency
 * and in USD. Shaped for a table (rows × components) and a waterfall (`components` in order, then the
 * book's amounts). Amounts: gain positive.
 */
import { z } from 'zod'
import { id, isoUtc } from './primitives'
import type { MethodTable } from './method-table'

/** An end-of-day time, HH:MM UTC: the API, the view, `cli explain --eod` and `cli report --eod` check the same. */
export const EOD_TIME = /^([01]\d|2[0-3]):[0-5]\d$/

/** The components in waterfall order (the engine's EXPLAIN_COMPONENTS; services/explain/explain-view.ts checks they are equal). */
export const ExplainComponentName = z.enum(['delta', 'gamma', 'vega', 'theta', 'vanna', 'volga', 'charm', 'veta', 'newTrades', 'closes', 'funding', 'fees', 'currency', 'residual'])

/**
 * One row's amounts. delta … closes + residual = revaluation (the full-revaluation P&L of the holdings;
 * in USD + currency); every component summed = total (revaluation + funding + fees).
 */
export const ExplainAmountsView = z.object({
  delta: z.number(),
  gamma: z.number(),
  vega: z.number(),
  theta: z.number(),
  vanna: z.number(),
  volga: z.number(),
  charm: z.number(),
  veta: z.number(),
  newTrades: z.number(),
  closes: z.number(),
  funding: z.number(),
  fees: z.number(),
  currency: z.number(),
  residual: z.number(),
  revaluation: z.number(),
  total: z.number()
})

/** A position's market inputs at one instant: the price it moves with (USD), implied vol (fraction), years to expiry, USD per settlement unit. */
export const ExplainPointView = z.object({ priceUsd: z.number(), vol: z.number().nullable(), years: z.number().nullable(), usdPerSettle: z.number() })

export const ExplainRowView = z.object({
  kind: z.enum(['position', 'cash']),
  account: z.string(),
  venue: z.string(),
  underlying: z.string(),
  symbol: z.string().nullable(),
  instrumentKind: z.enum(['spot', 'perpetual', 'future', 'option', 'cash']),
  settleCurrency: z.string(),
  sizeFromContracts: z.number(),
  sizeToContracts: z.number(),
  from: ExplainPointView.nullable(),
  to: ExplainPointView.nullable(),
  settle: ExplainAmountsView,
  usd: ExplainAmountsView,
  fundingSource: z.enum(['statement', 'funding-history', 'market-rate']).nullable(),
  notes: z.array(z.string())
})

export const ExplainMarketView = z.object({ id: z.string(), asOfUtc: isoUtc, source: z.string() })

export const ExplainPnlRequest = z
  .object({
    bookId: id,
    /** A date (YYYY-MM-DD: its end-of-day instant) or an instant with its zone. */
    fromUtc: z.string().min(10).max(40),
    toUtc: z.string().min(10).max(40),
    /** End-of-day time for dates, HH:MM UTC; default 08:00 (the venues' daily settlement). */
    eodUtc: z
      .string()
      .regex(EOD_TIME, 'a UTC time, HH:MM')
      .optional(),
    /**
     * The per-position rows too (default: yes). A 10,000-position book's rows are ~12 MB of JSON
     * that only the position grouping shows: the view asks for them when it is chosen.
     */
    positions: z.boolean().optional()
  })
  .strict()

export const ExplainPnlResponse = z.object({
  bookId: id,
  /** The instants the holdings, fills and cash are taken at. */
  fromUtc: isoUtc,
  toUtc: isoUtc,
  eodUtc: z.string(),
  /** The market each side is valued on (the newest stored at or before the instant), and the time between them (theta's Δt). */
  fromMarket: ExplainMarketView,
  toMarket: ExplainMarketView,
  elapsedDays: z.number(),
  /** Waterfall order, with what each component is; `published: false` marks a rule of ours. */
  components: z.array(z.object({ name: ExplainComponentName, label: z.string(), published: z.boolean(), note: z.string() })),
  /** Whether `rows` holds every position (false: left out on request; the aggregates below still cover them). */
  positionRows: z.boolean(),
  rows: z.array(ExplainRowView),
  groups: z.array(z.object({ account: z.string(), venue: z.string(), underlying: z.string(), settleCurrency: z.string(), settle: ExplainAmountsView, usd: ExplainAmountsView })),
  byAccount: z.array(z.object({ account: z.string(), venue: z.string(), usd: ExplainAmountsView })),
  byUnderlying: z.array(z.object({ underlying: z.string(), usd: ExplainAmountsView })),
  book: z.object({ usd: ExplainAmountsView }),
  notExplained: z.array(z.object({ account: z.string(), symbol: z.string(), reason: z.string() })),
  notes: z.array(z.string())
})

export type ExplainPnlRequest = z.input<typeof ExplainPnlRequest>
export type ParsedExplainPnlRequest = z.output<typeof ExplainPnlRequest>
export type ExplainPnlResponse = z.output<typeof ExplainPnlResponse>
export type ExplainAmountsView = z.output<typeof ExplainAmountsView>
export type ExplainComponentName = z.output<typeof ExplainComponentName>

export const explainMethods = {
  /** The book's P&L between two dates explained by component, per position, account, underlying and book. */
  explainPnl: { request: ExplainPnlRequest, response: ExplainPnlResponse }
} as const satisfies MethodTable

/** What could not be explained, by reason: how many positions, and the first few of them. */
export interface NotExplainedByReason {
  reason: string
  count: number
  /** "account symbol", at most `firstPerReason` of them. */
  first: string[]
}

/**
 * The reply's not-explained list summarised for a terminal or a page (a 10,000-position book whose
 * earlier market lacks an underlying would otherwise list every position): each reason once, with
 * its count and its first positions. The reply itself keeps every row (`--json`, the view).
 */
export function notExplainedByReason(rows: readonly { account: string; symbol: string; reason: string }[], firstPerReason = 5): NotExplainedByReason[] {
  const byReason = new Map<string, NotExplainedByReason>()
  for (const r of rows) {
    let g = byReason.get(r.reason)
    if (!g) byReason.set(r.reason, (g = { reason: r.reason, count: 0, first: [] }))
    g.count++
    if (g.first.length < firstPerReason) g.first.push(`${r.account} ${r.symbol}`)
  }
  return [...byReason.values()].sort((a, b) => b.count - a.count)
}
