import { describe, expect, it } from 'vitest'
import { backtestStats, CHI2_1_95, chiSquare1Survival, christoffersenIndependence, kupiecPof, trafficLight, trafficLightZones } from '../../src-main/engine/risk/backtest-stats'
import { trafficLightZonesText } from '../../src-preload/contract/risk'
import { normCdf } from '../../src-main/engine/pricing/normal'

/** Kupiec's LR from its definition, with powers instead of logs: an independent twin. */
const kupiecClosedForm = (n: number, x: number, p: number): number => {
  const h0 = (1 - p) ** (n - x) * p ** x
  const q = x / n
  const h1 = (1 - q) ** (n - x) * q ** x // 0^0 = 1 in JavaScript, as the limit requires
  return -2 * Math.log(h0 / h1)
}

describe('Kupiec proportion-of-failures test (N = 250, p = 1 %)', () => {
  it.each(Array.from({ length: 11 }, (_, x) => x))('x = %i exceptions: LR matches the closed form to 1e-6, p-value is the χ²(1) survival', (x) => {
    const k = kupiecPof(250, x, 0.01)
    expect(Math.abs(k.lr - kupiecClosedForm(250, x, 0.01))).toBeLessThan(1e-6)
    // χ²(1) survival = 2(1 − Φ(√LR)); the p-value is that survival, not some other tail.
    expect(Math.abs(k.pValue - 2 * (1 - normCdf(Math.sqrt(k.lr))))).toBeLessThan(1e-9)
    expect(k.reject).toBe(k.lr > 3.841458820694124)
  })

  it('published anchors: no exception in 250 days gives LR = −500 ln 0.99 = 5.0252; 2.5 expected exceptions are not rejected, 7 are', () => {
    expect(kupiecPof(250, 0, 0.01).lr).toBeCloseTo(-500 * Math.log(0.99), 12)
    expect(kupiecPof(250, 0, 0.01).reject).toBe(true)
    expect(kupiecPof(250, 2, 0.01).reject).toBe(false)
    expect(kupiecPof(250, 3, 0.01).reject).toBe(false)
    expect(kupiecPof(250, 7, 0.01).reject).toBe(true)
    expect(() => kupiecPof(250, 251, 0.01)).toThrow(/0 ≤ exceptions \(251\) ≤ days \(250\)/)
  })
})

describe('χ²(1) survival, 2 Φ(−√x), against published values', () => {
  // Upper quantiles of χ²(1) (NIST/SEMATECH e-Handbook §1.3.6.7.4 prints 3.841, 6.635, 10.828;
  // full digits: the squared normal quantiles 1.959963984540054², 2.5758293035489², 3.2905267314919²).
  it.each([
    [3.841458820694124, 0.05],
    [6.634896601021214, 0.01],
    [10.827566170662733, 0.001],
    [1, 0.31731050786291404] // P(|Z| > 1) = erfc(1/√2)
  ])('P(χ²(1) > %d) = %d to 1e-12', (x, p) => {
    expect(Math.abs(chiSquare1Survival(x) - p)).toBeLessThan(1e-12)
  })

  it('keeps its digits far in the tail (2 Φ(−10) = 1.5239706048e-23) and is 1 at and below 0; the 95 % critical value gives 5 %', () => {
    expect(Math.abs(chiSquare1Survival(100) / 1.523970604832105e-23 - 1)).toBeLessThan(1e-8)
    expect(chiSquare1Survival(0)).toBe(1)
    expect(chiSquare1Survival(-1)).toBe(1)
    expect(chiSquare1Survival(CHI2_1_95)).toBeCloseTo(0.05, 14)
  })
})

describe('Basel traffic light (250 days at 99 %)', () => {
  it('0–4 green, 5–9 yellow, 10 or more red', () => {
    expect(Array.from({ length: 15 }, (_, x) => trafficLight(x))).toEqual([...Array(5).fill('green'), ...Array(5).fill('yellow'), ...Array(5).fill('red')])
  })

  it('scores every complete 250-day window; the worst zone is reported', () => {
    const days = 400
    const measure = new Float64Array(days).fill(100)
    const loss = new Float64Array(days)
    // 6 exceptions within days 100–160, none elsewhere.
    for (const t of [100, 110, 120, 130, 140, 160]) loss[t] = 150
    const s = backtestStats(measure, loss, 0.99)
    expect(s.exceptions).toBe(6)
    expect(s.coverage).toBeCloseTo(1 - 6 / 400, 12)
    expect(s.windows).toHaveLength(days - 249)
    expect(s.windows[0]).toEqual({ end: 249, exceptions: 6, zone: 'yellow' })
    expect(s.windows.at(-1)).toEqual({ end: 399, exceptions: 1, zone: 'green' }) // days 150–399 hold only day 160
    expect(s.worstZone).toBe('yellow')
    expect(s.kupiec.lr).toBeCloseTo(kupiecClosedForm(400, 6, 0.01), 9)
  })
})

describe('Christoffersen independence', () => {
  it('counts transitions and rejects clustered exceptions but not spread-out ones', () => {
    const clustered = Array.from({ length: 500 }, (_, t) => t >= 200 && t < 208)
    const c = christoffersenIndependence(clustered)
    expect({ n00: c.n00, n01: c.n01, n10: c.n10, n11: c.n11 }).toEqual({ n00: 490, n01: 1, n10: 1, n11: 7 })
    expect(c.reject).toBe(true)
    const spread = Array.from({ length: 500 }, (_, t) => t % 62 === 7)
    expect(christoffersenIndependence(spread).reject).toBe(false)
    // LR from the definition: independent Bernoulli(π) against a Markov chain with π0, π1.
    const pi = 8 / 499
    const pi0 = 1 / 491
    const pi1 = 7 / 8
    const expected = -2 * (491 * Math.log(1 - pi) + 8 * Math.log(pi) - (490 * Math.log(1 - pi0) + Math.log(pi0) + Math.log(1 - pi1) + 7 * Math.log(pi1)))
    expect(c.lr).toBeCloseTo(expected, 9)
  })
})

/**
 * The zones by exact rational arithmetic, an independent twin: with p = a/b, P(X = k) =
 * C(n, k) a^k (b − a)^(n−k) / b^n in BigInt, and the Basel rule (yellow from P(X ≤ k) ≥ 95 %, red
 * from ≥ 99.99 %) decided on exact fractions.
 */
function exactZones(n: number, a: bigint, b: bigint): { yellowFrom: number; redFrom: number } {
  const total = b ** BigInt(n)
  let choose = 1n
  let sum = 0n
  let yellowFrom = -1
  for (let k = 0; k <= n; k++) {
    if (k > 0) choose = (choose * BigInt(n - k + 1)) / BigInt(k)
    sum += choose * a ** BigInt(k) * (b - a) ** BigInt(n - k)
    if (yellowFrom < 0 && sum * 100n >= total * 95n) yellowFrom = k
    if (sum * 10_000n >= total * 9_999n) return { yellowFrom, redFrom: k }
  }
  return { yellowFrom, redFrom: n + 1 }
}

describe('traffic-light zones at any confidence (issue 21)', () => {
  it('at 99 % over 250 days: Basel Table 1, its cumulative probabilities and its 5 and 10', () => {
    const z = trafficLightZones(0.99, 250)
    expect([z.yellowFrom, z.redFrom]).toEqual([5, 10])
    // Basel Committee (1996), Table 1, "cumulative probability" column, in %.
    const table1 = [8.11, 28.58, 54.32, 75.81, 89.22, 95.88, 98.63, 99.6, 99.89, 99.97, 99.99]
    z.cumulative.forEach((c, k) => expect(c * 100).toBeCloseTo(table1[k]!, 2))
    expect(Array.from({ length: 15 }, (_, x) => trafficLight(x, z))).toEqual(Array.from({ length: 15 }, (_, x) => trafficLight(x)))
  })

  it('equals the exact binomial at 99.5 %, 97.5 %, 95 % and 99.9 %, and over other windows', () => {
    const cases: [number, number, bigint, bigint][] = [
      [0.995, 250, 1n, 200n],
      [0.975, 250, 1n, 40n],
      [0.95, 250, 1n, 20n],
      [0.999, 250, 1n, 1000n],
      [0.99, 500, 1n, 100n],
      [0.99, 1000, 1n, 100n]
    ]
    for (const [confidence, days, a, b] of cases) {
      const z = trafficLightZones(confidence, days)
      expect({ confidence, days, yellowFrom: z.yellowFrom, redFrom: z.redFrom }).toEqual({ confidence, days, ...exactZones(days, a, b) })
    }
    // At 99.5 % the 99 % zones would call 3 and 4 exceptions green: the binomial puts them in yellow.
    expect(trafficLightZones(0.995)).toMatchObject({ yellowFrom: 3, redFrom: 7 })
  })

  it('judges a backtest by the zones of its own confidence, and says which', () => {
    const days = 300
    const measure = new Float64Array(days).fill(100)
    const loss = new Float64Array(days)
    for (const t of [10, 50, 90]) loss[t] = 150 // 3 exceptions in the first window
    const at99 = backtestStats(measure, loss, 0.99)
    const at995 = backtestStats(measure, loss, 0.995)
    expect(at99.windows[0]).toMatchObject({ exceptions: 3, zone: 'green' })
    expect(at995.windows[0]).toMatchObject({ exceptions: 3, zone: 'yellow' })
    expect(at995.worstZone).toBe('yellow')
    expect(at995.zones).toMatchObject({ days: 250, confidence: 0.995, yellowFrom: 3, redFrom: 7 })
    expect(trafficLightZonesText(at995.zones)).toMatch(/^green 0–2, yellow 3–6, red 7 or more exceptions in 250 days at 99.5 % \(Basel's rule/)
    expect(trafficLightZonesText(at99.zones)).toMatch(/^green 0–4, yellow 5–9, red 10 or more exceptions in 250 days at 99 %/)
  })

  it('refuses a confidence outside (0, 1) and a window that is not a whole number of days', () => {
    expect(() => trafficLightZones(1)).toThrow(/confidence in \(0, 1\)/)
    expect(() => trafficLightZones(0.99, 0)).toThrow(/whole number of days/)
  })
})

