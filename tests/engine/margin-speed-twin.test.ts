/**
 * bookMargin after the issue-20 speed work against the margin code as it was
 * (src-main/bench/margin-reference/, a copy of git HEAD 80dca66, also the bench's baseline): the demo book and a 2,000-position
 * synthetic book with collateral (so health and liquidation prices are searched), every method,
 * add-ons, per-position standalone and incremental margin, health. Equal exactly: the new code
 * does the same floating-point operations in the same order, only fewer times.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { demoBook, liveBook } from '../../src-main/book/books-repository'
import { listAccounts } from '../../src-main/book/accounts-repository'
import { listBalances, setBalance } from '../../src-main/book/balances-repository'
import { listHeldPositions } from '../../src-main/book/positions-repository'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import { writeSyntheticBook } from '../../src-main/services/books/write-synthetic-book'
import { bookMargin, scenarioDrill } from '../../src-main/services/margin-service'
import { marginView } from '../../src-main/services/margin-view'
import { bookMargin as referenceBookMargin } from '../../src-main/bench/margin-reference/margin-service'

const file = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-margin-twin-')), 'book.sqlite'))
const db = file.db
const demo = demoBook(db)!
const view = buildMarketView(loadMarketSnapshot(db, demo.marketSnapshotId!)!)
writeSyntheticBook(db, { positions: 2000, seed: 11 })
const live = liveBook(db)
// Collateral near the requirement, so some pools sit close to liquidation and the search brackets.
listAccounts(db, live.id).forEach((a, k) => {
  setBalance(db, a.id, 'BTC', [3, 40, 0.5, 12][k % 4]!)
  setBalance(db, a.id, 'ETH', [60, 5, 300, 20][k % 4]!)
})

function expectSameMargin(bookId: number, options: { methods?: ('standard' | 'span' | 'deribit-pm' | 'okx-pm' | 'greeks')[] } = {}): void {
  const held = listHeldPositions(db, bookId)
  const balances = listBalances(db, bookId)
  const now = bookMargin(held, view, { balances, ...options })
  const then = referenceBookMargin(held, view, { balances, ...options })
  expect(now.accounts.length).toBeGreaterThan(0)
  // marginView: typed arrays as arrays, so toEqual compares every element (Object.is: −0 ≠ 0).
  expect(marginView(now)).toEqual(marginView(then as typeof now))
}

describe('bookMargin is unchanged by the speed work', () => {
  it('the demo book: every method, add-ons, health and liquidation prices', () => {
    expectSameMargin(demo.id)
  })

  it('a 2,000-position synthetic book with collateral near the requirement', () => {
    const held = listHeldPositions(db, live.id)
    expect(held.length).toBe(2000)
    const m = bookMargin(held, view, { balances: listBalances(db, live.id) })
    // The search really ran: some pool has a liquidation price.
    expect(m.health.some((h) => h.liquidation.some((l) => l.downUsd !== null || l.upUsd !== null))).toBe(true)
    expectSameMargin(live.id)
  })

  it('one method at a time (the PM replica without the Greeks method shares no grid)', () => {
    expectSameMargin(live.id, { methods: ['deribit-pm'] })
    expectSameMargin(live.id, { methods: ['greeks'] })
    expectSameMargin(live.id, { methods: ['span', 'standard'] })
  })

  it('the scenario drill reads the same records', () => {
    const held = listHeldPositions(db, live.id)
    const m = bookMargin(held, view)
    const g = m.accounts[0]!
    const drill = scenarioDrill(held, view, { account: g.account, currency: g.currency, riskUnit: g.riskUnit, method: 'deribit-pm', scenarioIndex: 3 })
    const pm = g.results.find((r) => r.method === 'deribit-pm')!
    expect(drill.positions.reduce((a, p) => a + p.pnl, 0)).toBeCloseTo(pm.scenarioPnl![3]!, 9)
  })
})
