/**
 * `cli synthetic-book`: the bench's seeded generator (synthetic-book.ts) written into a book file's
 * live book, valued on the demo market, so a desk-scale book (10,000 or 100,000 positions) is one
 * command away for trying the workstation, the CLI and the bench. Refused on a live book that
 * already holds positions or accounts: synthetic rows never mix with a trader's own.
 * Positions are dealt round-robin to "Synthetic 1…A" (A = one account per 2,500 positions, at least
 * four) on a strike ladder ten times finer than the venue's, so the book spreads over thousands
 * of instruments; an instrument is held at most once per account (the positions table's key), so
 * a position whose instrument its account already holds goes to the next account that does not.
 */
import type { BookDb } from '../../book/database'
import { demoBook, liveBook, setBookMarketSnapshot } from '../../book/books-repository'
import { loadMarketSnapshot } from '../../book/market-repository'
import { insertPositionsBulk, type BulkPosition } from '../../book/bulk-positions'
import { instrumentKey } from '../../engine/instruments/instrument'
import { BookRefusedError } from '../../book/whatif-repository'
import { syntheticBook } from './synthetic-book'

export interface SyntheticBookSummary {
  bookId: number
  positions: number
  accounts: number
  instruments: number
  marketSnapshotId: string
}

export const MAX_SYNTHETIC_POSITIONS = 1_000_000

export function writeSyntheticBook(db: BookDb, opts: { positions: number; seed?: number }): SyntheticBookSummary {
  if (!Number.isInteger(opts.positions) || opts.positions < 1 || opts.positions > MAX_SYNTHETIC_POSITIONS)
    throw new RangeError(`--positions must be a whole number from 1 to ${MAX_SYNTHETIC_POSITIONS.toLocaleString('en-US')}; got ${opts.positions}`)
  const live = liveBook(db)
  if (live.positionCount > 0 || live.accountCount > 0)
    throw new BookRefusedError(`the live book "${live.name}" already holds ${live.accountCount} accounts and ${live.positionCount} positions: write a synthetic book into a new book file`)
  const demo = demoBook(db)
  const market = demo?.marketSnapshotId ? loadMarketSnapshot(db, demo.marketSnapshotId) : undefined
  if (!demo || !market) throw new BookRefusedError('the synthetic book is valued on the demo market, and this book file has no demo book: restore the demo first')
  const accounts = Math.max(4, Math.ceil(opts.positions / 2_500))
  const held = Array.from({ length: accounts }, () => new Set<string>())
  const rows: BulkPosition[] = []
  // The generator's stream, drawn until N positions fit: a draw whose instrument every account
  // already holds (a perpetual, mostly) is passed over, so the mix leans a little more to options.
  for (let drawn = opts.positions; rows.length < opts.positions; drawn *= 2) {
    rows.length = 0
    held.forEach((h) => h.clear())
    for (const [n, p] of syntheticBook(market, drawn, opts.seed, { strikeStepDivisor: 10 }).entries()) {
      const key = instrumentKey(p.instrument.venue, p.instrument.symbol)
      const k = Array.from({ length: accounts }, (_, i) => (n + i) % accounts).find((i) => !held[i]!.has(key))
      if (k === undefined) continue
      held[k]!.add(key)
      rows.push({ accountName: `Synthetic ${k + 1}`, instrument: p.instrument, sizeContracts: p.sizeContracts })
      if (rows.length === opts.positions) break
    }
  }
  // Positions and the market they are valued on land together or not at all.
  const written = db.transaction(() => {
    const w = insertPositionsBulk(db, live.id, { venue: 'deribit', baseCurrency: 'BTC' }, rows)
    setBookMarketSnapshot(db, live.id, market.id)
    return w
  }).immediate()
  return { bookId: live.id, ...written, marketSnapshotId: market.id }
}
