/**
 * Greeks-based margin (../shared/METHODOLOGY.md §5.5): the Deribit PM risk-matrix grid, but each
 * option's USD value moved by its second-order Taylor expansion in forward and vol (delta, gamma,
 * vega, vanna, volga) instead of full revaluation, then converted to coin at the scenario price
 * exactly. Delta-one positions are exact (their coin P&L q·m/(1+m) needs no approximation). The
 * result carries the largest gap to full revaluation over the grid, which is the point of showing
 * it: where the Taylor view understates the risk.
 */
import { black76Greeks, yearsBetween } from '../pricing/black76'
import { attributionAt, deribitPmMargin, pmScenarioLabels, pmShockedVol, worstScenarioWithOffset, type DeribitPmParams, type PmPosition } from './deribit-pm'
import type { MarginResult } from './margin-result'

const VOLS = ['up', 'unchanged', 'down'] as const

export function greeksMargin(
  positions: readonly PmPosition[],
  ctx: { currency: string; asOfMs: number; params: DeribitPmParams; paramsId: string; marketId: string }
): MarginResult {
  const p = ctx.params
  const labels = pmScenarioLabels(p)
  const S = labels.length
  const matrix = new Float64Array(positions.length * S)
  const vector = new Float64Array(S)
  positions.forEach((pos, r) => {
    const g =
      pos.kind === 'option'
        ? black76Greeks({ forwardUsd: pos.forwardUsd, strikeUsd: pos.strikeUsd, years: yearsBetween(ctx.asOfMs, pos.expiryMs), vol: pos.vol, optionType: pos.optionType })
        : null
    let s = 0
    for (let k = -4; k <= 4; k++) {
      const m = (p.range * k) / 4
      for (const v of VOLS) {
        let pnl: number
        if (pos.kind !== 'option' || !g) {
          pnl = (pos.sizeCoin * m) / (1 + m)
        } else {
          const dte = yearsBetween(ctx.asOfMs, pos.expiryMs) * 365
          const dF = pos.forwardUsd * m
          const dVol = pmShockedVol(pos.vol, dte, v, p) - pos.vol
          const v1 = g.priceUsd + g.delta * dF + 0.5 * g.gamma * dF * dF + g.vega * dVol + g.vanna * dF * dVol + 0.5 * g.volga * dVol * dVol
          pnl = pos.sizeCoin * (v1 / (pos.forwardUsd * (1 + m)) - g.priceUsd / pos.forwardUsd)
        }
        matrix[r * S + s] = pnl
        vector[s]! += pnl
        s++
      }
    }
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
