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

  it('the shortcut past strikes × grid moves (strikes alone overflow) gives what the whole computation gives', () => {
    // The rule without the shortcut, written out: shifted moves if they fit, else the strikes, else none.
    const whole = (strikes: number[], indexUsd: number, gridMoves: number[]): number[] => {
      const sorted = [...new Set(strikes)].sort((a, b) => a - b)
      let gap = base.gridStep
      for (let k = 1; k < sorted.length; k++) gap = Math.min(gap, sorted[k]! / indexUsd - sorted[k - 1]! / indexUsd)
      const fine = Math.min(0.01, Math.max(0.0025, gap / 4))
      const thin = (moves: number[]): number[] => {
        const kept: number[] = []
        for (const m of moves.filter((x) => x > base.downTo && x < base.upTo && x !== 0).sort((a, b) => a - b)) if (!kept.length || m - kept[kept.length - 1]! >= fine) kept.push(m)
        return kept
      }
      const fits = (ms: number[]): boolean => ms.filter((m) => m < 0).length <= FEATURE_BUDGET && ms.filter((m) => m > 0).length <= FEATURE_BUDGET
      const shifted = thin(sorted.flatMap((k) => gridMoves.map((s) => k / (indexUsd * (1 + s)) - 1)))
      const plain = thin(sorted.map((k) => k / indexUsd - 1))
      return fits(shifted) ? shifted : fits(plain) ? plain : []
    }
    let seed = 7
    const random = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647)
    const outcomes = { shifted: 0, plain: 0, none: 0 }
    for (let round = 0; round < 400; round++) {
      const n = 1 + Math.floor(random() * 3 * FEATURE_BUDGET)
      const indexUsd = 50_000 + random() * 100_000
      const strikes = Array.from({ length: n }, () => Math.round(indexUsd * (0.2 + random() * 2.5) / 500) * 500)
      const got = liquidationFeatures({ ...base, indexUsd, strikesUsd: strikes }).features
      const want = whole(strikes, indexUsd, GRID)
      expect(got).toEqual(want)
      outcomes[want.length === 0 ? 'none' : want.length === new Set(strikes).size || want.length < new Set(strikes).size ? 'plain' : 'shifted']++
    }
    // Every branch taken, the shortcut's (none) among them.
    expect(Math.min(outcomes.shifted, outcomes.plain, outcomes.none)).toBeGreaterThan(10)
  })
})
