// The margin code as it was before issue 20 (git HEAD 80dca66), kept as the twin the faster code
// is held equal to (tests/engine/margin-speed-twin.test.ts). Not used by the app.
/**
 * Greeks-based margin (docs/METHODOLOGY.md §5.5): the Deribit PM risk-matrix grid, but each
 * option's USD value moved by its second-order Taylor expansion in forward and vol (delta, gamma,
 * vega, vanna, volga) instead of full revaluation, then converted to coin at the scenario price
 * exactly. Delta-one positions are exact (their coin P&L q·m/(1+m) needs no approximation). The
 * record carries both the Taylor and the full P&L per scenario, so the result shows the largest gap
 * to full revaluation over the grid, which is the point of the method: where the Taylor view
 * understates the risk.
 */
import { black76Greeks } from '../../engine/pricing/black76'
import type { MarginModel } from './additive-model'
import { marginOf, worstLoss } from './additive-model'
import { isCoinCurrency } from '../../engine/market/currency'
import { pmScenarioLabels, pmShockedVol, pmStandardMoves, type PmContext } from './deribit-pm'
import { pnlIn, yearsLeft } from './margin-position'
import type { MarginPosition } from './margin-position'
import type { MarginResult } from '../../engine/margin/margin-result'

export function greeksModel(ctx: PmContext): MarginModel<'greeks'> {
  const p = ctx.params
  const coin = isCoinCurrency(ctx.currency)
  const moves = pmStandardMoves(p)
  const S = moves.length
  return {
    method: 'greeks',
    currency: ctx.currency,
    paramsId: ctx.paramsId,
    marketId: ctx.marketId,
    scenarioLabels: pmScenarioLabels(p).slice(0, S),
    // Taylor P&L per scenario, then the full-revaluation P&L per scenario.
    width: 2 * S,
    accepts: () => true,
    record(pos, out, o) {
      const years = yearsLeft(pos, ctx.asOfMs)
      const g = pos.kind === 'option' && years > 0 ? black76Greeks({ forwardUsd: pos.priceUsd, strikeUsd: pos.strikeUsd, years, vol: pos.vol, optionType: pos.optionType! }) : null
      moves.forEach(({ move, shock }, s) => {
        const vol = pmShockedVol(pos.vol, years * 365, shock, p)
        const full = pnlIn(coin, pos, ctx.asOfMs, { move, vol, elapsedYears: 0 })
        out[o + S + s] = full
        if (!g) {
          out[o + s] = full
          return
        }
        const dF = pos.priceUsd * move
        const dVol = vol - pos.vol
        const v1 = g.priceUsd + g.delta * dF + 0.5 * g.gamma * dF * dF + g.vega * dVol + g.vanna * dF * dVol + 0.5 * g.volga * dVol * dVol
        out[o + s] = coin ? pos.sizeCoin * (v1 / (pos.priceUsd * (1 + move)) - g.priceUsd / pos.priceUsd) : pos.sizeCoin * (v1 - g.priceUsd)
      })
    },
    evaluate(t, o) {
      const worst = worstLoss(t, o, 0, S, p.pnlOffset)
      let maxGap = 0
      for (let s = 0; s < S; s++) maxGap = Math.max(maxGap, Math.abs(t[o + s]! - t[o + S + s]!))
      return {
        initialMargin: worst.loss,
        maintenanceMargin: p.mmFactor * worst.loss,
        components: [
          { name: 'worst case (Taylor)', amount: worst.loss, published: false, note: 'delta-gamma-vega-vanna-volga on the PM grid; an approximation by design' },
          { name: 'largest |Taylor − full revaluation| over the grid', amount: maxGap, published: false, note: 'how far the approximation is off somewhere on the grid' }
        ],
        worstIndex: worst.index >= 0 ? worst.index : null
      }
    }
  }
}

export function greeksMargin(positions: readonly MarginPosition[], ctx: PmContext): MarginResult {
  return marginOf(greeksModel(ctx), positions)
}
