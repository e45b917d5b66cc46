/**
 * Deribit book-summary CSV (public/get_book_summary_by_currency saved as CSV, one row
 * per instrument): header detected by its columns, rows parsed with their line numbers
 * by the same CSV reader the statements use.
 */
import { CellReader, readCsv } from '../csv-records'
import type { ChainProblem, ChainRow } from '../../engine/market/chain-snapshot'

export const BOOK_SUMMARY_REQUIRED = ['instrument_name', 'mark_price', 'underlying_price', 'creation_timestamp', 'estimated_delivery_price'] as const

export function isDeribitBookSummary(header: readonly string[]): boolean {
  return BOOK_SUMMARY_REQUIRED.every((c) => header.includes(c))
}

export interface ParsedChain {
  rows: ChainRow[]
  problems: (ChainProblem & { file: string })[]
}

export function parseDeribitBookSummary(text: string, file: string): ParsedChain {
  const table = readCsv(text, file)
  const { header, records, problems: unreadable } = table
  if (!isDeribitBookSummary(header)) {
    const missing = BOOK_SUMMARY_REQUIRED.filter((c) => !header.includes(c))
    throw new Error(`${file}: not a Deribit book summary: missing column(s) ${missing.join(', ')}`)
  }
  const rows: ChainRow[] = []
  const problems: ParsedChain['problems'] = unreadable.map((p) => ({ file, line: p.line, field: '(row)', message: `${file}, line ${p.line}: not readable as CSV: ${p.message}` }))
  for (const record of records) {
    const r = new CellReader(file, table, record)
    const row = {
      line: record.line,
      instrumentName: r.text('instrument_name') ?? '',
      markPrice: r.number('mark_price', true, 'price'),
      markIvPct: r.number('mark_iv', false, 'volPct'),
      forwardUsd: r.number('underlying_price', true, 'price'),
      indexUsd: r.number('estimated_delivery_price', true, 'price'),
      timestampMs: r.number('creation_timestamp'),
      bid: header.includes('bid_price') ? r.number('bid_price', false, 'price') : null,
      ask: header.includes('ask_price') ? r.number('ask_price', false, 'price') : null
    }
    if (!r.ok || row.markPrice === null || row.forwardUsd === null || row.indexUsd === null || row.timestampMs === null) {
      for (const i of r.issues) {
        problems.push({ file, line: i.line, field: i.column ?? '(row)', message: `${file}, line ${i.line}, column ${i.column}: ${i.reason}` })
      }
      continue
    }
    if (!(row.forwardUsd > 0) || !(row.indexUsd > 0)) {
      problems.push({ file, line: record.line, field: 'underlying_price', message: `${file}, line ${record.line}: forward and index must be positive prices` })
      continue
    }
    rows.push({ ...row, markPrice: row.markPrice, forwardUsd: row.forwardUsd, indexUsd: row.indexUsd, timestampMs: row.timestampMs })
  }
  return { rows, problems }
}
