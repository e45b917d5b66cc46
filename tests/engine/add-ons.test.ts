import { describe, expect, it } from 'vitest'
import { addOnsModel, concentrationCharge, liquidityCharge, type AddOnParams } from '../../src-main/engine/margin/add-ons'
import { marginOf } from '../../src-main/engine/margin/additive-model'
import { deltaOnePosition, optionPosition } from '../../src-main/engine/margin/margin-position'
import { marginParamSets } from '../../src-main/services/margin-params'

const asOfMs = Date.UTC(2026, 10, 20, 9)
const expiryMs = Date.UTC(2026, 11, 25, 8)
const params: AddOnParams = {
  id: 'test-add-ons',
  liquidity: { defaultHalfSpreadLinear: 0.0001, defaultHalfSpreadOption: 0.0005, depthUsd: { BTC: { linear: 10_000_000, option: 500_000 }, '*': { linear: 1_000_000, option: 100_000 } }, impactExponent: 0.5, maxMultiplier: 10 },
  concentration: { BTC: [{ upTo: 10_000_000, factor: 0 }, { upTo: 50_000_000, factor: 0.0025 }, { upTo: Infinity, factor: 0.01 }], '*': [{ upTo: 1_000_000, factor: 0 }, { upTo: Infinity, factor: 0.02 }] }
}

describe('liquidity add-on: half spread × size × size-over-depth multiplier', () => {
  it('a small perpetual at the default spread: 10 BTC at 100,000 → 1 bp × 1,000,000 = 100 USD, multiplier 1', () => {
    const l = liquidityCharge(deltaOnePosition({ kind: 'perpetual', sizeCoin: -10, priceUsd: 100_000 }), params.liquidity, params.id)
    expect(l.quoted).toBe(false)
    expect(l.multiplier).toBe(1)
    expect(l.chargeUsd).toBeCloseTo(100, 9)
  })

  it('a position 4× the depth pays twice the spread per coin (square-root impact): 400 BTC → 4,000 × 2 = 8,000 USD', () => {
    const l = liquidityCharge(deltaOnePosition({ kind: 'future', sizeCoin: 400, priceUsd: 100_000 }), params.liquidity, params.id)
    expect(l.multiplier).toBeCloseTo(2, 12)
    expect(l.chargeUsd).toBeCloseTo(0.0001 * 100_000 * 400 * 2, 6)
  })

  it('the multiplier is capped: 100,000 × the depth is charged at maxMultiplier', () => {
    const l = liquidityCharge(deltaOnePosition({ kind: 'future', sizeCoin: 10_000_000, priceUsd: 100_000 }), params.liquidity, params.id)
    expect(l.multiplier).toBe(10)
  })

  it('a quoted spread wins over the default, and long and short pay the same', () => {
    const quoted = { ...optionPosition({ sizeCoin: -5, forwardUsd: 100_000, strikeUsd: 110_000, expiryMs, vol: 0.5, optionType: 'call' }), halfSpreadUsd: 25 }
    const l = liquidityCharge(quoted, params.liquidity, params.id)
    expect(l.quoted).toBe(true)
    expect(l.chargeUsd).toBeCloseTo(125, 9) // 25 USD × 5 coin; 500,000 USD notional = the depth → multiplier 1
    expect(liquidityCharge({ ...quoted, sizeCoin: 5 }, params.liquidity, params.id).chargeUsd).toBeCloseTo(l.chargeUsd, 12)
    const unquoted = liquidityCharge({ ...quoted, halfSpreadUsd: null }, params.liquidity, params.id)
    expect(unquoted.chargeUsd).toBeCloseTo(0.0005 * 100_000 * 5, 9)
  })

  it('an underlying without its own depth takes the "*" row; without one it is an error naming the parameter set', () => {
    const sol = deltaOnePosition({ underlying: 'SOL', kind: 'perpetual', sizeCoin: 40_000, priceUsd: 100, inverse: false })
    expect(liquidityCharge(sol, params.liquidity, params.id).multiplier).toBeCloseTo(2, 12) // 4,000,000 / 1,000,000 → √4
    const noDefault = { ...params.liquidity, depthUsd: { BTC: params.liquidity.depthUsd.BTC! } }
    expect(() => liquidityCharge(sol, noDefault, params.id)).toThrow(/no market depth for SOL .* in test-add-ons/)
  })
})

describe('concentration add-on: tiered rate on |net delta| per underlying', () => {
  it('slices the net delta through the tiers like OKX MR9', () => {
    expect(concentrationCharge(8_000_000, params.concentration.BTC!)).toBe(0)
    expect(concentrationCharge(-30_000_000, params.concentration.BTC!)).toBeCloseTo(20_000_000 * 0.0025, 6)
    expect(concentrationCharge(60_000_000, params.concentration.BTC!)).toBeCloseTo(40_000_000 * 0.0025 + 10_000_000 * 0.01, 6)
  })

  it('nets long and short across instruments of one underlying: a hedged book carries none', () => {
    const long = deltaOnePosition({ kind: 'perpetual', sizeCoin: 600, priceUsd: 100_000, inverse: false })
    const short = deltaOnePosition({ kind: 'future', sizeCoin: -600, priceUsd: 101_000, expiryMs, inverse: false, indexUsd: 100_000 })
    const model = (ps: typeof long[]) => addOnsModel(ps, { currency: 'USD', currencyUsd: 1, asOfMs, params, marketId: 'test' })
    const alone = marginOf(model([long]), [long])
    expect(alone.components.find((c) => c.name === 'concentration')!.amount).toBeCloseTo(50_000_000 * 0 + (60_000_000 - 50_000_000) * 0.01 + 40_000_000 * 0.0025, 4)
    const hedged = marginOf(model([long, short]), [long, short])
    const concentration = hedged.components.find((c) => c.name === 'concentration')!
    expect(concentration.amount).toBeCloseTo(0, 6)
    expect(concentration.published).toBe(false)
    // Liquidity does not net: closing both legs crosses both spreads.
    const liquidity = hedged.components.find((c) => c.name === 'liquidity')!.amount
    expect(liquidity).toBeCloseTo(liquidityCharge(long, params.liquidity, params.id).chargeUsd + liquidityCharge(short, params.liquidity, params.id).chargeUsd, 6)
    // Incremental margin of the hedge leg is negative: it removes the long's concentration charge.
    expect(hedged.incremental[1]!).toBeLessThan(0)
    expect(hedged.standalone[0]!).toBeCloseTo(alone.initialMargin, 6)
  })

  it('a coin account carries the add-ons in coin, at the coin index', () => {
    const pos = deltaOnePosition({ kind: 'perpetual', sizeCoin: 10, priceUsd: 100_000 })
    const r = marginOf(addOnsModel([pos], { currency: 'BTC', currencyUsd: 100_000, asOfMs, params, marketId: 'test' }), [pos])
    expect(r.currency).toBe('BTC')
    expect(r.initialMargin).toBeCloseTo(100 / 100_000, 12)
    expect(r.maintenanceMargin).toBe(r.initialMargin)
  })
})

describe('the shipped add-on parameter set', () => {
  it('loads, and a user override must validate (the error names the field)', () => {
    const sets = marginParamSets()
    expect(sets.addOns.id).toBe('add-ons-house-2026')
    expect(sets.addOns.concentration.BTC!.at(-1)!.upTo).toBe(Infinity)
    expect(() => marginParamSets({ 'add-ons': { ...params, liquidity: { ...params.liquidity, impactExponent: -1 } } }, 'mine.json')).toThrow(/mine\.json: invalid margin parameters at add-ons\.liquidity\.impactExponent/)
  })
})
