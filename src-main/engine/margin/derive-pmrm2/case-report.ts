/**
 * The CLI's view of one protocol case (`margin --derive-case CASE.json … --json`, issue 21 item 6):
 * venueValues in the protocol's own convention (the account's margin value in USD, negative when short
 * of margin), the requirements a trader reads (mark-to-market − value), and every component. Pure:
 * the caller reads the file and passes the parsed JSON.
 */
import { readDeriveCase } from './case-file'
import { derivePortfolioMargin } from './pmrm2'
import type { DeriveScenario } from './types'

export interface DeriveCaseReport {
  case: string
  method: 'derive-pm'
  venueValues: { IM: number; MM: number }
  initialMargin: number
  maintenanceMargin: number
  components: {
    markToMarketUsd: number
    cashUsd: number
    optionMtmUsd: number
    perpPnlUsd: number
    perpFundingUsd: number
    collateralMtmUsd: number
    worstLossUsd: number
    /** "basis contingency" or the scenario, e.g. "spot ×0.82, vol up, dampening 1". */
    worstScenario: string
    basisContingencyUsd: number
    imFactor: number
    mmFactor: number
    mmContingenciesUsd: { perp: number; option: number; collateral: number; total: number }
    imContingenciesUsd: { perp: number; option: number; collateral: number; confidence: number; totalWithMm: number }
    scenarioPnlUsd: number[]
  }
}

// Shocks to 6 significant digits for reading (0.82, not 0.8200000000000001): a label, not an input.
const plain = (x: number): number => Number(x.toPrecision(6))
const label = (s: DeriveScenario): string => `spot ×${plain(s.spotShock)}, vol ${s.volShock}, dampening ${plain(s.dampening)}`

export function deriveCaseReport(caseName: string, json: unknown): DeriveCaseReport {
  const { portfolio, params } = readDeriveCase(json)
  const r = derivePortfolioMargin(portfolio, params)
  const c = r.contingencies
  const worst = params.scenarios[r.worstScenarioIndex]
  return {
    case: caseName,
    method: 'derive-pm',
    venueValues: { IM: r.imValueUsd, MM: r.mmValueUsd },
    initialMargin: r.initialMarginUsd,
    maintenanceMargin: r.maintenanceMarginUsd,
    components: {
      markToMarketUsd: r.portfolioMtmUsd,
      cashUsd: r.cashUsd,
      optionMtmUsd: r.optionMtmUsd,
      perpPnlUsd: r.perpPnlUsd,
      perpFundingUsd: r.perpFundingUsd,
      collateralMtmUsd: r.collateralMtmUsd,
      worstLossUsd: r.worstLossUsd,
      worstScenario: worst ? label(worst) : 'basis contingency',
      basisContingencyUsd: c.basisUsd,
      imFactor: r.imFactor,
      mmFactor: r.mmFactor,
      mmContingenciesUsd: { perp: c.perpMmUsd, option: c.optionMmUsd, collateral: c.collateralMmUsd, total: c.mmTotalUsd },
      imContingenciesUsd: { perp: c.perpImUsd, option: c.optionImUsd, collateral: c.collateralImUsd, confidence: c.confidenceImUsd, totalWithMm: c.imTotalUsd },
      scenarioPnlUsd: r.scenarios.map((s) => s.pnlUsd),
    },
  }
}
