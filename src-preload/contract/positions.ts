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
export type MarketSummary = z.output<typeof MarketSummary>
export type MarketDetail = z.output<typeof MarketDetail>
export type InstrumentKind = z.output<typeof InstrumentKind>
export type SettledPosition = z.output<typeof SettledPosition>

export const positionsMethods = {
  listPositions: { request: BookRequest, response: PositionsResponse },
  currentMarket: { request: BookRequest, response: MarketResponse },
  marketDetail: { request: BookRequest, response: MarketDetail },
  /** Positions past their expiry: settled (price, source, cash) or awaiting a settlement price. */
  settledPositions: { request: BookRequest, response: SettledPositionsResponse }
} as const satisfies MethodTable
