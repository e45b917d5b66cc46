/**
 * OKX portfolio margin replica per risk unit (one underlying: its USDT/USDC/USD perpetuals, futures,
 * options and spot together, as OKX merged them in 2025), in USD (docs/METHODOLOGY.md §5.4):
 * MMR = max(max(MR1, MR2, MR6) + MR3 + MR4 + MR5 + MR9, MR7 scaled by tier), IMR = 1.3 × MMR.
 * Sources: OKX help centre, "Portfolio margin mode: cross-margin trading" and "OKX will further
 * adjust portfolio margin parameters" (2 January 2025): MR1 price moves, MR6 extreme moves, MR4
 * annualised basis moves, MR7 tier multipliers, MR9 tiers; OKX API, POST /api/v5/account/
 * position-builder (its response example, ts 1736936801642): MR6 = ½ × the loss at the extreme
 * move, MR4 and MR7 on a lone perpetual = 0.2 % and 0.45 % (BTC), 0.8 % and 0.7 % (LTC) of its USD
 * delta, MR9 = 0 for a unit margined in one currency.
 * No component is wholly published, so none is marked published: each note says which part is ours.
 * MR3 ("stress testing value of volatility span", options) and MR5 ("interest rate risk", options)
 * are named by OKX with no shocks, tenors or aggregation published: not computed (0), said so.
 */
import type { MarginModel, ModelEvaluation } from './additive-model'
import { marginOf, worstLoss } from './additive-model'
import { pmShockedVol } from './deribit-pm'
import type { MarginComponent, MarginResult } from './margin-result'
import { moveDelta, pnlUsd, yearsLeft, type MarginPosition } from './margin-position'
import { okxInitialMargin, okxMaintenanceMargin, tiered, tiersFromJson, type Tier } from './okx-tiers'

export interface OkxUnitParams {
  spotShocks: number[]
  extremeMove: number
  /** MR4 on dated contracts: |USD delta| × this × years to expiry. */
  annualisedBasisMove: number
  /** MR4 on perpetuals: |net USD delta of the perpetuals| × this (OKX's example: BTC 0.002, LTC 0.008); absent = 0. */
  perpetualBasisRate?: number
  /** MR7 raw charge on futures and perpetuals: Σ |USD delta| × this (OKX's example: BTC 0.0045, LTC 0.007); absent = 0. */
  mr7DeltaOneRate?: number
}

export interface OkxPmParams {
  id: string
  /** Underlying → class name; classes not listed fall back to "other". */
  underlyingClass: Record<string, string>
  classes: Record<string, OkxUnitParams>
  volShock: { volUp: number; volDown: number; minVolUp: number }
  /** MR6 = extremeWeight × the loss at the extreme move (OKX's position-builder example: 0.5). */
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
  // Features: USD delta per expiry (MR4), the perpetuals' USD delta (MR4), option coins and
  // delta-one USD delta (MR7), the stablecoin- and coin-margined derivatives' USD delta (MR9).
  const fPerp = S + expiries.length
  const fOption = fPerp + 1
  const fDeltaOne = fOption + 1
  const fLinear = fDeltaOne + 1
  const fInverse = fLinear + 1
  const perpRate = unit.perpetualBasisRate ?? 0
  const deltaOneRate = unit.mr7DeltaOneRate ?? 0
  return {
    method: 'okx-pm',
    currency: 'USD',
    paramsId: p.id,
    marketId: ctx.marketId,
    scenarioLabels: labels,
    width: fInverse + 1,
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
      const deltaUsd = moveDelta(false, pos, ctx.asOfMs)
      out[o + S + expiries.indexOf(pos.expiryMs ?? 0)] = deltaUsd
      if (pos.kind === 'perpetual') out[o + fPerp] = deltaUsd
      if (pos.kind === 'option') out[o + fOption] = Math.abs(pos.sizeCoin)
      if (pos.kind === 'perpetual' || pos.kind === 'future') out[o + fDeltaOne] = Math.abs(deltaUsd)
      // Spot is in no margin currency's cash delta (MR9 weighs derivatives settled in USDT/USDC
      // against those settled in coin, "USD").
      if (pos.kind !== 'spot') out[o + (pos.inverse ? fInverse : fLinear)] = deltaUsd
    },
    evaluate(t, o): ModelEvaluation {
      const w1 = worstLoss(t, o, 0, i6)
      const w6 = worstLoss(t, o, i6, i2)
      const w2 = worstLoss(t, o, i2, S)
      let mr4 = Math.abs(t[o + fPerp]!) * perpRate
      expiries.forEach((_, k) => (mr4 += Math.abs(t[o + S + k]!) * unit.annualisedBasisMove * years[k]!))
      const mr9 = tiered(usdtUsdHedgeUsd(t[o + fLinear]!, t[o + fInverse]!), p.mr9Tiers)
      const rawMr7 = t[o + fOption]! * ctx.indexUsd * p.mr7OptionRate + t[o + fDeltaOne]! * deltaOneRate
      const mr7 = tiered(rawMr7, p.mr7Tiers)
      const scenario = [w1, w2, w6].reduce((a, b) => (b.loss > a.loss ? b : a))
      const mr = scenario.loss + mr4 + mr9
      const mmr = okxMaintenanceMargin(mr, rawMr7, p.mr7Tiers)
      const components: MarginComponent[] = [
        { name: 'MR1 spot shock', amount: w1.loss, published: false, note: 'price moves published; ours: the vol shocks (Deribit\'s term-scaled shape with OKX-like sizes)' },
        { name: 'MR2 time decay', amount: w2.loss, published: false, note: `ours: ${p.thetaDays} day of decay at no price move` },
        { name: 'MR3 vol term structure', amount: 0, published: false, note: 'not computed: OKX names it ("volatility span", options) but publishes no shocks, tenors or aggregation' },
        { name: 'MR4 basis', amount: mr4, published: false, note: `annualised move published; ours: Σ over expiries of |net USD delta| × move × years; perpetuals ${perpRate > 0 ? `× ${perpRate} (OKX's example)` : 'not charged (no rate in the parameter set)'}; spot not charged` },
        { name: 'MR5 interest rate', amount: 0, published: false, note: 'not computed: OKX names it ("interest rate risk", options) but publishes no rate shock or formula' },
        { name: 'MR6 extreme move', amount: w6.loss, published: false, note: `moves published; × ${p.extremeWeight} read off OKX's position-builder example; ours: vol held unchanged` },
        { name: 'MR7 minimum charge (tier-scaled)', amount: mr7, published: false, note: `tier multipliers published; ours: raw = option coins × index × ${p.mr7OptionRate}${deltaOneRate > 0 ? ` + Σ |futures and perpetual USD delta| × ${deltaOneRate} (OKX's example)` : '; futures and perpetuals not charged (no rate in the parameter set)'}` },
        { name: 'MR9 stablecoin depeg', amount: mr9, published: false, note: 'hedge-scale tiers published; ours: every linear contract taken as USDT-margined (USDT–USD pair only), one tier table whatever the USDT/USD index' }
      ]
      return { initialMargin: okxInitialMargin(mmr), maintenanceMargin: mmr, components, worstIndex: scenario.index >= 0 ? scenario.index : null }
    }
  }
}

/**
 * MR9's hedge scale for the USDT–USD pair, USD (OKX, "OKX will update margin calculation rules for
 * the portfolio margin mode", 25 November 2024: cash delta per margin currency, then the hedged
 * amount across currencies): the part of the stablecoin-margined USD delta that opposite coin-margined
 * delta offsets; 0 when both point the same way (nothing hedged across currencies).
 */
export function usdtUsdHedgeUsd(linearDeltaUsd: number, inverseDeltaUsd: number): number {
  return linearDeltaUsd * inverseDeltaUsd < 0 ? Math.min(Math.abs(linearDeltaUsd), Math.abs(inverseDeltaUsd)) : 0
}

export function okxPmMargin(positions: readonly MarginPosition[], ctx: OkxContext): MarginResult {
  return marginOf(okxPmModel(positions, ctx), positions)
}
