/**
 * The PMRM_2 rules one by one, on books small enough to work by hand: the SVI feed's wing bound and
 * variance cap, the contract's Black-76 edges, the naked-short pairing, the skew multiplier, the static
 * discounts and the margin formula with its contingencies and peg-loss factor.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { derivePrices } from '../../../src-main/engine/margin/derive-pmrm2/black76'
import { deriveCaseReport } from '../../../src-main/engine/margin/derive-pmrm2/case-report'
import { nakedShortContracts } from '../../../src-main/engine/margin/derive-pmrm2/contingencies'
import { staticDiscounts, type PricedExpiry } from '../../../src-main/engine/margin/derive-pmrm2/expiry'
import { derivePortfolioMargin } from '../../../src-main/engine/margin/derive-pmrm2/pmrm2'
import { skewMultiplier } from '../../../src-main/engine/margin/derive-pmrm2/skew'
import { sviVol } from '../../../src-main/engine/margin/derive-pmrm2/svi'
import type { DeriveParameters, DerivePortfolio } from '../../../src-main/engine/margin/derive-pmrm2/types'
import { hasSharedData, sharedData } from '../../support/shared-data'

const params: DeriveParameters = {
  scenarios: [
    { spotShock: 1.1, volShock: 'none', dampening: 1 },
    { spotShock: 0.9, volShock: 'none', dampening: 1 },
    { spotShock: 0.5, volShock: 'up', dampening: 0.1 },
  ],
  volShock: { rangeUp: 0.5, rangeDown: 0.275, shortTermPower: 0.3, longTermPower: 0.13, dteFloorDays: 1, minVolUp: 0.45 },
  skewShock: { linearBaseCap: 0.15, absBaseCap: 0.15, linearCBase: -0.05, absCBase: -0.05, minKStar: 0.01, widthScale: 4, volParamStatic: 0.6, volParamScale: -0.1 },
  margin: { imFactor: 1, mmFactor: 0.8, shortRateMultScale: 0.5, longRateMultScale: 1, shortRateAddScale: 0.08, longRateAddScale: 0.08, shortBaseStaticDiscount: 1.04, longBaseStaticDiscount: 0.95 },
  basisContingency: { scenarioSpotUp: 1.045, scenarioSpotDown: 0.955, addFactor: 0.5, multFactor: 2 },
  otherContingency: { pegLossThreshold: 0.98, pegLossFactor: 2, confidenceThreshold: 0.55, confidenceMargin: 1, mmPerpPercent: 0.015, imPerpPercent: 0.005, mmOptionPercent: 0.003, imOptionPercent: 0.002 },
}

const emptyBook: DerivePortfolio = {
  cashUsd: 0, spotUsd: 100, spotConfidence: 1, perpContracts: 0, perpPriceUsd: 100, perpConfidence: 1,
  perpUnrealisedPnlUsd: 0, perpUnrealisedFundingUsd: 0, stablePriceUsd: 1, options: [], expiryFeeds: [], collaterals: [],
}

describe('SVI feed', () => {
  const svi = { a: 0.04, b: 0.2, rho: -0.3, m: 0, sigma: 0.2, forwardUsd: 100, years: 0.25 }
  const bound = 4 * Math.sqrt(0.04 + 0.2 * 0.2)
  it('takes the vol at ±4·√(a + b·σ) for strikes beyond it', () => {
    expect(sviVol(100 * Math.exp(bound + 1), svi)).toBe(sviVol(100 * Math.exp(bound), svi))
    expect(sviVol(100 * Math.exp(-bound - 1), svi)).toBe(sviVol(100 * Math.exp(-bound), svi))
    expect(sviVol(100 * Math.exp(bound - 0.1), svi)).not.toBe(sviVol(100 * Math.exp(bound), svi))
  })
  it('caps total variance at 20', () => {
    expect(sviVol(100, { ...svi, a: 30, years: 0.5 })).toBeCloseTo(Math.sqrt(20 / 0.5), 12)
  })
  it('refuses a surface with negative variance', () => {
    expect(() => sviVol(100, { ...svi, a: -0.5, b: 0.1 })).toThrow()
  })
})

describe('the contract Black-76', () => {
  const year = 365 * 86400
  it('keeps put-call parity at a normal vol', () => {
    const { callUsd, putUsd } = derivePrices(year / 4, 0.6, 100, 110, 0.98)
    expect(callUsd - putUsd).toBeCloseTo(0.98 * (100 - 110), 12)
  })
  it('is the discounted intrinsic value at expiry', () => {
    const itmCall = derivePrices(0, 0.6, 100, 90, 0.99)
    expect(itmCall.callUsd).toBeCloseTo(9.9, 12)
    expect(itmCall.putUsd).toBe(0)
    const itmPut = derivePrices(0, 0.6, 100, 110, 0.99)
    expect(itmPut.callUsd).toBe(0)
    expect(itmPut.putUsd).toBeCloseTo(9.9, 12)
  })
  it('prices a call at the discounted forward once √τ·σ reaches 24', () => {
    expect(derivePrices(year, 24, 100, 110, 0.9).callUsd).toBeCloseTo(90, 12)
  })
})

describe('naked short options', () => {
  const expiry = (options: [number, boolean, number][]): PricedExpiry =>
    ({ options: options.map(([strikeUsd, isCall, contracts], index) => ({ index, strikeUsd, isCall, contracts, vol: 0.5 })) }) as unknown as PricedExpiry
  it('offsets a short with a long at the same strike, call or put', () => {
    expect(nakedShortContracts(expiry([[100, true, 1], [100, false, -3]]))).toBe(2)
    expect(nakedShortContracts(expiry([[100, true, 5], [100, false, -3]]))).toBe(0)
  })
  it('counts two shorts at one strike and never offsets across strikes', () => {
    expect(nakedShortContracts(expiry([[100, true, -1], [100, false, -2]]))).toBe(3)
    expect(nakedShortContracts(expiry([[100, true, 5], [110, true, -2]]))).toBe(2)
  })
})

describe('skew multiplier', () => {
  it('tilts linearly up to the cap and lifts both wings in the Abs scenario', () => {
    const sqrtYears = 0.5
    const cap = -0.05 * sqrtYears + 0.15
    expect(skewMultiplier(10, sqrtYears, 'linear', params)).toBeCloseTo(1 + cap, 14)
    expect(skewMultiplier(-10, sqrtYears, 'linear', params)).toBeCloseTo(1 - cap, 14)
    expect(skewMultiplier(-10, sqrtYears, 'abs', params)).toBeCloseTo(1 + cap, 14)
    expect(skewMultiplier(0, sqrtYears, 'linear', params)).toBe(1)
  })
})

describe('static discounts', () => {
  it('never marks a short expiry up by more than 1 / discount', () => {
    const { long, short } = staticDiscounts(1, 0.05, Math.exp(-0.05), { ...params, margin: { ...params.margin, shortBaseStaticDiscount: 4 } })
    expect(short).toBeCloseTo(Math.exp(0.05), 14)
    expect(long).toBeCloseTo(0.95 * Math.exp(-(0.05 + 0.08)), 14)
  })
})

describe('margin value', () => {
  it('is the cash for a cash-only account', () => {
    const r = derivePortfolioMargin({ ...emptyBook, cashUsd: 1000 }, params)
    expect(r.imValueUsd).toBe(1000)
    expect(r.mmValueUsd).toBe(1000)
    expect(r.maintenanceMarginUsd).toBe(0)
  })
  it('charges a long perp its worst spot move plus the perp contingencies', () => {
    const r = derivePortfolioMargin({ ...emptyBook, cashUsd: 1000, perpContracts: 2 }, params)
    // Worst: spot −10 % on 2 × 100 = −20 (the dampened −50 % is −10); MM 0.8 × −20 − 1.5 % of 200.
    expect(r.worstLossUsd).toBeCloseTo(-20, 12)
    expect(r.mmValueUsd).toBeCloseTo(1000 - 16 - 3, 12)
    expect(r.imValueUsd).toBeCloseTo(1000 - 20 - 3 - 1, 12)
  })
  it('raises the IM factor when the stable is under its peg threshold', () => {
    const r = derivePortfolioMargin({ ...emptyBook, cashUsd: 1000, perpContracts: 2, stablePriceUsd: 0.97 }, params)
    expect(r.imFactor).toBeCloseTo(1 + 0.01 * 2, 14)
    expect(r.mmFactor).toBe(0.8)
  })
  it('charges low-confidence collateral for IM only', () => {
    const collateral = { name: 'X', amount: 10, priceUsd: 100, confidence: 0.5, isRiskCancelling: false, imHaircut: 0, mmHaircut: 0 }
    const r = derivePortfolioMargin({ ...emptyBook, collaterals: [collateral] }, params)
    expect(r.contingencies.confidenceImUsd).toBeCloseTo(0.5 * 1000, 12)
    expect(r.mmValueUsd).toBeCloseTo(1000, 12)
    expect(r.imValueUsd).toBeCloseTo(500, 12)
  })
})

const CASE = 'venues/derive-pmrm2/cases/test_62_general_random_2.json'
describe.skipIf(!hasSharedData(CASE))('CLI report of a protocol case', () => {
  it('gives the venue values in the protocol convention and the requirements beside them', () => {
    const json = JSON.parse(readFileSync(sharedData(CASE), 'utf8')) as { Result: { IM: number; MM: number; PortfolioMTM: number } }
    const report = deriveCaseReport('test_62_general_random_2.json', json)
    expect(report.method).toBe('derive-pm')
    expect(report.venueValues.IM).toBeCloseTo(json.Result.IM, 4)
    expect(report.venueValues.MM).toBeCloseTo(json.Result.MM, 4)
    expect(report.maintenanceMargin).toBeCloseTo(json.Result.PortfolioMTM - json.Result.MM, 4)
  })
})
