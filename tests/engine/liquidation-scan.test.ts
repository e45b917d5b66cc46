/**
 * scanLiquidation (engine/margin/liquidation-scan.ts): every band where a cushion is ≤ 0, per side,
 * nearest first, against a brute-force scan of the same function (step 1e-5 of the move, each sign
 * change bisected), and against the ladder search it replaces where that one was right.
 */
import { describe, expect, it } from 'vitest'
import { scanLiquidation, type CushionBand, type LiquidationScanInput } from '../../src-main/engine/margin/liquidation-scan'

// The ladders of services/account-health.ts (the anchors).
const DOWN = [-0.01, -0.02, -0.05, -0.1, -0.15, -0.2, -0.3, -0.4, -0.5, -0.6, -0.7, -0.8, -0.9, -0.95]
const UP = [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5]

const input = (cushion: (m: number) => number, extra: Partial<LiquidationScanInput> = {}): LiquidationScanInput => ({ cushion, today: cushion(0), anchorsDown: DOWN, anchorsUp: UP, fineStep: 0.0025, slopeAllowance: 0, ...extra })

/** Bisection of a bracket [a, b] whose ends differ in sign (≤ 0 counts as gone). */
function bisect(f: (m: number) => number, a: number, b: number): number {
  const aGone = !(f(a) > 0)
  for (let k = 0; k < 80 && Math.abs(b - a) > 1e-12; k++) {
    const mid = (a + b) / 2
    if (!(f(mid) > 0) === aGone) a = mid
    else b = mid
  }
  return (a + b) / 2
}

/** Brute force: every sign change on a 1e-5 grid from 0 to `end`, bisected; bands nearest first. */
function bruteBands(f: (m: number) => number, end: number): CushionBand[] {
  const dir = Math.sign(end)
  const n = Math.round(Math.abs(end) / 1e-5)
  const bands: CushionBand[] = []
  let open: number | null = null
  let prev = 0
  let prevGone = !(f(0) > 0)
  for (let i = 1; i <= n; i++) {
    const m = i === n ? end : dir * i * 1e-5
    const g = !(f(m) > 0)
    if (g !== prevGone) {
      const x = bisect(f, prev, m)
      if (g) open = x
      else {
        bands.push({ from: open!, to: x })
        open = null
      }
    }
    prev = m
    prevGone = g
  }
  if (open !== null) bands.push({ from: open, to: null })
  return bands
}

function expectBands(got: CushionBand[], want: CushionBand[], tol: number): void {
  expect(got.length).toBe(want.length)
  got.forEach((b, i) => {
    expect(Math.abs(b.from - want[i]!.from)).toBeLessThan(tol)
    if (want[i]!.to === null) expect(b.to).toBeNull()
    else expect(Math.abs(b.to! - want[i]!.to!)).toBeLessThan(tol)
  })
}

/** The ladder search before issue 21 (services/account-health.ts liquidationPoint's find), verbatim. */
function ladderSearch(f: (m: number) => number, ladder: number[]): number | null {
  if (f(0) <= 0) return 0
  let lo = 0
  for (const hi of ladder) {
    if (f(hi) <= 0) {
      let a = lo
      let b = hi
      for (let k = 0; k < 60 && Math.abs(b - a) > 1e-7; k++) {
        const mid = (a + b) / 2
        if (f(mid) > 0) a = mid
        else b = mid
      }
      return (a + b) / 2
    }
    lo = hi
  }
  return null
}

describe('scanLiquidation: every band below MM, nearest first', () => {
  it('a band narrower than the ladder between −15 % and −20 % (the ladder search reports none there)', () => {
    // A long perpetual with a long put: below MM from −15.4 % to −18.6 %, above again by −20 %.
    const f = (m: number): number => 100 * ((m + 0.17) ** 2 - 0.016 ** 2)
    const scan = scanLiquidation(input(f))
    expect(ladderSearch(f, DOWN)).toBeNull()
    expectBands(scan.down, [{ from: -0.154, to: -0.186 }], 1e-7)
    expect(scan.nearestDown).toBeCloseTo(-0.154, 7)
    expect(scan.up).toEqual([])
    expect(scan.nearestUp).toBeNull()
  })

  it('several narrow bands on both sides equal a brute-force scan to 1e-7 of the move', () => {
    // Bands of 2.7 % every 8 %, with a steady slope: 12 below today, 63 above (the last open at +500 %).
    const f = (m: number): number => 0.05 + 0.1 * Math.cos((2 * Math.PI * m) / 0.08)
    const scan = scanLiquidation(input(f))
    const down = bruteBands(f, -0.95)
    const up = bruteBands(f, 5)
    expect(down.length).toBe(12)
    expect(up.length).toBe(63)
    expect(up[62]!.to).toBeNull()
    expectBands(scan.down, down, 1e-7)
    expectBands(scan.up, up, 1e-7)
    expect(scan.nearestDown).toBe(scan.down[0]!.from)
    expect(scan.nearestUp).toBe(scan.up[0]!.from)
  })

  it('a second band after the cushion recovered, and a band running past the end (to = null)', () => {
    // Below MM from −25 % to −84.5 %, above again, then a narrow dip at −88 %; above today, gone from +200 % on.
    const f = (m: number): number => (m < 0 ? 1 + 4 * m + 20 * Math.max(0, -m - 0.5) ** 2 - 3 * Math.exp(-(((m + 0.88) / 0.01) ** 2)) : 1 - m / 2)
    const scan = scanLiquidation(input(f, { features: [-0.88] }))
    const down = bruteBands(f, -0.95)
    expect(down.length).toBe(2)
    expectBands(scan.down, down, 1e-7)
    expectBands(scan.up, [{ from: 2, to: null }], 1e-7)
  })

  it('a narrow dip on a flat cushion is found at a feature the caller names, not by the ladder alone', () => {
    // Flat at 1, a dip to −1 of ±0.4 % around −17 %: between the −15 % and −20 % ladder points.
    const f = (m: number): number => 1 - 2 * Math.exp(-(((m + 0.17) / 0.004) ** 2))
    expect(scanLiquidation(input(f)).down).toEqual([])
    const scan = scanLiquidation(input(f, { features: [-0.17] }))
    expectBands(scan.down, bruteBands(f, -0.95), 1e-7)
    expect(scan.down.length).toBe(1)
  })

  it('a monotone cushion: the ladder search\'s levels, bit for bit', () => {
    const books = [(m: number) => 1 + 5 * m - 30 * m * m, (m: number) => 0.2 - Math.abs(m) ** 1.5, (m: number) => 3 + m]
    for (const f of books) {
      const scan = scanLiquidation(input(f))
      expect(scan.nearestDown).toBe(ladderSearch(f, DOWN))
      expect(scan.nearestUp).toBe(ladderSearch(f, UP))
    }
  })

  it('a cushion gone today: nearest 0 on both sides, nothing scanned', () => {
    let calls = 0
    const f = (m: number): number => {
      calls++
      return -1 + m
    }
    const scan = scanLiquidation({ ...input(f), today: -1 })
    expect(scan).toMatchObject({ down: [], up: [], nearestDown: 0, nearestUp: 0, evaluations: 0 })
    expect(calls).toBe(1) // input() read today's
  })

  it('the upper-bound certificate changes no band and saves revaluations inside them', () => {
    const f = (m: number): number => 0.05 + 0.1 * Math.cos((2 * Math.PI * m) / 0.08)
    const plain = scanLiquidation(input(f))
    // A valid upper bound: the cushion plus a little.
    const certified = scanLiquidation(input(f, { cushionUpperBound: (m) => f(m) + 0.01 }))
    expectBands(certified.down, plain.down, 1e-7)
    expectBands(certified.up, plain.up, 1e-7)
    expect(certified.evaluations).toBeLessThan(plain.evaluations)
  })
})
