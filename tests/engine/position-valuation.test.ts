import { describe, expect, it } from 'vitest'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import type { MarketSnapshotData } from '../../src-main/engine/market/snapshot'
import { parseSymbol } from '../../src-main/engine/instruments/parse-symbol'
import { valuePosition } from '../../src-main/engine/valuation/position-valuation'
import { black76Greeks, yearsBetween } from '../../src-main/engine/pricing/black76'

const asOfMs = Date.parse('2024-06-17T08:00:00Z')
const expiry = Date.parse('2024-06-28T08:00:00Z')
const market: MarketSnapshotData = {
  id: 'unit',
  asOfMs,
  source: 'test',
  indexUsd: { BTC: 65_666.19 },
  forwardsUsd: { BTC: { [String(expiry)]: 67_371.75 } },
  volQuotes: { BTC: [{ expiryMs: expiry, strikeUsd: 70_000, forwardUsd: 67_371.75, vol: 0.5 }] },
  marks: { 'deribit:BTC-PERPETUAL': { price: 65_910.57, currency: 'USD' } },
  fundingRate8h: {}
}
const view = buildMarketView(market)

describe('position valuation', () => {
  it('inverse perpetual: P&L in coin N·(1/F0 − 1/F), converted at the index; delta N/F as venues show it', () => {
    const v = valuePosition(parseSymbol('deribit', 'BTC-PERPETUAL'), 1000, 60_000, view) // $10,000 long
    expect(v.pnlSettle).toBeCloseTo(10_000 * (1 / 60_000 - 1 / 65_910.57), 12)
    expect(v.pnlUsd).toBeCloseTo(v.pnlSettle! * 65_666.19, 8)
    expect(v.deltaCoin).toBeCloseTo(10_000 / 65_910.57, 12)
    expect(v.settleCurrency).toBe('BTC')
  })

  it('inverse option: coin price B76/F, P&L against the coin entry, Greeks × size', () => {
    const inst = parseSymbol('deribit', 'BTC-28JUN24-70000-C')
    const v = valuePosition(inst, -3, 0.02, view)
    const g = black76Greeks({ forwardUsd: 67_371.75, strikeUsd: 70_000, years: yearsBetween(asOfMs, expiry), vol: 0.5, optionType: 'call' })
    expect(v.modelPrice).toBeCloseTo(g.priceUsd / 67_371.75, 14)
    expect(v.valueSettle).toBeCloseTo(-3 * v.modelPrice, 14)
    expect(v.pnlSettle).toBeCloseTo(-3 * (v.modelPrice - 0.02), 14)
    expect(v.deltaCoin).toBeCloseTo(-3 * g.delta, 12)
    expect(v.vegaUsdPerPoint).toBeCloseTo((-3 * g.vega) / 100, 10)
    expect(v.thetaUsdPerDay).toBeGreaterThan(0) // short options earn the decay
    expect(v.vol).toBe(0.5)
  })

  it('linear swap: units in coin from the contract value; P&L in USDT', () => {
    const spot: MarketSnapshotData = { ...market, marks: { 'okx:BTC-USDT-SWAP': { price: 66_000, currency: 'USDT' } } }
    const v = valuePosition(parseSymbol('okx', 'BTC-USDT-SWAP'), 150, 64_000, buildMarketView(spot))
    expect(v.deltaCoin).toBeCloseTo(1.5, 12)
    expect(v.pnlSettle).toBeCloseTo(1.5 * 2000, 8)
    expect(v.pnlUsd).toBe(v.pnlSettle)
  })

  it('names what is missing instead of valuing on nothing', () => {
    expect(() => valuePosition(parseSymbol('deribit', 'ETH-PERPETUAL'), 1, 3000, view)).toThrow(/deribit:ETH-PERPETUAL: no ETH index in market snapshot/)
  })
})
