/**
 * Acceptance 2 of the hedging issue: for the demo book, the suggested Deribit-PM hedge lowers the
 * recomputed margin, and no single-instrument hedge from the candidate set lowers it further
 * (scanned on each candidate's lot grid: the method's IM plus trading cost, the same objective).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { findBook, listBooks } from '../../src-main/book/books-repository'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import { listHeldPositions, type HeldPosition } from '../../src-main/book/positions-repository'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import { bookMargin } from '../../src-main/services/margin-service'
import { hedgeProblem, suggestHedge, type HedgeRequest } from '../../src-main/services/hedge/hedge-service'

const book = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-hedge-svc-')), 'book.sqlite'))
const liveId = listBooks(book.db).find((b) => b.kind === 'demo')!.id
const view = buildMarketView(loadMarketSnapshot(book.db, findBook(book.db, liveId)!.marketSnapshotId!)!)
const held = listHeldPositions(book.db, liveId)
const req: HedgeRequest = { account: 'Deribit main', currency: 'BTC', riskUnit: null, method: 'deribit-pm' }
const pmOf = (h: readonly HeldPosition[]) => bookMargin(h, view, { liquidation: false, addOns: false }).accounts.find((g) => g.account === 'Deribit main' && g.currency === 'BTC')!.results.find((r) => r.method === 'deribit-pm')!

describe('Deribit PM hedge of the demo book', async () => {
  const s = await suggestHedge(book.db, held, view, req)

  it('lowers the margin, recomputed independently by the margin service on book + hedge', () => {
    expect(s.lpScope).toBe('exact')
    expect(s.trades.length).toBeGreaterThan(0)
    expect(s.trades.length).toBeLessThanOrEqual(4)
    expect(s.before.initialMargin).toBeCloseTo(pmOf(held).initialMargin, 12)
    const account = held.find((h) => h.accountName === 'Deribit main')!
    const after = [...held, ...s.trades.map((t, k) => ({ ...account, positionId: -1 - k, instrument: t.instrument, sizeContracts: t.contracts, avgPrice: null }))]
    expect(s.after.initialMargin).toBeCloseTo(pmOf(after).initialMargin, 12)
    expect(s.after.initialMargin).toBeLessThan(s.before.initialMargin)
    // Sizes are whole lots.
    for (const t of s.trades) {
      const lot = (t.instrument as { lotSize: number }).lotSize
      expect(Math.abs(t.contracts / lot - Math.round(t.contracts / lot))).toBeLessThan(1e-9)
    }
    console.log(`Deribit PM hedge: IM ${s.before.initialMargin.toFixed(4)} → ${s.after.initialMargin.toFixed(4)} BTC with ${s.trades.map((t) => `${t.contracts > 0 ? '+' : ''}${t.contracts} ${t.symbol}`).join(', ')} (cost ${s.costTotal.toFixed(5)} BTC; ${s.candidates} candidates; LP ${s.solveMs.toFixed(0)} ms)`)
  })

  it('no single-instrument hedge from the candidate set does better (lot-grid scan of IM + cost)', () => {
    const { model, total, candidates } = hedgeProblem(book.db, held, view, req)
    const suggested = s.after.initialMargin + s.costTotal
    for (const c of candidates) {
      const record = new Float64Array(model.width)
      model.record(c.position, record, 0)
      const at = (k: number): number => {
        const x = k * c.lotSize
        const t = Float64Array.from(total, (v, j) => v + x * record[j]!)
        return model.evaluate(t, 0, false).initialMargin + Math.abs(x) * c.cost
      }
      // IM + cost is convex in the size: a ternary search over whole lots finds the lattice minimum.
      let lo = Math.round(c.min / c.lotSize)
      let hi = Math.round(c.max / c.lotSize)
      while (hi - lo > 2) {
        const m1 = lo + Math.floor((hi - lo) / 3)
        const m2 = hi - Math.floor((hi - lo) / 3)
        if (at(m1) <= at(m2)) hi = m2
        else lo = m1
      }
      let bestSingle = Infinity
      for (let k = lo; k <= hi; k++) bestSingle = Math.min(bestSingle, at(k))
      expect(bestSingle, c.instrument.symbol).toBeGreaterThanOrEqual(suggested - 1e-9)
    }
    expect(candidates.length).toBeGreaterThanOrEqual(5)
  })
})

describe('a delta band on the margin hedge', async () => {
  const banded = await suggestHedge(book.db, held, view, { ...req, deltaBand: [-0.2, 0.2] })
  it('keeps the hedged delta in the band and still lowers the margin', async () => {
    const { valuePosition } = await import('../../src-main/engine/valuation/position-valuation')
    const delta = [...held.filter((h) => h.accountName === 'Deribit main' && h.instrument.kind !== 'unknown' && (h.instrument as { settleCurrency: string }).settleCurrency === 'BTC').map((h) => ({ i: h.instrument, n: h.sizeContracts })), ...banded.trades.map((t) => ({ i: t.instrument, n: t.contracts }))]
      .reduce((s, p) => s + valuePosition(p.i as never, p.n, null, view).deltaCoin, 0)
    expect(delta).toBeCloseTo(banded.deltaAfter, 9)
    expect(delta).toBeGreaterThanOrEqual(-0.2)
    expect(delta).toBeLessThanOrEqual(0.2)
    expect(banded.after.initialMargin).toBeLessThan(banded.before.initialMargin)
    // The unconstrained hedge is at least as good on margin: the band costs something or nothing.
    const free = await suggestHedge(book.db, held, view, req)
    expect(free.after.initialMargin + free.costTotal).toBeLessThanOrEqual(banded.after.initialMargin + banded.costTotal + 1e-9)
  })
  it('an impossible band says so', async () => {
    await expect(suggestHedge(book.db, held, view, { ...req, kinds: ['option'], maxExpiryDays: 10, deltaBand: [500, 600] })).rejects.toThrow(/keeps delta in \[500, 600\]/)
  })
})
