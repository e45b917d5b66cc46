/**
 * Greeks-based margin (../shared/METHODOLOGY.md §5.5): the Deribit PM risk-matrix grid, but each
 * option's USD value moved by its second-order Taylor expansion in forward and vol (delta, gamma,
 * vega, vanna, volga) instead of full revaluation, then converted to coin at the scenario price
 * exactly. Delta-one positions are exact (their coin P&L q·m/(1+m) needs no approximation). The
 * result carries the largest gap to full revaluation over the grid, which is the point of showing
 * it: where the Taylor view understates the risk.
 */
import { black76Greeks, yearsBetween } from '../pricing/black76'
import { attributionAt, deribitPmMargin, pmGrid, pmScenarioLabels, pmShockedVol, worstScenarioWithOffset, type PmContext, type PmPosition } from './deribit-pm'
import type { MarginResult } from './margin-result'

export function greeksMargin(positions: readonly PmPosition[], ctx: PmContext): MarginResult {
  const p = ctx.params
  const labels = pmScenarioLabels(p)
  // Greeks once per option, not per scenario.
  const greeks = positions.map((pos) =>
    pos.kind === 'option'
      ? black76Greeks({ forwardUsd: pos.forwardUsd, strikeUsd: pos.strikeUsd, years: yearsBetween(ctx.asOfMs, pos.expiryMs), vol: pos.vol, optionType: pos.optionType })
      : null
  )
  const { matrix, vector, scenarios: S } = pmGrid(positions, p, (pos, m, v, row) => {
    const g = greeks[row]
    if (pos.kind !== 'option' || !g) return (pos.sizeCoin * m) / (1 + m)
    const dF = pos.forwardUsd * m
    const dVol = pmShockedVol(pos.vol, yearsBetween(ctx.asOfMs, pos.expiryMs) * 365, v, p) - pos.vol
    const v1 = g.priceUsd + g.delta * dF + 0.5 * g.gamma * dF * dF + g.vega * dVol + g.vanna * dF * dVol + 0.5 * g.volga * dVol * dVol
    return pos.sizeCoin * (v1 / (pos.forwardUsd * (1 + m)) - g.priceUsd / pos.forwardUsd)
  })
  const { index: worstIndex, loss: worstLoss } = worstScenarioWithOffset(vector, p.pnlOffset)
  const full = deribitPmMargin(positions, ctx).scenarioPnl!
  let maxGap = 0
  for (let s = 0; s < S; s++) maxGap = Math.max(maxGap, Math.abs(vector[s]! - full[s]!))
  const attribution = attributionAt(matrix, positions.length, S, worstIndex)
  return {
    method: 'greeks',
    currency: ctx.currency,
    initialMargin: worstLoss,
    maintenanceMargin: p.mmFactor * worstLoss,
    components: [
      { name: 'worst case (Taylor)', amount: worstLoss, published: false, note: 'delta-gamma-vega-vanna-volga on the PM grid; an approximation by design' },
      { name: 'largest |Taylor − full revaluation| over the grid', amount: maxGap, published: false, note: 'how far the approximation is off somewhere on the grid' }
    ],
    determiningScenario: worstLoss > 0 ? { index: worstIndex, label: labels[worstIndex]!, pnl: vector[worstIndex]! } : null,
    scenarioPnl: vector,
    scenarioLabels: labels,
    attribution,
    paramsId: ctx.paramsId,
    marketId: ctx.marketId
  }
}
