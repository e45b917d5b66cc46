import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import engineWorkerPath from '../../src-main/workers/engine.worker?modulePath'
import { openBook } from '../../src-main/book/open-book'
import { listHeldPositions } from '../../src-main/book/positions-repository'
import { pricedPositions } from '../support/priced'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import { buildPortfolioArrays, ROW_INVERSE } from '../../src-main/engine/scenarios/portfolio-arrays'
import { priceVolGrid } from '../../src-main/engine/scenarios/scenario-set'
import { editPosition, revalueAll } from '../../src-main/engine/scenarios/revaluation'
import { referenceRevalue } from '../../src-main/engine/scenarios/reference-revalue'
import { revalueInPool } from '../../src-main/services/revaluation-runner'
import { syntheticBook } from '../../src-main/bench/synthetic-book'
import { WorkerPool } from '../../src-main/workers/pool'
import { parseSymbol } from '../../src-main/engine/instruments/parse-symbol'
import { surfaceVol } from '../../src-main/engine/market/vol-surface'

const book = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-reval-')), 'book.sqlite'))
const market = loadMarketSnapshot(book.db, 'demo-2026-11-20T09:00Z')!
const view = buildMarketView(market)
const demo = pricedPositions(listHeldPositions(book.db, 1))
const pool = new WorkerPool(engineWorkerPath, 2)
afterAll(() => pool.close())

const grid = (timeShiftDays = 1) =>
  priceVolGrid({
    id: 'test-grid',
    underlyings: ['BTC', 'ETH'],
    priceMoves: [-0.5, -0.3, -0.16, -0.08, -0.04, 0, 0.04, 0.08, 0.16, 0.3, 0.5, 1],
    volShiftsAbs: [-0.15, 0, 0.15],
    timeShiftDays,
    volTerm: { refDays: 30, power: 0.13 }
  })

const bitsEqual = (a: Float64Array, b: Float64Array): boolean =>
  a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0

describe('scenario revaluation', () => {
  const arrays = buildPortfolioArrays(demo, view, ['BTC', 'ETH'])

  it('agrees with the plain scalar reference on every cell of the demo book', () => {
    const s = grid()
    const fast = revalueAll(arrays, s).matrix
    const slow = referenceRevalue(arrays, s)
    let worst = 0
    for (let i = 0; i < fast.length; i++) worst = Math.max(worst, Math.abs(fast[i]! - slow[i]!) / Math.max(1, Math.abs(slow[i]!)))
    expect(worst).toBeLessThan(1e-10)
  })

  it('is zero in the unchanged scenario and follows the published formulas', () => {
    const s = priceVolGrid({ id: 'moves', underlyings: ['BTC', 'ETH'], priceMoves: [0, 0.1] })
    const rv = revalueAll(arrays, s)
    for (let r = 0; r < arrays.count; r++) expect(Math.abs(rv.matrix[r * 2]!), demo[r]!.instrument.symbol).toBeLessThan(1e-9)
    // BTC-PERPETUAL: 25,000 × $10 short = −$250,000 at 92,395; +10 %: −250,000·(1/F0 − 1/(1.1·F0)) BTC.
    const perp = demo.findIndex((p) => p.instrument.symbol === 'BTC-PERPETUAL')
    expect(arrays.kind[perp]).toBe(ROW_INVERSE)
    expect(rv.matrix[perp * 2 + 1]).toBeCloseTo(-250_000 * (1 / 92_395 - 1 / (92_395 * 1.1)), 12)
    expect(rv.vectors.get('BTC')![0]).toBeCloseTo(0, 9)
    expect([...rv.vectors.keys()].sort()).toEqual(['BTC', 'ETH', 'USDC', 'USDT'])
  })

  it('settles options at their payoff once the time shift passes expiry', () => {
    const s = priceVolGrid({ id: 'after-expiry', underlyings: ['BTC', 'ETH'], priceMoves: [0.05], timeShiftDays: 10 })
    const rv = revalueAll(arrays, s)
    const r = demo.findIndex((p) => p.instrument.symbol === 'BTC-27NOV26-95000-C')
    const f = arrays.forward[r]! * 1.05
    const payoffCoin = Math.max(f - 95_000, 0) / f
    expect(rv.matrix[r]).toBeCloseTo(arrays.units[r]! * (payoffCoin - arrays.baseValue[r]!), 12)
  })

  it('the worker pool fills the same matrix and vectors as one thread, bit for bit (5,000 positions)', async () => {
    const big = buildPortfolioArrays(syntheticBook(market, 5000), view, ['BTC', 'ETH'])
    const s = grid()
    const single = revalueAll(big, s)
    const pooled = await revalueInPool(big, s, pool)
    expect(bitsEqual(pooled.matrix, single.matrix)).toBe(true)
    for (const [currency, v] of single.vectors) expect(bitsEqual(pooled.vectors.get(currency)!, v), currency).toBe(true)
  })

  it('an incremental edit equals a full recompute, bit for bit', () => {
    const held = syntheticBook(market, 1500, 7)
    const s = grid()
    const rv = revalueAll(buildPortfolioArrays(held, view, ['BTC', 'ETH']), s)
    const edits: [number, ReturnType<typeof parseSymbol>, number][] = [
      [3, held[3]!.instrument, held[3]!.sizeContracts * 3],
      [700, parseSymbol('deribit', 'ETH-PERPETUAL'), -4000],
      [1499, parseSymbol('okx', 'BTC-USDT-SWAP'), 250] // a new P&L currency (USDT)
    ]
    for (const [row, instrument, sizeContracts] of edits) {
      editPosition(rv, row, { instrument, sizeContracts }, view)
      held[row] = { instrument, sizeContracts }
      const full = revalueAll(buildPortfolioArrays(held, view, ['BTC', 'ETH']), s)
      expect(bitsEqual(rv.matrix, full.matrix)).toBe(true)
      expect([...rv.vectors.keys()]).toEqual([...full.vectors.keys()])
      for (const [currency, v] of full.vectors) expect(bitsEqual(rv.vectors.get(currency)!, v), `${currency} after editing row ${row}`).toBe(true)
    }
  })

  it('names the position the market cannot value', () => {
    const sol = { instrument: parseSymbol('deribit', 'SOL_USDC-PERPETUAL'), sizeContracts: 10 }
    expect(() => buildPortfolioArrays([sol], view, ['BTC', 'ETH'])).toThrow(/deribit:SOL_USDC-PERPETUAL: the scenario set does not move SOL/)
    expect(() => buildPortfolioArrays([sol], view, ['BTC', 'ETH', 'SOL'])).toThrow(/deribit:SOL_USDC-PERPETUAL: no SOL index in market snapshot/)
  })
})

describe('sticky-moneyness scenarios (statistical and stress sets)', () => {
  const options = demo.filter((p) => p.instrument.kind === 'option')
  const arrays = buildPortfolioArrays(options, view, ['BTC', 'ETH'])
  const moves = [-0.3, -0.1, -0.02, 0.02, 0.1, 0.3]
  const set = { ...grid(0), priceMoves: Float64Array.from(moves.flatMap((m) => [m, m])), count: moves.length, volAbs: new Float64Array(moves.length), volRel: new Float64Array(moves.length), timeShiftYears: new Float64Array(moves.length), volTerm: null, labels: moves.map(String) }

  it('the kernel equals its scalar twin, and both differ from sticky strike by the smile slide', () => {
    const sticky = revalueAll(arrays, { ...set, stickyMoneyness: true }).matrix
    expect(Math.max(...sticky.map((x, i) => Math.abs(x - referenceRevalue(arrays, { ...set, stickyMoneyness: true })[i]!)))).toBeLessThan(1e-9)
    const strike = revalueAll(arrays, set).matrix
    expect(sticky.some((x, i) => Math.abs(x - strike[i]!) > 1e-6)).toBe(true)
    expect(arrays.volSkewUp.some((k) => k !== 0)).toBe(true)
  })

  it('it reads the vol at the same moneyness on today\'s smile, σ(K/g), far closer than sticky strike does (±2 % and ±5 % moves)', () => {
    expect(arrays.count).toBe(23)
    let slideError = 0
    let strikeError = 0
    let worst = 0
    for (let r = 0; r < arrays.count; r++) {
      const i = options[r]!.instrument
      if (i.kind !== 'option') continue
      const surface = view.surfaces.get(i.underlying)!
      const today = surfaceVol(surface, i.expiryMs!, i.strikeUsd!, arrays.forward[r]!)!
      for (const m of [-0.05, -0.02, 0.02, 0.05]) {
        const g = 1 + m
        // Today's smile at the strike with the same moneyness after the move: K / g at the moved forward.
        const exact = surfaceVol(surface, i.expiryMs!, i.strikeUsd! / g, arrays.forward[r]!)!
        const slide = Math.abs(today - (g < 1 ? arrays.volSkewUp[r]! : arrays.volSkewDown[r]!) * Math.log(g) - exact)
        slideError += slide
        strikeError += Math.abs(today - exact)
        worst = Math.max(worst, slide)
      }
    }
    // The demo smiles are piecewise between three quotes per expiry: within ±5 % the one-sided slide is close to exact.
    expect(slideError).toBeLessThan(0.1 * strikeError)
    expect(worst).toBeLessThan(0.002)
  })
})
