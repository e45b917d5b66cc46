import { describe, expect, it } from 'vitest'
import { inverseOptionSettlementCoin, inversePnlCoin, inversePnlCoinForMove, linearPnlQuote } from '../../src-main/engine/pricing/futures'

describe('futures P&L (METHODOLOGY §3)', () => {
  it('inverse: USD 1,000 long at 600 closed at 700 → +0.238095 BTC', () => {
    expect(inversePnlCoin(1000, 600, 700)).toBeCloseTo(0.238095, 6)
    expect(inversePnlCoin(-1000, 600, 700)).toBeCloseTo(-0.238095, 6)
  })

  it('inverse, in relative-move form q·m/(1+m), agrees with N·(1/F0 − 1/F1)', () => {
    const q = 1000 / 600
    expect(inversePnlCoinForMove(q, 700 / 600 - 1)).toBeCloseTo(inversePnlCoin(1000, 600, 700), 12)
  })

  it('linear: 2 BTC long from 60,000 to 63,000 → +6,000 USDT', () => {
    expect(linearPnlQuote(2, 60_000, 63_000)).toBe(6000)
  })

  it('inverse call K = 10,000 settled at 12,500 → 0.2 BTC; OTM put → 0', () => {
    expect(inverseOptionSettlementCoin(10_000, 12_500, true)).toBeCloseTo(0.2, 12)
    expect(inverseOptionSettlementCoin(10_000, 12_500, false)).toBe(0)
    expect(() => inverseOptionSettlementCoin(10_000, Number.NaN, true)).toThrow(/not a positive price/)
  })
})
