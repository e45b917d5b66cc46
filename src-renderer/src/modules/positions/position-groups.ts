/**
 * Grouping for the positions grid: account → underlying → expiry → position.
 * AG Grid Community has no row grouping (an Enterprise feature), so the hierarchy is flattened here
 * into group and position rows; the grid keeps it through sorting (regroupSorted, used as
 * postSortRows) and filtering/collapse (visibleRowIds, used as the external filter).
 */
import type { PositionRow } from '@contract/api'

export type PositionGridRow = PositionRow & { rowType: 'position'; id: string; parentIds: string[]; order: number }

export interface GroupGridRow {
  rowType: 'group'
  id: string
  level: 0 | 1 | 2
  label: string
  /** Ancestor group ids, outermost first. */
  parentIds: string[]
  /** Position in the natural (unsorted) order; groups always keep it. */
  order: number
  positionCount: number
}

export type GridRow = GroupGridRow | PositionGridRow

/** Expiry bucket label; spot and perpetuals have none, and sort before dated expiries. */
export function expiryBucket(r: Pick<PositionRow, 'expiryUtc' | 'kind'>): { key: string; label: string; rank: string } {
  if (r.kind === 'unknown') return { key: 'unknown', label: 'Not priced', rank: '3' }
  if (r.kind === 'spot') return { key: 'spot', label: 'Spot', rank: '0' }
  if (r.expiryUtc === null) return { key: 'perpetual', label: 'Perpetual', rank: '1' }
  return { key: r.expiryUtc, label: expiryLabel(r.expiryUtc), rank: `2${r.expiryUtc}` }
}

// Built once: creating a locale formatter or collator per call cost 65 µs, and sorting 10,000
// positions called them twice per comparison (34 s before the grid showed a row, issue 20).
const EXPIRY_LABEL = new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: 'short', year: 'numeric', timeZone: 'UTC' })
const COLLATOR = new Intl.Collator()
// A book has a few dozen expiries: each label is formatted once per session, not once per row.
const expiryLabels = new Map<string, string>()
function expiryLabel(expiryUtc: string): string {
  let label = expiryLabels.get(expiryUtc)
  if (label === undefined) expiryLabels.set(expiryUtc, (label = EXPIRY_LABEL.format(new Date(expiryUtc))))
  return label
}

/**
 * Each distinct value's place in the collator's order (equal under it: equal places). Sorting the
 * few distinct values (accounts, underlyings, symbols) once with the collator gives exactly the
 * order a per-comparison localeCompare gave, and leaves the row sort plain integer comparisons.
 */
export function collationRanks(values: Iterable<string>): Map<string, number> {
  const distinct = [...new Set(values)].sort(COLLATOR.compare)
  const ranks = new Map<string, number>()
  distinct.forEach((v, i) => ranks.set(v, i > 0 && COLLATOR.compare(distinct[i - 1]!, v) === 0 ? ranks.get(distinct[i - 1]!)! : i))
  return ranks
}

interface SortKeys {
  p: PositionRow
  bucket: ReturnType<typeof expiryBucket>
  account: number
  underlying: number
  expiry: number
  kind: number
  strikeUsd: number
  symbol: number
}

export function buildGroupedRows(positions: readonly PositionRow[]): GridRow[] {
  // Each position's keys are computed once, as integers, then sorted on: never a bucket, a label
  // or a locale comparison per row comparison. Not-priced instruments (no underlying) sort after
  // the real ones ('\uffff').
  const buckets = positions.map(expiryBucket)
  const underlyingOf = (p: PositionRow): string => p.underlying || '\uffff'
  const account = collationRanks(positions.map((p) => p.accountName))
  const underlying = collationRanks(positions.map(underlyingOf))
  const expiry = collationRanks(buckets.map((b) => b.rank))
  const kind = collationRanks(positions.map((p) => p.kind))
  const symbol = collationRanks(positions.map((p) => p.symbol))
  const keyed: SortKeys[] = positions.map((p, i) => ({
    p,
    bucket: buckets[i]!,
    account: account.get(p.accountName)!,
    underlying: underlying.get(underlyingOf(p))!,
    expiry: expiry.get(buckets[i]!.rank)!,
    kind: kind.get(p.kind)!,
    strikeUsd: p.strikeUsd ?? 0,
    symbol: symbol.get(p.symbol)!
  }))
  const sorted = keyed.sort(
    (a, b) =>
      a.account - b.account ||
      a.underlying - b.underlying ||
      a.expiry - b.expiry ||
      a.kind - b.kind ||
      a.strikeUsd - b.strikeUsd ||
      a.symbol - b.symbol
  )
  const rows: GridRow[] = []
  const groups = new Map<string, GroupGridRow>()
  const group = (id: string, level: 0 | 1 | 2, label: string, parentIds: string[]): GroupGridRow => {
    let g = groups.get(id)
    if (!g) {
      g = { rowType: 'group', id, level, label, parentIds, order: rows.length, positionCount: 0 }
      groups.set(id, g)
      rows.push(g)
    }
    g.positionCount++
    return g
  }
  for (const { p, bucket } of sorted) {
    const account = group(`a:${p.accountId}`, 0, `${p.accountName} · ${p.venue}`, [])
    const underlying = group(`${account.id}/u:${p.underlying}`, 1, p.underlying || 'Not priced', [account.id])
    const expiry = group(`${underlying.id}/e:${bucket.key}`, 2, bucket.label, [account.id, underlying.id])
    rows.push({ ...p, rowType: 'position', id: `p:${p.positionId}`, parentIds: [account.id, underlying.id, expiry.id], order: rows.length })
  }
  return rows
}

/**
 * Restore the hierarchy after the grid sorted every row by a column: groups keep their natural
 * order, and each expiry group is followed by its positions in the sorted order.
 */
export function regroupSorted<T extends { data?: GridRow | undefined }>(sortedNodes: T[]): T[] {
  const positionsByGroup = new Map<string, T[]>()
  const groupNodes: T[] = []
  for (const n of sortedNodes) {
    const row = n.data
    if (!row) continue
    if (row.rowType === 'group') {
      groupNodes.push(n)
      continue
    }
    const parent = row.parentIds[row.parentIds.length - 1]!
    const list = positionsByGroup.get(parent)
    if (list) list.push(n)
    else positionsByGroup.set(parent, [n])
  }
  groupNodes.sort((a, b) => a.data!.order - b.data!.order)
  const out: T[] = []
  for (const g of groupNodes) {
    out.push(g)
    if ((g.data as GroupGridRow).level === 2) for (const n of positionsByGroup.get(g.data!.id) ?? []) out.push(n)
  }
  return out
}

export interface PositionFilter {
  /** Whitespace-separated terms; every term must appear in symbol, account, venue or underlying. */
  text: string
  kinds: PositionRow['kind'][]
  side: 'all' | 'long' | 'short'
}

export const emptyFilter = (): PositionFilter => ({ text: '', kinds: [], side: 'all' })

export function matchesFilter(p: PositionRow, f: PositionFilter): boolean {
  return positionMatcher(f)(p)
}

// What the text filter searches, built once per row (the rows are replaced, never edited, on reload).
const haystacks = new WeakMap<PositionRow, string>()
function haystackOf(p: PositionRow): string {
  let h = haystacks.get(p)
  if (h === undefined) haystacks.set(p, (h = `${p.symbol} ${p.accountName} ${p.venue} ${p.underlying} ${p.kind}`.toLowerCase()))
  return h
}

/** The filter as a per-row test: its terms are split once, not once per row. */
export function positionMatcher(f: PositionFilter): (p: PositionRow) => boolean {
  const terms = f.text.toLowerCase().split(/\s+/).filter(Boolean)
  const kinds = f.kinds.length > 0 ? new Set(f.kinds) : null
  return (p) => {
    if (kinds && !kinds.has(p.kind)) return false
    if (f.side === 'long' && !(p.sizeContracts > 0)) return false
    if (f.side === 'short' && !(p.sizeContracts < 0)) return false
    if (terms.length === 0) return true
    const haystack = haystackOf(p)
    return terms.every((term) => haystack.includes(term))
  }
}

/** Engine figures summed over a group's matching positions. USD figures add across underlyings;
 * coin delta and gamma only within one underlying, so account groups leave them null. */
export interface GroupSums {
  valueUsd: number
  pnlUsd: number
  vegaUsdPerPoint: number
  thetaUsdPerDay: number
  deltaCoin: number | null
  gammaCoinPer1Pct: number | null
  /** Positions the engine could not value, left out of the sums. */
  unvalued: number
}

export interface Visibility {
  visible: Set<string>
  /** Matching positions per group id, shown as the group's count. */
  matchCount: Map<string, number>
  sums: Map<string, GroupSums>
}

function addToSums(sums: Map<string, GroupSums>, groupId: string, level: number, p: PositionRow): void {
  let s = sums.get(groupId)
  if (!s) {
    s = { valueUsd: 0, pnlUsd: 0, vegaUsdPerPoint: 0, thetaUsdPerDay: 0, deltaCoin: level > 0 ? 0 : null, gammaCoinPer1Pct: level > 0 ? 0 : null, unvalued: 0 }
    sums.set(groupId, s)
  }
  const v = p.valuation
  if (!v) {
    s.unvalued++
    return
  }
  s.valueUsd += v.valueUsd
  s.pnlUsd += v.pnlUsd ?? 0
  s.vegaUsdPerPoint += v.vegaUsdPerPoint
  s.thetaUsdPerDay += v.thetaUsdPerDay
  if (s.deltaCoin !== null) s.deltaCoin += v.deltaCoin
  if (s.gammaCoinPer1Pct !== null) s.gammaCoinPer1Pct += v.gammaCoinPer1Pct
}

/** Rows to show: matching positions under expanded groups, and groups holding any match. */
export function visibleRowIds(rows: readonly GridRow[], filter: PositionFilter, collapsed: ReadonlySet<string>): Visibility {
  const matchCount = new Map<string, number>()
  const sums = new Map<string, GroupSums>()
  const matching = new Set<string>()
  const matches = positionMatcher(filter)
  for (const r of rows) {
    if (r.rowType !== 'position' || !matches(r)) continue
    matching.add(r.id)
    for (let level = 0; level < r.parentIds.length; level++) {
      const g = r.parentIds[level]!
      matchCount.set(g, (matchCount.get(g) ?? 0) + 1)
      addToSums(sums, g, level, r)
    }
  }
  const visible = new Set<string>()
  for (const r of rows) {
    if (collapsed.size > 0 && r.parentIds.some((g) => collapsed.has(g))) continue
    if (r.rowType === 'position' ? matching.has(r.id) : (matchCount.get(r.id) ?? 0) > 0) visible.add(r.id)
  }
  return { visible, matchCount, sums }
}
