/**
 * Positions grid cells go without their overflow clip only when their text surely fits
 * (cell-fit.ts, issue 20): a number must never spill over its neighbour, and a cell that may not
 * fit keeps AG Grid's clip and ellipsis.
 */
import { describe, expect, it } from 'vitest'
import type { CellClassParams, ColDef } from 'ag-grid-community'
import { charWidths, textFits, type TextWidth } from '../../src-renderer/src/modules/positions/cell-fit'
import { positionColumns } from '../../src-renderer/src/modules/positions/position-columns'
import type { GridRow, GroupGridRow, PositionGridRow } from '../../src-renderer/src/modules/positions/position-groups'

/** 7 px a character, 10 px a digit: a font whose digits are wider than its letters. */
const fakeWidth: TextWidth = charWidths((ch) => (ch >= '0' && ch <= '9' ? (ch === '8' ? 10 : 6) : 7))
// Cell chrome: 2 × (1 px border + 12 px padding) + 6 px margin = 32 px; text × 1.05.

describe('textFits', () => {
  it('says a text fits only with room for the cell padding and a margin', () => {
    // 'abcd' = 28 px → 29.4 + 32 = 61.4 px needed.
    expect(textFits('abcd', 62, fakeWidth)).toBe(true)
    expect(textFits('abcd', 61, fakeWidth)).toBe(false)
  })

  it('counts every digit at the widest digit (tabular figures)', () => {
    // '1111' is 4 × 10 px, not 4 × 6 px: 42 + 32 = 74 px needed.
    expect(fakeWidth('1111')).toBe(40)
    expect(textFits('1111', 73, fakeWidth)).toBe(false)
    expect(textFits('1111', 74, fakeWidth)).toBe(true)
  })

  it('an empty text always fits; an unmeasurable one never does', () => {
    expect(textFits('', 0, fakeWidth)).toBe(true)
    expect(textFits('1', 1_000, () => null)).toBe(false)
    expect(charWidths((ch) => (ch === 'x' ? null : 5))('abx')).toBeNull()
  })

  it('measures each character once', () => {
    const asked: string[] = []
    const width = charWidths((ch) => (asked.push(ch), 5))
    width('aab')
    width('ba')
    expect(asked).toEqual(['a', 'b'])
  })
})

const position = (over: Partial<PositionGridRow> = {}): GridRow =>
  ({
    rowType: 'position',
    id: 'p:1',
    positionId: 1,
    accountId: 1,
    symbol: 'BTC-PERPETUAL',
    venue: 'deribit',
    kind: 'perpetual',
    settlement: 'inverse',
    optionType: null,
    strikeUsd: null,
    expiryUtc: null,
    sizeContracts: -1234,
    contractSize: 10,
    contractUnit: 'usd',
    sizeCoin: -0.0123,
    underlying: 'BTC',
    avgPrice: 90_000,
    markPrice: 92_395,
    markIvPct: null,
    priceCurrency: 'USD',
    settleCurrency: 'BTC',
    indexUsd: 92_350,
    valuation: null,
    valuationError: null,
    ...over
  }) as unknown as GridRow

const columns = positionColumns({ toggle: () => undefined, isCollapsed: () => false, matchCount: () => 0, groupSums: () => undefined, textWidth: fakeWidth })
const column = (colId: string): ColDef<GridRow> => columns.find((c) => c.colId === colId)!

/** The classes AG Grid would give the cell of `colId` on `row`, in a column `widthPx` wide. */
function classesOf(colId: string, row: GridRow, widthPx: number): string[] {
  const def = column(colId)
  const value = (def.valueGetter as (p: { data: GridRow }) => unknown)({ data: row })
  const cellClass = def.cellClass as (p: CellClassParams<GridRow>) => string[]
  return cellClass({ value, data: row, colDef: def, column: { getActualWidth: () => widthPx } } as unknown as CellClassParams<GridRow>)
}
const textOf = (colId: string, row: GridRow): string => {
  const def = column(colId)
  const value = (def.valueGetter as (p: { data: GridRow }) => unknown)({ data: row })
  return (def.valueFormatter as (p: { value: unknown; data: GridRow }) => string)({ value, data: row })
}

describe('positions grid cell classes', () => {
  it('a numeric cell keeps its clip until its shown text (with its unit) fits the column', () => {
    const row = position()
    const text = textOf('markPrice', row)
    expect(text).toBe('92,395.00 USD')
    const needed = (fakeWidth(text) ?? 0) * 1.05 + 32
    expect(classesOf('markPrice', row, Math.floor(needed))).toEqual(['num', 'ag-right-aligned-cell'])
    expect(classesOf('markPrice', row, Math.ceil(needed))).toEqual(['num', 'ag-right-aligned-cell', 'ag-allow-overflow'])
  })

  it('negative amounts stay red whether or not they fit', () => {
    const row = position()
    expect(classesOf('sizeContracts', row, 20)).toEqual(['num', 'ag-right-aligned-cell', 'neg'])
    expect(classesOf('sizeContracts', row, 500)).toEqual(['num', 'ag-right-aligned-cell', 'neg', 'ag-allow-overflow'])
    expect(classesOf('sizeContracts', position({ sizeContracts: 5 }), 500)).toEqual(['num', 'ag-right-aligned-cell', 'ag-allow-overflow'])
  })

  it('text columns fit by their shown text; an empty cell never needs a clip', () => {
    const row = position({ valuationError: 'no volatility surface for BTC at this expiry' })
    expect(classesOf('valuationError', row, 220)).toEqual([])
    expect(classesOf('valuationError', position(), 220)).toEqual(['ag-allow-overflow'])
    expect(classesOf('optionType', row, 1)).toEqual(['ag-allow-overflow'])
  })

  it('group rows show their sums, measured as shown', () => {
    const group = { rowType: 'group', id: 'g:a', level: 0, label: 'A', positionCount: 1 } as unknown as GroupGridRow
    const withSums = positionColumns({
      toggle: () => undefined,
      isCollapsed: () => false,
      matchCount: () => 1,
      groupSums: () => ({ valueUsd: -12_345_678.9, pnlUsd: 0, deltaCoin: 0, gammaCoinPer1Pct: 0, vegaUsdPerPoint: 0, thetaUsdPerDay: 0, unvalued: 0 }),
      textWidth: fakeWidth
    })
    const def = withSums.find((c) => c.colId === 'valueUsd')!
    const value = (def.valueGetter as (p: { data: GridRow }) => unknown)({ data: group })
    expect((def.valueFormatter as (p: { value: unknown; data: GridRow }) => string)({ value, data: group })).toBe('−12,345,678.90')
    const cellClass = def.cellClass as (p: CellClassParams<GridRow>) => string[]
    const at = (w: number) => cellClass({ value, data: group, colDef: def, column: { getActualWidth: () => w } } as unknown as CellClassParams<GridRow>)
    expect(at(125)).toEqual(['num', 'ag-right-aligned-cell', 'neg'])
    expect(at(300)).toEqual(['num', 'ag-right-aligned-cell', 'neg', 'ag-allow-overflow'])
  })

  it('without a way to measure (no canvas), every non-empty cell keeps its clip', () => {
    const blind = positionColumns({ toggle: () => undefined, isCollapsed: () => false, matchCount: () => 0, groupSums: () => undefined, textWidth: () => null })
    const def = blind.find((c) => c.colId === 'markPrice')!
    const row = position()
    const value = (def.valueGetter as (p: { data: GridRow }) => unknown)({ data: row })
    const cellClass = def.cellClass as (p: CellClassParams<GridRow>) => string[]
    expect(cellClass({ value, data: row, colDef: def, column: { getActualWidth: () => 10_000 } } as unknown as CellClassParams<GridRow>)).toEqual(['num', 'ag-right-aligned-cell'])
  })
})
