import { describe, expect, it } from 'vitest'
import { cholesky, RandomStream, studentTMoves } from '../../src-main/engine/risk/monte-carlo'
import { esStandardError, lossOrder, tailRisk, varStandardError } from '../../src-main/engine/risk/tail-risk'

/** One long linear position: q coins at S, P&L = q·S·move. */
const q = 10
const spot = 60_000
const sigma1d = 0.035
const nu = 4
const confidence = 0.99
const pnlOf = (moves: Float64Array): Float64Array => moves.map((m) => q * spot * m)

/**
 * Quantile of Student's t with ν = 4 in closed form (Shaw, "Sampling Student's T distribution – use
 * of the inverse cumulative distribution function", J. Computational Finance 9(4), 2006):
 * α = 4p(1 − p), t = sign(p − ½)·2·√(cos(arccos(√α)/3)/√α − 1).
 */
const studentT4Quantile = (p: number): number => {
  const a = Math.sqrt(4 * p * (1 - p))
  return Math.sign(p - 0.5) * 2 * Math.sqrt(Math.cos(Math.acos(a) / 3) / a - 1)
}

/** Analytic VaR: X = σ·√((ν − 2)/ν)·T with T ~ t(ν), so the loss quantile is at its (1 − α) quantile. */
const analyticVar = (h: number): number => {
  const x = sigma1d * Math.sqrt(h) * Math.sqrt((nu - 2) / nu) * studentT4Quantile(1 - confidence)
  return -q * spot * Math.expm1(x)
}

describe('Monte Carlo VaR from a multivariate Student-t (ν = 4)', () => {
  it('the analytic reference uses the t(4) quantile of the tables: t(0.99; 4) = 3.7469', () => {
    expect(nu).toBe(4) // the closed form above holds for ν = 4 only
    // Tables print 3.747 and 2.776; to 1e-12, the values of R's qt(p, 4) (and scipy.stats.t.ppf).
    expect(studentT4Quantile(0.01)).toBeCloseTo(-3.746947387979197, 12)
    expect(studentT4Quantile(0.99)).toBeCloseTo(3.746947387979197, 12)
    expect(studentT4Quantile(0.975)).toBeCloseTo(2.776445105197793, 12)
    expect(studentT4Quantile(0.5)).toBe(0)
  })

  it('is reproducible from its seed, and a different seed gives different scenarios', () => {
    const cov = Float64Array.of(sigma1d ** 2)
    const a = studentTMoves(cov, 1, { count: 1000, seed: 7, nu })
    expect(studentTMoves(cov, 1, { count: 1000, seed: 7, nu })).toEqual(a)
    expect(studentTMoves(cov, 1, { count: 1000, seed: 8, nu })).not.toEqual(a)
  })

  it('converges: the reported standard error shrinks as 1/√N, and VaR is within 2 standard errors of the analytic t quantile', () => {
    const rows: string[] = []
    const errors: number[] = []
    for (const [n, h] of [[10_000, 1], [40_000, 1], [160_000, 1], [160_000, 2]] as const) {
      const pnl = pnlOf(studentTMoves(Float64Array.of(sigma1d ** 2 * h), 1, { count: n, seed: 20261121, nu }))
      const order = lossOrder(pnl)
      const r = tailRisk(pnl, confidence, order)
      const se = varStandardError(pnl, r, order)
      const exact = analyticVar(h)
      rows.push(`N ${n} h ${h}: VaR ${r.valueAtRisk.toFixed(0)} ± ${se.toFixed(0)} USD (analytic ${exact.toFixed(0)}), ES ${r.expectedShortfall.toFixed(0)} ± ${esStandardError(pnl, r).toFixed(0)}`)
      expect(Math.abs(r.valueAtRisk - exact)).toBeLessThanOrEqual(2 * se)
      if (h === 1) errors.push(se)
    }
    console.log(rows.join('\n'))
    // Four times the scenarios, half the error (the order-statistic SE is itself noisy: ±25 %).
    expect(errors[0]! / errors[1]!).toBeGreaterThan(1.5)
    expect(errors[0]! / errors[1]!).toBeLessThan(2.6)
    expect(errors[1]! / errors[2]!).toBeGreaterThan(1.5)
    expect(errors[1]! / errors[2]!).toBeLessThan(2.6)
  })

  it('reproduces the covariance it is given, and correlation stress sets correlation to 1 or 0', () => {
    const cov = Float64Array.of(0.04 ** 2, 0.6 * 0.04 * 0.05, 0.6 * 0.04 * 0.05, 0.05 ** 2)
    const corr = (c: 'estimated' | 'one' | 'zero'): { sdA: number; sdB: number; rho: number } => {
      const m = studentTMoves(cov, 2, { count: 200_000, seed: 3, nu: 6, correlation: c })
      const x = (i: number, k: number): number => Math.log1p(m[i * 2 + k]!)
      let sa = 0, sb = 0, sab = 0
      for (let i = 0; i < 200_000; i++) {
        sa += x(i, 0) ** 2
        sb += x(i, 1) ** 2
        sab += x(i, 0) * x(i, 1)
      }
      return { sdA: Math.sqrt(sa / 200_000), sdB: Math.sqrt(sb / 200_000), rho: sab / Math.sqrt(sa * sb) }
    }
    const est = corr('estimated')
    expect(est.sdA).toBeCloseTo(0.04, 2)
    expect(est.sdB).toBeCloseTo(0.05, 2)
    expect(est.rho).toBeCloseTo(0.6, 1)
    expect(corr('one').rho).toBeCloseTo(1, 9)
    expect(corr('zero').rho).toBeCloseTo(0, 1)
    expect(() => cholesky(Float64Array.of(1, 1, 1, 1), 2)).toThrow(/not positive definite at row 1/)
  })

  it('draws χ² with mean ν and variance 2ν (Marsaglia–Tsang gamma), also for non-integer ν', () => {
    for (const v of [4, 5.5]) {
      const rs = new RandomStream(11)
      let s = 0, s2 = 0
      const n = 200_000
      for (let i = 0; i < n; i++) {
        const w = rs.chiSquare(v)
        s += w
        s2 += w * w
      }
      const mean = s / n
      expect(mean).toBeCloseTo(v, 1)
      expect(s2 / n - mean * mean).toBeGreaterThan(2 * v * 0.95)
      expect(s2 / n - mean * mean).toBeLessThan(2 * v * 1.05)
    }
  })
})
