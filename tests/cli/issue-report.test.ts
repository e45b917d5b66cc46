/**
 * Long, repetitive CLI reports are summarised and echo only short excerpts of their input (issue 19
 * §1): counts per kind of reason, the first lines, --verbose for all of them, --issues FILE as CSV;
 * the verdict stays last and --json stays complete.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RowIssue } from '@contract/api'
import { runCli } from '../../src-main/cli/main'
import { clipText, echoCell, excerpt, reasonKey } from '../../src-main/cli/excerpt'
import { FIRST_ISSUES, ISSUES_CSV_HEADER, IssueLog, issueKinds, issueReport, listLine } from '../../src-main/cli/issue-report'
import { printMarketDetail } from '../../src-main/cli/market-command'

const dir = mkdtempSync(join(tmpdir(), 'marginal-issue-report-'))

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

const HEADER = 'ID,UserSeq,Date,Instrument,Type,Side,Amount,Base Amount,Position,Price,Mark Price,Index Price,Cash Flow,Funding,Fee Rate,Fee Charged,Fee Balance,Change,Balance,Equity,Trade ID,Order ID,Info,Note'
/** A Deribit log whose every row has an unknown type; `types(i)` names row i's. */
function rejectsLog(name: string, rows: number, types: (i: number) => string = () => 'mystery'): string {
  const file = join(dir, name)
  const lines = Array.from({ length: rows }, (_, i) => `${i + 1},${i + 1},2024-01-01 00:00:00,BTC-PERPETUAL,${types(i)},,,,0,,,,0,0,,0,0,0,1,1,,,,`)
  writeFileSync(file, [HEADER, ...lines, ''].join('\n'))
  return file
}

const issue = (line: number, reason: string, severity: RowIssue['severity'] = 'rejected'): RowIssue => ({ file: 'f.csv', line, column: 'Type', reason, severity })

describe('excerpts of input', () => {
  it('keeps short values whole and clips long ones to 80 characters with an ellipsis and their size in bytes', () => {
    expect(excerpt('abc')).toBe('abc')
    expect(excerpt('x'.repeat(80))).toBe('x'.repeat(80))
    expect(excerpt('x'.repeat(1_000_000))).toBe(`${'x'.repeat(80)}… (1000000 bytes)`)
    // Bytes, not characters; never half a surrogate pair.
    expect(excerpt('é'.repeat(100))).toBe(`${'é'.repeat(80)}… (200 bytes)`)
    expect(excerpt(`${'a'.repeat(79)}😀tail`)).toBe(`${'a'.repeat(79)}… (87 bytes)`)
  })

  it('clips a quoted cell inside a reason, a long run without spaces, and escapes control characters', () => {
    const cell = 'y'.repeat(3_000_000)
    const clipped = clipText(`'${cell}' is not a number`)
    expect(clipped).toBe(`'${'y'.repeat(80)}…' (3000000 bytes) is not a number`)
    expect(clipText(`unknown operation "${'z '.repeat(100)}"`)).toBe(`unknown operation "${'z '.repeat(40)}…" (200 bytes)`)
    expect(clipText(`${'S'.repeat(500)} expired: the row does not say which side`)).toBe(`${'S'.repeat(80)}… (500 bytes) expired: the row does not say which side`)
    // Apostrophes inside words quote nothing.
    expect(clipText("position 2 does not follow from line 1's 1 + 1")).toBe("position 2 does not follow from line 1's 1 + 1")
    expect(clipText('a\u001b[31mred\u0007\r\nnext', { oneLine: true })).toBe('a\\x1b[31mred\\x07\\nnext')
    expect(clipText('first\nsecond')).toBe('first\nsecond')
    // However many medium values a line holds, it stays short.
    expect(clipText(Array.from({ length: 1000 }, () => 'word'.repeat(20)).join(' ')).length).toBeLessThan(1100)
    expect(echoCell('c'.repeat(300))).toBe(`${'c'.repeat(80)}… (300 bytes)`)
  })

  it('groups reasons by kind: quoted values and numbers stripped', () => {
    expect(reasonKey("unknown transaction type 'mystery'")).toBe(reasonKey("unknown transaction type 'other'"))
    expect(reasonKey('same transaction as line 6 (id deribit:log:5)')).toBe('same transaction as line # (id #)')
    expect(reasonKey("position 1 does not follow from line 2's 1 + 1")).toBe("position # does not follow from line #'s # + #")
    expect(reasonKey("'xx…' (5,000 characters) is longer")).toBe("'…' (# characters) is longer")
    expect(reasonKey(clipText(`'${'v'.repeat(500)}' is not a number`))).toBe(reasonKey("'v' is not a number"))
  })
})

describe('issue reports', () => {
  it('prints up to a screenful of issues one line each, as before', () => {
    const issues = Array.from({ length: FIRST_ISSUES }, (_, i) => issue(i + 2, "unknown transaction type 'x'"))
    expect(issueReport(issues, { verbose: false })).toEqual(issues.map((i) => `  f.csv, line ${i.line}, column Type: rejected: unknown transaction type 'x'`))
  })

  it('beyond that: counts per kind and severity, most frequent first, the first lines in line order and how to see all', () => {
    const issues = [
      ...Array.from({ length: 300 }, (_, i) => issue(1000 - i, `same transaction as line ${i + 2} (id ${i})`, 'skipped')),
      ...Array.from({ length: 50 }, (_, i) => issue(i + 2, `unknown transaction type 't${i}'`)),
      issue(5000, "'abc' is not a number")
    ]
    expect(issueKinds(issues).map((k) => [k.count, k.severity, k.reason, k.firstLine])).toEqual([
      [300, 'skipped', 'same transaction as line # (id #)', 701],
      [50, 'rejected', "unknown transaction type '…'", 2],
      [1, 'rejected', "'…' is not a number", 5000]
    ])
    const lines = issueReport(issues, { verbose: false })
    const text = lines.join('\n')
    expect(text).toMatch(/^\s*300\s+skipped\s+same transaction as line # \(id #\)\s+701$/m)
    expect(text).toMatch(/^\s*50\s+rejected\s+unknown transaction type '…'\s+2$/m)
    expect(text).toContain(`The first ${FIRST_ISSUES} of 351 issues:`)
    expect(lines.filter((l) => l.startsWith('  f.csv'))).toEqual(Array.from({ length: FIRST_ISSUES }, (_, i) => `  f.csv, line ${i + 2}, column Type: rejected: unknown transaction type 't${i}'`))
    expect(lines.at(-1)).toBe(`… ${351 - FIRST_ISSUES} more: --verbose prints every issue, --issues FILE writes them all (CSV).`)
    expect(issueReport(issues, { verbose: true })).toHaveLength(351)
  })

  it('shortens a one-line list to its first items unless verbose', () => {
    const items = Array.from({ length: 30 }, (_, i) => `BTC-${i}`)
    expect(listLine(items, false)).toBe(`${items.slice(0, FIRST_ISSUES).join('; ')}; … and 10 more (--verbose lists all)`)
    expect(listLine(items, true)).toBe(items.join('; '))
  })

  it('market --chain: the rows not used, summarised the same way', () => {
    const problems = Array.from({ length: 40 }, (_, i) => `chain.csv, line ${i + 2}, column mark_price: '${'9'.repeat(i === 0 ? 500 : 3)}' is not a number`)
    const print = (verbose: boolean): string[] => {
      const out: string[] = []
      printMarketDetail({ out: (t) => out.push(t) }, { snapshot: null, underlyings: [] } as never, problems, false, verbose)
      return out
    }
    const short = print(false)
    expect(short).toContain('\n40 row(s) not used:')
    expect(short.join('\n')).toMatch(/^\s*40\s+rejected\s+'…' is not a number\s+2$/m)
    expect(short.filter((l) => l.startsWith('  chain.csv'))).toHaveLength(FIRST_ISSUES)
    expect(short[short.findIndex((l) => l.startsWith('  chain.csv'))]).toBe(`  chain.csv, line 2, column mark_price: rejected: '${'9'.repeat(80)}…' (500 bytes) is not a number`)
    expect(print(true).filter((l) => l.startsWith('  chain.csv'))).toHaveLength(40)
  })

  it('--issues FILE: every issue as CSV (file,line,column,severity,reason), quoted where needed, appended per file', () => {
    const path = join(dir, 'log.csv')
    const log = new IssueLog(path)
    log.add([issue(3, 'b, with "quotes"'), issue(2, `'${'q'.repeat(200)}' is not a number`)])
    log.add([{ file: 'g.csv', line: 9, column: null, reason: 'two\nlines', severity: 'warning' }])
    expect(readFileSync(path, 'utf8')).toBe(
      `${ISSUES_CSV_HEADER}\nf.csv,2,Type,rejected,'${'q'.repeat(80)}…' (200 bytes) is not a number\nf.csv,3,Type,rejected,"b, with ""quotes"""\ng.csv,9,,warning,two\\nlines\n`
    )
    expect(log.written).toBe(3)
  })
})

describe('cli import on a long rejection report', () => {
  const file = rejectsLog('transaction_log-9-BTC-rejects.csv', 500, (i) => (i === 7 ? 'w'.repeat(50_000) : i % 2 ? 'mystery' : 'enigma'))
  const book = (): string => join(mkdtempSync(join(dir, 'book-')), 'book.sqlite')

  it('summarises, echoes no long cell, and keeps the verdict last with exit 3', async () => {
    const r = await cli('import', file, '--book', book())
    expect(r.code).toBe(3)
    const lines = r.out.split('\n')
    expect(r.out).toContain('500 rejected, 0 skipped, 0 with warnings:')
    expect(r.out).toMatch(/^\s*499\s+rejected\s+unknown transaction type '…'\s+2$/m)
    expect(lines.filter((l) => l.includes(': rejected: '))).toHaveLength(FIRST_ISSUES)
    expect(r.out).toContain(`… ${500 - FIRST_ISSUES} more: --verbose prints every issue, --issues FILE writes them all (CSV).`)
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(400)
    expect(lines.at(-1)).toBe('Nothing written: 500 rejected row(s). Fix them, or pass --allow-partial to import the good rows.')
  })

  it('--verbose prints every issue line; --issues FILE writes them all; the verdict stays last', async () => {
    const issues = join(dir, 'issues.csv')
    const r = await cli('import', file, '--book', book(), '--dry-run', '--verbose', '--issues', issues)
    expect(r.code).toBe(3)
    const lines = r.out.split('\n')
    expect(lines.filter((l) => l.includes(': rejected: '))).toHaveLength(500)
    expect(r.out).toContain(`All 500 issues: ${issues} (CSV: ${ISSUES_CSV_HEADER}).`)
    expect(lines.at(-1)).toBe('Dry run: nothing written.')
    const csv = readFileSync(issues, 'utf8').trimEnd().split('\n')
    expect(csv[0]).toBe(ISSUES_CSV_HEADER)
    expect(csv).toHaveLength(501)
    expect(csv[1]).toBe('transaction_log-9-BTC-rejects.csv,2,Type,rejected,unknown transaction type \'enigma\'')
    expect(Math.max(...csv.map((l) => l.length))).toBeLessThan(400)
  })

  it('--json stays complete: every issue, whatever the count', async () => {
    const r = await cli('import', file, '--book', book(), '--dry-run', '--json')
    expect(r.code).toBe(3)
    const preview = JSON.parse(r.out) as { issues: RowIssue[]; rejected: number }
    expect(preview.issues).toHaveLength(500)
    expect(preview.rejected).toBe(500)
  })

  it('--issues is refused where there are no issues to write', async () => {
    const r = await cli('positions', '--issues', join(dir, 'x.csv'), '--book', book())
    expect(r.code).toBe(2)
    expect(r.err).toContain('--issues FILE is for import and report')
  })

  it('a failing command echoes no more than an excerpt of what it was given', async () => {
    const r = await cli('import', join(dir, `${'n'.repeat(5000)}.csv`), '--book', book())
    expect(r.code).toBe(1)
    expect(r.err.length).toBeLessThan(400)
    expect(r.err).toMatch(/^marginal: cannot read .*n{10,}… \(\d+ bytes\)/)
  })
})
