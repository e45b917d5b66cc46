/**
 * Issue 20: the CLI reads a statement a chunk at a time (statement-file.ts) and the Deribit log is
 * parsed from the chunks. The chunks must join to exactly the text readTextFile gives (encodings,
 * byte-order marks, invalid bytes, characters cut by a chunk's end), hash the same, and parse to
 * the same statement; CSV rows read from chunks must be the rows read from the string.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { eachCsvRow, type CsvRecord } from '../../src-main/importers/csv-records'
import { parseStatement } from '../../src-main/importers/registry'
import type { ParsedStatement } from '../../src-main/importers/statement'
import { inChunks, type ChunkedText } from '../../src-main/importers/statement-text'
import { statementFile } from '../../src-main/services/import/statement-file'
import { readTextFile } from '../../src-main/services/portfolio-files/text-file'
import { sha256Of } from '../../src-main/services/import-service'
import { syntheticDeribitLog } from '../../src-main/bench/synthetic-statement'

const FIXTURES = resolve(import.meta.dirname, '../fixtures')
const filesIn = (dir: string, prefix = ''): string[] => readdirSync(join(FIXTURES, dir)).filter((f) => f.startsWith(prefix) && !f.endsWith('.md')).map((f) => join(FIXTURES, dir, f))

const chunked = (text: string, chars: number): ChunkedText => ({ head: text.slice(0, chars), chunks: () => inChunks(text, chars) })

/** (Papaparse guesses the line ending on its first chunk: it must hold the first line break, hence 8.) */
function rowsOf(text: string | ChunkedText): { rows: CsvRecord[]; problems: { line: number; message: string }[] } {
  const rows: CsvRecord[] = []
  const problems: { line: number; message: string }[] = []
  eachCsvRow(text, (r) => void rows.push(r), (p) => void problems.push(p), typeof text === 'string' ? undefined : 8)
  return { rows, problems }
}

/** Rows as plain objects (Deribit rows are views over columns). */
const plain = (p: ParsedStatement): unknown => JSON.parse(JSON.stringify(p))

describe('a statement read in chunks', () => {
  it('CSV rows, lines and problems from chunks equal those from the string, whatever the chunk size', () => {
    const tricky = ['a,b,c', '1,"two, with comma",3', '', '4,"five ""quoted""",6', '7,"eight', 'spans lines",9', '10,\uFEFFeleven,12', '', '13,14,15', '16,"unclosed,17'].join('\r\n')
    const log = syntheticDeribitLog(300)
    for (const text of [tricky, `\uFEFF${tricky}`, log, '', 'x']) {
      const whole = rowsOf(text)
      for (const chars of [1, 2, 3, 5, 8, 13, 64, 1000]) expect(rowsOf(chunked(text, chars)), `${chars}`).toEqual(whole)
    }
  })

  it('joins to the text readTextFile gives, with the same hash, for every statement and fuzzed file', () => {
    const files = [...filesIn('statements'), ...filesIn('fuzz')]
    expect(files.some((f) => f.includes('utf16'))).toBe(true)
    for (const path of files) {
      const text = readTextFile(path)
      for (const bytes of [7, 64, 4096]) {
        const file = statementFile(path, bytes)
        expect([...file.chunks()].join(''), `${path} in ${bytes}-byte reads`).toBe(text)
        expect(text.startsWith(file.head)).toBe(true)
        expect(sha256Of(file)).toBe(sha256Of(text))
      }
    }
  })

  it('a Deribit log parsed from its chunks is the statement parsed from its string; other formats are read whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'statement-file-'))
    try {
      const synthetic = join(dir, 'transaction_log-1-BTC-chunks.csv')
      writeFileSync(synthetic, syntheticDeribitLog(2000))
      const newestFirst = join(dir, 'transaction_log-1-BTC-newest.csv')
      const [header, ...rows] = syntheticDeribitLog(500).trimEnd().split('\n')
      writeFileSync(newestFirst, [header, ...rows.reverse()].join('\n') + '\n')
      let parsed = 0
      for (const path of [synthetic, newestFirst, ...filesIn('statements'), ...filesIn('fuzz', 'transaction_log-')]) {
        const name = path.split('/').pop()!
        let expected: unknown
        try {
          expected = plain(parseStatement(readTextFile(path), name))
        } catch (e) {
          expected = (e as Error).message
        }
        for (const bytes of [64, 4096]) {
          let got: unknown
          try {
            got = plain(parseStatement(statementFile(path, bytes), name))
          } catch (e) {
            got = (e as Error).message
          }
          expect(got, `${name} in ${bytes}-byte reads`).toEqual(expected)
        }
        if (typeof expected !== 'string') parsed++
      }
      expect(parsed).toBeGreaterThan(40)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a file that cannot be read is named, as readTextFile names it', () => {
    expect(() => statementFile('/no/such/statement.csv')).toThrow(/^cannot read \/no\/such\/statement\.csv: /)
  })

  it('a file rewritten between two passes (hash, parse) is refused, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'marginal-changed-'))
    try {
      const path = join(dir, 'transaction_log.csv')
      writeFileSync(path, 'a,b\n1,2\n')
      const file = statementFile(path)
      expect([...file.chunks()].join('')).toBe('a,b\n1,2\n')
      writeFileSync(path, 'a,b\n1,2\n3,4\n')
      expect(() => [...file.chunks()]).toThrow(`${path} changed while it was being imported`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
