/**
 * CSV reading for statements and market files: papaparse (quoting, embedded commas and newlines,
 * CRLF; 15 MB in about 0.2 s here, several times csv-parse's speed) with each record's line
 * number, header-based access, and tolerant column counts (venues add and drop trailing columns
 * between export versions). A row papaparse cannot read (an unclosed quote) becomes a problem for
 * that row, not the end of the file. Cell readers return values or a RowIssue; they never throw.
 */
import { createRequire } from 'node:module'
import type Papa from 'papaparse'
import type { RowIssue } from './statement'
import type { ChunkedText, StatementText } from './statement-text'
import { boundProblem, INPUT_BOUNDS, quoteInput, type BoundKind } from '../engine/instruments/bounds'

/**
 * papaparse, loaded the first time a CSV is read. It is a CommonJS package: imported as an ES
 * module, Node scans its source to find its exports (10–20 ms here), and every command line run
 * paid that, CSV or not (issue 20, target 6: a command starts in 300 ms); required, it loads in
 * about 2 ms, and only when a file comes.
 */
let papaModule: typeof Papa | null = null
const papa = (): typeof Papa => (papaModule ??= createRequire(import.meta.url)('papaparse') as typeof Papa)

/** One row: its values in header order (arrays, not keyed objects: 100,000-row files stay fast). */
export interface CsvRecord {
  line: number
  values: string[]
}

export interface CsvTable {
  header: string[]
  /** Column name → position in `values`. */
  columns: Map<string, number>
  records: CsvRecord[]
  /** Rows that are not readable CSV, with their line: callers report them as rejected. */
  problems: { line: number; message: string }[]
}

/** A cell without byte-order marks: OKX exports put one before every cell, others before the first. */
const unmarked = (cell: string): string => (cell.includes('\uFEFF') ? cell.replace(/\uFEFF/g, '') : cell)

/**
 * Papaparse reads a string in chunks of this many characters: given the whole of a 190 MB file at
 * once, its fast path splits it into an array of every line (and its delimiter guess does so again),
 * which held three copies of a 1M-row log at once (issue 20). Chunks keep one chunk's lines at a
 * time; papaparse carries a row cut at a chunk's end over to the next, and guesses the delimiter
 * and line ending on the first chunk only (its guess reads the first 10 rows and the first 1 MB).
 */
export const CSV_CHUNK_CHARS = 4 * 1024 * 1024

/**
 * Every row with its first line, handed to `onRow` as it is read (never collected): the streaming
 * reader under readCsvRows and readCsv. Return false from `onRow` to stop. Rows papaparse cannot
 * read come to `onProblem`. Empty lines are passed over.
 */
export function eachCsvRow(
  text: StatementText,
  onRow: (row: CsvRecord) => boolean | void,
  onProblem: (p: CsvTable['problems'][number]) => boolean | void,
  chunkChars = CSV_CHUNK_CHARS
): void {
  if (typeof text !== 'string') return eachChunkedCsvRow(text, onRow, onProblem, chunkChars)
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  let line = 1
  let counted = 0
  papa().parse<string[]>(body, {
    skipEmptyLines: false,
    chunkSize: chunkChars,
    step: (row, handle) => {
      // meta.cursor is where this row ends (in the whole text, chunks included); its first line is
      // where the previous one ended.
      const startLine = line
      const end = row.meta.cursor
      for (let i = body.indexOf('\n', counted); i !== -1 && i < end; i = body.indexOf('\n', i + 1)) line++
      counted = end
      if (handRow(row, startLine, onRow, onProblem) === false) handle.abort()
    }
  })
}

/** One row papaparse read, to `onRow` (or `onProblem`); false to stop. */
function handRow(row: Papa.ParseStepResult<string[]>, startLine: number, onRow: (row: CsvRecord) => boolean | void, onProblem: (p: CsvTable['problems'][number]) => boolean | void): boolean | void {
  // A new array only when a cell carries a byte-order mark (most files: none; keep the row's own).
  const values = row.data.some((c) => c.includes('\uFEFF')) ? row.data.map(unmarked) : row.data
  if (values.length === 1 && values[0]!.trim() === '') return
  // A short file (a two-column funding history) leaves papaparse unable to guess a delimiter: it
  // takes ',' and flags the first row, which is fine, not a problem of that row.
  const errors = row.errors.filter((e) => e.code !== 'UndetectableDelimiter')
  return errors.length ? onProblem({ line: startLine, message: errors.map((e) => e.message).join('; ') }) : onRow({ line: startLine, values })
}

/** The part of papaparse's string streamer that eachChunkedCsvRow drives (papaparse 5: ChunkStreamer). */
interface PapaChunkStreamer {
  _finished: boolean
  _partialLine: string
  _baseIndex: number
  _nextChunk: () => void
  parseChunk(chunk: string): unknown
}

/**
 * eachCsvRow over a text that comes in chunks (a file read a chunk at a time): papaparse's own
 * string streamer, fed the chunks instead of slices of one string (the first one joined up to
 * `firstChars`). It carries a row cut at a
 * chunk's end over to the next (its partial line) and guesses the delimiter on the first chunk, as
 * with a string; the rows, lines and problems are the same (tests/importers/import-streaming.test.ts).
 * Line numbers count the line breaks of the text papaparse holds: the carried part and the chunk.
 */
function eachChunkedCsvRow(text: ChunkedText, onRow: (row: CsvRecord) => boolean | void, onProblem: (p: CsvTable['problems'][number]) => boolean | void, firstChars: number): void {
  const source = text.chunks()[Symbol.iterator]()
  let next = source.next()
  let first = true
  let line = 1
  /** Where the last row ended, in the whole text. */
  let counted = 0
  /** What papaparse parses now (the carried part and the chunk) and where it starts in the whole text. */
  let window = ''
  let windowAt = 0
  const newlinesUpTo = (end: number): void => {
    for (let i = window.indexOf('\n', counted - windowAt); i !== -1 && i < end - windowAt; i = window.indexOf('\n', i + 1)) line++
    counted = end
  }
  const Streamer = (papa() as unknown as { StringStreamer: new (config: Papa.ParseConfig<string[]>) => PapaChunkStreamer }).StringStreamer
  const streamer = new Streamer({
    skipEmptyLines: false,
    dynamicTyping: false,
    step: (row, handle) => {
      const startLine = line
      newlinesUpTo(row.meta.cursor)
      if (handRow(row, startLine, onRow, onProblem) === false) handle.abort()
    }
  })
  // papaparse asks for the next chunk at the end of parsing one (a call inside the call): taken in
  // a loop instead, so thousands of small chunks do not nest thousands of calls deep.
  let parsing = false
  let asked = false
  streamer._nextChunk = function (this: PapaChunkStreamer): void {
    if (parsing) return void (asked = true)
    parsing = true
    try {
      do {
        asked = false
        if (this._finished) return
        let chunk = next.done ? '' : next.value
        next = source.next()
        if (first) {
          // The first chunk papaparse sees is as long as a string's first chunk (firstChars): it
          // guesses the delimiter and the line ending on it, and needs the first line break in it.
          while (chunk.length < firstChars && !next.done) {
            chunk += next.value
            next = source.next()
          }
          if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1)
          first = false
        }
        this._finished = next.done === true
        // Line breaks between the last row's end and the carried part are in the text parsed last.
        if (counted < this._baseIndex) newlinesUpTo(this._baseIndex)
        window = this._partialLine + chunk
        windowAt = this._baseIndex
        this.parseChunk(chunk)
      } while (asked)
    } finally {
      parsing = false
    }
  }
  streamer._nextChunk()
}

/** Every row with its first line, without header handling (multi-section files like IBKR's). */
export function readCsvRows(text: string, maxRows = Infinity): { rows: CsvRecord[]; problems: CsvTable['problems'] } {
  const rows: CsvRecord[] = []
  const problems: CsvTable['problems'] = []
  const room = (): boolean => rows.length + problems.length < maxRows
  eachCsvRow(text, (r) => (rows.push(r), room()), (p) => (problems.push(p), room()))
  return { rows, problems }
}

/**
 * Column name → index. A name that repeats (OKX bills have two `Unit` columns) gets a suffix:
 * `Unit`, `Unit (2)`.
 */
export function columnIndex(header: readonly string[]): Map<string, number> {
  const columns = new Map<string, number>()
  header.forEach((h, i) => {
    let name = h
    for (let n = 2; columns.has(name); n++) name = `${h} (${n})`
    columns.set(name, i)
  })
  return columns
}

/**
 * Lines a venue may print before the header (OKX "UID:…,Account Type:…,Time Zone:UTC+3", Bybit
 * "UID: …,Company Name: …,Country: …"): the header is looked for among this many first rows.
 */
export const MAX_PREAMBLE_ROWS = 10

/** A statement's header, found by streamCsv before its records arrive. */
export interface CsvHead {
  header: string[]
  /** Column name → position in `values`. */
  columns: Map<string, number>
  /** Rows above the header, kept for what they say (e.g. a time zone). */
  preamble: CsvRecord[]
}

/**
 * The table of a statement, one record at a time: `onRecord` gets each row below the header as it
 * is read (return false to stop), `onProblem` each unreadable row below it, so a 1M-row file is
 * never held as rows (issue 20). With `isHeader`, the header is the first of the file's first rows it accepts, and
 * the rows above it are the preamble; without, the first row is the header. Line numbers are
 * always the file's own. Returns the header (throws when there is none).
 */
export function streamCsv(
  text: StatementText,
  file: string,
  onRecord: (record: CsvRecord, head: CsvHead) => boolean | void,
  onProblem: (problem: CsvTable['problems'][number]) => void,
  isHeader?: (cells: readonly string[]) => boolean
): CsvHead {
  let head: CsvHead | null = null
  // Until the header is found: the rows and problems above it (at most MAX_PREAMBLE_ROWS + 1 rows).
  const before: CsvRecord[] = []
  const problemsBefore: CsvTable['problems'] = []
  const accept = (at: number): void => {
    const first = before[at]!
    const header = first.values.map((h) => h.trim())
    head = { header, columns: columnIndex(header), preamble: before.slice(0, at) }
    for (const p of problemsBefore) if (p.line > first.line) onProblem(p)
  }
  eachCsvRow(
    text,
    (row) => {
      if (head) return onRecord(row, head)
      before.push(row)
      if (!isHeader) return void accept(0)
      if (isHeader(row.values.map((h) => h.trim()))) return void accept(before.length - 1)
      // No header among the first rows: stop reading (the error follows).
      if (before.length >= MAX_PREAMBLE_ROWS + 1) return false
    },
    (problem) => {
      if (head) onProblem(problem)
      else problemsBefore.push(problem)
    }
  )
  // (Assigned in the callbacks above, which TypeScript's narrowing does not follow.)
  const found = head as CsvHead | null
  if (found) return found
  if (isHeader) throw new Error(`${file}: no header of this format in the first ${MAX_PREAMBLE_ROWS + 1} rows`)
  throw new Error(`${file}: the file is empty`)
}

/**
 * The table of a statement, every record held (streamCsv hands them over one at a time). With
 * `isHeader`, the header is the first of the file's first rows it accepts, and the rows above it
 * are the preamble (kept for what they say, e.g. a time zone); without, the first row is the
 * header. Line numbers are always the file's own.
 */
export function readCsv(text: string, file: string, isHeader?: (cells: readonly string[]) => boolean): CsvTable & { preamble: CsvRecord[] } {
  const records: CsvRecord[] = []
  const problems: CsvTable['problems'] = []
  const head = streamCsv(text, file, (r) => void records.push(r), (p) => problems.push(p), isHeader)
  return { header: head.header, columns: head.columns, records, problems, preamble: head.preamble }
}

/** The first row only, for detecting a file's format cheaply. */
export function readCsvHeader(text: string): string[] | null {
  return candidateHeaders(text)[0]?.cells ?? null
}

/**
 * The file's first rows with more than one cell, trimmed, each a possible header: formats are
 * detected on the first one they accept, so preamble lines above a header are skipped.
 */
export function candidateHeaders(text: string): { line: number; cells: string[] }[] {
  return readCsvRows(text, MAX_PREAMBLE_ROWS + 1)
    .rows.filter((r) => r.values.length > 1)
    .map((r) => ({ line: r.line, cells: r.values.map((c) => c.trim()) }))
}

/**
 * The largest magnitude of any cash amount (INPUT_BOUNDS.cash): the default bound of a number
 * cell. Sizes, prices, fees, rates and vols have their own, smaller ones (engine/instruments/bounds.ts).
 */
export const MAX_MAGNITUDE = INPUT_BOUNDS.cash.max

/** Longer than any cell a venue writes (ids, symbols, notes): rejected, never stored in the book. */
export const MAX_TEXT_CELL = 1000

/** Reads cells of one record, collecting issues with file, line and column. */
export class CellReader {
  readonly issues: RowIssue[] = []
  constructor(
    private readonly file: string,
    private readonly table: Pick<CsvTable, 'columns'>,
    private readonly record: CsvRecord,
    private readonly decimalComma = false
  ) {}

  /** The trimmed cell, '' when the column or the cell is missing. */
  raw(column: string): string {
    const i = this.table.columns.get(column)
    return i === undefined ? '' : (this.record.values[i] ?? '').trim()
  }

  private reject(column: string, reason: string): null {
    this.issues.push({ file: this.file, line: this.record.line, column, reason, severity: 'rejected' })
    return null
  }

  /** The trimmed cell, or null when empty (rejected when required); a cell over MAX_TEXT_CELL characters is rejected. */
  text(column: string, required = true): string | null {
    const v = this.raw(column)
    if (v === '' && required) return this.reject(column, 'empty')
    if (v.length > MAX_TEXT_CELL) return this.reject(column, `${quoteInput(v)} is longer than any cell a venue writes (at most ${MAX_TEXT_CELL} characters)`)
    return v === '' ? null : v
  }

  /**
   * A finite number within its input bound (`bound`: what the column holds; a cash amount unless
   * said): plain, scientific (-3.605E-05), with a decimal comma where the venue uses one. NaN,
   * Infinity, 1e999, 1e308 and a 10 MB cell are rejected by line and column, the value clipped.
   */
  number(column: string, required = true, bound: BoundKind = 'cash'): number | null {
    const raw = this.raw(column)
    if (raw === '') return required ? this.reject(column, 'empty') : null
    // (No comma, nothing to clean: the common cell skips the thousands-separator expression.)
    const cleaned = this.decimalComma ? raw.replace(/\./g, '').replace(',', '.') : raw.includes(',') ? raw.replace(/,(?=\d{3}(\D|$))/g, '') : raw
    const value = cleaned.trim() === '' || raw.length > MAX_TEXT_CELL ? Number.NaN : Number(cleaned)
    const problem = boundProblem(bound, value)
    return problem === null ? value : this.reject(column, `${quoteInput(raw)} ${problem}`)
  }

  /** An instant: ISO-like 'YYYY-MM-DD HH:MM:SS' (UTC unless an offset is given), or epoch ms. */
  time(column: string): number | null {
    const raw = this.text(column)
    if (raw === null) return null
    return parseTime(raw) ?? this.reject(column, `${quoteInput(raw)} is not a date and time`)
  }

  get ok(): boolean {
    return this.issues.length === 0
  }
}

/** '0'..'9' → 0..9, anything else → −1. */
const digitAt = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48
  return c >= 0 && c <= 9 ? c : -1
}

/** Where a 'YYYY-MM-DD…' time has its date's digits. */
const DAY_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9]

/** Each day's first instant (UTC), or null for a day that does not exist, by yyyymmdd: a log's rows share a few hundred days. */
const dayStarts = new Map<number, number | null>()

/**
 * 'YYYY-MM-DD HH:MM:SS' (or with T), the form most logs print on every row (Deribit: 1M rows),
 * read without a regular expression: exactly what parseTime's general path gives for it (the same
 * Date.UTC for the day, and its check that the day exists; an hour, minute or second that would
 * roll over is left to the general path). undefined: not of this form.
 */
function plainUtcTime(s: string): number | null | undefined {
  if (s.length !== 19 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined
  const sep = s.charCodeAt(10)
  if (sep !== 32 && sep !== 84) return undefined
  let day = 0
  for (const i of DAY_DIGITS) {
    const d = digitAt(s, i)
    if (d < 0) return undefined
    day = day * 10 + d
  }
  const two = (i: number): number => {
    const a = digitAt(s, i)
    const b = digitAt(s, i + 1)
    return a < 0 || b < 0 ? -1 : a * 10 + b
  }
  const h = two(11)
  const mi = two(14)
  const sec = two(17)
  if (h < 0 || mi < 0 || sec < 0 || h > 23 || mi > 59 || sec > 59) return undefined
  let start = dayStarts.get(day)
  if (start === undefined) {
    const y = Math.floor(day / 10000)
    const mo = Math.floor(day / 100) % 100
    const d = day % 100
    const ms = Date.UTC(y, mo - 1, d)
    const check = new Date(ms)
    start = check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d ? null : ms
    if (dayStarts.size > 100_000) dayStarts.clear()
    dayStarts.set(day, start)
  }
  return start === null ? null : start + h * 3_600_000 + mi * 60_000 + sec * 1000
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

/** Statement timestamps: ISO (space or T, optional offset/Z, UTC by default), '12 Mar 2024 05:57:12', epoch s/ms. */
export function parseTime(raw: string): number | null {
  const s = raw.trim()
  const plain = plainUtcTime(s)
  if (plain !== undefined) return plain
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
