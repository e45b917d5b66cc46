/**
 * Deribit book-summary CSV (public/get_book_summary_by_currency saved as CSV, as in
 * ../shared/data/options): header detected by its columns, rows parsed with their line numbers.
 * csv-parse because it handles quoting, BOMs and CRLF correctly and reports each record's line.
 */
import { parse } from 'csv-parse/sync'
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
  const records = parse(text, { bom: true, columns: true, skip_empty_lines: true, trim: true, info: true, relax_column_count: false }) as {
    record: Record<string, string>
    info: { lines: number }
  }[]
  const header = records.length ? Object.keys(records[0]!.record) : []
  if (records.length && !isDeribitBookSummary(header)) {
    const missing = BOOK_SUMMARY_REQUIRED.filter((c) => !header.includes(c))
    throw new Error(`${file}: not a Deribit book summary: missing column(s) ${missing.join(', ')}`)
  }
  const rows: ChainRow[] = []
  const problems: ParsedChain['problems'] = []
  for (const { record, info } of records) {
    const line = info.lines
    const number = (field: string, optional = false): number | null => {
      const text = record[field] ?? ''
      if (text === '' && optional) return null
      const value = Number(text)
      if (text === '' || !Number.isFinite(value)) {
        problems.push({ file, line, field, message: `${file}, line ${line}, column ${field}: ${text === '' ? 'empty' : `'${text}' is not a number`}` })
        return NaN
      }
      return value
    }
    const row: ChainRow = {
      line,
      instrumentName: record.instrument_name ?? '',
      markPrice: number('mark_price')!,
      markIvPct: number('mark_iv', true),
      forwardUsd: number('underlying_price')!,
      indexUsd: number('estimated_delivery_price')!,
      timestampMs: number('creation_timestamp')!
    }
    if ([row.markPrice, row.forwardUsd, row.indexUsd, row.timestampMs].some(Number.isNaN) || (row.markIvPct !== null && Number.isNaN(row.markIvPct))) continue
    if (!(row.forwardUsd > 0) || !(row.indexUsd > 0)) {
      problems.push({ file, line, field: 'underlying_price', message: `${file}, line ${line}: forward and index must be positive prices` })
      continue
    }
    rows.push(row)
  }
  return { rows, problems }
}
