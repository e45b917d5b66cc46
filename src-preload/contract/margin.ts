/**
 * Margin by every method per account and pool, the per-scenario drill-down, and the margin parameter sets.
 */
import { z } from 'zod'
import { EmptyRequest } from './common'
import { BookRequest } from './books'
import type { MethodTable } from './method-table'
import { LiquidationBandView } from './liquidation'

/** Every margin method, in display order (the engine's MARGIN_METHODS; services/margin-view.ts checks they are equal). */
export const MarginMethodName = z.enum(['standard', 'span', 'deribit-pm', 'okx-pm', 'derive-pm', 'greeks'])

export const MarginResultView = z.object({
  method: MarginMethodName,
  currency: z.string(),
  initialMargin: z.number(),
  maintenanceMargin: z.number(),
  components: z.array(z.object({ name: z.string(), amount: z.number(), published: z.boolean(), note: z.string().optional() })),
  determiningScenario: z.object({ index: z.number().int(), label: z.string(), pnl: z.number() }).nullable(),
  /** Portfolio P&L per scenario, in `currency`, gain positive. */
  scenarioPnl: z.array(z.number()).nullable(),
  scenarioLabels: z.array(z.string()),
  /** Per position of the group (positionIds order): P&L in the determining scenario (standard: own IM). */
  attribution: z.array(z.number()),
  /** Per position: IM alone, and book IM minus book IM without it. */
  standalone: z.array(z.number()),
  incremental: z.array(z.number()),
  paramsId: z.string(),
  marketId: z.string()
})

export const PoolHealthView = z.object({
  pool: z.string(),
  account: z.string(),
  venue: z.string(),
  currency: z.string(),
  method: MarginMethodName,
  collateral: z.number(),
  positionsValue: z.number(),
  equity: z.number(),
  initialMargin: z.number(),
  maintenanceMargin: z.number(),
  /** Ratios (1 = 100 %); null stands for "infinite" (margin due with no equity). */
  imUtilisation: z.number().nullable(),
  mmUtilisation: z.number().nullable(),
  status: z.enum(['ok', 'warning', 'margin call', 'liquidation']),
  /** The same figures under every method that margins the whole pool. */
  byMethod: z.array(
    z.object({
      method: MarginMethodName,
      initialMargin: z.number(),
      maintenanceMargin: z.number(),
      imUtilisation: z.number().nullable(),
      mmUtilisation: z.number().nullable(),
      status: z.enum(['ok', 'warning', 'margin call', 'liquidation'])
    })
  ),
  liquidation: z.array(
    z.object({
      underlying: z.string(),
      indexUsd: z.number(),
      /** The nearest index levels below / above today's where equity = MM; null when none within −95 % … +500 %. */
      downUsd: z.number().nullable(),
      upUsd: z.number().nullable(),
      distancePct: z.number().nullable(),
      /**
       * Every band of index levels where equity ≤ MM, below and above today's, nearest first:
       * fromUsd the nearer end, toUsd the farther (null: beyond the search's end). Empty when equity
       * ≤ MM today (the levels above are then today's index). Always sent by the search; optional
       * only because the bench's frozen pre-issue-21 margin code (src-main/bench/margin-reference/)
       * shares the type.
       */
      bandsDown: z.array(LiquidationBandView).optional(),
      bandsUp: z.array(LiquidationBandView).optional(),
      /** The search's finest step, % of the index: a narrower band can be missed (ours). */
      scanStepPct: z.number().optional()
    })
  ),
  notes: z.array(z.string())
})

export const BookMarginResponse = z.object({
  marketId: z.string().nullable(),
  accounts: z.array(
    z.object({
      account: z.string(),
      venue: z.string(),
      currency: z.string(),
      /** The OKX risk unit / underlying of a USD group; null for a settlement-currency group. */
      riskUnit: z.string().nullable(),
      pool: z.string(),
      positionIds: z.array(z.number().int()),
      symbols: z.array(z.string()),
      results: z.array(MarginResultView),
      /** House liquidity and concentration add-ons, shown beside the methods (never part of them). */
      addOns: MarginResultView.extend({ method: z.literal('add-ons') }).nullable(),
      /** What the group lacks, said plainly (e.g. a Derive group whose market has no Derive feeds). */
      notes: z.array(z.string())
    })
  ),
  health: z.array(PoolHealthView),
  notCovered: z.array(z.object({ account: z.string(), symbol: z.string(), reason: z.string() }))
})

export const ScenarioDrillRequest = z.object({
  bookId: z.number().int().positive(),
  account: z.string(),
  currency: z.string(),
  riskUnit: z.string().nullable(),
  method: MarginMethodName,
  scenarioIndex: z.number().int().nonnegative()
})

export const ScenarioDrillResponse = ScenarioDrillRequest.omit({ bookId: true }).extend({
  label: z.string(),
  positions: z.array(z.object({ positionId: z.number().int(), symbol: z.string(), pnl: z.number() }))
})

export const MarginParamKind = z.enum(['deribit-pm', 'standard', 'span', 'okx-pm', 'collateral', 'add-ons', 'stress'])

/** One kind of margin parameter set: the shipped file and the user's edit of it, if any. */
export const MarginParamSetView = z.object({
  kind: MarginParamKind,
  label: z.string(),
  /** The shipped file under resources/, and its comment (sources, what is approximated). */
  file: z.string(),
  comment: z.string().nullable(),
  defaultDocument: z.record(z.string(), z.unknown()),
  userDocument: z.record(z.string(), z.unknown()).nullable(),
  updatedAt: z.string().nullable(),
  /** The id results name: the user's set when there is one, else the shipped one. */
  activeId: z.string(),
  /**
   * Other sets of this kind shipped with the app, with their date and source (Deribit PM: the
   * venue's own, read from its published model_params); `document` is what choosing one saves.
   */
  shippedSets: z.array(z.object({ id: z.string(), date: z.string(), source: z.string(), document: z.record(z.string(), z.unknown()) })).optional()
})
export const MarginParamsResponse = z.array(MarginParamSetView)
export const SaveMarginParamsRequest = z.object({ kind: MarginParamKind, document: z.record(z.string(), z.unknown()) })
export const MarginParamKindRequest = z.object({ kind: MarginParamKind })

export type BookMarginResponse = z.output<typeof BookMarginResponse>
export type ScenarioDrillResponse = z.output<typeof ScenarioDrillResponse>
export type MarginMethodName = z.output<typeof MarginMethodName>
export type MarginParamSetView = z.output<typeof MarginParamSetView>
export type MarginParamKind = z.output<typeof MarginParamKind>

export const marginMethods = {
  /** Margin by every implemented method, per account and settlement currency. */
  bookMargin: { request: BookRequest, response: BookMarginResponse },
  scenarioDrill: { request: ScenarioDrillRequest, response: ScenarioDrillResponse },
  /** Every kind of margin parameter set: shipped and user-edited documents, and the id in use. */
  marginParams: { request: EmptyRequest, response: MarginParamsResponse },
  /** Validate and save the user's set of one kind (invalid_request naming the field otherwise). */
  saveMarginParams: { request: SaveMarginParamsRequest, response: MarginParamSetView },
  /** Drop the user's set of one kind: the shipped file applies again. */
  resetMarginParams: { request: MarginParamKindRequest, response: MarginParamSetView }
} as const satisfies MethodTable
