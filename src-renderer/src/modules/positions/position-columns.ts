/** Column definitions of the positions grid; every amount header names its unit or currency. */
import type { CellClassParams, ColDef, ICellRendererParams } from 'ag-grid-community'
import type { GridRow, GroupGridRow, GroupSums, PositionGridRow } from './position-groups'
import { formatExpiryUtc, isUsdLike } from '../../lib/format'
import { formatContracts, formatNumber, formatPrice } from './cell-format'
import { canvasTextWidth, textFits, type TextWidth } from './cell-fit'

type Row = GridRow
const pos = (row: Row | undefined): PositionGridRow | null => (row?.rowType === 'position' ? row : null)

/** Whether a cell's shown text surely fits its column now (cell-fit.ts). */
type Fits = (text: string, p: CellClassParams<Row>) => boolean

// Cell classes as constant arrays, one per case, so no cell allocates its own. A colDef's own
// cellClass replaces the one its 'numericColumn' type sets, so AG Grid's right-alignment class is
// kept here. 'ag-allow-overflow' is AG Grid's own opt-out of its cell clip
// (`.ag-cell-value:not(.ag-allow-overflow) { overflow: hidden }`), given only to a cell whose text
// fits (cell-fit.ts: a clip per cell costs every scrolled frame).
const FITS = 'ag-allow-overflow'
const NUMERIC_CELL = ['num', 'ag-right-aligned-cell']
const NUMERIC_NEG = [...NUMERIC_CELL, 'neg']
const NUMERIC_FITS = [...NUMERIC_CELL, FITS]
const NUMERIC_NEG_FITS = [...NUMERIC_CELL, 'neg', FITS]
const TEXT_FITS = [FITS]
const TEXT_CLIPPED: string[] = []

/** A text column read from the position; group rows show nothing. */
function textColumn(fits: Fits, colId: string, headerName: string, width: number, get: (r: PositionGridRow) => string | null, show = (v: string) => v): ColDef<Row> {
  const text = (v: unknown): string => (v === null || v === undefined ? '' : show(v as string))
  return {
    colId,
    headerName,
    width,
    valueGetter: (p) => {
      const r = pos(p.data)
      return r ? get(r) : null
    },
    valueFormatter: (p) => text(p.value),
    cellClass: (p) => (fits(text(p.value), p) ? TEXT_FITS : TEXT_CLIPPED)
  }
}

/**
 * A right-aligned numeric column: sorts on the number, shows it formatted with its unit. With
 * `group`, group rows show their sum (bold) too.
 */
function numberColumn(
  fits: Fits,
  colId: string,
  headerName: string,
  width: number,
  get: (r: PositionGridRow) => number | null,
  show: (r: PositionGridRow) => string,
  opts: { signed?: boolean; group?: (g: GroupGridRow) => number | null; decimals?: number; headerTooltip?: string } = {}
): ColDef<Row> {
  const text = (row: Row | undefined, value: unknown): string => {
    if (row?.rowType === 'group') return value === null || value === undefined ? '' : formatNumber(value as number, opts.decimals ?? 2)
    return row ? show(row) : ''
  }
  return {
    colId,
    headerName,
    width,
    headerTooltip: opts.headerTooltip,
    type: 'numericColumn',
    cellClass: (p) => {
      const v = p.value as number | null
      const neg = opts.signed === true && v !== null && v < 0
      if (fits(text(p.data, p.value), p)) return neg ? NUMERIC_NEG_FITS : NUMERIC_FITS
      return neg ? NUMERIC_NEG : NUMERIC_CELL
    },
    valueGetter: (p) => {
      const row = p.data
      if (row?.rowType === 'group') return opts.group ? opts.group(row) : null
      return row ? get(row) : null
    },
    valueFormatter: (p) => text(p.data, p.value)
  }
}

const val = (r: PositionGridRow) => r.valuation

export function positionColumns(opts: {
  toggle: (groupId: string) => void
  isCollapsed: (groupId: string) => boolean
  matchCount: (groupId: string) => number
  groupSums: (groupId: string) => GroupSums | undefined
  /** Drill-through from a risk-array cell: the position's P&L in that scenario, in `scenarioCurrency()`. */
  scenarioPnl?: (positionId: number) => number | undefined
  scenarioCurrency?: () => string
  /** How wide the grid draws a text (cell-fit.ts); the page's canvas by default. */
  textWidth?: TextWidth
}): ColDef<Row>[] {
  const textWidth = opts.textWidth ?? canvasTextWidth()
  const fits: Fits = (text, p) => textFits(text, p.column.getActualWidth(), textWidth)
  const sum = (pick: (s: GroupSums) => number | null) => (g: GroupGridRow) => {
    const s = opts.groupSums(g.id)
    return s ? pick(s) : null
  }
  const money = (v: number | null | undefined, ccy: string): string => (v === null || v === undefined ? '—' : `${formatPrice(v, ccy)} ${ccy}`)
  const groupCell = (p: ICellRendererParams<Row>): HTMLElement => {
    const row = p.data
    const el = document.createElement('span')
    if (!row) return el
    if (row.rowType === 'position') {
      el.className = 'tree-cell level-3'
      el.textContent = row.symbol
      return el
    }
    const g: GroupGridRow = row
    const collapsed = opts.isCollapsed(g.id)
    el.className = `tree-cell group level-${g.level}`
    const button = document.createElement('button')
    button.className = 'twisty'
    button.type = 'button'
    button.tabIndex = -1
    button.textContent = collapsed ? '▸' : '▾'
    button.setAttribute('aria-label', `${collapsed ? 'Expand' : 'Collapse'} ${g.label}`)
    button.addEventListener('click', (e) => {
      e.stopPropagation()
      opts.toggle(g.id)
    })
    const label = document.createElement('span')
    label.className = 'group-label'
    label.textContent = g.label
    const count = document.createElement('span')
    count.className = 'group-count'
    const n = opts.matchCount(g.id)
    count.textContent = n === g.positionCount ? `${n}` : `${n} of ${g.positionCount}`
    el.append(button, label, count)
    return el
  }

  return [
    {
      colId: 'position',
      headerName: 'Instrument',
      headerTooltip: 'Grouped by account, underlying and expiry; Enter or ←/→ on a group row folds it',
      pinned: 'left',
      width: 270,
      valueGetter: (p) => pos(p.data)?.symbol ?? null,
      cellRenderer: groupCell
    },
    textColumn(fits, 'venue', 'Venue', 75, (r) => r.venue),
    textColumn(fits, 'kind', 'Kind', 85, (r) => r.kind),
    textColumn(fits, 'settlement', 'Settlement', 90, (r) => r.settlement),
    textColumn(fits, 'optionType', 'C/P', 60, (r) => r.optionType, (v) => (v === 'call' ? 'Call' : 'Put')),
    numberColumn(fits, 'strikeUsd', 'Strike (USD)', 105, (r) => r.strikeUsd, (r) => (r.strikeUsd === null ? '' : formatNumber(r.strikeUsd, 0))),
    textColumn(fits, 'expiryUtc', 'Expiry (UTC)', 140, (r) => r.expiryUtc ?? '', (v) => (v === '' ? '—' : formatExpiryUtc(v))),
    numberColumn(fits, 'sizeContracts', 'Contracts', 110, (r) => r.sizeContracts, (r) => formatContracts(r.sizeContracts), { signed: true }),
    numberColumn(fits, 'contractSize', 'Contract size', 110, (r) => r.contractSize, (r) => (r.kind === 'unknown' ? '—' : `${r.contractSize} ${r.contractUnit.toUpperCase()}`)),
    numberColumn(fits, 'sizeCoin', 'Size (coin)', 130, (r) => r.sizeCoin, (r) => `${formatNumber(r.sizeCoin, 4)} ${r.underlying}`, { signed: true }),
    numberColumn(fits, 'avgPrice', 'Avg price', 145, (r) => r.avgPrice, (r) => `${formatPrice(r.avgPrice, r.priceCurrency)} ${r.priceCurrency}`),
    numberColumn(fits, 'markPrice', 'Mark', 145, (r) => r.markPrice, (r) => `${formatPrice(r.markPrice, r.priceCurrency)} ${r.priceCurrency}`),
    numberColumn(fits, 'markIvPct', 'Mark IV (%)', 105, (r) => r.markIvPct, (r) => (r.markIvPct === null ? '' : formatNumber(r.markIvPct, 1))),
    numberColumn(fits, 'modelPrice', 'Model price', 125, (r) => val(r)?.modelPrice ?? null, (r) => money(val(r)?.modelPrice, r.priceCurrency), {
      headerTooltip: 'Engine price: Black-76 on the expiry forward and the surface vol for options; forward, mark or index otherwise'
    }),
    numberColumn(fits, 'valueSettle', 'Value (settle ccy)', 150, (r) => val(r)?.valueSettle ?? null, (r) => money(val(r)?.valueSettle, r.settleCurrency), {
      signed: true,
      headerTooltip: 'Options and spot: holding value. Futures and perpetuals: mark-to-market P&L. In the settlement currency.'
    }),
    {
      ...numberColumn(fits, 'scenarioPnl', 'Scenario P&L', 150, (r) => opts.scenarioPnl?.(r.positionId) ?? null, (r) => {
        const v = opts.scenarioPnl?.(r.positionId)
        const ccy = opts.scenarioCurrency?.() ?? ''
        return v === undefined ? '' : `${formatNumber(v, isUsdLike(ccy) ? 2 : 6)} ${ccy}`
      }, { signed: true, headerTooltip: 'P&L of the position in the risk-array scenario picked on the Risk view (drill-through, group currency), or under the scenario applied from the scenario editor (USD)' }),
      hide: true
    },
    numberColumn(fits, 'valueUsd', 'Value (USD)', 125, (r) => val(r)?.valueUsd ?? null, (r) => formatNumber(val(r)?.valueUsd ?? null, 2), { signed: true, group: sum((s) => s.valueUsd) }),
    numberColumn(fits, 'pnlSettle', 'P&L (settle ccy)', 140, (r) => val(r)?.pnlSettle ?? null, (r) => money(val(r)?.pnlSettle, r.settleCurrency), { signed: true, headerTooltip: 'Unrealised, against the average entry price' }),
    numberColumn(fits, 'pnlUsd', 'P&L (USD)', 120, (r) => val(r)?.pnlUsd ?? null, (r) => formatNumber(val(r)?.pnlUsd ?? null, 2), { signed: true, group: sum((s) => s.pnlUsd), headerTooltip: 'Unrealised, against the average entry price; coin P&L at the index' }),
    numberColumn(fits, 'deltaCoin', 'Delta (coin)', 135, (r) => val(r)?.deltaCoin ?? null, (r) => `${formatNumber(val(r)?.deltaCoin ?? null, 4)} ${r.underlying}`, {
      signed: true,
      decimals: 4,
      group: sum((s) => s.deltaCoin),
      headerTooltip: 'Exposure in coins: ∂(USD value)/∂(price) for options and linear contracts; USD notional / price for inverse futures (venue convention). Summed within one underlying only.'
    }),
    numberColumn(fits, 'gammaCoin', 'Gamma (coin/1 %)', 140, (r) => val(r)?.gammaCoinPer1Pct ?? null, (r) => formatNumber(val(r)?.gammaCoinPer1Pct ?? null, 4), {
      signed: true,
      decimals: 4,
      group: sum((s) => s.gammaCoinPer1Pct),
      headerTooltip: 'Change of the coin delta for a +1 % move of the underlying'
    }),
    numberColumn(fits, 'vegaUsd', 'Vega (USD/vol pt)', 135, (r) => val(r)?.vegaUsdPerPoint ?? null, (r) => formatNumber(val(r)?.vegaUsdPerPoint ?? null, 2), { signed: true, group: sum((s) => s.vegaUsdPerPoint) }),
    numberColumn(fits, 'thetaUsd', 'Theta (USD/day)', 130, (r) => val(r)?.thetaUsdPerDay ?? null, (r) => formatNumber(val(r)?.thetaUsdPerDay ?? null, 2), { signed: true, group: sum((s) => s.thetaUsdPerDay) }),
    numberColumn(fits, 'indexUsd', 'Index (USD)', 115, (r) => r.indexUsd, (r) => formatNumber(r.indexUsd, 2)),
    textColumn(fits, 'valuationError', 'Valuation', 220, (r) => r.valuationError ?? 'ok')
  ]
}
