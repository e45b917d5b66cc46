/**
 * Acceptance 3 of the hedging issue: reduce to target brings utilisation under the target in the
 * recomputed result: the closes quoted like any ticket (the margin service run on the book after
 * them, premium through the balances at the mark), read from the pool's health.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { findBook, listBooks } from '../../src-main/book/books-repository'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import { listHeldPositions } from '../../src-main/book/positions-repository'
import { listBalances } from '../../src-main/book/balances-repository'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import { reduceToTarget } from '../../src-main/services/hedge/reduce-service'
import { quoteTrades } from '../../src-main/services/whatif/whatif-service'

const book = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-reduce-')), 'book.sqlite'))
const liveId = listBooks(book.db).find((b) => b.kind === 'demo')!.id
const view = buildMarketView(loadMarketSnapshot(book.db, findBook(book.db, liveId)!.marketSnapshotId!)!)
const held = listHeldPositions(book.db, liveId)
const balances = listBalances(book.db, liveId)
const account = (db: typeof book.db) => (db.prepare("SELECT id FROM accounts WHERE book_id = ? AND name = 'Deribit main'").get(liveId) as { id: number }).id

describe('reduce to target', () => {
  for (const [currency, target] of [['BTC', 0.3], ['ETH', 0.5]] as const) {
    it(`Deribit main · ${currency}, Deribit PM, under ${target * 100} %: the recomputed utilisation is under the target`, async () => {
      const r = await reduceToTarget(held, view, { account: 'Deribit main', currency, riskUnit: null, method: 'deribit-pm', target, balances })
      expect(r.lpScope).toBe('exact')
      expect(r.before.utilisation).toBeGreaterThan(target)
      expect(r.reached).toBe(true)
      expect(r.after.utilisation).toBeLessThanOrEqual(target)
      expect(r.closes.length).toBeGreaterThan(0)
      for (const c of r.closes) {
        const p = held.find((h) => h.instrument.symbol === c.symbol && h.accountName === 'Deribit main')!
        // A close trades against the position and never past flat.
        expect(Math.sign(c.contracts)).toBe(-Math.sign(p.sizeContracts))
        expect(Math.abs(c.contracts)).toBeLessThanOrEqual(Math.abs(p.sizeContracts) + 1e-9)
      }
      const q = quoteTrades(book.db, liveId, view, r.closes.map((c) => ({ accountId: account(book.db), symbol: c.symbol, side: c.contracts > 0 ? 'buy' : 'sell', sizeContracts: Math.abs(c.contracts) })), { params: undefined, paramsSource: 'shipped' })
      const util = q.diff.health.find((h) => h.pool === `Deribit main · ${currency}` && h.method === 'deribit-pm')!.imUtilisation
      expect(util.base).toBeCloseTo(r.before.utilisation, 9)
      expect(util.other!).toBeLessThanOrEqual(target)
      console.log(`reduce ${currency} to ${target * 100} %: ${(r.before.utilisation * 100).toFixed(1)} % → ${(util.other! * 100).toFixed(1)} % recomputed, closing ${r.closes.map((c) => `${c.contracts > 0 ? '+' : ''}${c.contracts} ${c.symbol}`).join(', ')}; cost ${r.costTotal.toFixed(5)} ${currency}`)
    })
  }

  it('a group that is already under target closes nothing', async () => {
    const r = await reduceToTarget(held, view, { account: 'Deribit main', currency: 'BTC', riskUnit: null, method: 'deribit-pm', target: 0.9, balances })
    expect(r.closes).toEqual([])
    expect(r.reached).toBe(true)
  })
})
