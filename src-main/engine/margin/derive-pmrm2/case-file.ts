/**
 * Reader for the protocol's portfolio test cases (derivexyz/v2-core
 * test/risk-managers/unit-tests/PMRM_2/portfolio_cases, one JSON per case: Scenario, Parameters,
 * Result). Pure: takes the parsed JSON, returns our typed inputs and the expected numbers.
 * It maps a case to inputs the way the protocol's own test does (TestPMRM_2_PortfolioCasesNEW):
 * expiries are seconds after the block time; the SVI tuple is [a, b, ρ, m, σ, forward, τ]; within the
 * last 30 minutes the forward is split into a fixed part F·(1800 − t)/1800 and a spot-linked part
 * F·t/1800 (the settlement average); the DTE floor is given in days. Results list the scenario losses
 * in scenario order: regular, then tail, then skew.
 */
import type { DeriveCollateral, DeriveExpiryFeed, DeriveOption, DeriveParameters, DerivePortfolio, DeriveScenario, DeriveVolShock } from './types'

type Json = Record<string, unknown>

export type DeriveScenarioKind = 'regular' | 'tail' | 'skew'

export interface DeriveCaseExpected {
  /** Scenario P&L in scenario order, and each one's kind as the case labels it. */
  scenarioPnlUsd: number[]
  scenarioKinds: DeriveScenarioKind[]
  forwardContingencyUsd: number
  cashUsd: number
  portfolioMtmUsd: number
  optionMtmUsd: number
  collateralMtmUsd: number
  /** Perp unrealised P&L (the case's PerpMTM) and funding, shown apart; both are in the portfolio MTM. */
  perpPnlUsd: number
  perpFundingUsd: number
  /** Contingencies as the case writes them: negative charges. */
  mmPerpContUsd: number
  imPerpContUsd: number
  mmBaseContUsd: number
  imBaseContUsd: number
  mmOptionContUsd: number
  imOptionContUsd: number
  oracleContUsd: number
  optionMtmPerExpiryUsd: number[]
  /** [long, short] static discount per expiry. */
  staticDiscounts: [number, number][]
  /** Each expiry's MTM after its static discount. */
  optionMtmPerExpiryDiscountedUsd: number[]
  /** Worst regular, tail and skew scenario P&L (0 when a kind has no scenario). */
  worstRegularUsd: number
  worstTailUsd: number
  worstSkewUsd: number
  /** Per option, in the case's option order: mark vol, discount factor, vol-shock multipliers and shocked vols. */
  optionVols: number[]
  optionDiscounts: number[]
  volShockUp: number[]
  volShockDown: number[]
  volShockedUp: number[]
  volShockedDown: number[]
  imUsd: number
  mmUsd: number
}

export interface DeriveCase {
  portfolio: DerivePortfolio
  params: DeriveParameters
  expected: DeriveCaseExpected
}

/** Seconds over which the forward feed averages into settlement (the protocol test's 30 minutes). */
const SETTLEMENT_WINDOW_SECONDS = 1800

const num = (v: unknown, what: string): number => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN
  if (!Number.isFinite(n)) throw new Error(`Derive case: ${what} is not a number`)
  return n
}
const obj = (v: unknown, what: string): Json => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`Derive case: ${what} is missing`)
  return v as Json
}
const arr = (v: unknown, what: string): unknown[] => {
  if (!Array.isArray(v)) throw new Error(`Derive case: ${what} is not a list`)
  return v
}

const VOL_SHOCKS: Record<string, DeriveVolShock> = { Up: 'up', Down: 'down', None: 'none', LINEAR: 'linear', ABS: 'abs' }

export function readDeriveCase(json: unknown): DeriveCase {
  const root = obj(json, 'the case')
  const s = obj(root.Scenario, 'Scenario')
  const p = obj(root.Parameters, 'Parameters')
  const r = obj(root.Result, 'Result')
  return { portfolio: portfolioOf(s), params: paramsOf(p), expected: expectedOf(r, arr(s.Options, 'Options')) }
}

function portfolioOf(s: Json): DerivePortfolio {
  const options: DeriveOption[] = arr(s.Options, 'Options').map((o, i) => {
    const x = obj(o, `Options[${i}]`)
    return { secondsToExpiry: num(x.Expiry, 'Expiry'), strikeUsd: num(x.Strike, 'Strike'), isCall: num(x.IsCall, 'IsCall') !== 0, contracts: num(x.Amount, 'Amount') }
  })
  const expiryFeeds: DeriveExpiryFeed[] = arr(s.OptionFeeds, 'OptionFeeds').map((f, i) => {
    const x = obj(f, `OptionFeeds[${i}]`)
    const svi = arr(x.SVIparam, 'SVIparam').map((v) => num(v, 'SVIparam'))
    if (svi.length !== 7) throw new Error('Derive case: SVIparam must have 7 entries')
    const seconds = num(x.FeedExpiry, 'FeedExpiry')
    const forwardUsd = num(x.Forward, 'Forward')
    const feed: DeriveExpiryFeed = {
      secondsToExpiry: seconds,
      forwardUsd,
      forwardConfidence: num(x.ForwardConfidence, 'ForwardConfidence'),
      rate: num(x.Rate, 'Rate'),
      rateConfidence: num(x.RateConfidence, 'RateConfidence'),
      svi: { a: svi[0]!, b: svi[1]!, rho: svi[2]!, m: svi[3]!, sigma: svi[4]!, forwardUsd: svi[5]!, years: svi[6]! },
      volConfidence: num(x.OptionVolConfidences, 'OptionVolConfidences'),
    }
    if (seconds < SETTLEMENT_WINDOW_SECONDS) feed.fixedForwardUsd = (forwardUsd * (SETTLEMENT_WINDOW_SECONDS - seconds)) / SETTLEMENT_WINDOW_SECONDS
    return feed
  })
  const collaterals: DeriveCollateral[] = arr(s.Collaterals, 'Collaterals').map((c, i) => {
    const x = obj(c, `Collaterals[${i}]`)
    return {
      name: String(x.Name),
      amount: num(x.Amount, 'Amount'),
      priceUsd: num(x.Price, 'Price'),
      confidence: num(x.Confidence, 'Confidence'),
      isRiskCancelling: x.IsRiskCancelling === true,
      imHaircut: num(x.IMHaircut, 'IMHaircut'),
      mmHaircut: num(x.MMHaircut, 'MMHaircut'),
    }
  })
  return {
    cashUsd: num(s.Cash, 'Cash'),
    spotUsd: num(s.SpotPrice, 'SpotPrice'),
    spotConfidence: num(s.SpotConfidence, 'SpotConfidence'),
    perpContracts: num(s.NumPerps, 'NumPerps'),
    perpPriceUsd: num(s.PerpPrice, 'PerpPrice'),
    perpConfidence: num(s.PerpConfidence, 'PerpConfidence'),
    perpUnrealisedPnlUsd: num(s.UnrealisedPerpPNL, 'UnrealisedPerpPNL'),
    perpUnrealisedFundingUsd: num(s.UnrealisedFunding, 'UnrealisedFunding'),
    stablePriceUsd: num(s.StablePrice, 'StablePrice'),
    options,
    expiryFeeds,
    collaterals,
  }
}

/** A parameter set in the protocol cases' `Parameters` shape (resources/params/derive-pmrm2-*.json use it too). */
export const deriveParametersOf = (json: unknown): DeriveParameters => paramsOf(obj(json, 'Parameters'))

function paramsOf(p: Json): DeriveParameters {
  const scenarios: DeriveScenario[] = arr(p.Scenarios, 'Scenarios').map((sc, i) => {
    const x = obj(sc, `Scenarios[${i}]`)
    const volShock = VOL_SHOCKS[String(x.VolShockDirection)]
    if (!volShock) throw new Error(`Derive case: unknown vol shock direction ${String(x.VolShockDirection)}`)
    return { spotShock: num(x.SpotShock, 'SpotShock'), volShock, dampening: num(x.DampeningFactor, 'DampeningFactor') }
  })
  const v = obj(p.VolShock, 'VolShock')
  const k = obj(p.SkewShock, 'SkewShock')
  const m = obj(p.Margin, 'Margin')
  const b = obj(p.BasisContingency, 'BasisContingency')
  const o = obj(p.OtherContingency, 'OtherContingency')
  return {
    scenarios,
    volShock: {
      rangeUp: num(v.VOLRANGEUP, 'VOLRANGEUP'),
      rangeDown: num(v.VOLRANGEDOWN, 'VOLRANGEDOWN'),
      shortTermPower: num(v.SHORTTERMPOWER, 'SHORTTERMPOWER'),
      longTermPower: num(v.LONGTERMPOWER, 'LONGTERMPOWER'),
      dteFloorDays: num(v.DTE_FLOOR, 'DTE_FLOOR'),
      minVolUp: num(v.MIN_VOL_EVAL_SHOCKED, 'MIN_VOL_EVAL_SHOCKED'),
    },
    skewShock: {
      linearBaseCap: num(k.LINEAR_SCALE_CAP, 'LINEAR_SCALE_CAP'),
      absBaseCap: num(k.ABS_SCALE_CAP, 'ABS_SCALE_CAP'),
      linearCBase: num(k.LINEAR_CBASE, 'LINEAR_CBASE'),
      absCBase: num(k.ABS_CBASE, 'ABS_CBASE'),
      minKStar: num(k.MIN_K_STAR, 'MIN_K_STAR'),
      widthScale: num(k.MIN_WIDTH_SCALE, 'MIN_WIDTH_SCALE'),
      volParamStatic: num(k.VOL_PARAM_STATIC, 'VOL_PARAM_STATIC'),
      volParamScale: num(k.VOL_PARAM_SCALE, 'VOL_PARAM_SCALE'),
    },
    margin: {
      imFactor: num(m.IM_LOSS_FACTOR, 'IM_LOSS_FACTOR'),
      mmFactor: num(m.MM_LOSS_FACTOR, 'MM_LOSS_FACTOR'),
      shortRateMultScale: num(m.SHORT_RATE_MULTSCALE, 'SHORT_RATE_MULTSCALE'),
      longRateMultScale: num(m.LONG_RATE_MULTSCALE, 'LONG_RATE_MULTSCALE'),
      shortRateAddScale: num(m.SHORT_RATE_ADDSCALE, 'SHORT_RATE_ADDSCALE'),
      longRateAddScale: num(m.LONG_RATE_ADDSCALE, 'LONG_RATE_ADDSCALE'),
      shortBaseStaticDiscount: num(m.BASE_STATIC_DISCOUNT_NEG, 'BASE_STATIC_DISCOUNT_NEG'),
      longBaseStaticDiscount: num(m.BASE_STATIC_DISCOUNT, 'BASE_STATIC_DISCOUNT'),
    },
    basisContingency: {
      scenarioSpotUp: num(b.SCENARIO_SPOT_UP, 'SCENARIO_SPOT_UP'),
      scenarioSpotDown: num(b.SCENARIO_SPOT_DOWN, 'SCENARIO_SPOT_DOWN'),
      addFactor: num(b.BASIS_CONT_ADD_FACTOR, 'BASIS_CONT_ADD_FACTOR'),
      multFactor: num(b.BASIS_CONT_MULT_FACTOR, 'BASIS_CONT_MULT_FACTOR'),
    },
    otherContingency: {
      pegLossThreshold: num(o.PEG_LOSS_THRESHOLD, 'PEG_LOSS_THRESHOLD'),
      pegLossFactor: num(o.PEG_LOSS_FACTOR, 'PEG_LOSS_FACTOR'),
      confidenceThreshold: num(o.CONF_THRESHOLD, 'CONF_THRESHOLD'),
      confidenceMargin: num(o.CONF_MARGIN, 'CONF_MARGIN'),
      mmPerpPercent: num(o.MM_PERP_PERCENT, 'MM_PERP_PERCENT'),
      imPerpPercent: num(o.IM_PERP_PERCENT, 'IM_PERP_PERCENT'),
      mmOptionPercent: num(o.MM_OPTION_PERCENT, 'MM_OPTION_PERCENT'),
      imOptionPercent: num(o.IM_OPTION_PERCENT, 'IM_OPTION_PERCENT'),
    },
  }
}

function expectedOf(r: Json, options: unknown[]): DeriveCaseExpected {
  const losses = (key: string, at: number): number[] => arr(r[key], key).map((row) => num(arr(row, key)[at], key))
  const regular = losses('reg_losses', 2)
  const tail = losses('tail_losses', 2)
  const skew = losses('skew_losses', 1)
  return {
    scenarioPnlUsd: [...regular, ...tail, ...skew],
    scenarioKinds: [...regular.map(() => 'regular' as const), ...tail.map(() => 'tail' as const), ...skew.map(() => 'skew' as const)],
    forwardContingencyUsd: num(r.ForwardContingency, 'ForwardContingency'),
    cashUsd: num(r.Cash, 'Cash'),
    portfolioMtmUsd: num(r.PortfolioMTM, 'PortfolioMTM'),
    optionMtmUsd: num(r.OptionMTM, 'OptionMTM'),
    collateralMtmUsd: num(r.CollateralMTM, 'CollateralMTM'),
    perpPnlUsd: num(r.PerpMTM, 'PerpMTM'),
    perpFundingUsd: num(r.UnrealisedFunding, 'UnrealisedFunding'),
    mmPerpContUsd: num(r.MMPerpCont, 'MMPerpCont'),
    imPerpContUsd: num(r.IMPerpCont, 'IMPerpCont'),
    mmBaseContUsd: num(r.MMBaseCont, 'MMBaseCont'),
    imBaseContUsd: num(r.IMBaseCont, 'IMBaseCont'),
    mmOptionContUsd: num(r.MMOptionCont, 'MMOptionCont'),
    imOptionContUsd: num(r.IMOptionCont, 'IMOptionCont'),
    oracleContUsd: num(r.OracleCont, 'OracleCont'),
    optionMtmPerExpiryUsd: arr(r.OptionMTMPerExpiry, 'OptionMTMPerExpiry').map((v) => num(v, 'OptionMTMPerExpiry')),
    staticDiscounts: arr(r.discount_factors, 'discount_factors').map((row) => {
      const pair = arr(row, 'discount_factors')
      return [num(pair[0], 'discount_factors'), num(pair[1], 'discount_factors')] as [number, number]
    }),
    optionMtmPerExpiryDiscountedUsd: numbers(r.OptionMTMPerExpiryDiscounted, 'OptionMTMPerExpiryDiscounted'),
    worstRegularUsd: num(r.worst_reg_loss, 'worst_reg_loss'),
    worstTailUsd: num(r.worst_tail_loss, 'worst_tail_loss'),
    worstSkewUsd: num(r.worst_skew_loss, 'worst_skew_loss'),
    optionVols: options.map((o, i) => num(obj(o, `Options[${i}]`).MarkVol, 'MarkVol')),
    optionDiscounts: options.map((o, i) => num(obj(o, `Options[${i}]`).MarkDiscount, 'MarkDiscount')),
    volShockUp: numbers(r.VolShockUpMultiplier, 'VolShockUpMultiplier'),
    volShockDown: numbers(r.VolShockDownMultiplier, 'VolShockDownMultiplier'),
    volShockedUp: numbers(r.VolShockUpEvaluated, 'VolShockUpEvaluated'),
    volShockedDown: numbers(r.VolShockDownEvaluated, 'VolShockDownEvaluated'),
    imUsd: num(r.IM, 'IM'),
    mmUsd: num(r.MM, 'MM'),
  }
}

const numbers = (v: unknown, what: string): number[] => arr(v, what).map((x) => num(x, what))
