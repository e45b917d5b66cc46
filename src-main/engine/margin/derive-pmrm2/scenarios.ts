/**
 * Scenario P&L against the mark-to-market (PMRMLib_2.getScenarioPnL), dampened by the scenario's factor:
 *  - perp: contracts × (shock − 1) × perp price;
 *  - each expiry: shocked value × static discount (long factor if the shocked value is ≥ 0, short
 *    factor otherwise) − unshocked value; Up floors the shocked vol at the minimum, Down may reach 0;
 *    in skew scenarios the expiry contributes −|P&L|;
 *  - risk-cancelling collateral: value × (shock − 1); other collateral does not move.
 */
import { shockedExpiryValueUsd, type PricedExpiry } from './expiry'
import { skewedExpiryValueUsd } from './skew'
import type { DeriveParameters, DeriveScenario } from './types'

export interface ScenarioBook {
  perpContracts: number
  perpPriceUsd: number
  expiries: { expiry: PricedExpiry; mtmUsd: number }[]
  /** Values (USD) of the risk-cancelling collateral. */
  riskCancellingCollateralUsd: number[]
}

export function scenarioPnlUsd(book: ScenarioBook, scenario: DeriveScenario, params: DeriveParameters): number {
  const damp = scenario.dampening
  const move = scenario.spotShock - 1
  let pnl = book.perpContracts === 0 ? 0 : book.perpContracts * (move * book.perpPriceUsd) * damp
  const isSkew = scenario.volShock === 'linear' || scenario.volShock === 'abs'
  for (const { expiry, mtmUsd } of book.expiries) {
    const shocked = shockedValue(expiry, scenario, params)
    const discounted = shocked * (shocked >= 0 ? expiry.staticDiscountLong : expiry.staticDiscountShort)
    const expiryPnl = (discounted - mtmUsd) * damp
    pnl += isSkew ? -Math.abs(expiryPnl) : expiryPnl
  }
  for (const valueUsd of book.riskCancellingCollateralUsd) pnl += valueUsd * move * damp
  return pnl
}

/** The expiry's value in one scenario before its static discount and dampening (PMRMLib_2._getExpiryShockedMTM, or the skewed value). */
export function shockedValue(expiry: PricedExpiry, scenario: DeriveScenario, params: DeriveParameters): number {
  switch (scenario.volShock) {
    case 'linear':
    case 'abs':
      return skewedExpiryValueUsd(expiry, scenario.volShock, params)
    case 'up':
      return shockedExpiryValueUsd(expiry, scenario.spotShock, expiry.volShockUp, params.volShock.minVolUp)
    case 'down':
      return shockedExpiryValueUsd(expiry, scenario.spotShock, expiry.volShockDown, 0)
    case 'none':
      return shockedExpiryValueUsd(expiry, scenario.spotShock, 1, 0)
  }
}
