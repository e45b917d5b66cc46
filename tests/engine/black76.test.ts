import { describe, expect, it } from 'vitest'
import { normCdf } from '../../src-main/engine/pricing/normal'
import {
  black76Greeks,
  black76InputError,
  black76InverseCoin,
  black76PriceUsd,
  inverseOptionFigures,
  yearsBetween,
  type Black76Input
} from '../../src-main/engine/pricing/black76'
import { impliedVol } from '../../src-main/engine/pricing/implied-vol'
import { mulberry32 } from '../../src-main/engine/random/mulberry32'

describe('normCdf', () => {
  // Reference values: any statistics table / Abramowitz & Stegun 26.2, to 15 digits.
  it.each([
    [0, 0.5],
    [1, 0.8413447460685429],
    [-2, 0.022750131948179195],
    [3, 0.9986501019683699],
    [-6, 9.865876450376946e-10]
  ])('Φ(%d) = %d', (x, expected) => {
    expect(normCdf(x)).toBeCloseTo(expected, 14)
  })
})

describe('Black-76 published values', () => {
  it('Haug (2007) §1.1.3: F = 19, K = 19, T = 0.75, r = 10 %, σ = 28 % → call = put = 1.7011', () => {
    const base = { forwardUsd: 19, strikeUsd: 19, years: 0.75, vol: 0.28, rate: 0.1 }
    expect(black76PriceUsd({ ...base, optionType: 'call' })).toBeCloseTo(1.7011, 4)
    expect(black76PriceUsd({ ...base, optionType: 'put' })).toBeCloseTo(1.7011, 4)
  })

  it('Hull (Options, Futures and Other Derivatives, Example 18.?): F = 20, K = 20, r = 9 %, T = 4 months, σ = 25 % → put 1.12', () => {
    expect(black76PriceUsd({ forwardUsd: 20, strikeUsd: 20, years: 4 / 12, vol: 0.25, rate: 0.09, optionType: 'put' })).toBeCloseTo(1.12, 2)
  })

  it('reproduces the Deribit mark of BTC-26JUN26-100000-C: 0.2425 BTC, forward delta 0.7114 (METHODOLOGY §3)', () => {
    const input: Black76Input = {
      forwardUsd: 116_086.34,
      strikeUsd: 100_000,
      years: yearsBetween(Date.parse('2025-07-09T10:35:45Z'), Date.parse('2026-06-26T08:00:00Z')),
      vol: 0.4543,
      optionType: 'call'
    }
    expect(Math.abs(black76InverseCoin(input) - 0.2425)).toBeLessThanOrEqual(0.0001)
    const figures = inverseOptionFigures(input)
    expect(figures.forwardDelta).toBeCloseTo(0.7114, 4)
    expect(figures.coinDelta).toBeCloseTo(figures.forwardDelta - figures.priceCoin, 12)
  })
})

const random = mulberry32(20261121)
const randomInputs = (n: number): Black76Input[] =>
  Array.from({ length: n }, () => {
    const f = 100 * Math.exp(random() * 8 - 4)
    return {
      forwardUsd: f,
      strikeUsd: f * Math.exp((random() - 0.5) * 1.6),
      years: 0.005 + random() * 3,
      vol: 0.05 + random() * 1.95,
      optionType: random() < 0.5 ? 'call' : 'put',
      rate: random() < 0.3 ? random() * 0.1 : undefined
    }
  })

describe('Black-76 identities', () => {
  it('put-call parity C − P = e^(−rT)(F − K) on 1,000 random cases', () => {
    for (const i of randomInputs(1000)) {
      const c = black76PriceUsd({ ...i, optionType: 'call' })
      const p = black76PriceUsd({ ...i, optionType: 'put' })
      const df = Math.exp(-(i.rate ?? 0) * i.years)
      expect(Math.abs(c - p - df * (i.forwardUsd - i.strikeUsd))).toBeLessThanOrEqual(1e-9 * Math.max(i.forwardUsd, i.strikeUsd))
    }
  })

  it('Greeks match central finite differences (relative error ≤ 1e-5 where well-conditioned)', () => {
    // Second-order Greeks are checked as differences of the analytic first-order ones (gamma = ∂Δ/∂F,
    // vanna = ∂Δ/∂σ, volga = ∂vega/∂σ), so every check is a first difference with the same bar.
    // Well-conditioned: double-precision rounding in the difference (≈ 1e-15·|f|/h) is below
    // 1e-7 of the Greek, so what is measured is the formula, not noise.
    const checks: [string, (i: Black76Input) => number, keyof Black76Input, (g: ReturnType<typeof black76Greeks>) => number, number][] = [
      ['delta', (i) => black76PriceUsd(i), 'forwardUsd', (g) => g.delta, 1],
      ['gamma', (i) => black76Greeks(i).delta, 'forwardUsd', (g) => g.gamma, 1],
      ['vega', (i) => black76PriceUsd(i), 'vol', (g) => g.vega, 1],
      ['vanna', (i) => black76Greeks(i).delta, 'vol', (g) => g.vanna, 1],
      ['volga', (i) => black76Greeks(i).vega, 'vol', (g) => g.volga, 1],
      ['theta', (i) => black76PriceUsd(i), 'years', (g) => g.thetaPerDay, -1 / 365]
    ]
    const checked = new Map<string, number>()
    for (const i of randomInputs(500)) {
      const g = black76Greeks(i)
      for (const [name, f, along, greek, scale] of checks) {
        const x = i[along] as number
        const h = along === 'vol' ? 1e-5 : x * 1e-5
        const central = (step: number): number => (f({ ...i, [along]: x + step }) - f({ ...i, [along]: x - step })) / (2 * step)
        // Richardson extrapolation cancels the O(h²) truncation term of the central difference.
        const fd = ((4 * central(h / 2) - central(h)) / 3) * scale
        const analytic = greek(g)
        const noise = ((1e-15 * Math.abs(f(i))) / (h / 2)) * Math.abs(scale)
        if (!(Math.abs(analytic) > 1e7 * noise)) continue
        expect(Math.abs(fd - analytic) / Math.abs(analytic), `${name} at ${JSON.stringify(i)}`).toBeLessThanOrEqual(1e-5)
        checked.set(name, (checked.get(name) ?? 0) + 1)
      }
    }
    for (const [name] of checks) expect(checked.get(name) ?? 0, name).toBeGreaterThan(200)
  })

  it('implied vol round-trips price → σ → price', () => {
    for (const i of randomInputs(500)) {
      const price = black76PriceUsd(i)
      const df = Math.exp(-(i.rate ?? 0) * i.years)
      // Skip prices indistinguishable from intrinsic in double precision: σ is not identified there.
      const intrinsic = df * Math.max(i.optionType === 'call' ? i.forwardUsd - i.strikeUsd : i.strikeUsd - i.forwardUsd, 0)
      if (price - intrinsic < 1e-9 * i.forwardUsd) continue
      const { vol: _vol, ...rest } = i
      const solved = impliedVol(price, rest)
      expect(Math.abs(black76PriceUsd({ ...i, vol: solved }) - price)).toBeLessThanOrEqual(1e-9 * Math.max(1, price))
      expect(Math.abs(solved - i.vol)).toBeLessThanOrEqual(1e-6)
    }
  })

  it('settles expired options at their payoff', () => {
    expect(black76PriceUsd({ forwardUsd: 100, strikeUsd: 90, years: -0.01, vol: 0.5, optionType: 'call' })).toBe(10)
    expect(black76Greeks({ forwardUsd: 100, strikeUsd: 90, years: 0, vol: 0.5, optionType: 'put' })).toMatchObject({ priceUsd: 0, delta: 0, vega: 0 })
  })

  it.each([
    [{ forwardUsd: Number.NaN }, /forward NaN is not a positive price/],
    [{ forwardUsd: 0 }, /forward 0 is not a positive price/],
    [{ strikeUsd: -5 }, /strike -5 is not a positive price/],
    [{ vol: 0 }, /volatility 0 is not a positive number/],
    [{ vol: Number.NaN }, /volatility NaN/],
    [{ years: Number.POSITIVE_INFINITY }, /time to expiry Infinity/]
  ])('rejects %o with a message instead of propagating it', (bad, message) => {
    const input = { forwardUsd: 100, strikeUsd: 100, years: 0.5, vol: 0.5, optionType: 'call' as const, ...bad }
    expect(black76InputError(input)).toMatch(message)
    expect(() => black76PriceUsd(input)).toThrow(message)
    expect(() => black76Greeks(input)).toThrow(RangeError)
  })
})
