/**
 * Inputs and result of the Derive (formerly Lyra v2) portfolio margin replica, PMRM_2.
 * The model is the public contract code of derivexyz/v2-core (src/risk-managers/PMRMLib_2.sol and
 * PMRM_2.sol, Business Source License): read there, re-implemented here in our own words.
 * All money is USD (the protocol's cash unit, a USDC stable), amounts are contracts (or tokens for
 * collateral), times are seconds to expiry as the contract holds them (it annualises with 365 days).
 */

/** One option position; its vol comes from the expiry's SVI surface (PMRM_2._arrangeAssets → volFeed.getVol). */
export interface DeriveOption {
  secondsToExpiry: number
  strikeUsd: number
  isCall: boolean
  /** Signed: negative is short. */
  contracts: number
}

/** SVI raw parameters of one expiry as the vol feed holds them (lyra-utils SVI.getVol). */
export interface DeriveSvi {
  a: number
  b: number
  rho: number
  m: number
  sigma: number
  forwardUsd: number
  /** The surface's own time to expiry in years (the feed's `tau`), not recomputed from the clock. */
  years: number
}

/** The feeds of one expiry: forward, rate, SVI surface and their confidences. */
export interface DeriveExpiryFeed {
  secondsToExpiry: number
  forwardUsd: number
  /**
   * Part of the forward already fixed by the settlement average (the last 30 minutes before expiry);
   * it does not move with spot in the scenarios. 0 (the default) before that window.
   */
  fixedForwardUsd?: number
  forwardConfidence: number
  /** Continuously compounded, annual; the contract floors it at 0 (PMRM_2._initialiseExpiries). */
  rate: number
  rateConfidence: number
  svi: DeriveSvi
  volConfidence: number
}

export interface DeriveCollateral {
  name: string
  /** Tokens held. */
  amount: number
  priceUsd: number
  confidence: number
  /** Risk-cancelling collateral moves with the spot shock in every scenario (e.g. BTC against BTC options). */
  isRiskCancelling: boolean
  imHaircut: number
  mmHaircut: number
}

export interface DerivePortfolio {
  /** Cash balance in the manager's cash asset (USD). */
  cashUsd: number
  spotUsd: number
  spotConfidence: number
  /** Signed perp position in contracts (one contract = one unit of the underlying). */
  perpContracts: number
  perpPriceUsd: number
  perpConfidence: number
  /** Unsettled perp P&L, USD; with the funding below it is perp.getUnsettledAndUnrealizedCash. */
  perpUnrealisedPnlUsd: number
  /** Unrealised perp funding, USD. */
  perpUnrealisedFundingUsd: number
  /** Price of the stable the collateral is valued in (collateral value = amount × price ÷ stable price). */
  stablePriceUsd: number
  options: DeriveOption[]
  expiryFeeds: DeriveExpiryFeed[]
  collaterals: DeriveCollateral[]
}

/** Scenario vol move: None/Up/Down shift the whole expiry; Linear/Abs rotate or lift the wings (skew). */
export type DeriveVolShock = 'none' | 'up' | 'down' | 'linear' | 'abs'

export interface DeriveScenario {
  /** Spot multiplier: 0.82 is a 18 % fall. */
  spotShock: number
  volShock: DeriveVolShock
  /** Scales the scenario's whole P&L (tail scenarios are dampened). */
  dampening: number
}

export interface DeriveParameters {
  scenarios: DeriveScenario[]
  volShock: {
    rangeUp: number
    rangeDown: number
    shortTermPower: number
    longTermPower: number
    /** Floor on days to expiry in the vol-shock time factor. */
    dteFloorDays: number
    /** Floor on the shocked vol in Up scenarios. */
    minVolUp: number
  }
  skewShock: {
    linearBaseCap: number
    absBaseCap: number
    linearCBase: number
    absCBase: number
    minKStar: number
    widthScale: number
    volParamStatic: number
    volParamScale: number
  }
  margin: {
    imFactor: number
    mmFactor: number
    shortRateMultScale: number
    longRateMultScale: number
    shortRateAddScale: number
    longRateAddScale: number
    /** Multiplier on expiries worth less than nothing (shorts), ≥ 1 in practice. */
    shortBaseStaticDiscount: number
    /** Multiplier on expiries worth something (longs), ≤ 1 in practice. */
    longBaseStaticDiscount: number
  }
  basisContingency: {
    scenarioSpotUp: number
    scenarioSpotDown: number
    addFactor: number
    multFactor: number
  }
  otherContingency: {
    pegLossThreshold: number
    pegLossFactor: number
    confidenceThreshold: number
    confidenceMargin: number
    mmPerpPercent: number
    imPerpPercent: number
    mmOptionPercent: number
    imOptionPercent: number
  }
}

/** Per-expiry precomputes (PMRMLib_2.addPrecomputes), kept for display and for the checks. */
export interface DeriveExpiryResult {
  secondsToExpiry: number
  forwardUsd: number
  /** exp(−rate × years) with the rate floored at 0. */
  discount: number
  mtmUsd: number
  staticDiscountLong: number
  staticDiscountShort: number
  volShockUp: number
  volShockDown: number
  /** Loss at the basis scenarios (≤ 0) before its factor. */
  basisLossUsd: number
}

export interface DeriveOptionResult {
  vol: number
  volShockedUp: number
  volShockedDown: number
  volShockUp: number
  volShockDown: number
}

export interface DeriveScenarioResult extends DeriveScenario {
  /** P&L against the mark-to-market (negative is a loss), after static discount and dampening. */
  pnlUsd: number
}

export interface DeriveContingencies {
  /** Basis (forward) contingency: a P&L, ≤ 0; it competes with the scenarios for the worst loss. */
  basisUsd: number
  /** Charges, ≥ 0. The IM charges are added on top of the MM ones for IM. */
  perpMmUsd: number
  perpImUsd: number
  optionMmUsd: number
  optionImUsd: number
  collateralMmUsd: number
  collateralImUsd: number
  /** Low-confidence (oracle) charge, IM only. */
  confidenceImUsd: number
  mmTotalUsd: number
  imTotalUsd: number
}

export interface DeriveMarginResult {
  scenarios: DeriveScenarioResult[]
  /** Index into `scenarios`, or −1 when the basis contingency is the worst. */
  worstScenarioIndex: number
  worstLossUsd: number
  contingencies: DeriveContingencies
  cashUsd: number
  optionMtmUsd: number
  /** Perp unrealised P&L and funding; both count in the mark-to-market. */
  perpPnlUsd: number
  perpFundingUsd: number
  collateralMtmUsd: number
  /** Cash + options + perp P&L and funding + collateral: the account's mark-to-market. */
  portfolioMtmUsd: number
  imFactor: number
  mmFactor: number
  /** The protocol's convention: the account's margin value, negative when short of margin. */
  imValueUsd: number
  mmValueUsd: number
  /** The requirement a trader reads: mark-to-market minus margin value. */
  initialMarginUsd: number
  maintenanceMarginUsd: number
  expiries: DeriveExpiryResult[]
  /** In the order of `portfolio.options`. */
  options: DeriveOptionResult[]
}
