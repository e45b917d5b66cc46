import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { listHeldPositions } from '../../src-main/book/positions-repository'
import { liveBook } from '../../src-main/book/books-repository'
import { writeSyntheticBook } from '../../src-main/services/books/write-synthetic-book'
import { runCli } from '../../src-main/cli/main'

const newFile = (): string => join(mkdtempSync(join(tmpdir(), 'marginal-synth-')), 'book.sqlite')

describe('synthetic-book', () => {
  it('writes exactly N positions into the empty live book, on the demo market, the same for the same seed', () => {
    const rows = (seed: number) => {
      const book = openBook(newFile())
      try {
        const summary = writeSyntheticBook(book.db, { positions: 3_000, seed })
        const live = liveBook(book.db)
        expect(summary).toMatchObject({ bookId: live.id, positions: 3_000, accounts: 4 })
        expect(live.positionCount).toBe(3_000)
        expect(live.marketSnapshotId).toBe(summary.marketSnapshotId)
        const held = listHeldPositions(book.db, live.id)
        // One instrument at most once per account (the table's key), and every kind the generator makes.
        expect(new Set(held.map((p) => `${p.accountId}:${p.instrument.symbol}`)).size).toBe(3_000)
        expect(new Set(held.map((p) => p.instrument.kind))).toEqual(new Set(['option', 'future', 'perpetual']))
        return held.map((p) => `${p.accountName} ${p.instrument.symbol} ${p.sizeContracts}`)
      } finally {
        book.db.close()
      }
    }
    const a = rows(7)
    expect(rows(7)).toEqual(a)
    expect(rows(8)).not.toEqual(a)
  })

  it('refuses a live book that holds anything, and a count out of range, writing nothing', () => {
    const book = openBook(newFile())
    try {
      expect(() => writeSyntheticBook(book.db, { positions: 0 })).toThrow(/--positions must be a whole number from 1/)
      expect(() => writeSyntheticBook(book.db, { positions: 2.5 })).toThrow(/got 2.5/)
      expect(liveBook(book.db).positionCount).toBe(0)
      writeSyntheticBook(book.db, { positions: 100 })
      expect(() => writeSyntheticBook(book.db, { positions: 100 })).toThrow(/already holds 4 accounts and 100 positions/)
      expect(liveBook(book.db).positionCount).toBe(100)
    } finally {
      book.db.close()
    }
  })

  it('is a CLI command: synthetic-book --positions N, then positions lists them', async () => {
    const file = newFile()
    const out: string[] = []
    const err: string[] = []
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }
    expect(await runCli(['synthetic-book', '--book', file], io)).toBe(2)
    expect(err.join('\n')).toMatch(/synthetic-book needs --positions N/)
    expect(await runCli(['synthetic-book', '--book', file, '--positions', 'abc'], io)).toBe(2)
    expect(err.at(-1)).toMatch(/--positions "abc" is not a whole number of positions/)
    expect(await runCli(['synthetic-book', '--book', file, '--positions', '10', '--seed', 'x'], io)).toBe(2)
    expect(err.at(-1)).toMatch(/--seed "x" is not a whole number/)
    expect(await runCli(['synthetic-book', '--book', file, '--positions', '500', '--seed', '3'], io)).toBe(0)
    expect(out.at(-1)).toMatch(/^wrote 500 synthetic positions \([\d,]+ instruments, 4 accounts "Synthetic 1…4"\) into the live book/)
    expect(await runCli(['positions', '--book', file, '--json'], io)).toBe(0)
    expect(JSON.parse(out.at(-1)!).rows).toHaveLength(500)
    expect(await runCli(['synthetic-book', '--book', file, '--positions', '5'], io)).toBe(1)
    expect(err.at(-1)).toMatch(/already holds 4 accounts and 500 positions/)
  })
})
