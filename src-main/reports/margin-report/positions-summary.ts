/**
 * The positions appendix as a summary (issue 20): a desk book's 10,000 positions listed one per
 * line make a 150-page appendix nobody reads and a print that takes a minute. By default the report
 * prints the book by underlying, by expiry and by account — position count, net delta, vega, theta,
 * value and the margin the positions consume — and the N largest margin consumers; the full list is
 * an option of the report and a sheet of the XLSX export.
 *
 * Margin consumed is each position's incremental IM under its group's venue method (the group's IM
 * minus its IM without the position, the figure section 5 ranks by), in USD at the snapshot's index
 * so groups margined in different currencies add up. Incremental IMs do not add up to a group's IM
 * (hedges net out, offsets are counted once per position); the template says so.
 */
import { isUsdLike } from '../../engine/market/currency'
import type { ReportMargin, ReportPosition } from './report-model'

/** How many of the largest margin consumers the summary lists (stated in the report). */
export const TOP_CONSUMERS = 50

export interface PositionsSummaryRow {
  /** The underlying, the expiry (YYYY-MM-DD, or `perpetual`) or the account. */
  label: string
  positions: number
  /** Positions the market could not value (in the count, not in the sums). */
  notValued: number
  /** Net delta in coin of the underlying; null where a row mixes underlyings (by account). */
  netDeltaCoin: number | null
  /** Net delta in USD (each position's coin delta at its underlying's price). */
  deltaUsd: number
  vegaUsdPerPoint: number
  thetaUsdPerDay: number
  valueUsd: number
  /** Σ incremental IM in USD; null when none of the row's positions has a margin figure. */
  incrementalImUsd: number | null
}

export interface TopConsumer {
  positionId: number
  account: string
  symbol: string
  sizeContracts: number
  /** The margin group's currency: incremental and standalone IM are in it. */
  currency: string
  method: string
  incrementalIm: number
  incrementalImUsd: number
  standaloneIm: number
  deltaCoin: number | null
  vegaUsdPerPoint: number | null
}

export interface PositionsSummary {
  positions: number
  notValued: number
  byUnderlying: PositionsSummaryRow[]
  /** One row per expiry and underlying (deltas in coin only add up within one underlying). */
  byExpiry: (PositionsSummaryRow & { underlying: string })[]
  byAccount: (PositionsSummaryRow & { venue: string })[]
  /** The `n` largest incremental IMs in USD of `of` margined positions, largest first. */
  topConsumers: { n: number; of: number; rows: TopConsumer[] }
}

type Group = ReportMargin['accounts'][number]

/** The result a group is margined by at its venue (the pool's method), else its first scenario method. */
export function venueResult(m: ReportMargin, g: Group): Group['results'][number] | undefined {
  const method = m.health.find((h) => h.pool === g.pool)?.method
  return g.results.find((r) => r.method === method) ?? g.results.find((r) => r.scenarioPnl !== null) ?? g.results[0]
}

/** USD per unit of a margin currency: 1 for USD-like, the index for a coin; null when the snapshot has no index for it. */
const usdPer = (currency: string, indexUsd: Readonly<Record<string, number>>): number | null => (isUsdLike(currency) ? 1 : (indexUsd[currency] ?? null))

interface Margined {
  group: Group
  method: string
  incremental: number
  standalone: number
  incrementalUsd: number
}

const emptyRow = (label: string, withCoinDelta: boolean): PositionsSummaryRow => ({
  label,
  positions: 0,
  notValued: 0,
  netDeltaCoin: withCoinDelta ? 0 : null,
  deltaUsd: 0,
  vegaUsdPerPoint: 0,
  thetaUsdPerDay: 0,
  valueUsd: 0,
  incrementalImUsd: null
})

function add(row: PositionsSummaryRow, p: ReportPosition, margined: Margined | undefined): void {
  row.positions++
  const v = p.valuation
  if (v) {
    if (row.netDeltaCoin !== null) row.netDeltaCoin += v.deltaCoin
    row.deltaUsd += v.deltaCoin * v.underlyingUsd
    row.vegaUsdPerPoint += v.vegaUsdPerPoint
    row.thetaUsdPerDay += v.thetaUsdPerDay
    row.valueUsd += v.valueUsd
  } else row.notValued++
  if (margined) row.incrementalImUsd = (row.incrementalImUsd ?? 0) + margined.incrementalUsd
}

/** Plain code-unit order: the same on every machine, no locale collation. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const NOT_PRICED = '(not priced)'

export function positionsSummary(positions: readonly ReportPosition[], margin: ReportMargin, indexUsd: Readonly<Record<string, number>>, topN = TOP_CONSUMERS): PositionsSummary {
  // Each margined position's figures under its group's venue method.
  const margined = new Map<number, Margined>()
  for (const g of margin.accounts) {
    const r = venueResult(margin, g)
    if (!r) continue
    const fx = usdPer(g.currency, indexUsd)
    if (fx === null) continue
    g.positionIds.forEach((id, k) => margined.set(id, { group: g, method: r.method, incremental: r.incremental[k]!, standalone: r.standalone[k]!, incrementalUsd: r.incremental[k]! * fx }))
  }
  const underlyings = new Map<string, PositionsSummaryRow>()
  const expiries = new Map<string, PositionsSummaryRow & { underlying: string; sortKey: string }>()
  const accounts = new Map<string, PositionsSummaryRow & { venue: string }>()
  let notValued = 0
  for (const p of positions) {
    const m = margined.get(p.positionId)
    const u = p.underlying || NOT_PRICED
    let ur = underlyings.get(u)
    if (!ur) underlyings.set(u, (ur = emptyRow(u, u !== NOT_PRICED)))
    add(ur, p, m)
    const expiry = p.kind === 'unknown' ? NOT_PRICED : p.expiryUtc === null ? 'perpetual' : p.expiryUtc.slice(0, 10)
    const ek = `${expiry}\u0000${u}`
    let er = expiries.get(ek)
    // Dated expiries in date order, then perpetuals, then what could not be parsed.
    if (!er) expiries.set(ek, (er = { ...emptyRow(expiry, u !== NOT_PRICED), underlying: u, sortKey: `${p.kind === 'unknown' ? 2 : p.expiryUtc === null ? 1 : 0}${expiry}\u0000${u}` }))
    add(er, p, m)
    let ar = accounts.get(p.accountName)
    if (!ar) accounts.set(p.accountName, (ar = { ...emptyRow(p.accountName, false), venue: p.venue }))
    add(ar, p, m)
    if (!p.valuation) notValued++
  }
  const rows: TopConsumer[] = []
  for (const p of positions) {
    const m = margined.get(p.positionId)
    if (!m) continue
    rows.push({
      positionId: p.positionId,
      account: p.accountName,
      symbol: p.symbol,
      sizeContracts: p.sizeContracts,
      currency: m.group.currency,
      method: m.method,
      incrementalIm: m.incremental,
      incrementalImUsd: m.incrementalUsd,
      standaloneIm: m.standalone,
      deltaCoin: p.valuation?.deltaCoin ?? null,
      vegaUsdPerPoint: p.valuation?.vegaUsdPerPoint ?? null
    })
  }
  const of = rows.length
  rows.sort((a, b) => b.incrementalImUsd - a.incrementalImUsd || a.positionId - b.positionId)
  return {
    positions: positions.length,
    notValued,
    byUnderlying: [...underlyings.values()].sort((a, b) => byText(a.label, b.label)),
    byExpiry: [...expiries.values()].sort((a, b) => byText(a.sortKey, b.sortKey)).map(({ sortKey: _, ...r }) => r),
    byAccount: [...accounts.values()].sort((a, b) => byText(a.label, b.label)),
    topConsumers: { n: topN, of, rows: rows.slice(0, topN) }
  }
}
