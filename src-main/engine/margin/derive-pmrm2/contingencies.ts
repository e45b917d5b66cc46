/**
 * PMRM_2's contingencies (PMRMLib_2.addPrecomputes and the _add…/_get…Contingency helpers): charges
 * for what the scenarios do not see.
 *  - Basis: per expiry, the worse of the forward moved to the basis scenarios' spot up/down (vols
 *    unchanged, no static discount), if a loss, times add + mult·τ; it competes with the scenarios.
 *  - Naked short options: per expiry and strike, the short contracts not offset by a long at the same
 *    strike (call or put alike), × spot × the MM/IM option percentages.
 *  - Low confidence (oracle): (1 − confidence) × margin × notional when confidence < threshold, IM only,
 *    on the perp notional, each expiry's gross option notional and each collateral's value.
 */
import { shockedExpiryValueUsd, type PricedExpiry } from './expiry'
import type { DeriveParameters } from './types'

export function basisLossUsd(expiry: PricedExpiry, mtmUsd: number, params: DeriveParameters): number {
  const b = params.basisContingency
  const up = shockedExpiryValueUsd(expiry, b.scenarioSpotUp, 1, 0) - mtmUsd
  const down = shockedExpiryValueUsd(expiry, b.scenarioSpotDown, 1, 0) - mtmUsd
  return Math.min(up, down, 0)
}

export const basisFactor = (expiry: PricedExpiry, params: DeriveParameters): number =>
  params.basisContingency.addFactor + params.basisContingency.multFactor * expiry.years

/**
 * Short contracts left uncovered at each strike. The contract pairs options at one strike (its
 * _addOptionContingency): a long and a short leave max(|short| − long, 0); two shorts count both; a lone
 * short counts in full. A strike holds at most a call and a put, so pairs are the whole story.
 */
export function nakedShortContracts(expiry: PricedExpiry): number {
  const byStrike = new Map<number, number[]>()
  for (const option of expiry.options) {
    const list = byStrike.get(option.strikeUsd)
    if (list) list.push(option.contracts)
    else byStrike.set(option.strikeUsd, [option.contracts])
  }
  let naked = 0
  for (const amounts of byStrike.values()) naked += uncoveredAtStrike(amounts)
  return naked
}

function uncoveredAtStrike(amounts: number[]): number {
  const shorts = amounts.filter((a) => a < 0).reduce((sum, a) => sum - a, 0)
  if (amounts.length === 2) {
    const [first, second] = amounts as [number, number]
    if (first * second < 0) return Math.max(shorts - Math.max(first, second), 0)
  }
  return shorts
}

export function confidenceChargeUsd(confidence: number, notionalUsd: number, params: DeriveParameters): number {
  const c = params.otherContingency
  return confidence < c.confidenceThreshold ? (1 - confidence) * c.confidenceMargin * notionalUsd : 0
}
