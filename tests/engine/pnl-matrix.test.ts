import { describe, expect, it } from 'vitest'
import { addColumnSums, worstScenario } from '../../src-main/engine/scenarios/pnl-matrix'

describe('P&L matrix column sums', () => {
  it('sums each scenario over positions and accumulates across chunks', () => {
    // 3 positions × 2 scenarios, row-major.
    const m = new Float64Array([1, -2, 3, 4, -5, 0.5])
    const out = new Float64Array(2)
    addColumnSums(m, 3, 2, out)
    expect([...out]).toEqual([-1, 2.5])
    addColumnSums(m.subarray(0, 2), 1, 2, out)
    expect([...out]).toEqual([0, 0.5])
  })

  it('rejects a matrix whose shape does not match, naming both sizes', () => {
    expect(() => addColumnSums(new Float64Array(5), 2, 3, new Float64Array(3))).toThrow(/5 cells, expected 2 positions × 3 scenarios/)
  })

  it('finds the worst scenario', () => {
    expect(worstScenario(new Float64Array([3, -7, 2, -7]))).toEqual({ index: 1, pnl: -7 })
  })
})
