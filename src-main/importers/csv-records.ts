/**
 * CSV reading for statements: csv-parse (quoting, embedded commas and newlines, BOM, CRLF) with
 * each record's line number, header-based access, and tolerant column counts (venues add and drop
 * trailing columns between export versions). Cell readers return values or a RowIssue; they never throw.
 */
import { parse } from 'csv-parse/sync'
import type { RowIssue } from './statement'

export interface CsvRecord {
  line: number
  cells: Record<string, string>
}

export interface CsvTable {
  header: string[]
  records: CsvRecord[]
}

/** Parse CSV text; a structurally broken file (unclosed quote) throws an Error naming file and line. */
export function readCsv(text: string, file: string): CsvTable {
  let rows: { record: string[]; info: { lines: number } }[]
  try {
    rows = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, info: true, trim: false }) as unknown as typeof rows
  } catch (e) {
    const err = e as Error & { lines?: number }
    throw new Error(`${file}${err.lines ? `, line ${err.lines}` : ''}: not readable as CSV: ${err.message}`, { cause: e })
  }
  if (rows.length === 0) throw new Error(`${file}: the file is empty`)
  const header = rows[0]!.record.map((h) => h.trim())
  const records = rows.slice(1).flatMap(({ record, info }) => {
    if (record.every((c) => c.trim() === '')) return []
    const cells: Record<string, string> = {}
    header.forEach((h, i) => (cells[h] = (record[i] ?? '').trim()))
    // info.lines is the record's last line; a quoted newline makes a record span several.
    return [{ line: info.lines - (record.join(',').split('\n').length - 1), cells }]
  })
  return { header, records }
}

/** Reads cells of one record, collecting issues with file, line and column. */
export class CellReader {
  readonly issues: RowIssue[] = []
  constructor(
    private readonly file: string,
    private readonly record: CsvRecord,
    private readonly decimalComma = false
  ) {}

  private reject(column: string, reason: string): null {
    this.issues.push({ file: this.file, line: this.record.line, column, reason, severity: 'rejected' })
    return null
  }

  text(column: string, required = true): string | null {
    const v = this.record.cells[column] ?? ''
    if (v === '' && required) return this.reject(column, 'empty')
    return v === '' ? null : v
  }

  /** A finite number: plain, scientific (-3.605E-05), with a decimal comma where the venue uses one. */
  number(column: string, required = true): number | null {
    const raw = this.text(column, required)
    if (raw === null) return null
    const cleaned = this.decimalComma ? raw.replace(/\./g, '').replace(',', '.') : raw.replace(/,(?=\d{3}(\D|$))/g, '')
    const value = Number(cleaned)
    if (cleaned.trim() === '' || !Number.isFinite(value)) return this.reject(column, `'${raw}' is not a number`)
    return value
  }

  /** An instant: ISO-like 'YYYY-MM-DD HH:MM:SS' (UTC unless an offset is given), or epoch ms. */
  time(column: string): number | null {
    const raw = this.text(column)
    if (raw === null) return null
    return parseTime(raw) ?? this.reject(column, `'${raw}' is not a date and time`)
  }

  get ok(): boolean {
    return this.issues.length === 0
  }
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

/** Statement timestamps: ISO (space or T, optional offset/Z, UTC by default), '12 Mar 2024 05:57:12', epoch s/ms. */
export function parseTime(raw: string): number | null {
  const s = raw.trim()
  if (/^\d{10}$/.test(s)) return Number(s) * 1000
  if (/^\d{13}$/.test(s)) return Number(s)
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(s)
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', tz] = iso
    let ms = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +sec, Math.round(Number(frac || 0) * 1000))
    const check = new Date(ms)
    if (check.getUTCMonth() !== +mo! - 1 || check.getUTCDate() !== +d!) return null
    if (tz && tz !== 'Z') {
      const sign = tz.startsWith('-') ? -1 : 1
      const digits = tz.replace(/[+:-]/g, '')
      ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000
    }
    return ms
  }
  const dmy = /^(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(s)
  if (dmy) {
    const month = MONTHS.indexOf(dmy[2]!.toLowerCase())
    if (month < 0) return null
    return Date.UTC(+dmy[3]!, month, +dmy[1]!, +dmy[4]!, +dmy[5]!, +dmy[6]!)
  }
  return null
}
