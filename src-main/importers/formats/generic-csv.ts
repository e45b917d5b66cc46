/**
 * Any broker's trade CSV, read through a column mapping the user makes in the import wizard (and
 * may save as a preset): which column is the time, instrument, side (or a signed size), size,
 * price, fee and trade id; which venue's symbols the instrument column uses; whether numbers use a
 * decimal comma. Everything else works as for the built-in formats.
 */
import { CellReader, readCsv } from '../csv-records'
import { ContentIdentity, venueId } from '../row-identity'
import type { ParsedStatement, RowIssue, StatementTrade } from '../statement'

export interface GenericMapping {
  venue: string
  time: string
  instrument: string
  /** null: the size column is signed (negative = sell). */
  side: string | null
  size: string
  price: string | null
  fee: string | null
  feeCurrency: string | null
  id: string | null
  decimalComma: boolean
  accountName: string
}

const BUY = /^(buy|b|long|bid|bought|open long|close short)$/i
const SELL = /^(sell|s|short|ask|sold|open short|close long)$/i

export function parseGenericCsv(text: string, file: string, m: GenericMapping): ParsedStatement {
  const table = readCsv(text, file)
  const missing = [m.time, m.instrument, m.size, m.side, m.price, m.fee, m.id].filter((c): c is string => !!c && !table.columns.has(c))
  if (missing.length) throw new Error(`${file}: the mapping names column(s) the file does not have: ${missing.join(', ')}`)
  const issues: RowIssue[] = table.problems.map((p) => ({ file, line: p.line, column: null, reason: `not readable as CSV: ${p.message}`, severity: 'rejected' }))
  const identity = new ContentIdentity(`generic-${m.venue}`)
  const trades: StatementTrade[] = []
  for (const record of table.records) {
    const r = new CellReader(file, table, record, m.decimalComma)
    const atMs = r.time(m.time)
    const symbol = r.text(m.instrument)
    const size = r.number(m.size)
    const price = m.price ? r.number(m.price, false) : null
    const fee = m.fee ? (r.number(m.fee, false) ?? 0) : 0
    let side: 'buy' | 'sell' | null = null
    if (m.side) {
      const text = r.raw(m.side)
      side = BUY.test(text) ? 'buy' : SELL.test(text) ? 'sell' : null
      if (!side) r.issues.push({ file, line: record.line, column: m.side, reason: `'${text}' is neither a buy nor a sell`, severity: 'rejected' })
    } else if (size !== null) side = size > 0 ? 'buy' : size < 0 ? 'sell' : null
    if (!r.ok || atMs === null || symbol === null || size === null) {
      issues.push(...r.issues)
      continue
    }
    if (size === 0 || side === null) {
      issues.push({ file, line: record.line, column: m.size, reason: 'a trade of size 0 changes nothing', severity: 'skipped' })
      continue
    }
    const id = m.id ? r.raw(m.id) : ''
    trades.push({
      line: record.line,
      externalId: id ? venueId(`generic-${m.venue}`, 'trade', id) : identity.of('trade', [atMs, symbol, side, Math.abs(size), price]),
      instrument: { venue: m.venue, symbol },
      tradedAtMs: atMs,
      side,
      sizeContracts: Math.abs(size),
      price,
      fee: Math.abs(fee),
      feeCurrency: m.feeCurrency,
      kind: 'trade'
    })
  }
  return {
    file, format: 'generic-csv', formatLabel: `CSV mapped by hand (${m.venue} symbols)`, venue: m.venue, accountName: m.accountName,
    baseCurrency: 'USD', rowsTotal: table.records.length, trades, cashFlows: [], positions: null, positionsAsOfMs: null, closingBalances: [], openingBalances: [], settlements: [], notes: [], issues
  }
}

/** Header, a few rows and the row count: what the mapper needs to show. */
export function inspectCsv(text: string, file: string): { header: string[]; sample: string[][]; rows: number } {
  const table = readCsv(text, file)
  return { header: table.header, sample: table.records.slice(0, 5).map((r) => r.values), rows: table.records.length }
}
