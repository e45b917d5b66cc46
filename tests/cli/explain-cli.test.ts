import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../src-main/cli/main'
import { openBook } from '../../src-main/book/open-book'
import { demoBook } from '../../src-main/book/books-repository'
import { loadMarketSnapshot, saveMarketSnapshot } from '../../src-main/book/market-repository'
import { shiftMarket } from '../engine/explain/shift-market'

describe('cli explain', () => {
  it('explains the demo book between two dates (exit 0), and names a missing --to (exit 2)', async () => {
    const bookPath = join(mkdtempSync(join(tmpdir(), 'marginal-cli-explain-')), 'book.sqlite')
    const { db } = openBook(bookPath)
    const market = loadMarketSnapshot(db, demoBook(db)!.marketSnapshotId!)!
    saveMarketSnapshot(db, shiftMarket(market, { move: 0.02, volPoints: 1, elapsedMs: 86_400_000, id: 'moved' }))
    db.close()
    const out: string[] = []
    const err: string[] = []
    const io = { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }
    expect(await runCli(['explain', '--book', bookPath, '--book-id', '1', '--from', '2026-11-21', '--to', '2026-11-22'], io)).toBe(0)
    expect(out.join('\n')).toMatch(/Book 1: P&L explain 2026-11-21 08:00 UTC → 2026-11-22 08:00 UTC/)
    expect(out.join('\n')).toMatch(/Residual \(full revaluation minus the explained parts\)/)
    expect(await runCli(['explain', '--book', bookPath, '--from', '2026-11-21'], io)).toBe(2)
    expect(err.join('\n')).toMatch(/explain needs --from DATE and --to DATE/)
  })
})
