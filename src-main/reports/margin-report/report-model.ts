/**
 * Everything a margin report prints, as plain data: the API's own responses (MarginResults, stress,
 * VaR, backtest, hedges, positions) plus the header. The template formats this and computes
 * nothing (docs/ARCHITECTURE.md: report output is built from MarginResults). Run times are
 * left out, so the same book and market give the same report text.
 */
import type { ResponseOf } from '@contract/api'
import type { PositionsSummary } from './positions-summary'
import type { ReportExplain } from './explain-section'

export type PageSize = 'A4' | 'Letter'

/** Appendix A: the positions summarised (by underlying, expiry, account; top consumers) or every one listed. */
export type PositionsAppendix = 'summary' | 'full'

/** A section that could not be produced, and why (no history imported, no market, …). */
export interface Unavailable {
  unavailable: string
}
export const isUnavailable = (x: object): x is Unavailable => 'unavailable' in x

export type ReportMargin = Omit<ResponseOf<'bookMargin'>, 'marketId'>
export type ReportStress = ResponseOf<'runStress'>
export type ReportVar = Omit<ResponseOf<'runVar'>, 'durationMs'>
export type ReportBacktest = Omit<ResponseOf<'runBacktest'>, 'durationMs'>
export type ReportPosition = ResponseOf<'listPositions'>['rows'][number]

/** The book's USD P&L against one underlying's move (the P&L explorer's curves), vol unchanged. */
export interface ProfileCurve {
  underlying: string
  indexUsd: number
  movesPct: number[]
  nowUsd: number[]
  /** At the first expiry of the underlying's legs (those legs at payoff); null without expiring legs. */
  atExpiry: { label: string; pnlUsd: number[] } | null
  breakevensPct: number[]
  trough: { movePct: number; pnlUsd: number }
}

export interface HedgeTradeLine {
  symbol: string
  side: 'buy' | 'sell'
  contracts: number
  costUsd: number
  /** The mark ± half the bid-ask, in `priceCurrency`. */
  fillPrice: number
  priceCurrency: string
}

/** The hedge responses' own review fields (what gets worse; cost against equity per pool). */
export type HedgeReviewLines = Pick<ResponseOf<'suggestHedge'>, 'worsens' | 'reconciliation'>

export interface ReportHedge {
  account: string
  currency: string
  riskUnit: string | null
  method: string
  result:
    | {
        lpScope: 'exact' | 'scenario part'
        candidates: number
        trades: HedgeTradeLine[]
        before: { initialMargin: number; maintenanceMargin: number }
        after: { initialMargin: number; maintenanceMargin: number }
        costTotal: number
        worsens: HedgeReviewLines['worsens']
        reconciliation: HedgeReviewLines['reconciliation']
      }
    | Unavailable
}

export interface ParamSetLine {
  kind: string
  label: string
  activeId: string
  file: string
  comment: string | null
  edited: boolean
}

export interface MarginReportModel {
  pageSize: PageSize
  generatedAtUtc: string
  appVersion: string
  book: { id: number; name: string; kind: string }
  /** null: the whole book; else the one account reported. */
  account: string | null
  accounts: { name: string; venue: string }[]
  /** The valuation instant is asOfUtc; each underlying's data has its own time (a chain per underlying). */
  market: { id: string; asOfUtc: string; source: string; underlyings: { underlying: string; asOfUtc: string; source: string }[] }
  paramSets: ParamSetLine[]
  margin: ReportMargin
  profiles: ProfileCurve[]
  stress: ReportStress | Unavailable
  /** null: not requested. */
  valueAtRisk: ReportVar | Unavailable | null
  backtest: ReportBacktest | Unavailable | null
  hedges: ReportHedge[] | null
  /** Every position (the full appendix lists them; section 5 reads their sizes). */
  positions: ReportPosition[]
  positionsAppendix: PositionsAppendix
  /** Appendix A's tables when it is a summary (computed for either choice: it is one pass). */
  positionsSummary: PositionsSummary
  /** Section 9, the P&L explain between two dates (issue 22 §2); null: not requested. */
  explain: ReportExplain | Unavailable | null
}
