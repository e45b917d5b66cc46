/**
 * One sheet as CSV (the export's CSV format): the exact bytes, so a change of writer cannot change
 * what a trader's spreadsheet or script reads. Expected text is written out here, not produced by code.
 */
import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import { sheetCsv, type WorkbookSheet } from '../../src-main/reports/workbook'

type Row = { group: string; method: string | null; im: number | null; at: Date | null }
const sheet = (rows: Row[]): WorkbookSheet<Row> => ({
  name: 'Margin',
  columns: [
    { header: 'Group', value: (r) => r.group },
    { header: 'Method', value: (r) => r.method },
    { header: 'Initial margin', value: (r) => r.im },
    { header: 'As of (UTC)', value: (r) => r.at }
  ],
  rows
})

describe('sheetCsv', () => {
  it('writes a header row and CRLF after every row; numbers at full precision, dates ISO-8601 UTC, null empty', () => {
    const csv = sheetCsv(
      sheet([
        { group: 'Deribit main · BTC', method: 'deribit-pm', im: 1 / 3, at: new Date(Date.UTC(2026, 10, 20, 9, 0, 0, 5)) },
        { group: 'OKX portfolio · USD', method: null, im: -0.000001, at: null }
      ])
    )
    expect(csv).toBe(
      'Group,Method,Initial margin,As of (UTC)\r\n' +
        'Deribit main · BTC,deribit-pm,0.3333333333333333,2026-11-20T09:00:00.005Z\r\n' +
        'OKX portfolio · USD,,-0.000001,\r\n'
    )
  })

  it('quotes a cell holding a comma, a quote or a line break (quotes doubled); formula-like text is kept as it is', () => {
    const csv = sheetCsv(
      sheet([
        { group: 'Desk, A', method: 'say "hi"', im: 1e-7, at: null },
        { group: 'two\nlines', method: '=SUM(A1)', im: 12_345_678.9, at: null }
      ])
    )
    expect(csv).toBe('Group,Method,Initial margin,As of (UTC)\r\n"Desk, A","say ""hi""",1e-7,\r\n"two\nlines",=SUM(A1),12345678.9,\r\n')
    // And it reads back cell for cell.
    expect(Papa.parse<string[]>(csv.trimEnd(), { newline: '\r\n' }).data.slice(1)).toEqual([
      ['Desk, A', 'say "hi"', '1e-7', ''],
      ['two\nlines', '=SUM(A1)', '12345678.9', '']
    ])
  })

  it('an empty sheet is its header row alone', () => {
    expect(sheetCsv(sheet([]))).toBe('Group,Method,Initial margin,As of (UTC)\r\n')
  })
})
