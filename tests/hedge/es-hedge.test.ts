/**
 * The ES-minimising hedge (Rockafellar–Uryasev LP): its ES is the VaR engine's ES; on two
 * candidates the LP equals a brute-force grid; on the demo book with a 400-day history the hedge
 * lowers ES, recomputed by the VaR service on the book plus the trades.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { findBook, listBooks } from '../../src-main/book/books-repository'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import { listHeldPositions } from '../../src-main/book/positions-repository'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import { cvar, esLpText, esObjective, readEsSolution, type EsLp } from '../../src-main/engine/hedge/es-lp'
import { tailRisk } from '../../src-main/engine/risk/tail-risk'
import { mulberry32 } from '../../src-main/engine/random/mulberry32'
import { syntheticDailySeries } from '../../src-main/bench/synthetic-history'
import { esHedge } from '../../src-main/services/hedge/es-service'
import { valueAtRisk, type HistoryInput } from '../../src-main/services/var-service'
import { solveLp } from '../../src-main/services/hedge/lp-solver'

describe('ES LP', () => {
  const rand = mulberry32(7)
  const N = 400
  const book = Float64Array.from({ length: N }, () => (rand() - 0.5) * 2000 - (rand() < 0.05 ? 5000 : 0))
  const c1 = Float64Array.from(book, (b) => -0.8 * b / 1000 + (rand() - 0.5))
  const c2 = Float64Array.from({ length: N }, () => (rand() - 0.5) * 3)

  it('cvar is the VaR engine\'s ES when (1 − β)·N is whole', () => {
    expect(cvar(book, 0.975)).toBeCloseTo(tailRisk(book, 0.975).expectedShortfall, 9)
    expect(cvar(book, 0.99)).toBeCloseTo(tailRisk(book, 0.99).expectedShortfall, 9)
  })

  it('two candidates: the LP optimum equals a brute-force grid within its resolution', async () => {
    const p: EsLp = { portfolioPnl: book, confidence: 0.975, candidates: [
      { id: 'a', pnl: c1, costUsd: 0.4, minContracts: -3000, maxContracts: 3000 },
      { id: 'b', pnl: c2, costUsd: 0.1, minContracts: -2000, maxContracts: 2000 }
    ] }
    const x = readEsSolution(p, (await solveLp(esLpText(p))).columns)
    const lp = esObjective(p, x).objective
    let grid = Infinity
    const h = [50, 50]
    for (let a = -3000; a <= 3000; a += h[0]!) for (let b = -2000; b <= 2000; b += h[1]!) grid = Math.min(grid, esObjective(p, [a, b]).objective)
    const slope = (v: Float64Array, cost: number) => Math.max(...Array.from(v, Math.abs)) + cost
    expect(lp).toBeLessThanOrEqual(grid + 1e-6)
    expect(grid - lp).toBeLessThanOrEqual((slope(c1, 0.4) * h[0]! + slope(c2, 0.1) * h[1]!) / 2)
    expect(lp).toBeLessThan(esObjective(p, [0, 0]).objective)
  })
})

describe('ES hedge of the demo book', async () => {
  const db = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-es-')), 'book.sqlite')).db
  const liveId = listBooks(db).find((b) => b.kind === 'demo')!.id
  const view = buildMarketView(loadMarketSnapshot(db, findBook(db, liveId)!.marketSnapshotId!)!)
  const held = listHeldPositions(db, liveId)
  const lastDay = new Date(view.snapshot.asOfMs).toISOString().slice(0, 10)
  const history: HistoryInput = {
    series: [
      syntheticDailySeries('BTC', { days: 600, lastDay, lastClose: view.snapshot.indexUsd.BTC!, dailyVol: 0.03, seed: 3 }),
      syntheticDailySeries('ETH', { days: 600, lastDay, lastClose: view.snapshot.indexUsd.ETH!, dailyVol: 0.04, seed: 4 })
    ],
    sources: ['BTC', 'ETH'].map((underlying) => ({ underlying, quoteCurrency: 'USD', source: 'synthetic' })),
    volIndex: {}
  }
  const r = await esHedge(db, held, view, history, { account: 'Deribit main', confidence: 0.975, horizonDays: 1, lookbackDays: 400, maxLegs: 3 })

  it('lowers the 97.5 % ES, recomputed by the VaR service on the book plus the trades', async () => {
    expect(r.scenarios).toBe(400)
    expect(r.trades.length).toBeGreaterThan(0)
    expect(r.trades.length).toBeLessThanOrEqual(3)
    expect(r.after.expectedShortfallUsd).toBeLessThan(r.before.expectedShortfallUsd)
    const account = held.find((h) => h.accountName === 'Deribit main')!
    const opts = { method: 'historical' as const, horizonDays: 1 as const, lookbackDays: 400, confidences: [0.975] }
    const before = await valueAtRisk(held, view, history, opts)
    const after = await valueAtRisk([...held, ...r.trades.map((t, k) => ({ ...account, positionId: -1 - k, instrument: t.instrument, sizeContracts: t.contracts, avgPrice: null }))], view, history, opts)
    expect(before.levels[0]!.expectedShortfall).toBeCloseTo(r.before.expectedShortfallUsd, 6)
    expect(after.levels[0]!.expectedShortfall).toBeCloseTo(r.after.expectedShortfallUsd, 6)
    console.log(`ES hedge 97.5 %: ${r.before.expectedShortfallUsd.toFixed(0)} → ${r.after.expectedShortfallUsd.toFixed(0)} USD with ${r.trades.map((t) => `${t.contracts} ${t.instrument.symbol}`).join(', ')}; cost ${r.costUsd.toFixed(0)} USD; LP ${r.solveMs.toFixed(0)} ms`)
  })
})

describe('ES hedge over Monte Carlo scenarios', async () => {
  const db = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-es-mc-')), 'book.sqlite')).db
  const liveId = listBooks(db).find((b) => b.kind === 'demo')!.id
  const view = buildMarketView(loadMarketSnapshot(db, findBook(db, liveId)!.marketSnapshotId!)!)
  const held = listHeldPositions(db, liveId)
  const lastDay = new Date(view.snapshot.asOfMs).toISOString().slice(0, 10)
  const history: HistoryInput = {
    series: [
      syntheticDailySeries('BTC', { days: 600, lastDay, lastClose: view.snapshot.indexUsd.BTC!, dailyVol: 0.03, seed: 3 }),
      syntheticDailySeries('ETH', { days: 600, lastDay, lastClose: view.snapshot.indexUsd.ETH!, dailyVol: 0.04, seed: 4 })
    ],
    sources: ['BTC', 'ETH'].map((underlying) => ({ underlying, quoteCurrency: 'USD', source: 'synthetic' })),
    volIndex: {}
  }
  it('the same paths as the VaR service\'s Monte Carlo: its ES before, and lower after', async () => {
    const r = await esHedge(db, held, view, history, { account: 'Deribit main', confidence: 0.99, horizonDays: 1, scenarioSource: 'monte-carlo', simulations: 2_000, seed: 9, maxLegs: 3 })
    expect(r.scenarioSource).toBe('monte-carlo')
    expect(r.scenarios).toBe(2_000)
    const v = await valueAtRisk(held, view, history, { method: 'monte-carlo', horizonDays: 1, simulations: 2_000, seed: 9, confidences: [0.99] })
    expect(v.levels[0]!.expectedShortfall).toBeCloseTo(r.before.expectedShortfallUsd, 6)
    expect(r.after.expectedShortfallUsd).toBeLessThan(r.before.expectedShortfallUsd)
  })
})
