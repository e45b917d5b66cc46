/**
 * Derive (formerly Lyra v2) portfolio margin, PMRM_2: the account's initial and maintenance margin
 * values in the protocol's own convention (PMRMLib_2.getMarginAndMarkToMarket):
 *   value = factor × min(basis contingency, worst scenario P&L) − contingencies + mark-to-market + cash,
 * negative when the account is short of margin. IM uses the IM factor (raised by the peg-loss factor
 * when the stable trades under its threshold) and both the IM and MM contingencies; MM uses the MM
 * factor and the MM contingencies. Our own implementation of the public rules of derivexyz/v2-core
 * (src/risk-managers/PMRMLib_2.sol, PMRM_2.sol); see the modules beside this one for each rule.
 */
import { basisFactor, basisLossUsd, confidenceChargeUsd, nakedShortContracts } from './contingencies'
import { priceExpiries, shockedExpiryValueUsd } from './expiry'
import { scenarioPnlUsd, type ScenarioBook } from './scenarios'
import type { DeriveContingencies, DeriveMarginResult, DeriveOptionResult, DeriveParameters, DerivePortfolio } from './types'

export function derivePortfolioMargin(portfolio: DerivePortfolio, params: DeriveParameters): DeriveMarginResult {
  if (params.scenarios.length === 0) throw new Error('Derive: no scenarios')
  const other = params.otherContingency
  const spot = portfolio.spotUsd
  // The portfolio's confidence: spot's, and the perp's when one is held (PMRM_2._arrangePortfolio).
  const portfolioConfidence = portfolio.perpContracts !== 0 ? Math.min(portfolio.spotConfidence, portfolio.perpConfidence) : portfolio.spotConfidence

  const perpNotionalUsd = Math.abs(portfolio.perpContracts) * spot
  const c: DeriveContingencies = {
    basisUsd: 0,
    perpMmUsd: perpNotionalUsd * other.mmPerpPercent,
    perpImUsd: perpNotionalUsd * other.imPerpPercent,
    optionMmUsd: 0,
    optionImUsd: 0,
    collateralMmUsd: 0,
    collateralImUsd: 0,
    confidenceImUsd: confidenceChargeUsd(portfolioConfidence, perpNotionalUsd, params),
    mmTotalUsd: 0,
    imTotalUsd: 0,
  }

  const priced = priceExpiries(portfolio.options, portfolio.expiryFeeds, params)
  const expiries = priced.map((expiry) => {
    const mtmUsd = shockedExpiryValueUsd(expiry, 1, 1, 0)
    const basisLoss = basisLossUsd(expiry, mtmUsd, params)
    c.basisUsd += basisLoss * basisFactor(expiry, params)
    const nakedNotionalUsd = nakedShortContracts(expiry) * spot
    c.optionMmUsd += nakedNotionalUsd * other.mmOptionPercent
    c.optionImUsd += nakedNotionalUsd * other.imOptionPercent
    c.confidenceImUsd += confidenceChargeUsd(Math.min(portfolioConfidence, expiry.feedConfidence), expiry.grossContracts * spot, params)
    return { expiry, mtmUsd, basisLoss }
  })

  const collaterals = portfolio.collaterals.map((collateral) => {
    const valueUsd = (collateral.amount * collateral.priceUsd) / portfolio.stablePriceUsd
    c.collateralMmUsd += valueUsd * collateral.mmHaircut
    c.collateralImUsd += valueUsd * collateral.imHaircut
    // Collateral is arranged before the perp's confidence joins the portfolio's: only spot's counts here.
    c.confidenceImUsd += confidenceChargeUsd(Math.min(collateral.confidence, portfolio.spotConfidence), valueUsd, params)
    return { valueUsd, isRiskCancelling: collateral.isRiskCancelling }
  })
  c.mmTotalUsd = c.perpMmUsd + c.optionMmUsd + c.collateralMmUsd
  c.imTotalUsd = c.mmTotalUsd + c.perpImUsd + c.optionImUsd + c.collateralImUsd + c.confidenceImUsd

  const book: ScenarioBook = {
    perpContracts: portfolio.perpContracts,
    perpPriceUsd: portfolio.perpPriceUsd,
    expiries,
    riskCancellingCollateralUsd: collaterals.filter((x) => x.isRiskCancelling).map((x) => x.valueUsd),
  }
  const scenarios = params.scenarios.map((scenario) => ({ ...scenario, pnlUsd: scenarioPnlUsd(book, scenario, params) }))
  // The basis contingency is the starting "worst"; a scenario must be strictly worse to replace it.
  let worstLossUsd = c.basisUsd
  let worstScenarioIndex = -1
  scenarios.forEach((s, i) => {
    if (s.pnlUsd < worstLossUsd) {
      worstLossUsd = s.pnlUsd
      worstScenarioIndex = i
    }
  })

  const optionMtmUsd = expiries.reduce((sum, e) => sum + e.mtmUsd, 0)
  const collateralMtmUsd = collaterals.reduce((sum, x) => sum + x.valueUsd, 0)
  const portfolioMtmUsd = portfolio.perpUnrealisedPnlUsd + portfolio.perpUnrealisedFundingUsd + optionMtmUsd + collateralMtmUsd + portfolio.cashUsd

  const mmFactor = params.margin.mmFactor
  const pegShortfall = Math.max(other.pegLossThreshold - portfolio.stablePriceUsd, 0)
  const imFactor = params.margin.imFactor + pegShortfall * other.pegLossFactor
  const mmValueUsd = worstLossUsd * mmFactor - c.mmTotalUsd + portfolioMtmUsd
  const imValueUsd = worstLossUsd * imFactor - c.imTotalUsd + portfolioMtmUsd

  const options: DeriveOptionResult[] = new Array<DeriveOptionResult>(portfolio.options.length)
  for (const { expiry } of expiries) {
    for (const o of expiry.options) {
      options[o.index] = {
        vol: o.vol,
        volShockUp: expiry.volShockUp,
        volShockDown: expiry.volShockDown,
        volShockedUp: Math.max(params.volShock.minVolUp, o.vol * expiry.volShockUp),
        volShockedDown: o.vol * expiry.volShockDown,
      }
    }
  }

  return {
    scenarios,
    worstScenarioIndex,
    worstLossUsd,
    contingencies: c,
    cashUsd: portfolio.cashUsd,
    optionMtmUsd,
    perpPnlUsd: portfolio.perpUnrealisedPnlUsd,
    perpFundingUsd: portfolio.perpUnrealisedFundingUsd,
    collateralMtmUsd,
    portfolioMtmUsd,
    imFactor,
    mmFactor,
    imValueUsd,
    mmValueUsd,
    initialMarginUsd: portfolioMtmUsd - imValueUsd,
    maintenanceMarginUsd: portfolioMtmUsd - mmValueUsd,
    expiries: expiries.map(({ expiry, mtmUsd, basisLoss }) => ({
      secondsToExpiry: expiry.seconds,
      forwardUsd: expiry.spotLinkedForwardUsd + expiry.fixedForwardUsd,
      discount: expiry.discount,
      mtmUsd,
      staticDiscountLong: expiry.staticDiscountLong,
      staticDiscountShort: expiry.staticDiscountShort,
      volShockUp: expiry.volShockUp,
      volShockDown: expiry.volShockDown,
      basisLossUsd: basisLoss,
    })),
    options,
  }
}
