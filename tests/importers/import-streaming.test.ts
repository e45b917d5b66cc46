/**
 * Issue 20: statements are read in chunks (eachCsvRow, streamCsv), logs taken in UserSeq order
 * after a row-at-a-time read, the file hashed in slices, and the synthetic 1M-row log written in
 * batches. Each must give exactly what the whole-text path gave.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { eachCsvRow, readCsv, streamCsv, type CsvRecord } from '../../src-main/importers/csv-records'
import { parseStatement } from '../../src-main/importers/registry'
import { sha256Of } from '../../src-main/services/import-service'
import { syntheticDeribitLog, writeSyntheticDeribitLog } from '../../src-main/bench/synthetic-statement'
import { expectedCounts } from '../../src-main/bench/import-scale-bench'

/** Quoted cells with commas, quotes and line breaks, CRLF, a BOM in a cell, empty lines, a bad quote at the end. */
const TRICKY = [
  'a,b,c',
  '1,"two, with comma",3',
  '',
  '4,"five ""quoted""",6',
  '7,"eight',
  'spans lines",9',
  '10,\uFEFFeleven,12',
  '',
  '13,14,15',
  '16,"unclosed,17'
].join('\r\n')

function rowsOf(text: string, chunkChars?: number): { rows: CsvRecord[]; problems: { line: number; message: string }[] } {
  const rows: CsvRecord[] = []
  const problems: { line: number; message: string }[] = []
  eachCsvRow(text, (r) => void rows.push(r), (p) => void problems.push(p), chunkChars)
  return { rows, problems }
}

describe('CSV read in chunks', () => {
  it('gives the same rows, lines and problems whatever the chunk size, rows cut by a chunk included', () => {
    const whole = rowsOf(TRICKY, 1e9)
    expect(whole.rows.map((r) => r.line)).toEqual([1, 2, 4, 5, 7, 9])
    expect(whole.rows[3]!.values).toEqual(['7', 'eight\r\nspans lines', '9'])
    expect(whole.rows[4]!.values).toEqual(['10', 'eleven', '12'])
    expect(whole.problems.map((p) => p.line)).toEqual([10])
    // (A first chunk must hold the first line break: papaparse guesses the line ending on it.)
    for (const chunk of [8, 11, 16, 64]) expect(rowsOf(TRICKY, chunk)).toEqual(whole)
  })

  it('stops when asked, and streamCsv finds a header below a preamble and hands over the rows below it', () => {
    const seen: number[] = []
    eachCsvRow(TRICKY, (r) => (seen.push(r.line), seen.length < 2), () => undefined, 5)
    expect(seen).toEqual([1, 2])
    const text = 'UID: 1,Zone: UTC\nid,amount\n1,2\n"3,4\n'
    const records: CsvRecord[] = []
    const problems: number[] = []
    const head = streamCsv(text, 'f.csv', (r) => void records.push(r), (p) => void problems.push(p.line), (cells) => cells[0] === 'id')
    expect(head.header).toEqual(['id', 'amount'])
    expect(head.preamble.map((r) => r.line)).toEqual([1])
    expect(records).toEqual([{ line: 3, values: ['1', '2'] }])
    expect(problems).toEqual([4])
    expect(readCsv(text, 'f.csv', (cells) => cells[0] === 'id')).toMatchObject({ header: ['id', 'amount'], records, problems: [{ line: 4 }] })
    expect(() => streamCsv('x,y\n1,2\n', 'g.csv', () => undefined, () => undefined, () => false)).toThrow('g.csv: no header of this format in the first 11 rows')
    expect(() => streamCsv('', 'h.csv', () => undefined, () => undefined)).toThrow('h.csv: the file is empty')
  })
})

describe('a Deribit log read a row at a time', () => {
  it('a log over several chunks gives the same statement newest first as oldest first (UserSeq order)', () => {
    const text = syntheticDeribitLog(25_000)
    expect(text.length).toBeGreaterThan(4 * 1024 * 1024) // more than one chunk
    const [header, ...rows] = text.trimEnd().split('\n')
    const newestFirst = [header, ...rows.reverse()].join('\n') + '\n'
    const file = 'transaction_log-1-BTC-stream.csv'
    const a = parseStatement(text, file)
    const b = parseStatement(newestFirst, file)
    const counts = expectedCounts(25_000)
    expect(a.trades.length).toBe(counts.trades)
    expect(a.cashFlows.length).toBe(counts.cashFlows)
    expect(a.issues).toEqual([])
    // The same rows in the same (account) order; only the line numbers differ.
    const lines = rows.length + 3
    // (Rows are views over the parser's columns: JSON gives their fields.)
    const strip = <T extends { line: number }>(xs: T[], flip: boolean): T[] => xs.map((x) => ({ ...(JSON.parse(JSON.stringify(x)) as T), line: flip ? lines - x.line : x.line }))
    expect(strip(b.trades, true)).toEqual(strip(a.trades, false))
    expect(strip(b.cashFlows, true)).toEqual(strip(a.cashFlows, false))
    expect(b.closingBalances.map((c) => c.amount)).toEqual(a.closingBalances.map((c) => c.amount))
    expect(b.settlements.length).toBe(a.settlements.length)
  })

  it('a log whose file name gives no currency still takes it from its first instrument', () => {
    const p = parseStatement(syntheticDeribitLog(50), 'export.csv', 'deribit-transaction-log')
    expect(p.baseCurrency).toBe('BTC')
    expect(p.notes.some((n) => n.startsWith('Currency BTC taken from the instruments'))).toBe(true)
    expect(p.trades.length).toBe(expectedCounts(50).trades)
  })
})

describe('the file hash', () => {
  it('hashed in slices equals the hash of the whole text, a surrogate pair across a slice boundary included', () => {
    const at = (1 << 22) - 1
    const text = `${'a'.repeat(at)}\u{1F600}${'b'.repeat(1000)}é`
    expect(sha256Of(text)).toBe(createHash('sha256').update(text).digest('hex'))
    expect(sha256Of('')).toBe(createHash('sha256').update('').digest('hex'))
    expect(sha256Of('x,y\n')).toBe(createHash('sha256').update('x,y\n').digest('hex'))
  })
})

describe('the synthetic log written in batches', () => {
  it('is byte for byte the string syntheticDeribitLog returns', () => {
    const dir = mkdtempSync(join(tmpdir(), 'synthetic-log-'))
    try {
      for (const rows of [0, 3, 10_000, 12_345]) {
        const path = join(dir, `log-${rows}.csv`)
        writeSyntheticDeribitLog(path, rows)
        expect(readFileSync(path, 'utf8')).toBe(syntheticDeribitLog(rows))
        // Newest first, as Deribit exports it: the same rows, the last line first (batches reversed too).
        writeSyntheticDeribitLog(path, rows, 11, 'newest-first')
        const newest = readFileSync(path, 'utf8')
        expect(newest).toBe(syntheticDeribitLog(rows, 11, 'newest-first'))
        const [header, ...lines] = syntheticDeribitLog(rows).trimEnd().split('\n')
        expect(newest).toBe([header, ...lines.reverse()].join('\n') + '\n')
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
