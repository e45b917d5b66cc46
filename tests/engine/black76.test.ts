import { describe, expect, it } from 'vitest'
import { normCdf } from '../../src-main/engine/pricing/normal'
import { black76InverseCoin, black76PriceUsd, yearsBetween } from '../../src-main/engine/pricing/black76'

describe('normCdf', () => {
  // Reference values: Abramowitz & Stegun Table 26.1 / any statistics table, to 15 digits.
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

describe('Black-76', () => {
  it('matches the published Deribit mark of BTC-26JUN26-100000-C (METHODOLOGY §3)', () => {
    const coin = black76InverseCoin({
      forwardUsd: 116_086.34,
      strikeUsd: 100_000,
      years: yearsBetween(Date.parse('2025-07-09T10:35:45Z'), Date.parse('2026-06-26T08:00:00Z')),
      vol: 0.4543,
      optionType: 'call'
    })
    expect(Math.abs(coin - 0.2425)).toBeLessThanOrEqual(0.0001)
  })

  it('obeys put-call parity C − P = F − K (undiscounted)', () => {
    for (const [f, k, t, v] of [[92_000, 95_000, 0.1, 0.45], [3_080, 2_800, 0.5, 0.65], [50, 80, 2, 1.2]] as const) {
      const c = black76PriceUsd({ forwardUsd: f, strikeUsd: k, years: t, vol: v, optionType: 'call' })
      const p = black76PriceUsd({ forwardUsd: f, strikeUsd: k, years: t, vol: v, optionType: 'put' })
      expect(c - p).toBeCloseTo(f - k, 8)
    }
  })

  it('settles at the payoff once expired', () => {
    expect(black76PriceUsd({ forwardUsd: 100, strikeUsd: 90, years: -0.01, vol: 0.5, optionType: 'call' })).toBe(10)
    expect(black76PriceUsd({ forwardUsd: 100, strikeUsd: 90, years: 0, vol: 0.5, optionType: 'put' })).toBe(0)
  })
})
