/**
 * Issue 20, bounded memory: VaR/ES (historical and Monte Carlo), component ES and VaR, stress and
 * backtests reduce scenario P&L a block of positions at a time, never positions × scenarios twice.
 * The whole-matrix path (coin matrix, then its USD copy) is kept as the reference twin
 * (`fullMatrix`); here the two give the same figures to 1e-12 relative — in fact the same bits,
 * since every cell is the same kernel call and rows are added in the same order — on the demo book
 * and a synthetic 2,000-position book, on one thread and in a pool of two workers.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import engineWorkerPath from '../../src-main/workers/engine.worker?modulePath'
import { openBook } from '../../src-main/book/open-book'
import { listHeldPositions, type HeldPosition } from '../../src-main/book/positions-repository'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import { syntheticBook } from '../../src-main/bench/synthetic-book'
import { syntheticDailySeries } from '../../src-main/bench/synthetic-history'
import { buildPortfolioArrays } from '../../src-main/engine/scenarios/portfolio-arrays'
import { priceVolGrid } from '../../src-main/engine/scenarios/scenario-set'
import { marginParamSets } from '../../src-main/services/margin-params'
import { valueAtRisk, type HistoryInput, type RunOptions, type VarOptions } from '../../src-main/services/var-service'
import { stressTest, type StressHistory } from '../../src-main/services/stress-service'
import { backtest } from '../../src-main/services/backtest-service'
import { bookUsdRates, fullMatrixPnl, reduceUsd } from '../../src-main/services/risk/scenario-pnl'
import { TaskCancelledError, WorkerPool } from '../../src-main/workers/pool'

const book = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-bounded-')), 'book.sqlite'))
const market = loadMarketSnapshot(book.db, 'demo-2026-11-20T09:00Z')!
const view = buildMarketView(market)
const demo = listHeldPositions(book.db, 1)
const syntheticHeld = syntheticBook(market, 2_000, 3)
const synthetic: HeldPosition[] = syntheticHeld.map((p, i) => ({ positionId: i + 1, accountId: 1, accountName: 'synthetic', venue: p.instrument.venue, instrument: p.instrument, sizeContracts: p.sizeContracts, avgPrice: null }))
const pool = new WorkerPool(engineWorkerPath, 2)
afterAll(() => pool.close())

const lastDay = new Date(market.asOfMs).toISOString().slice(0, 10)
const underlyings = ['BTC', 'ETH', 'SOL'].filter((u) => market.indexUsd[u] !== undefined)
const history: HistoryInput = {
  series: underlyings.map((u, k) => syntheticDailySeries(u, { days: 900, lastDay, lastClose: market.indexUsd[u]!, dailyVol: 0.03 + 0.01 * k, seed: 11 + k })),
  sources: underlyings.map((underlying) => ({ underlying, quoteCurrency: 'USD', source: 'synthetic' })),
  volIndex: {}
}
const stressHistory: StressHistory = { prices: Object.fromEntries(history.series.map((s) => [s.underlying, s])), volIndex: {}, note: 'synthetic' }

/** Equal to 1e-12 relative, cell by cell (a zero must be a zero). */
function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  expect(a.length, what).toBe(b.length)
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!
    const y = b[i]!
    if (!(Math.abs(x - y) <= 1e-12 * Math.max(Math.abs(x), Math.abs(y))) && !(Number.isNaN(x) && Number.isNaN(y))) expect.fail(`${what}[${i}]: ${x} vs ${y}`)
  }
}

const books = [
  ['the demo book', demo],
  ['a synthetic 2,000-position book', synthetic]
] as const
const runs: [string, RunOptions][] = [
  ['one thread', {}],
  ['a pool of 2 workers', { pool }]
]

describe.each(books)('bounded scenario P&L equals the whole-matrix twin on %s', (_, held) => {
  it.each(runs)('VaR, ES, their standard errors and component ES/VaR per position (HS with stressed floor, and MC), %s', async (__, run) => {
    const cases: VarOptions[] = [
      { method: 'historical', horizonDays: 1, lookbackDays: 500, stressedFloor: true, apcBuffer: true },
      { method: 'monte-carlo', horizonDays: 2, simulations: 3_000, seed: 5 }
    ]
    for (const opts of cases) {
      const reference = await valueAtRisk(held, view, history, opts, { fullMatrix: true })
      const bounded = await valueAtRisk(held, view, history, opts, run)
      expect(bounded.positionIds).toEqual(reference.positionIds)
      expect(bounded.scenarios).toBe(reference.scenarios)
      expectClose(bounded.pnl, reference.pnl, `${opts.method} portfolio P&L`)
      bounded.levels.forEach((l, k) => {
        const r = reference.levels[k]!
        expect(l.varScenario).toBe(r.varScenario)
        expectClose([l.valueAtRisk, l.expectedShortfall, l.varStandardError, l.esStandardError, l.requirement, l.stressedVar ?? 0], [r.valueAtRisk, r.expectedShortfall, r.varStandardError, r.esStandardError, r.requirement, r.stressedVar ?? 0], `${opts.method} level ${l.confidence}`)
        expectClose(bounded.componentEs[k]!, reference.componentEs[k]!, `${opts.method} component ES at ${l.confidence}`)
        expectClose(bounded.componentVar[k]!, reference.componentVar[k]!, `${opts.method} component VaR at ${l.confidence}`)
        // Euler: the components still add up to ES.
        expect(bounded.componentEs[k]!.reduce((a, b) => a + b, 0)).toBeCloseTo(l.expectedShortfall, 4)
      })
    }
  }, 120_000)

  it.each(runs)('stress rows (book and every position per scenario), %s', async (__, run) => {
    const library = marginParamSets().stress
    const reference = await stressTest(held, view, stressHistory, library, { fullMatrix: true })
    const bounded = await stressTest(held, view, stressHistory, library, run)
    expect(bounded.scenarios.map((s) => s.name)).toEqual(reference.scenarios.map((s) => s.name))
    expectClose(bounded.scenarios.map((s) => s.pnl), reference.scenarios.map((s) => s.pnl), 'stress book P&L')
    bounded.positionPnl.forEach((row, j) => expectClose(row, reference.positionPnl[j]!, `stress ${reference.scenarios[j]!.name}`))
  }, 120_000)

  it.each(runs)('backtest series (requirement, realised loss, exceptions), %s', async (__, run) => {
    const opts = { method: 'hs-var' as const, horizonDays: 1 as const, lookbackDays: 250, stressedFloor: true }
    const reference = await backtest(held, view, history, opts, { fullMatrix: true })
    const bounded = await backtest(held, view, history, opts, run)
    expect(bounded.days).toEqual(reference.days)
    expectClose(bounded.requirement, reference.requirement, 'requirement')
    expectClose(bounded.realisedLoss, reference.realisedLoss, 'realised loss')
    expect(Array.from(bounded.exception)).toEqual(Array.from(reference.exception))
    expect(bounded.stats.exceptions).toBe(reference.stats.exceptions)
  }, 120_000)
})

describe('the block reduction in the pool', () => {
  const arrays = buildPortfolioArrays(syntheticHeld, view, underlyings)
  const grid = priceVolGrid({ id: 'reduce', underlyings, priceMoves: Array.from({ length: 41 }, (_, i) => -0.4 + i * 0.02), volShiftsAbs: [-0.1, 0, 0.1], timeShiftDays: 1 })
  const rates = bookUsdRates(arrays, grid, view)

  it('keeps every position row when asked, and the portfolio is their sum in row order, bit for bit', async () => {
    const reference = await fullMatrixPnl(arrays, grid, view)
    const pooled = await reduceUsd(arrays, grid, rates, { pool, keepRows: true })
    expect(Buffer.from(pooled.rows!.buffer).equals(Buffer.from(reference.rows.buffer))).toBe(true)
    expect(Buffer.from(pooled.portfolio.buffer).equals(Buffer.from(reference.portfolio.buffer))).toBe(true)
  })

  it('reports progress up to every block, and a cancel stops it and leaves the pool working', async () => {
    const seen: number[] = []
    await reduceUsd(arrays, grid, rates, { pool, onProgress: (d, total) => seen.push(d / total) })
    expect(seen.at(-1)).toBe(1)
    const controller = new AbortController()
    const cancelled = reduceUsd(arrays, grid, rates, { pool, signal: controller.signal, onProgress: () => controller.abort() })
    await expect(cancelled).rejects.toBeInstanceOf(TaskCancelledError)
    const again = await reduceUsd(arrays, grid, rates, { pool })
    expect(Buffer.from(again.portfolio.buffer).equals(Buffer.from((await fullMatrixPnl(arrays, grid, view)).portfolio.buffer))).toBe(true)
  })
})
