// The margin code as it was before issue 20 (git HEAD 80dca66), kept as the twin the faster code
// is held equal to (tests/engine/margin-speed-twin.test.ts). Not used by the app.
/**
 * OKX portfolio margin replica per risk unit (one underlying: its USDT/USDC/USD perpetuals, futures,
 * options and spot together, as OKX merged them in 2025), in USD (docs/METHODOLOGY.md §5.4):
 * MMR = max(max(MR1, MR2, MR6) + MR3 + MR4 + MR5 + MR9, MR7 scaled by tier), IMR = 1.3 × MMR.
 * Published and used as published: MR1 price moves (±0/4/8/12 % for BTC and ETH), MR6 extreme move
 * (±24 %), MR4 annualised basis move (5 %), MR7 tier multipliers, MR9 tier rates.
 * Our documented approximations (OKX does not publish them): the MR1 vol shocks (Deribit's
 * term-scaled shape with OKX-like sizes), MR2 (one day of time decay at no price move), MR7's raw
 * charge (a rate on option notional), MR9's base (gross notional of stablecoin-margined contracts);
 * MR3 (vol term structure) and MR5 (interest rate) are not computed and say so.
 */
import type { MarginModel, ModelEvaluation } from './additive-model'
import { marginOf, worstLoss } from './additive-model'
import { pmShockedVol } from './deribit-pm'
import type { MarginComponent, MarginResult } from '../../engine/margin/margin-result'
import { moveDelta, pnlUsd, yearsLeft, type MarginPosition } from './margin-position'
import { okxInitialMargin, okxMaintenanceMargin, tiered, tiersFromJson, type Tier } from '../../engine/margin/okx-tiers'

export interface OkxUnitParams {
  spotShocks: number[]
  extremeMove: number
  annualisedBasisMove: number
}

export interface OkxPmParams {
  id: string
  /** Underlying → class name; classes not listed fall back to "other". */
  underlyingClass: Record<string, string>
  classes: Record<string, OkxUnitParams>
  volShock: { volUp: number; volDown: number; minVolUp: number }
  extremeWeight: number
  thetaDays: number
  mr7OptionRate: number
  mr7Tiers: Tier[]
  mr9Tiers: Tier[]
}

/** JSON has no Infinity: the open last tier is written `"upTo": null`. */
export function okxParamsFromJson(json: Omit<OkxPmParams, 'mr7Tiers' | 'mr9Tiers'> & { mr7Tiers: { upTo: number | null; factor: number }[]; mr9Tiers: { upTo: number | null; factor: number }[] }): OkxPmParams {
  return { ...json, mr7Tiers: tiersFromJson(json.mr7Tiers), mr9Tiers: tiersFromJson(json.mr9Tiers) }
}

export interface OkxContext {
  underlying: string
  indexUsd: number
  asOfMs: number
  params: OkxPmParams
  marketId: string
}

const VOLS = ['up', 'unchanged', 'down'] as const
const pct = (m: number): string => `${m >= 0 ? '+' : '−'}${Math.abs(m * 100).toFixed(0)} %`

export function okxPmModel(positions: readonly MarginPosition[], ctx: OkxContext): MarginModel<'okx-pm'> {
  const p = ctx.params
  const unit = p.classes[p.underlyingClass[ctx.underlying] ?? 'other'] ?? p.classes['other']
  if (!unit) throw new RangeError(`OKX parameters ${p.id}: no class for ${ctx.underlying} and no "other" class`)
  const moves = [...unit.spotShocks.filter((m) => m > 0).map((m) => -m).reverse(), ...unit.spotShocks.filter((m) => m >= 0)]
  const mr1 = moves.flatMap((move) => VOLS.map((shock) => ({ move, shock, label: `MR1 ${ctx.underlying} ${pct(move)}, vol ${shock}` })))
  const mr6 = [-unit.extremeMove, unit.extremeMove].map((move) => ({ move, label: `MR6 ${ctx.underlying} extreme ${pct(move)}` }))
  const labels = [...mr1.map((s) => s.label), ...mr6.map((s) => s.label), `MR2 ${ctx.underlying} ${p.thetaDays} day of time decay`]
  const S = labels.length
  const i6 = mr1.length
  const i2 = i6 + 2
  const expiries = [...new Set(positions.map((x) => x.expiryMs ?? 0))].sort((a, b) => a - b)
  const years = expiries.map((e) => (e === 0 ? 0 : Math.max((e - ctx.asOfMs) / (365 * 86_400_000), 0)))
  // Features: USD delta per expiry (MR4), option coins (MR7), stablecoin-margined gross notional (MR9).
  const fOption = S + expiries.length
  const fStable = fOption + 1
  return {
    method: 'okx-pm',
    currency: 'USD',
    paramsId: p.id,
    marketId: ctx.marketId,
    scenarioLabels: labels,
    width: fStable + 1,
    accepts: (pos) => pos.underlying === ctx.underlying && expiries.includes(pos.expiryMs ?? 0),
    record(pos, out, o) {
      const dte = yearsLeft(pos, ctx.asOfMs) * 365
      mr1.forEach((s, j) => {
        out[o + j] = pnlUsd(pos, ctx.asOfMs, { move: s.move, vol: pmShockedVol(pos.vol, dte, s.shock, p.volShock), elapsedYears: 0 })
      })
      mr6.forEach((s, j) => {
        out[o + i6 + j] = pnlUsd(pos, ctx.asOfMs, { move: s.move, vol: pos.vol, elapsedYears: 0 }) * p.extremeWeight
      })
      out[o + i2] = pnlUsd(pos, ctx.asOfMs, { move: 0, vol: pos.vol, elapsedYears: Math.min(p.thetaDays / 365, dte / 365) })
      out[o + S + expiries.indexOf(pos.expiryMs ?? 0)] = moveDelta(false, pos, ctx.asOfMs)
      if (pos.kind === 'option') out[o + fOption] = Math.abs(pos.sizeCoin)
      if (!pos.inverse && pos.kind !== 'spot') out[o + fStable] = Math.abs(pos.sizeCoin) * pos.priceUsd
    },
    evaluate(t, o): ModelEvaluation {
      const w1 = worstLoss(t, o, 0, i6)
      const w6 = worstLoss(t, o, i6, i2)
      const w2 = worstLoss(t, o, i2, S)
      let mr4 = 0
      expiries.forEach((_, k) => (mr4 += Math.abs(t[o + S + k]!) * unit.annualisedBasisMove * years[k]!))
      const mr9 = tiered(t[o + fStable]!, p.mr9Tiers)
      const rawMr7 = t[o + fOption]! * ctx.indexUsd * p.mr7OptionRate
      const mr7 = tiered(rawMr7, p.mr7Tiers)
      const scenario = [w1, w2, w6].reduce((a, b) => (b.loss > a.loss ? b : a))
      const mr = scenario.loss + mr4 + mr9
      const mmr = okxMaintenanceMargin(mr, rawMr7, p.mr7Tiers)
      const components: MarginComponent[] = [
        { name: 'MR1 spot shock', amount: w1.loss, published: true, note: 'price moves published; the vol shocks are our approximation' },
        { name: 'MR2 time decay', amount: w2.loss, published: false, note: `ours: ${p.thetaDays} day of decay at no price move` },
        { name: 'MR3 vol term structure', amount: 0, published: false, note: 'not computed: OKX does not publish the formula' },
        { name: 'MR4 basis', amount: mr4, published: true, note: 'annualised move published; aggregated by expiry bucket (ours)' },
        { name: 'MR5 interest rate', amount: 0, published: false, note: 'not computed: OKX does not publish the formula' },
        { name: 'MR6 extreme move', amount: w6.loss, published: true },
        { name: 'MR7 minimum charge (tier-scaled)', amount: mr7, published: false, note: 'tier multipliers published; raw charge = option notional × rate (ours)' },
        { name: 'MR9 stablecoin depeg', amount: mr9, published: true, note: 'tier rates published; base = gross stablecoin-margined notional (ours)' }
      ]
      return { initialMargin: okxInitialMargin(mmr), maintenanceMargin: mmr, components, worstIndex: scenario.index >= 0 ? scenario.index : null }
    }
  }
}

export function okxPmMargin(positions: readonly MarginPosition[], ctx: OkxContext): MarginResult {
  return marginOf(okxPmModel(positions, ctx), positions)
}
