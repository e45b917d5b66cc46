/**
 * Issue 20: the Deribit log parser keeps its rows in columns and takes a log already in UserSeq
 * order as it reads it. Its statement must be exactly the one the previous parser (kept as
 * reference/deribit-transaction-log-v1.ts) gives: every trade, cash flow, settlement, issue, note
 * and balance, field by field, on every Deribit fixture, every fuzzed one, and logs in and out of
 * order, with repeated IDs, unreadable sequence numbers and no currency in the name.
 */
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseDeribitLog } from '../../src-main/importers/formats/deribit-transaction-log'
import { dropWithinFileDuplicates } from '../../src-main/importers/within-file-duplicates'
import type { ParsedStatement } from '../../src-main/importers/statement'
import { readTextFile } from '../../src-main/services/portfolio-files/text-file'
import { syntheticDeribitLog } from '../../src-main/bench/synthetic-statement'
import { parseDeribitLog as parseDeribitLogV1 } from './reference/deribit-transaction-log-v1'

/** Rows as plain objects (the new parser's rows are views over columns: toJSON gives their fields). */
const plainRows = <T>(rows: readonly T[]): unknown[] => rows.map((r) => ((r as { toJSON?: () => unknown }).toJSON ? (r as { toJSON: () => unknown }).toJSON() : r))
const plain = (p: ParsedStatement): unknown => {
  const { externalIdsUnique: _unique, ...rest } = p
  return { ...rest, trades: plainRows(p.trades), cashFlows: plainRows(p.cashFlows) }
}

/** Both parsers' statement (or both their errors), and the same after the within-file duplicate check. */
function expectTwins(text: string, file: string): ParsedStatement | null {
  let before: ParsedStatement | Error
  let after: ParsedStatement | Error
  try {
    before = parseDeribitLogV1(text, file)
  } catch (e) {
    before = e as Error
  }
  try {
    after = parseDeribitLog(text, file)
  } catch (e) {
    after = e as Error
  }
  if (before instanceof Error || after instanceof Error) {
    expect(after instanceof Error ? after.message : 'parsed', file).toBe(before instanceof Error ? before.message : 'parsed')
    return null
  }
  expect(plain(after), file).toEqual(plain(before))
  expect(plain(dropWithinFileDuplicates(after)), file).toEqual(plain(dropWithinFileDuplicates(before)))
  return after
}

const FIXTURES = resolve(import.meta.dirname, '../fixtures')
const logsIn = (dir: string): string[] => readdirSync(join(FIXTURES, dir)).filter((f) => f.startsWith('transaction_log-')).map((f) => join(FIXTURES, dir, f))

describe('the Deribit log in columns equals the previous parser', () => {
  it('on every Deribit fixture and every fuzzed Deribit log', () => {
    const files = [...logsIn('statements'), ...logsIn('fuzz')]
    expect(files.length).toBeGreaterThan(60)
    let parsed = 0
    for (const path of files) if (expectTwins(readTextFile(path), path.split('/').pop()!)) parsed++
    expect(parsed).toBeGreaterThan(30)
  })

  const text = syntheticDeribitLog(3000)
  const [header, ...rows] = text.trimEnd().split('\n')
  const log = (lines: string[]): string => [header, ...lines].join('\n') + '\n'
  const file = 'transaction_log-1-BTC-columns.csv'

  it('oldest first (taken as read), newest first and shuffled (held and sorted), rows of one UserSeq in file order', () => {
    const asRead = expectTwins(text, file)!
    expect(asRead.trades.length).toBeGreaterThan(2000)
    expect(asRead.externalIdsUnique).toBe(true)
    expect(expectTwins(log([...rows].reverse()), file)!.externalIdsUnique).toBe(true)
    // Out of order half-way: the reader gives up taking rows as read, and starts again holding them.
    const swapped = [...rows]
    ;[swapped[1500], swapped[1501]] = [swapped[1501]!, swapped[1500]!]
    expect(expectTwins(log(swapped), file)!.externalIdsUnique).toBe(false)
    // Two rows of one UserSeq: kept in the file's order.
    const sameSeq = rows.map((r, i) => (i === 10 ? r.replace(/^(\d+),(\d+),/, (_m, id) => `${id},10,`) : r))
    expectTwins(log(sameSeq), file)
  })

  it('newest first, as Deribit exports it: with ties, issues, deliveries and settlements held beside the common rows', () => {
    const newest = [...rows].reverse()
    const p = expectTwins(log(newest), file)!
    expect(p.trades.length).toBeGreaterThan(2000)
    expect(p.settlements!.length).toBeGreaterThan(0)
    // The held rows come back as views of the same columns, their externalIds those of the log.
    expect(p.trades[0]!.externalId).toBe('deribit:log:1')
    // Ties: newest first, but three rows share a UserSeq (each keeps the file's order).
    const ties = newest.map((r, i) => (i >= 100 && i < 103 ? r.replace(/^(\d+),(\d+),/, (_m, id) => `${id},2900,`) : r))
    expectTwins(log(ties), file)
    // A row with issues, a delivery (a settlement price), and an unreadable Balance, among newest-first rows.
    const cell = (row: string, at: number, value: string): string => row.split(',').map((c, k) => (k === at ? value : c)).join(',')
    const option = newest.findIndex((r, i) => i > 20 && /-[CP],trade,/.test(r))
    const mixed = newest.map((r, i) =>
      i === 5 ? cell(r, 18, 'abc') : i === option ? cell(cell(r, 4, 'delivery'), 9, '61000') : i === 11 ? cell(r, 5, 'sideways') : i === 13 ? cell(r, 6, '0') : r
    )
    const m = expectTwins(log(mixed), file)!
    expect(m.issues.length).toBeGreaterThan(0)
    expect(m.deliveryPrices!.length).toBe(1)
    // Shuffled (seeded): the general sort, not the reversal.
    let seed = 7
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const shuffled = [...rows]
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!]
    }
    expectTwins(log(shuffled), file)
    expectTwins(log(mixed), 'export.csv')
  })

  it('a repeated ID (a row listed twice), an unreadable UserSeq or Balance, and a log naming no currency', () => {
    const twice = expectTwins(log([...rows.slice(0, 100), rows[50]!, ...rows.slice(100)]), file)!
    expect(twice.externalIdsUnique).toBe(false)
    expect(dropWithinFileDuplicates(twice).issues.some((i) => i.reason.startsWith('same transaction as line'))).toBe(true)
    const cell = (row: string, at: number, value: string): string => row.split(',').map((c, k) => (k === at ? value : c)).join(',')
    // (UserSeq is the second column, Balance the 19th.)
    const broken = rows.map((r, i) => (i === 7 ? cell(r, 1, 'x') : i === 20 ? cell(r, 18, 'abc') : r))
    const p = expectTwins(log(broken), file)!
    expect(p.issues.filter((i) => i.severity === 'rejected').map((i) => i.column)).toEqual(['UserSeq', 'Balance'])
    expectTwins(text, 'export.csv')
    expectTwins(log([...rows].reverse()), 'export.csv')
  })
})
