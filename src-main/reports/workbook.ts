/**
 * A book as an Excel workbook (ExcelJS: the maintained xlsx writer; SheetJS's npm build is years
 * stale): positions with valuations and Greeks, margin by method per group, pool health, Greeks by
 * expiry and strike, and an About sheet naming the book, snapshot and parameter sets. Numbers are
 * numbers (with number formats), dates are dates, units are in the headers.
 */
import ExcelJS from 'exceljs'
import Papa from 'papaparse'

export interface WorkbookColumn<T> {
  header: string
  width?: number
  /** Excel number format, e.g. '#,##0.00' or 'yyyy-mm-dd hh:mm'. */
  format?: string
  value: (row: T) => string | number | Date | null
}

export interface WorkbookSheet<T = unknown> {
  name: string
  columns: WorkbookColumn<T>[]
  rows: T[]
}

export function buildWorkbook(sheets: WorkbookSheet[], meta: { creator: string; created: Date }): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook()
  wb.creator = meta.creator
  wb.created = meta.created
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name, { views: [{ state: 'frozen', ySplit: 1 }] })
    ws.columns = s.columns.map((c, k) => ({ header: c.header, key: `c${k}`, width: c.width ?? Math.max(12, c.header.length + 2), style: c.format ? { numFmt: c.format } : {} }))
    ws.getRow(1).font = { bold: true }
    for (const r of s.rows) ws.addRow(Object.fromEntries(s.columns.map((c, k) => [`c${k}`, c.value(r) ?? null])))
  }
  return wb
}

export async function workbookBuffer(wb: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await wb.xlsx.writeBuffer())
}

/**
 * RFC 4180 CSV of one sheet, written by Papa Parse (the reader the importers use): a header row,
 * CRLF after every row (the last too), numbers unformatted (full precision), dates in ISO-8601 UTC,
 * empty cells for null. A cell is quoted when it holds a comma, a quote or a line break (and, by
 * Papa's rule, a leading or trailing space, so readers that trim keep it). No formula escaping: a
 * cell starting with = + − @ is written as it is, as before.
 */
export function sheetCsv<T>(s: WorkbookSheet<T>): string {
  const cell = (v: string | number | Date | null): string | number | null => (v instanceof Date ? v.toISOString() : v)
  const rows = [s.columns.map((c) => c.header), ...s.rows.map((r) => s.columns.map((c) => cell(c.value(r))))]
  // An array of arrays: Papa writes each as a row (given separate fields and no data, it would add an empty one).
  return Papa.unparse(rows, { newline: '\r\n', escapeFormulae: false }) + '\r\n'
}
