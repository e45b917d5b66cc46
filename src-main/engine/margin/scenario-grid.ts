/**
 * Lay a method's scenario list out as a price × vol grid for the heatmap: each label is "<price
 * part>, vol <up|unchanged|down>" (Deribit PM, OKX MR1, SPAN) or a single scenario with no vol
 * part (extremes, MR2, MR6), which goes in the "unchanged" column.
 */
export const VOL_COLUMNS = ['vol up', 'vol unchanged', 'vol down'] as const

export interface ScenarioCell {
  row: number
  col: number
  index: number
  pnl: number
}

export function scenarioGrid(labels: readonly string[], pnl: readonly number[]): { rows: string[]; cells: ScenarioCell[] } {
  const rows: string[] = []
  const cells: ScenarioCell[] = []
  labels.forEach((label, index) => {
    const m = /^(.*), vol (up|unchanged|down)$/.exec(label)
    const rowLabel = m ? m[1]! : label
    const col = m ? VOL_COLUMNS.indexOf(`vol ${m[2]}` as (typeof VOL_COLUMNS)[number]) : 1
    let row = rows.indexOf(rowLabel)
    if (row < 0) row = rows.push(rowLabel) - 1
    cells.push({ row, col, index, pnl: pnl[index]! })
  })
  return { rows, cells }
}
