/**
 * A fresh book file holding the demo book, with its market moved (shift-market.ts) stored beside the
 * demo's own as an imported chain would be: the two snapshots a P&L explain runs between.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openBook } from '../../../src-main/book/open-book'
import { demoBook } from '../../../src-main/book/books-repository'
import { loadMarketSnapshot, saveMarketSnapshot } from '../../../src-main/book/market-repository'
import type { BookDb } from '../../../src-main/book/database'
import { buildMarketView, type MarketView } from '../../../src-main/engine/market/market-view'
import type { MarketSnapshotData } from '../../../src-main/engine/market/snapshot'
import { shiftMarket } from './shift-market'

export const DAY_MS = 24 * 3600 * 1000

export interface DemoPair {
  db: BookDb
  bookId: number
  market: MarketSnapshotData
  moved: MarketSnapshotData
  from: MarketView
  to: MarketView
  fromUtc: string
  toUtc: string
  close(): void
}

export function demoWithMovedMarket(move: number, volPoints: number, elapsedMs = DAY_MS): DemoPair {
  const dir = mkdtempSync(join(tmpdir(), 'explain-'))
  const { db } = openBook(join(dir, 'book.sqlite'))
  const demo = demoBook(db)!
  const market = loadMarketSnapshot(db, demo.marketSnapshotId!)!
  const moved = shiftMarket(market, { move, volPoints, elapsedMs, id: `demo-moved-${move}-${volPoints}` })
  saveMarketSnapshot(db, moved)
  return {
    db,
    bookId: demo.id,
    market,
    moved,
    from: buildMarketView(market),
    to: buildMarketView(moved),
    fromUtc: new Date(market.asOfMs).toISOString(),
    toUtc: new Date(moved.asOfMs).toISOString(),
    close: () => {
      db.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
