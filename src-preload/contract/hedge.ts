/**
 * Hedging suggestions, each solved exactly (LP) and reviewed as the trader would live with it.
 */
import { z } from 'zod'
import { id } from './primitives'
import { bounded, positiveBounded } from './bounds'
import { InstrumentKind } from './positions'
import { MarginMethodName } from './margin'
import { MarginDiffView, PairView } from './whatif'
import type { MethodTable } from './method-table'

/** Forbid selling options the account does not hold short already (closing longs stays allowed). Default true for every hedge. */
export const noNewShortOptions = z.boolean().default(true)
/** Where a trade fills: the mark ± half the bid-ask (the price its estimated cost assumes, and the one "Apply" books). */
export const FillView = { markPrice: z.number(), fillPrice: z.number(), priceCurrency: z.string() }
/** A figure the trades make worse (services/hedge/worsens.ts): a method's IM or MM, a pool's utilisation, a stress scenario's P&L. */
export const WorseningView = z.object({
  kind: z.enum(['method', 'pool', 'stress']),
  name: z.string(),
  method: z.string().nullable(),
  measure: z.enum(['IM', 'MM', 'IM utilisation', 'MM utilisation', 'P&L']),
  before: z.number(),
  /** null: infinite utilisation (margin due, no equity left). */
  after: z.number().nullable(),
  /** The group's currency, '%' for utilisation (100 = all of equity), 'USD' for stress P&L. */
  unit: z.string()
})
/** Per pool: the equity change after the trades at their fills, taken apart against the estimated cost (services/hedge/reconcile.ts). */
export const ReconciliationView = z.object({
  pool: z.string(),
  currency: z.string(),
  equityBefore: z.number(),
  equityAfter: z.number(),
  equityChange: z.number(),
  cashChange: z.number(),
  positionsValueChange: z.number(),
  costTotal: z.number(),
  valuationGap: z.number(),
  /** USD pools: the collateral haircut on the coin cash the trades move. */
  haircutEffect: z.number(),
  residual: z.number(),
  explanation: z.string()
})
/** What every hedge response carries besides its trades: what they make worse, and the cost reconciled with equity. */
export const ReviewFields = { worsens: z.array(WorseningView), reconciliation: z.array(ReconciliationView) }

export const HedgeRequest = z
  .object({
    bookId: id,
    /** Progress as task.progress events under this id; cancelTask stops the solve. */
    taskId: z.string().min(1).max(64).optional(),
    account: z.string().min(1),
    currency: z.string().min(1),
    riskUnit: z.string().nullable(),
    method: MarginMethodName,
    kinds: z.array(z.enum(['perpetual', 'future', 'option'])).min(1).optional(),
    maxExpiryDays: z.number().positive().max(3650).optional(),
    moneyness: z.tuple([positiveBounded('moneyness'), positiveBounded('moneyness')]).refine(([a, b]) => a < b, { message: 'moneyness: low must be below high' }).optional(),
    noNewShortOptions,
    maxLegs: z.number().int().min(1).max(20).optional(),
    /** Keep the group's delta (coin of its underlying) in [low, high] after the hedge. */
    deltaBand: z.tuple([bounded('notionalUsd'), bounded('notionalUsd')]).refine(([lo, hi]) => lo <= hi, { message: 'a band is [low, high] with low ≤ high' }).optional()
  })
  .strict()
export const HedgeResponse = z.object({
  group: z.string(),
  method: MarginMethodName,
  currency: z.string(),
  /** exact: the LP minimises the method itself; scenario part: only its worst scenario (then recomputed in full). */
  lpScope: z.enum(['exact', 'scenario part']),
  candidates: z.number().int(),
  trades: z.array(
    z.object({
      accountId: id,
      symbol: z.string(),
      kind: InstrumentKind,
      side: z.enum(['buy', 'sell']),
      contracts: z.number().positive(),
      /** Estimated cost: half the bid-ask × size, in `currency` and USD. */
      cost: z.number(),
      costUsd: z.number(),
      ...FillView
    })
  ),
  before: z.object({ initialMargin: z.number(), maintenanceMargin: z.number() }),
  after: z.object({ initialMargin: z.number(), maintenanceMargin: z.number() }),
  costTotal: z.number(),
  lpObjective: z.number(),
  /** The group's delta (coin) before and after. */
  deltaBefore: z.number(),
  deltaAfter: z.number(),
  solveMs: z.number(),
  /** Every method and pool before and after the trades (the same quote as the trade ticket's). */
  diff: MarginDiffView,
  greeks: z.array(z.object({ underlying: z.string(), deltaCoin: PairView, gammaCoinPer1Pct: PairView, vegaUsdPerPoint: PairView, thetaUsdPerDay: PairView })),
  /** The stress library on the book before and after the trades, USD. */
  stress: z.array(z.object({ scenario: z.string(), kind: z.string(), pnlUsd: PairView })),
  /** The same hedge with fewer legs, ranked by IM after + cost (the suggestion itself included). */
  alternatives: z.array(z.object({ legs: z.number().int(), initialMarginAfter: z.number(), costTotal: z.number(), symbols: z.array(z.string()) })),
  ...ReviewFields
})

export const ReduceRequest = z
  .object({
    bookId: id,
    /** Progress as task.progress events under this id; cancelTask stops the solve. */
    taskId: z.string().min(1).max(64).optional(),
    account: z.string().min(1),
    currency: z.string().min(1),
    riskUnit: z.string().nullable(),
    method: MarginMethodName,
    /** Target IM / equity (0.8 = 80 %). */
    target: z.number().gt(0).max(10)
  })
  .strict()
export const ReduceResponse = z.object({
  group: z.string(),
  method: MarginMethodName,
  currency: z.string(),
  lpScope: z.enum(['exact', 'scenario part']),
  equity: z.number(),
  target: z.number(),
  before: z.object({ initialMargin: z.number(), utilisation: z.number() }),
  after: z.object({ initialMargin: z.number(), utilisation: z.number() }),
  /** Partial closes: trades against the positions, in contracts (lots), with the fraction closed. */
  closes: z.array(z.object({ accountId: id, symbol: z.string(), side: z.enum(['buy', 'sell']), contracts: z.number().positive(), fraction: z.number(), cost: z.number(), ...FillView })),
  costTotal: z.number(),
  reached: z.boolean(),
  diff: MarginDiffView,
  ...ReviewFields
})

export const Band = z.tuple([bounded('notionalUsd'), bounded('notionalUsd')]).refine(([lo, hi]) => lo <= hi, { message: 'a band is [low, high] with low ≤ high' })
export const GreekHedgeRequest = z
  .object({
    bookId: id,
    /** Progress as task.progress events under this id; cancelTask stops the solve. */
    taskId: z.string().min(1).max(64).optional(),
    account: z.string().min(1),
    underlying: z.string().regex(/^[A-Z0-9]+$/, 'underlyings are upper case'),
    mode: z.enum(['delta', 'targets']),
    /** Delta hedge instrument (venue symbol); default the venue's perpetual, else its nearest future. */
    instrument: z.string().min(1).optional(),
    /** Bands: delta in coin, gamma in coin per 1 % move, vega in USD per vol point. */
    bands: z.object({ delta: Band.optional(), gamma: Band.optional(), vega: Band.optional() }).strict().optional(),
    kinds: z.array(z.enum(['perpetual', 'future', 'option'])).min(1).optional(),
    maxExpiryDays: z.number().positive().max(3650).optional(),
    moneyness: z.tuple([positiveBounded('moneyness'), positiveBounded('moneyness')]).optional(),
    noNewShortOptions
  })
  .strict()
export const GreeksView = z.object({ delta: z.number(), gamma: z.number(), vega: z.number() })
export const GreekHedgeResponse = z.object({
  account: z.string(),
  underlying: z.string(),
  mode: z.enum(['delta', 'targets']),
  trades: z.array(z.object({ accountId: id, symbol: z.string(), kind: InstrumentKind, side: z.enum(['buy', 'sell']), contracts: z.number().positive(), costUsd: z.number(), ...FillView })),
  /** The account's Greeks in the underlying: delta (coin), gamma (coin per 1 %), vega (USD per vol point). */
  before: GreeksView,
  after: GreeksView,
  costUsd: z.number(),
  diff: MarginDiffView,
  ...ReviewFields
})

export const EsHedgeRequest = z
  .object({
    bookId: id,
    /** Progress as task.progress events under this id; cancelTask stops the solve. */
    taskId: z.string().min(1).max(64).optional(),
    /** The account the trades go to (its venue's instruments are the candidates); ES is of the whole book. */
    account: z.string().min(1),
    confidence: z.number().gt(0.5).lt(1).default(0.975),
    horizonDays: z.union([z.literal(1), z.literal(2)]).default(1),
    lookbackDays: z.number().int().min(30).max(10_000).optional(),
    scenarioSource: z.enum(['historical', 'monte-carlo']).optional(),
    simulations: z.number().int().min(100).max(20_000).optional(),
    seed: z.number().int().optional(),
    kinds: z.array(z.enum(['perpetual', 'future', 'option'])).min(1).optional(),
    maxExpiryDays: z.number().positive().max(3650).optional(),
    moneyness: z.tuple([positiveBounded('moneyness'), positiveBounded('moneyness')]).optional(),
    maxLegs: z.number().int().min(1).max(20).optional(),
    noNewShortOptions
  })
  .strict()
export const EsHedgeResponse = z.object({
  account: z.string(),
  confidence: z.number(),
  scenarioSource: z.enum(['historical', 'monte-carlo']),
  scenarios: z.number().int(),
  historyFrom: z.string(),
  historyTo: z.string(),
  candidates: z.number().int(),
  trades: z.array(z.object({ accountId: id, symbol: z.string(), kind: InstrumentKind, side: z.enum(['buy', 'sell']), contracts: z.number().positive(), costUsd: z.number(), ...FillView })),
  before: z.object({ expectedShortfallUsd: z.number() }),
  after: z.object({ expectedShortfallUsd: z.number() }),
  costUsd: z.number(),
  solveMs: z.number(),
  diff: MarginDiffView,
  ...ReviewFields
})

export type HedgeResponse = z.output<typeof HedgeResponse>
export type HedgeRequestInput = z.input<typeof HedgeRequest>
export type ReduceResponse = z.output<typeof ReduceResponse>
export type GreekHedgeResponse = z.output<typeof GreekHedgeResponse>
export type EsHedgeResponse = z.output<typeof EsHedgeResponse>

export const hedgeMethods = {
  /** The margin-minimising hedge of one margining group by an exact LP (HiGHS), lot-rounded, the method recomputed. */
  suggestHedge: { request: HedgeRequest, response: HedgeResponse },
  /** The cheapest partial closes that bring a pool's utilisation under a target (exact LP), lot-rounded and recomputed. */
  reduceToTarget: { request: ReduceRequest, response: ReduceResponse },
  /** A delta hedge with one instrument, or delta/gamma/vega bands reached at least cost (LP), in lots. */
  greekHedge: { request: GreekHedgeRequest, response: GreekHedgeResponse },
  /** The hedge minimising the book's historical-simulation ES (Rockafellar–Uryasev LP), in lots. */
  esHedge: { request: EsHedgeRequest, response: EsHedgeResponse }
} as const satisfies MethodTable
