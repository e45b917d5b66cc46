/**
 * Greeks-based margin (docs/METHODOLOGY.md §5.5): the Deribit PM risk-matrix grid, but each
 * option's USD value moved by its second-order Taylor expansion in forward and vol (delta, gamma,
 * vega, vanna, volga) instead of full revaluation, then converted to coin at the scenario price
 * exactly. Delta-one positions are exact (their coin P&L q·m/(1+m) needs no approximation). The
 * record carries both the Taylor and the full P&L per scenario, so the result shows the largest gap
 * to full revaluation over the grid, which is the point of the method: where the Taylor view
 * understates the risk.
 */
import { black76Greeks } from '../pricing/black76'
import type { MarginModel } from './additive-model'
import { marginOf, worstLoss } from './additive-model'
import { isCoinCurrency } from '../market/currency'
import { PM_VOL_SHOCKS, pmScenarioLabels, pmSharedUnit, pmShockedVol, pmStandardMoves, pmStandardPnl, type PmContext } from './deribit-pm'
import { yearsLeft } from './margin-position'
import type { MarginPosition, OptionUnitShare } from './margin-position'
import type { MarginResult } from './margin-result'

export function greeksModel(ctx: PmContext): MarginModel<'greeks'> {
  const p = ctx.params
  const coin = isCoinCurrency(ctx.currency)
  const moves = pmStandardMoves(p)
  const S = moves.length
  const grid = new Float64Array(S)
  const optionGridFromShare = (pos: MarginPosition, share: OptionUnitShare): Float64Array => {
    const unit = pmSharedUnit(pos, coin, ctx.asOfMs, p, share)
    for (let s = 0; s < S; s++) grid[s] = pos.sizeCoin * unit[s]!
    return grid
  }
  const moveOf = Float64Array.from(moves, (m) => m.move)
  const shockOf = Uint8Array.from(moves, (m) => PM_VOL_SHOCKS.indexOf(m.shock))
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
      // The full revaluation on the PM grid, shared with the PM replica's record (deribit-pm.ts):
      // an option's from the per-coin share (× its size, as the PM record multiplies), else gridShare.
      let fullPnl = ctx.unitShare && pos.kind === 'option' ? optionGridFromShare(pos, ctx.unitShare) : ctx.gridShare?.get(pos)
      if (!fullPnl) {
        fullPnl = new Float64Array(S)
        pmStandardPnl(pos, coin, ctx.asOfMs, p, fullPnl, 0)
        ctx.gridShare?.set(pos, fullPnl)
      }
      if (!g) {
        for (let s = 0; s < S; s++) {
          out[o + S + s] = fullPnl[s]!
          out[o + s] = fullPnl[s]!
        }
        return
      }
      // The three vols of the grid, once per position (pmShockedVol is a power per call), in
      // PM_VOL_SHOCKS order.
      const dte = years * 365
      const up = pmShockedVol(pos.vol, dte, 'up', p)
      const down = pmShockedVol(pos.vol, dte, 'down', p)
      for (let s = 0; s < S; s++) {
        const move = moveOf[s]!
        out[o + S + s] = fullPnl[s]!
        const shock = shockOf[s]!
        const vol = shock === 0 ? up : shock === 1 ? pos.vol : down
        const dF = pos.priceUsd * move
        const dVol = vol - pos.vol
        const v1 = g.priceUsd + g.delta * dF + 0.5 * g.gamma * dF * dF + g.vega * dVol + g.vanna * dF * dVol + 0.5 * g.volga * dVol * dVol
        out[o + s] = coin ? pos.sizeCoin * (v1 / (pos.priceUsd * (1 + move)) - g.priceUsd / pos.priceUsd) : pos.sizeCoin * (v1 - g.priceUsd)
      }
    },
    evaluate(t, o, detail = true) {
      const worst = worstLoss(t, o, 0, S, p.pnlOffset)
      // Per-position evaluations (standalone, incremental) read only the requirements.
      if (!detail) return { initialMargin: worst.loss, maintenanceMargin: p.mmFactor * worst.loss, components: [], worstIndex: worst.index >= 0 ? worst.index : null }
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
