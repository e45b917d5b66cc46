/**
 * Positions and the market they are valued on: the positions grid, the market summary and panel, positions settled at expiry.
 */
import { z } from 'zod'
import { id, isoUtc } from './primitives'
import { BookRequest } from './books'
import type { MethodTable } from './method-table'

/** 'unknown': a symbol no parser understands, kept in the book as "not priced". */
export const InstrumentKind = z.enum(['spot', 'perpetual', 'future', 'option', 'unknown'])
export const SettlementType = z.enum(['linear', 'inverse'])
export const OptionType = z.enum(['call', 'put'])

/** One position as the positions grid shows it. Sizes are signed: long > 0, short < 0. */
export const PositionRow = z.object({
  positionId: id,
  accountId: id,
  accountName: z.string(),
  venue: z.string(),
  symbol: z.string(),
  kind: InstrumentKind,
  settlement: SettlementType.nullable(),
  /** '' for an unknown instrument. */
  underlying: z.string(),
  quoteCurrency: z.string(),
  settleCurrency: z.string(),
  /** Expiry instant, null for spot and perpetuals. */
  expiryUtc: isoUtc.nullable(),
  strikeUsd: z.number().nullable(),
  optionType: OptionType.nullable(),
  sizeContracts: z.number(),
  contractSize: z.number().positive(),
  /** Currency the contract size is counted in: 'usd' for inverse futures ($10 a contract), else the coin. */
  contractUnit: z.string(),
  /** Size in underlying coin (contracts × contract size, USD contracts converted at the mark). */
  sizeCoin: z.number().nullable(),
  avgPrice: z.number().nullable(),
  /** Currency of avgPrice and markPrice: a coin for inverse options, else the quote currency. */
  priceCurrency: z.string(),
  markPrice: z.number().nullable(),
  markIvPct: z.number().nullable(),
  indexUsd: z.number().nullable(),
  /** Engine valuation (null with valuationError set when the market cannot value the position). */
  valuation: z
    .object({
      underlyingUsd: z.number(),
      modelPrice: z.number(),
      volPct: z.number().nullable(),
      settleCurrency: z.string(),
      valueSettle: z.number(),
      valueUsd: z.number(),
      pnlSettle: z.number().nullable(),
      pnlUsd: z.number().nullable(),
      deltaCoin: z.number(),
      gammaCoinPer1Pct: z.number(),
      vegaUsdPerPoint: z.number(),
      thetaUsdPerDay: z.number()
    })
    .nullable(),
  valuationError: z.string().nullable()
})

export const PositionsResponse = z.object({
  bookId: id,
  marketSnapshotId: z.string().nullable(),
  asOfUtc: isoUtc.nullable(),
  rows: z.array(PositionRow)
})

/**
 * The same rows column by column, for the positions grid (issue 20: a 10,000-position book's first
 * row). As rows, the reply is 8 MB of repeated field names and 10,000 objects that each side's
 * validation walks field by field and copies; as columns it is 40 % of the bytes, and validating a
 * column of numbers or strings costs a fraction of validating objects. Column k holds rows[i][k] at
 * i; the valuation's fields are columns of their own, null where the row has no valuation. The
 * columns are every field of PositionRow, validated with PositionRow's own field schemas, so the
 * two replies cannot drift; positionRowsOf() turns them back into rows.
 */
const VALUATION = PositionRow.shape.valuation.unwrap()
type RowField = Exclude<keyof typeof PositionRow.shape, 'valuation'>
type ValuationField = keyof typeof VALUATION.shape
const ROW_FIELDS = Object.keys(PositionRow.shape).filter((k): k is RowField => k !== 'valuation')
const VALUATION_FIELDS = Object.keys(VALUATION.shape) as ValuationField[]
const columnsOf = <S extends Record<string, z.ZodType>, K extends keyof S & string>(shape: S, keys: readonly K[], nullable: boolean) =>
  z.object(Object.fromEntries(keys.map((k) => [k, z.array(nullable ? shape[k]!.nullable() : shape[k]!)])) as { [P in K]: z.ZodArray<S[P]> })

export const PositionColumnsResponse = z
  .object({
    bookId: id,
    marketSnapshotId: z.string().nullable(),
    asOfUtc: isoUtc.nullable(),
    count: z.number().int().nonnegative(),
    columns: columnsOf(PositionRow.shape, ROW_FIELDS, false),
    /** Each valuation field: null at a row without a valuation (valuationError says why), else the value. */
    valuation: columnsOf(VALUATION.shape, VALUATION_FIELDS, true)
  })
  .superRefine((r, ctx) => {
    const lengths = [...ROW_FIELDS.map((k) => [`columns.${k}`, r.columns[k].length] as const), ...VALUATION_FIELDS.map((k) => [`valuation.${k}`, r.valuation[k].length] as const)]
    for (const [path, n] of lengths) if (n !== r.count) ctx.addIssue({ code: 'custom', path: path.split('.'), message: `${n} entries for ${r.count} rows` })
    // A row is valued or not as a whole: its non-nullable valuation fields are all present or all null.
    const always = VALUATION_FIELDS.filter((k) => !VALUATION.shape[k].safeParse(null).success)
    for (let i = 0; i < r.count; i++) {
      const valued = r.valuation.underlyingUsd[i] !== null
      for (const k of always) if ((r.valuation[k][i] !== null) !== valued) ctx.addIssue({ code: 'custom', path: ['valuation', k, i], message: 'a row is valued in every field or in none' })
    }
  })

/** The rows of a columns reply, as listPositions gives them. */
export function positionRowsOf(r: PositionColumnsResponse): PositionsResponse {
  const rows: PositionRow[] = new Array(r.count)
  for (let i = 0; i < r.count; i++) {
    const row = {} as Record<string, unknown>
    for (const k of ROW_FIELDS) row[k] = r.columns[k][i]
    if (r.valuation.underlyingUsd[i] === null) row.valuation = null
    else {
      const v = {} as Record<string, unknown>
      for (const k of VALUATION_FIELDS) v[k] = r.valuation[k][i]
      row.valuation = v
    }
    rows[i] = row as PositionRow
  }
  return { bookId: r.bookId, marketSnapshotId: r.marketSnapshotId, asOfUtc: r.asOfUtc, rows }
}

/** A listPositions reply column by column (what the positions grid is sent). */
export function positionColumnsOf(r: PositionsResponse): PositionColumnsResponse {
  const columns = Object.fromEntries(ROW_FIELDS.map((k) => [k, r.rows.map((row) => row[k])])) as PositionColumnsResponse['columns']
  const valuation = Object.fromEntries(VALUATION_FIELDS.map((k) => [k, r.rows.map((row) => (row.valuation === null ? null : row.valuation[k]))])) as PositionColumnsResponse['valuation']
  return { bookId: r.bookId, marketSnapshotId: r.marketSnapshotId, asOfUtc: r.asOfUtc, count: r.rows.length, columns, valuation }
}

export const MarketSummary = z.object({
  id: z.string(),
  asOfUtc: isoUtc,
  source: z.string(),
  /**
   * Per underlying: its index and when its data was taken (a market is assembled one chain per
   * underlying; the snapshot's asOfUtc, the valuation instant, is the newest of them).
   */
  underlyings: z.array(z.object({ underlying: z.string(), indexUsd: z.number().positive(), asOfUtc: isoUtc, source: z.string() })),
  instrumentCount: z.number().int().nonnegative()
})

export const MarketResponse = z.object({ snapshot: MarketSummary.nullable() })

/** The market panel: forward curve and vol smiles per underlying, from the engine's market view. */
export const MarketDetail = z.object({
  snapshot: MarketSummary.nullable(),
  underlyings: z.array(
    z.object({
      underlying: z.string(),
      indexUsd: z.number(),
      forwards: z.array(
        z.object({
          expiryUtc: isoUtc,
          days: z.number(),
          forwardUsd: z.number(),
          basisPct: z.number(),
          annualisedBasisPct: z.number(),
          /** quoted: a futures mark or venue forward; interpolated: basis interpolated in time. */
          source: z.enum(['quoted', 'interpolated'])
        })
      ),
      smiles: z.array(
        z.object({
          expiryUtc: isoUtc,
          forwardUsd: z.number(),
          atmVolPct: z.number(),
          quotes: z.array(z.object({ strikeUsd: z.number(), volPct: z.number() })),
          /** The surface sampled across the quoted strike range and a margin beyond it. */
          curve: z.array(z.object({ strikeUsd: z.number(), volPct: z.number() }))
        })
      )
    })
  )
})

export type PositionRow = z.output<typeof PositionRow>
/** A position past its expiry: settled at what price, from which source, for how much cash, or still awaiting a price. */
export const SettledPosition = z.object({
  account: z.string(),
  venue: z.string(),
  symbol: z.string(),
  expiryUtc: isoUtc,
  sizeContracts: z.number(),
  /** USD; null while awaiting one. */
  settlementPriceUsd: z.number().nullable(),
  /** Where the price comes from: the venue's delivery row (file, line), the index history (an approximation of ours), or none yet. */
  priceSource: z.string(),
  /** Cash the settlement moved (payoff, or the future's last P&L), in `currency`; null while awaiting. */
  cash: z.number().nullable(),
  currency: z.string(),
  state: z.enum(['settled', 'awaiting settlement price'])
})

export const SettledPositionsResponse = z.object({ bookId: id, positions: z.array(SettledPosition) })

export type PositionsResponse = z.output<typeof PositionsResponse>
export type PositionColumnsResponse = z.output<typeof PositionColumnsResponse>
export type MarketSummary = z.output<typeof MarketSummary>
export type MarketDetail = z.output<typeof MarketDetail>
export type InstrumentKind = z.output<typeof InstrumentKind>
export type SettledPosition = z.output<typeof SettledPosition>

export const positionsMethods = {
  listPositions: { request: BookRequest, response: PositionsResponse },
  /** The same rows as listPositions, column by column: what the positions grid loads (positionRowsOf turns them back into rows). */
  listPositionColumns: { request: BookRequest, response: PositionColumnsResponse },
  currentMarket: { request: BookRequest, response: MarketResponse },
  marketDetail: { request: BookRequest, response: MarketDetail },
  /** Positions past their expiry: settled (price, source, cash) or awaiting a settlement price. */
  settledPositions: { request: BookRequest, response: SettledPositionsResponse }
} as const satisfies MethodTable
