/**
 * The block reduction of USD scenario P&L (engine/scenarios/usd-reduce.ts) against the whole
 * matrix and its USD copy (revalueAll, usdPnl): the same bits whatever the block size, and a
 * scenario subset revalues to the same bits as those columns of the whole set.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import { syntheticBook } from '../../src-main/bench/synthetic-book'
import { buildPortfolioArrays } from '../../src-main/engine/scenarios/portfolio-arrays'
import { priceVolGrid, scenarioSubset } from '../../src-main/engine/scenarios/scenario-set'
import { precomputeScenarios } from '../../src-main/engine/scenarios/revalue'
import { revalueAll } from '../../src-main/engine/scenarios/revaluation'
import { addUsdRows, revalueUsdRows, usdBlockRows, usdRates } from '../../src-main/engine/scenarios/usd-reduce'
import { usdPnl } from '../../src-main/engine/risk/scenario-sets'
import { isUsdLike } from '../../src-main/engine/market/currency'

const book = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-usd-reduce-')), 'book.sqlite'))
const market = loadMarketSnapshot(book.db, 'demo-2026-11-20T09:00Z')!
const view = buildMarketView(market)
const set = priceVolGrid({ id: 'usd', underlyings: ['BTC', 'ETH'], priceMoves: [-0.4, -0.2, -0.05, 0, 0.05, 0.2, 0.6], volShiftsAbs: [-0.1, 0, 0.1], timeShiftDays: 1, volTerm: { refDays: 30, power: 0.13 } })
const arrays = buildPortfolioArrays(syntheticBook(market, 700, 9).filter((p) => p.instrument.underlying !== 'SOL'), view, set.underlyings)
const currencyUsd = (c: string): number => (isUsdLike(c) ? 1 : view.curves.get(c)!.indexUsd)
const underlyingOf = (c: string): number => (isUsdLike(c) ? -1 : set.underlyings.indexOf(c))
const bits = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength)

describe('USD P&L reduced a block of rows at a time', () => {
  const whole = usdPnl(revalueAll(arrays, set).matrix, arrays.currencyIndex, arrays.currencies, set, currencyUsd, underlyingOf)
  const rates = usdRates(arrays.currencies, set, currencyUsd, underlyingOf)
  const pre = precomputeScenarios(set)

  it.each([1, 7, 256, 10_000])('blocks of %i rows give the portfolio vector and every row of the whole-matrix path, bit for bit', (rowsPerBlock) => {
    const S = set.count
    const portfolio = new Float64Array(S)
    const rows = new Float64Array(arrays.count * S)
    const scratch = new Float64Array(rowsPerBlock * S)
    for (let r0 = 0; r0 < arrays.count; r0 += rowsPerBlock) {
      const r1 = Math.min(arrays.count, r0 + rowsPerBlock)
      revalueUsdRows(arrays, set, pre, rates, r0, r1, scratch)
      addUsdRows(scratch, r1 - r0, S, portfolio)
      rows.set(scratch.subarray(0, (r1 - r0) * S), r0 * S)
    }
    expect(arrays.currencies.length).toBeGreaterThan(1) // coin and USD rows both converted
    expect(bits(portfolio).equals(bits(whole.portfolio))).toBe(true)
    expect(bits(rows).equals(bits(whole.rows))).toBe(true)
  })

  it('a scenario subset revalues to the same bits as those columns of the whole set', () => {
    const columns = Int32Array.of(20, 0, 5, 13)
    const sub = scenarioSubset(set, columns)
    expect(sub.labels).toEqual(Array.from(columns, (j) => set.labels[j]))
    const subRows = usdPnl(revalueAll(arrays, sub).matrix, arrays.currencyIndex, arrays.currencies, sub, currencyUsd, (c) => (isUsdLike(c) ? -1 : sub.underlyings.indexOf(c))).rows
    for (let r = 0; r < arrays.count; r++) columns.forEach((j, i) => expect(Object.is(subRows[r * columns.length + i], whole.rows[r * set.count + j])).toBe(true))
    expect(() => scenarioSubset(set, Int32Array.of(set.count))).toThrow(/no scenario 21/)
  })

  it('keeps a block near 16 MB whatever the scenario count, and at least one row', () => {
    expect(usdBlockRows(1_000)).toBe(256)
    expect(usdBlockRows(10_000) * 10_000).toBeLessThanOrEqual(1 << 21)
    expect(usdBlockRows(10_000_000)).toBe(1)
  })
})
