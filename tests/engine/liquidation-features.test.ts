/**
 * liquidationFeatures (engine/margin/liquidation-features.ts): where the cushion bends (strikes,
 * shifted by the scenario grid's moves) and the scan's fine step, within its budget.
 */
import { describe, expect, it } from 'vitest'
import { FEATURE_BUDGET, liquidationFeatures } from '../../src-main/engine/margin/liquidation-features'

const GRID = [-0.16, -0.12, -0.08, -0.04, 0, 0.04, 0.08, 0.12, 0.16]
const base = { indexUsd: 100_000, gridMoves: GRID, gridStep: 0.04, downTo: -0.95, upTo: 5 }

describe('liquidationFeatures', () => {
  it('one strike: where the index and each grid scenario\'s price meet it; the fine step is a quarter of the grid step', () => {
    const f = liquidationFeatures({ ...base, strikesUsd: [80_000, 80_000] })
    expect(f.fineStep).toBe(0.01)
    expect(f.features).toHaveLength(GRID.length)
    for (const s of GRID) expect(f.features.some((m) => Math.abs(m - (80_000 / (100_000 * (1 + s)) - 1)) < 1e-15)).toBe(true)
  })

  it('close strikes ask a finer step, never below 0.25 %; features closer than it merge', () => {
    const f = liquidationFeatures({ ...base, strikesUsd: [90_000, 90_400] })
    expect(f.fineStep).toBe(0.0025)
    const both = liquidationFeatures({ ...base, strikesUsd: [90_000, 91_000] })
    expect(both.fineStep).toBeCloseTo(0.0025, 15)
    for (let k = 1; k < f.features.length; k++) expect(f.features[k]! - f.features[k - 1]!).toBeGreaterThanOrEqual(f.fineStep)
  })

  it('over the budget: the strikes alone, then none', () => {
    const some = Array.from({ length: 20 }, (_, k) => 60_000 + 2_000 * k)
    const f = liquidationFeatures({ ...base, strikesUsd: some })
    expect(f.features).toEqual(some.map((k) => k / 100_000 - 1).filter((m) => m !== 0))
    const many = Array.from({ length: 2 * FEATURE_BUDGET + 10 }, (_, k) => 50_000 + 1_000 * k)
    expect(liquidationFeatures({ ...base, strikesUsd: many }).features).toEqual([])
  })
})
