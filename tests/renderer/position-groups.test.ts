import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import type { PositionRow } from '@contract/api'
import { openBook } from '../../src-main/book/open-book'
import { listHeldPositions } from '../../src-main/book/positions-repository'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import { toPositionRow } from '../../src-main/services/positions-view'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import {
  buildGroupedRows,
  emptyFilter,
  matchesFilter,
  regroupSorted,
  visibleRowIds,
  type GridRow
} from '../../src-renderer/src/modules/positions/position-groups'

const book = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-groups-')), 'book.sqlite'))
const market = loadMarketSnapshot(book.db, 'demo-2026-11-20T09:00Z')
const positions: PositionRow[] = listHeldPositions(book.db, 1).map((p) => toPositionRow(p, market, buildMarketView(market!)))
const rows = buildGroupedRows(positions)
const leaves = (rs: GridRow[]) => rs.filter((r): r is Extract<GridRow, { rowType: 'position' }> => r.rowType === 'position')

describe('positions grouping account → underlying → expiry', () => {
  it('groups the demo book (36 positions on its own market)', () => {
    expect(market).toBeDefined()
    expect(positions).toHaveLength(36)
  })

  it('keeps every position exactly once, under groups that match its own fields', () => {
    expect(leaves(rows)).toHaveLength(positions.length)
    const byId = new Map(rows.map((r) => [r.id, r]))
    for (const leaf of leaves(rows)) {
      const [account, underlying, expiry] = leaf.parentIds.map((id) => byId.get(id)!)
      expect(account!.rowType === 'group' && account!.label).toBe(`${leaf.accountName} · ${leaf.venue}`)
      expect(underlying!.rowType === 'group' && underlying!.label).toBe(leaf.underlying)
      expect(expiry!.rowType === 'group' && expiry!.level).toBe(2)
    }
  })

  it('lists each position after its own expiry group, spot and perpetuals before dated expiries', () => {
    let currentExpiry: string | null = null
    let checked = 0
    for (const r of rows) {
      if (r.rowType === 'group' && r.level === 2) currentExpiry = r.id
      if (r.rowType === 'position') {
        expect(r.parentIds[2]).toBe(currentExpiry)
        checked++
      }
    }
    expect(checked).toBe(positions.length)
    const okxBtc = rows.filter((r) => r.rowType === 'group' && r.level === 2 && r.id.includes('u:BTC') && r.parentIds[0] === 'a:2')
    expect(okxBtc.map((g) => g.rowType === 'group' && g.label).slice(0, 3)).toEqual(['Spot', 'Perpetual', '25 Dec 2026'])
  })

  it('group counts add up: account = Σ underlyings = Σ expiries', () => {
    const groups = rows.filter((r) => r.rowType === 'group')
    let checked = 0
    for (const g of groups) {
      if (g.rowType !== 'group' || g.level === 2) continue
      const children = groups.filter((c) => c.parentIds.at(-1) === g.id)
      expect(children.length).toBeGreaterThan(0)
      expect(children.reduce((s, c) => s + (c.rowType === 'group' ? c.positionCount : 0), 0)).toBe(g.positionCount)
      checked++
    }
    expect(checked).toBeGreaterThan(0)
    expect(checked).toBe(groups.filter((g) => g.rowType === 'group' && g.level < 2).length)
  })

  it('regroupSorted keeps the hierarchy after any column sort, with positions in sorted order inside groups', () => {
    const nodes = rows.map((data) => ({ data }))
    // A sort by contracts descending, as the grid would deliver it: groups land anywhere.
    const sorted = [...nodes].sort((a, b) => (b.data.rowType === 'position' ? b.data.sizeContracts : -Infinity) - (a.data.rowType === 'position' ? a.data.sizeContracts : -Infinity))
    const regrouped = regroupSorted(sorted).map((n) => n.data)
    expect(regrouped.filter((r) => r.rowType === 'group')).toEqual(rows.filter((r) => r.rowType === 'group'))
    let parent = ''
    let last = Infinity
    let seen = 0
    for (const r of regrouped) {
      if (r.rowType === 'group') {
        parent = r.id
        last = Infinity
        continue
      }
      expect(r.parentIds[2]).toBe(parent)
      expect(r.sizeContracts).toBeLessThanOrEqual(last)
      last = r.sizeContracts
      seen++
    }
    expect(seen).toBe(positions.length)
  })

  it('filters positions and hides empty groups; collapsing hides descendants only', () => {
    const eth = visibleRowIds(rows, { ...emptyFilter(), text: 'eth 25dec26' }, new Set())
    const shown = rows.filter((r) => eth.visible.has(r.id))
    expect(leaves(shown).length).toBeGreaterThan(0)
    expect(leaves(shown).every((r) => r.symbol.startsWith('ETH-25DEC26'))).toBe(true)
    expect(leaves(shown).length).toBe(positions.filter((p) => p.symbol.startsWith('ETH-25DEC26')).length)
    expect(shown.filter((r) => r.rowType === 'group').every((g) => (eth.matchCount.get(g.id) ?? 0) > 0)).toBe(true)

    const shorts = visibleRowIds(rows, { ...emptyFilter(), side: 'short', kinds: ['option'] }, new Set())
    const shortLeaves = leaves(rows.filter((r) => shorts.visible.has(r.id)))
    expect(shortLeaves.length).toBeGreaterThan(0)
    expect(shortLeaves.every((r) => r.sizeContracts < 0 && r.kind === 'option')).toBe(true)

    const collapsed = visibleRowIds(rows, emptyFilter(), new Set(['a:1']))
    expect(collapsed.visible.has('a:1')).toBe(true)
    const a1 = rows.filter((r) => r.parentIds[0] === 'a:1')
    const a2 = rows.filter((r) => r.parentIds[0] === 'a:2')
    expect(a1.length).toBeGreaterThan(0)
    expect(a2.length).toBeGreaterThan(0)
    expect(a1.some((r) => collapsed.visible.has(r.id))).toBe(false)
    expect(a2.every((r) => collapsed.visible.has(r.id))).toBe(true)
  })

  it('sums engine figures over matching positions; coin delta only within one underlying', () => {
    expect(positions.every((p) => p.valuation !== null && p.valuationError === null)).toBe(true)
    const { sums } = visibleRowIds(rows, { ...emptyFilter(), kinds: ['option'] }, new Set())
    const btcDeribit = positions.filter((p) => p.accountId === 1 && p.underlying === 'BTC' && p.kind === 'option')
    expect(btcDeribit.length).toBeGreaterThan(0)
    const s = sums.get('a:1/u:BTC')!
    expect(s.vegaUsdPerPoint).toBeCloseTo(btcDeribit.reduce((a, p) => a + p.valuation!.vegaUsdPerPoint, 0), 9)
    expect(s.deltaCoin).toBeCloseTo(btcDeribit.reduce((a, p) => a + p.valuation!.deltaCoin, 0), 12)
    expect(sums.get('a:1')!.deltaCoin).toBeNull()
    expect(sums.get('a:1')!.valueUsd).toBeCloseTo(
      positions.filter((p) => p.accountId === 1 && p.kind === 'option').reduce((a, p) => a + p.valuation!.valueUsd, 0),
      6
    )
  })
})

describe('grouping a desk-sized book', () => {
  // Issue 20: a locale date string and localeCompare per sort comparison kept a 10,000-position
  // book from showing for 34 s. Keys are computed once per row; this fails if one comes back.
  it('groups 10,000 positions with no per-comparison locale call, every position once, in order', () => {
    const big: PositionRow[] = Array.from({ length: 10_000 }, (_, i) => ({
      ...positions[i % positions.length]!,
      positionId: i + 1,
      symbol: `${positions[i % positions.length]!.symbol}-${i}`
    }))
    const compare = vi.spyOn(String.prototype, 'localeCompare')
    const dateLabel = vi.spyOn(Date.prototype, 'toLocaleDateString')
    try {
      const grouped = buildGroupedRows(big)
      expect(compare).not.toHaveBeenCalled()
      expect(dateLabel).not.toHaveBeenCalled()
      expect(leaves(grouped)).toHaveLength(big.length)
      expect(new Set(leaves(grouped).map((r) => r.positionId)).size).toBe(big.length)
      // The same hierarchy as the demo book's: one group per account, underlying and expiry.
      const levels = (rs: GridRow[], level: number) => new Set(rs.filter((r) => r.rowType === 'group' && r.level === level).map((r) => r.id))
      expect(levels(grouped, 2)).toEqual(levels(rows, 2))
      expect(grouped.filter((r) => r.rowType === 'group' && r.level === 2).map((r) => r.rowType === 'group' && r.label)).toEqual(
        rows.filter((r) => r.rowType === 'group' && r.level === 2).map((r) => r.rowType === 'group' && r.label)
      )
    } finally {
      compare.mockRestore()
      dateLabel.mockRestore()
    }
  })
})


describe('grouping order with precomputed keys', () => {
  // The comparator before issue 20, a locale comparison per field per comparison: the order the
  // precomputed integer keys must reproduce exactly.
  const rank = (p: PositionRow): string => (p.kind === 'unknown' ? '3' : p.kind === 'spot' ? '0' : p.expiryUtc === null ? '1' : `2${p.expiryUtc}`)
  const reference = (ps: PositionRow[]): PositionRow[] =>
    [...ps].sort(
      (a, b) =>
        a.accountName.localeCompare(b.accountName) ||
        (a.underlying || '\uffff').localeCompare(b.underlying || '\uffff') ||
        rank(a).localeCompare(rank(b)) ||
        a.kind.localeCompare(b.kind) ||
        (a.strikeUsd ?? 0) - (b.strikeUsd ?? 0) ||
        a.symbol.localeCompare(b.symbol)
    )

  it('orders positions exactly as the per-comparison localeCompare did, case and punctuation included', () => {
    // Names where code-point order and collation order differ: case, underscores, accents.
    const accounts = ['alpha', 'Beta', 'beta', 'Éclair', 'zeta_desk', 'zeta-desk', 'Zeta desk']
    const symbols = ['BTC_USDC', 'btc-usdc', 'BTC-USDC', 'ETH_USDC-PERPETUAL', 'Eth-perp', 'XRP']
    let seed = 7
    const rnd = (n: number): number => (seed = (seed * 48271) % 2147483647) % n
    const mixed: PositionRow[] = Array.from({ length: 3_000 }, (_, i) => {
      const base = positions[rnd(positions.length)]!
      return {
        ...base,
        positionId: i + 1,
        accountId: rnd(accounts.length) + 1,
        accountName: accounts[rnd(accounts.length)]!,
        symbol: rnd(3) === 0 ? symbols[rnd(symbols.length)]! : `${base.symbol}${rnd(5) === 0 ? '' : `-${rnd(40)}`}`,
        ...(rnd(20) === 0 ? { kind: 'unknown' as const, underlying: '' } : {})
      }
    })
    const expected = reference(mixed).map((p) => p.positionId)
    expect(leaves(buildGroupedRows(mixed)).map((r) => r.positionId)).toEqual(expected)
    // Ties (equal on every key) keep their input order, as the stable sort always did.
    expect(leaves(buildGroupedRows([...mixed].reverse())).map((r) => r.positionId)).toEqual(reference([...mixed].reverse()).map((p) => p.positionId))
  })

  it('the filter matcher reads a row as matchesFilter always did', () => {
    for (const f of [{ ...emptyFilter(), text: '  ETH  25dec ' }, { ...emptyFilter(), kinds: ['future' as const, 'perpetual' as const], side: 'long' as const }, { ...emptyFilter(), text: 'okx btc', side: 'short' as const }]) {
      const expected = positions.filter((p) => {
        if (f.kinds.length > 0 && !f.kinds.includes(p.kind)) return false
        if (f.side === 'long' && !(p.sizeContracts > 0)) return false
        if (f.side === 'short' && !(p.sizeContracts < 0)) return false
        const h = `${p.symbol} ${p.accountName} ${p.venue} ${p.underlying} ${p.kind}`.toLowerCase()
        return f.text.toLowerCase().split(/\s+/).filter(Boolean).every((t) => h.includes(t))
      })
      expect(expected.length).toBeGreaterThan(0)
      expect(positions.filter((p) => matchesFilter(p, f))).toEqual(expected)
    }
  })
})
