/** Column definitions of the positions grid; every amount header names its unit or currency. */
import type { CellClassParams, ColDef, ICellRendererParams } from 'ag-grid-community'
import type { GridRow, GroupGridRow, PositionGridRow } from './position-groups'
import { formatContracts, formatExpiryUtc, formatNumber, formatPrice } from './format'

type Row = GridRow
const pos = (row: Row | undefined): PositionGridRow | null => (row?.rowType === 'position' ? row : null)

// A colDef's own cellClass replaces the one its 'numericColumn' type sets, so keep AG Grid's
// right-alignment class here.
const NUMERIC_CELL = ['num', 'ag-right-aligned-cell']
const signClass = (p: CellClassParams<Row>): string[] => {
  const v = p.value as number | null
  return v !== null && v < 0 ? [...NUMERIC_CELL, 'neg'] : NUMERIC_CELL
}

/** A text column read from the position; group rows show nothing. */
function textColumn(colId: string, headerName: string, width: number, get: (r: PositionGridRow) => string | null, show = (v: string) => v): ColDef<Row> {
  return {
    colId,
    headerName,
    width,
    valueGetter: (p) => {
      const r = pos(p.data)
      return r ? get(r) : null
    },
    valueFormatter: (p) => (p.value === null || p.value === undefined ? '' : show(p.value as string))
  }
}

/** A right-aligned numeric column: sorts on the number, shows it formatted with its unit. */
function numberColumn(
  colId: string,
  headerName: string,
  width: number,
  get: (r: PositionGridRow) => number | null,
  show: (r: PositionGridRow) => string,
  signed = false
): ColDef<Row> {
  return {
    colId,
    headerName,
    width,
    type: 'numericColumn',
    cellClass: signed ? signClass : NUMERIC_CELL,
    valueGetter: (p) => {
      const r = pos(p.data)
      return r ? get(r) : null
    },
    valueFormatter: (p) => {
      const r = pos(p.data)
      return r ? show(r) : ''
    }
  }
}

export function positionColumns(opts: {
  toggle: (groupId: string) => void
  isCollapsed: (groupId: string) => boolean
  matchCount: (groupId: string) => number
}): ColDef<Row>[] {
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
    textColumn('venue', 'Venue', 75, (r) => r.venue),
    textColumn('kind', 'Kind', 85, (r) => r.kind),
    textColumn('settlement', 'Settlement', 90, (r) => r.settlement),
    textColumn('optionType', 'C/P', 60, (r) => r.optionType, (v) => (v === 'call' ? 'Call' : 'Put')),
    numberColumn('strikeUsd', 'Strike (USD)', 105, (r) => r.strikeUsd, (r) => (r.strikeUsd === null ? '' : formatNumber(r.strikeUsd, 0))),
    textColumn('expiryUtc', 'Expiry (UTC)', 140, (r) => r.expiryUtc ?? '', (v) => (v === '' ? '—' : formatExpiryUtc(v))),
    numberColumn('sizeContracts', 'Contracts', 110, (r) => r.sizeContracts, (r) => formatContracts(r.sizeContracts), true),
    numberColumn('contractSize', 'Contract size', 110, (r) => r.contractSize, (r) => `${r.contractSize} ${r.contractUnit.toUpperCase()}`),
    numberColumn('sizeCoin', 'Size (coin)', 130, (r) => r.sizeCoin, (r) => `${formatNumber(r.sizeCoin, 4)} ${r.underlying}`, true),
    numberColumn('avgPrice', 'Avg price', 145, (r) => r.avgPrice, (r) => `${formatPrice(r.avgPrice, r.priceCurrency)} ${r.priceCurrency}`),
    numberColumn('markPrice', 'Mark', 145, (r) => r.markPrice, (r) => `${formatPrice(r.markPrice, r.priceCurrency)} ${r.priceCurrency}`),
    numberColumn('markIvPct', 'Mark IV (%)', 105, (r) => r.markIvPct, (r) => (r.markIvPct === null ? '' : formatNumber(r.markIvPct, 1))),
    numberColumn('indexUsd', 'Index (USD)', 115, (r) => r.indexUsd, (r) => formatNumber(r.indexUsd, 2))
  ]
}
