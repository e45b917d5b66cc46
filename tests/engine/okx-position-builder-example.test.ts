/**
 * OKX's own numbers: the response example of POST /api/v5/account/position-builder in the OKX API
 * v5 documentation (www.okx.com/docs-v5/en/, Trading account, "Position builder"; response
 * ts 1736936801642, 15 January 2025): −10 BTC-USDT-SWAP (0.01 BTC each) and +10 LTC-USDT-SWAP
 * (1 LTC each) in portfolio margin, one risk unit each. The example gives every MR, the MR1
 * scenario table and the MR6 worst case; the index each unit's shocks move is read off the table
 * (the P&L of a 4 % or 6 % move over the position's coins).
 */
import { describe, expect, it } from 'vitest'
import okxJson from '../../resources/params/okx-pm-2025-01.json'
import { deltaOnePosition } from '../../src-main/engine/margin/margin-position'
import { okxParamsFromJson, okxPmMargin, type OkxPmParams } from '../../src-main/engine/margin/okx-pm'

const asOfMs = 1736936801642
const shipped = okxParamsFromJson(okxJson as Parameters<typeof okxParamsFromJson>[0])
// The two rates the example shows for a lone perpetual (MR4 / |delta|, MR7 / |delta|), which the
// shipped file cannot carry yet (its schema has no such keys).
const params: OkxPmParams = {
  ...shipped,
  classes: {
    ...shipped.classes,
    major: { ...shipped.classes['major']!, perpetualBasisRate: 0.002, mr7DeltaOneRate: 0.0045 },
    mid: { ...shipped.classes['mid']!, perpetualBasisRate: 0.008, mr7DeltaOneRate: 0.007 }
  }
}

interface Unit {
  riskUnit: string
  coins: number
  /** volSame P&L at +shock (USD) and that shock, to read the index off. */
  scenario: [number, number]
  okx: { delta: number; mr1: number; mr1Shock: number; mr4: number; mr6: number; mr6Pnl: number; mr6Shock: number; mr7: number; mmr: number; imr: number; volSame: Record<string, number> }
}

const units: Unit[] = [
  {
    riskUnit: 'BTC', coins: -10 * 0.01, scenario: [-388.1369748240002, 0.04],
    okx: {
      delta: -9704.903689800001, mr1: 1164.4109244719994, mr1Shock: 0.12, mr4: 19.4098073796, mr6: 1164.4109244720003, mr6Pnl: -2328.8218489440005, mr6Shock: 0.24,
      mr7: 43.67206660410001, mmr: 1183.8207318516002, imr: 1538.9669514070802,
      volSame: { '0': 0, '0.08': -776.2739496480004, '-0.08': 776.2739496480004, '0.04': -388.1369748240002, '0.12': -1164.4109244719994, '-0.12': 1164.4109244719994, '-0.04': 388.1369748240002 }
    }
  },
  {
    riskUnit: 'LTC', coins: 10, scenario: [61.168909352399936, 0.06],
    okx: {
      delta: 1019.5308, mr1: 183.50672805719995, mr1Shock: -0.18, mr4: 8.1562464, mr6: 183.5067280572, mr6Pnl: -367.0134561144, mr6Shock: -0.36,
      mr7: 7.1367156, mmr: 191.6629744572, imr: 249.16186679436,
      volSame: { '0': 0, '-0.06': -61.168909352399936, '0.06': 61.168909352399936, '-0.18': -183.50672805719995, '0.18': 183.50672805719995, '0.12': 122.33781870480001, '-0.12': -122.33781870480001 }
    }
  }
]

describe('OKX position-builder example (API v5 docs, 15 January 2025)', () => {
  for (const u of units) {
    const indexUsd = u.scenario[0] / (u.coins * u.scenario[1])
    const perp = deltaOnePosition({ underlying: u.riskUnit, kind: 'perpetual', inverse: false, sizeCoin: u.coins, priceUsd: indexUsd })
    const r = okxPmMargin([perp], { underlying: u.riskUnit, indexUsd, asOfMs, params, marketId: 'okx-example' })
    const c = (name: string): number => r.components.find((x) => x.name.startsWith(name))!.amount
    const rel = (got: number, want: number): number => Math.abs(got - want) / Math.abs(want)

    it(`${u.riskUnit}: every MR1 scenario P&L, MR1 and its worst move as OKX's, to 1e-12`, () => {
      for (const [shock, pnl] of Object.entries(u.okx.volSame)) {
        for (const vol of ['up', 'unchanged', 'down']) {
          const move = Number(shock)
          const label = `MR1 ${u.riskUnit} ${move >= 0 ? '+' : '−'}${Math.abs(move * 100).toFixed(0)} %, vol ${vol}`
          const i = r.scenarioLabels.indexOf(label)
          expect(i, label).toBeGreaterThanOrEqual(0)
          expect(Math.abs(r.scenarioPnl![i]! - pnl)).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(pnl), 1) + 1e-9)
        }
      }
      expect(rel(c('MR1'), u.okx.mr1)).toBeLessThan(1e-12)
    })

    it(`${u.riskUnit}: MR6 = ½ × the loss at the ${u.okx.mr6Shock * 100} % move (extremeWeight 0.5), to 1e-12`, () => {
      expect(rel(u.okx.mr6, -0.5 * u.okx.mr6Pnl)).toBeLessThan(1e-12)
      expect(rel(c('MR6'), u.okx.mr6)).toBeLessThan(1e-12)
      expect(params.extremeWeight).toBe(0.5)
    })

    it(`${u.riskUnit}: MR2, MR3, MR5 and MR9 are 0 as OKX's`, () => {
      for (const name of ['MR2', 'MR3', 'MR5', 'MR9']) expect(c(name), name).toBe(0)
    })

    // OKX's delta (USD) is 0.015 % (BTC) / 0.005 % (LTC) above the coins × the index its shocks
    // move; the example does not say which price it uses. MR4 and MR7 are exact rates of OKX's
    // delta, so ours, on the one price we hold, differ by that ratio.
    it(`${u.riskUnit}: MR4 and MR7 are OKX's rates of the USD delta; MMR = max(MR1, MR6) + MR4 and IMR = 1.3 × MMR within OKX's two-price gap`, () => {
      const rate = params.classes[u.riskUnit === 'BTC' ? 'major' : 'mid']!
      expect(rel(u.okx.mr4, Math.abs(u.okx.delta) * rate.perpetualBasisRate!)).toBeLessThan(1e-12)
      expect(rel(u.okx.mr7, Math.abs(u.okx.delta) * rate.mr7DeltaOneRate!)).toBeLessThan(1e-12)
      const ourDelta = Math.abs(u.coins * indexUsd)
      expect(rel(ourDelta, Math.abs(u.okx.delta))).toBeLessThan(2e-4)
      expect(rel(c('MR4'), ourDelta * rate.perpetualBasisRate!)).toBeLessThan(1e-12)
      expect(rel(c('MR7'), ourDelta * rate.mr7DeltaOneRate!)).toBeLessThan(1e-12)
      expect(rel(u.okx.mmr, Math.max(u.okx.mr1, u.okx.mr6) + u.okx.mr4)).toBeLessThan(1e-12)
      expect(rel(u.okx.imr, 1.3 * u.okx.mmr)).toBeLessThan(1e-12)
      expect(Math.abs(r.maintenanceMargin - u.okx.mmr)).toBeLessThan(0.01)
      expect(Math.abs(r.initialMargin - u.okx.imr)).toBeLessThan(0.01)
      expect(r.initialMargin).toBe(1.3 * r.maintenanceMargin)
    })
  }

  it('the shipped file has MR6 at half weight and the example\'s perpetual rates: MR4 0.2 %, MR7 0.45 % of a BTC perpetual\'s USD delta', () => {
    const perp = deltaOnePosition({ kind: 'perpetual', inverse: false, sizeCoin: -0.1, priceUsd: 97_000 })
    const r = okxPmMargin([perp], { underlying: 'BTC', indexUsd: 97_000, asOfMs, params: shipped, marketId: 't' })
    expect(r.components.find((x) => x.name.startsWith('MR6'))!.amount).toBeCloseTo(0.5 * 0.24 * 9_700, 9)
    expect(r.components.find((x) => x.name.startsWith('MR4'))!.amount).toBeCloseTo(0.002 * 9_700, 9)
    expect(r.components.find((x) => x.name.startsWith('MR7'))!.amount).toBeCloseTo(0.0045 * 9_700, 9)
  })
})
