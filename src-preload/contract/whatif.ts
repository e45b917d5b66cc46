/**
 * What-if books: the trade ticket, edits, compare, the P&L explorer, Greeks by expiry and strike, and the scenario editor.
 */
import { z } from 'zod'
import { bookName, id, isoUtc } from './primitives'
import { bounded, positiveBounded } from './bounds'
import { EmptyRequest } from './common'
import { BookRequest, BookSummary } from './books'
import { InstrumentKind, OptionType, SettlementType } from './positions'
import type { MethodTable } from './method-table'

// ── What-if books, the trade ticket and compare ─────────────────────────────────────────────



/** One ticket: an instrument of one account (symbol in the venue's own spelling), a side, a size. */
export const Ticket = z
  .object({
    accountId: id,
    symbol: z.string().trim().min(1).max(80),
    side: z.enum(['buy', 'sell']),
    sizeContracts: positiveBounded('sizeContracts'),
    /** Fill price in the instrument's price currency; the mark when absent. */
    price: positiveBounded('price').nullable().optional()
  })
  .strict()

export const TradableInstrumentView = z.object({
  venue: z.string(),
  symbol: z.string(),
  kind: InstrumentKind,
  underlying: z.string(),
  settlement: SettlementType,
  settleCurrency: z.string(),
  expiryMs: z.number().nullable(),
  strikeUsd: z.number().nullable(),
  optionType: OptionType.nullable(),
  contractSize: z.number(),
  contractUnit: z.string(),
  lotSize: z.number(),
  price: z.number(),
  priceCurrency: z.string(),
  ivPct: z.number().nullable(),
  priceSource: z.enum(['mark', 'model'])
})
export const TradeInstrumentsResponse = z.object({
  accounts: z.array(z.object({ id, name: z.string(), venue: z.string() })),
  instruments: z.array(TradableInstrumentView)
})

export const ResolvedTicketView = z.object({
  account: z.object({ id, name: z.string(), venue: z.string() }),
  symbol: z.string(),
  kind: InstrumentKind,
  requestedContracts: z.number(),
  /** Signed and rounded to the lot: buy > 0. */
  sizeContracts: z.number(),
  lotSize: z.number(),
  price: z.number(),
  priceCurrency: z.string(),
  priceSource: z.enum(['mark', 'model', 'ticket']),
  /** Premium or cost moved by the trade (paid < 0), in cashCurrency; 0 for futures and perpetuals. */
  cashAmount: z.number(),
  cashCurrency: z.string().nullable(),
  cashUsd: z.number(),
  notionalUsd: z.number()
})

/** A figure in both books: base, other, and other − base. */
export const PairView = z.object({ base: z.number().nullable(), other: z.number().nullable(), change: z.number().nullable() })
export const MarginDiffView = z.object({
  margin: z.array(
    z.object({
      group: z.string(),
      account: z.string(),
      currency: z.string(),
      riskUnit: z.string().nullable(),
      /** A margin method, or 'add-ons' (house add-ons, beside the methods). */
      method: z.string(),
      initialMargin: PairView,
      maintenanceMargin: PairView
    })
  ),
  health: z.array(
    z.object({
      pool: z.string(),
      currency: z.string(),
      method: z.string(),
      equity: PairView,
      /** Ratios (1 = 100 %); null: infinite (margin due with no equity). */
      imUtilisation: PairView,
      mmUtilisation: PairView,
      statusBase: z.string().nullable(),
      statusOther: z.string().nullable()
    })
  )
})

export const TradesRequest = z.object({ bookId: id, tickets: z.array(Ticket).min(1).max(500) }).strict()
export const QuoteTradesResponse = z.object({
  tickets: z.array(ResolvedTicketView),
  diff: MarginDiffView,
  notCoveredAfter: z.array(z.object({ account: z.string(), symbol: z.string(), reason: z.string() }))
})
export const ApplyTradesResponse = z.object({ book: BookSummary, tickets: z.array(ResolvedTicketView) })

/** Resize positions to new signed sizes (0 closes), or scale them (all, or the ids given). */
export const EditPositionsRequest = z
  .object({
    bookId: id,
    resize: z.array(z.object({ positionId: id, sizeContracts: bounded('sizeContracts') }).strict()).max(5000).optional(),
    scale: z.object({ factor: z.number().min(0).max(100), positionIds: z.array(id).optional() }).strict().optional()
  })
  .strict()
  .refine((r) => (r.resize === undefined) !== (r.scale === undefined), { message: 'give either resize or scale' })

export const CompareBooksRequest = z.object({ baseBookId: id, bookId: id }).strict()
export const CompareBooksResponse = z.object({
  baseBookId: id,
  otherBookId: id,
  diff: MarginDiffView,
  greeks: z.array(
    z.object({ underlying: z.string(), deltaCoin: PairView, gammaCoinPer1Pct: PairView, vegaUsdPerPoint: PairView, thetaUsdPerDay: PairView })
  ),
  stress: z.array(z.object({ scenario: z.string(), kind: z.string(), pnlUsd: PairView })),
  stressNote: z.string()
})

// ── P&L explorer ────────────────────────────────────────────────────────────────────────────

/** A book as the explorer's kernel reads it (engine/profile/profile-book.ts), arrays as JSON. */
export const ProfileBookView = z.object({
  asOfMs: z.number(),
  underlyings: z.array(z.string()),
  indexUsd: z.array(z.number()),
  rowStart: z.array(z.number().int()),
  rowEnd: z.array(z.number().int()),
  arrays: z.object({
    count: z.number().int(),
    currencies: z.array(z.string()),
    kind: z.array(z.number().int()),
    underlyingIndex: z.array(z.number().int()),
    currencyIndex: z.array(z.number().int()),
    units: z.array(z.number()),
    forward: z.array(z.number()),
    strike: z.array(z.number()),
    years: z.array(z.number()),
    vol: z.array(z.number()),
    isCall: z.array(z.number().int()),
    baseValue: z.array(z.number()),
    volSkewUp: z.array(z.number()),
    volSkewDown: z.array(z.number())
  }),
  currencyUsd: z.array(z.number()),
  currencyUnderlying: z.array(z.number().int()),
  legs: z.array(
    z.object({
      positionId: z.number().int().nullable(),
      symbol: z.string(),
      account: z.string(),
      kind: z.enum(['spot', 'perpetual', 'future', 'option']),
      sizeContracts: z.number(),
      expiryMs: z.number().nullable(),
      strikeUsd: z.number().nullable(),
      optionType: OptionType.nullable()
    })
  )
})
export type ProfileBookJson = z.output<typeof ProfileBookView>
export const ProfileModelResponse = z.object({
  bookId: id,
  book: ProfileBookView,
  /** The what-if book's parent (the live book it was copied from), for live vs what-if curves. */
  parent: z.object({ bookId: id, name: z.string(), book: ProfileBookView }).nullable(),
  notCovered: z.array(z.object({ account: z.string(), symbol: z.string(), reason: z.string() }))
})

// ── Greeks by expiry and strike ─────────────────────────────────────────────────────────────

export const GreeksGridResponse = z.object({
  bookId: id,
  /** Term-normalised vega: vega × √(refDays / days to expiry). */
  vegaRefDays: z.number(),
  rows: z.array(
    z.object({
      underlying: z.string(),
      /** null: perpetuals and spot. */
      expiryMs: z.number().nullable(),
      daysToExpiry: z.number().nullable(),
      /** null: the expiry's futures (and perpetuals, spot). */
      strikeUsd: z.number().nullable(),
      positions: z.number().int(),
      deltaCoin: z.number(),
      gammaCoinPer1Pct: z.number(),
      vegaUsdPerPoint: z.number(),
      vegaNormalisedUsdPerPoint: z.number(),
      thetaUsdPerDay: z.number()
    })
  ),
  notCovered: z.array(z.object({ account: z.string(), symbol: z.string(), reason: z.string() }))
})

// ── Scenario editor ─────────────────────────────────────────────────────────────────────────

export const ScenarioUnderlyingSpec = z
  .object({
    /** value: the index goes to `amount` USD; abs: moves by `amount` USD; pct: by `amount` %. */
    priceMode: z.enum(['value', 'abs', 'pct']),
    priceAmount: bounded('price'),
    /** abs: vol points added; rel: % of each vol (10 = vols × 1.1). */
    volMode: z.enum(['abs', 'rel']),
    volAmount: z.number().finite().min(-100).max(500),
    /** Short expiries move more: the shift × (30 days / days to expiry)^0.5. */
    termResponse: z.boolean()
  })
  .strict()
export const ScenarioSpec = z
  .object({
    /** Days after the market snapshot the scenario is valued at (0 = now). */
    days: z.number().min(0).max(3650),
    underlyings: z.record(z.string().regex(/^[A-Z0-9]+$/, 'underlyings are upper case'), ScenarioUnderlyingSpec)
  })
  .strict()
export const RunScenarioRequest = z.object({ bookId: id, scenario: ScenarioSpec }).strict()
export const RunScenarioResponse = z.object({
  bookId: id,
  /** The moves applied, per underlying (relative price move, vol shift in points or %). */
  applied: z.array(z.object({ underlying: z.string(), fromUsd: z.number(), toUsd: z.number(), move: z.number(), vol: z.string() })),
  positions: z.array(z.object({ positionId: z.number().int(), account: z.string(), symbol: z.string(), pnlSettle: z.number(), settleCurrency: z.string(), pnlUsd: z.number(), expired: z.boolean() })),
  byUnderlying: z.array(z.object({ underlying: z.string(), pnlUsd: z.number() })),
  totalUsd: z.number(),
  notCovered: z.array(z.object({ account: z.string(), symbol: z.string(), reason: z.string() }))
})
/** A saved scenario; one that no longer reads (an older or hand-edited book file) comes with its problem and no scenario. */
export const SavedScenario = z.object({ name: z.string(), scenario: ScenarioSpec.nullable(), problem: z.string().nullable(), updatedAtUtc: isoUtc })
export const SavedScenariosResponse = z.array(SavedScenario)
export const SaveScenarioRequest = z.object({ name: bookName, scenario: ScenarioSpec }).strict()
export const ScenarioNameRequest = z.object({ name: bookName }).strict()

export type TradeInstrumentsResponse = z.output<typeof TradeInstrumentsResponse>
export type TicketRequest = z.input<typeof Ticket>
export type QuoteTradesResponse = z.output<typeof QuoteTradesResponse>
export type CompareBooksResponse = z.output<typeof CompareBooksResponse>
export type ProfileModelResponse = z.output<typeof ProfileModelResponse>
export type GreeksGridResponse = z.output<typeof GreeksGridResponse>
export type ScenarioSpec = z.output<typeof ScenarioSpec>
export type RunScenarioResponse = z.output<typeof RunScenarioResponse>
export type SavedScenario = z.output<typeof SavedScenario>

export const whatifMethods = {
  /** The ticket's accounts and the instruments it can price on the book's snapshot. */
  tradeInstruments: { request: BookRequest, response: TradeInstrumentsResponse },
  /** Pre-trade: every method's IM/MM and each pool's utilisation before and after the tickets. Writes nothing. */
  quoteTrades: { request: TradesRequest, response: QuoteTradesResponse },
  /** Book tickets into a what-if book, all or none. */
  applyTrades: { request: TradesRequest, response: ApplyTradesResponse },
  /** Resize (0 closes) or scale a what-if book's positions, traded at the mark. */
  editPositions: { request: EditPositionsRequest, response: ApplyTradesResponse },
  /** Two books side by side: margin by method, utilisation, Greeks and stress, with differences. */
  compareBooks: { request: CompareBooksRequest, response: CompareBooksResponse },
  /** The book (and a what-if book's parent) as the P&L explorer's kernel reads it. */
  profileModel: { request: BookRequest, response: ProfileModelResponse },
  /** Delta, gamma, vega (raw and 30-day normalised), theta per underlying, expiry and strike. */
  greeksGrid: { request: BookRequest, response: GreeksGridResponse },
  /** Value the book under a scenario from the editor: per position and per underlying. */
  runScenario: { request: RunScenarioRequest, response: RunScenarioResponse },
  savedScenarios: { request: EmptyRequest, response: SavedScenariosResponse },
  /** Save (or replace) a named scenario; returns the list. */
  saveScenario: { request: SaveScenarioRequest, response: SavedScenariosResponse },
  deleteScenario: { request: ScenarioNameRequest, response: SavedScenariosResponse }
} as const satisfies MethodTable
