/**
 * Deribit portfolio margin (S:PM) replica, per settlement currency (docs/METHODOLOGY.md §5.3).
 * Risk matrix: price moves m = range·k/4, k = −4…4, each with vol up / unchanged / down: 27
 * scenarios, every position fully revalued (inverse futures q·m/(1+m), inverse options B76/F in
 * coin). Vol up = max(σ·(1 + volUp·(30/DTE)^p), minVolUp), vol down = σ·(1 − volDown·(30/DTE)^p),
 * p = 0.30 below 30 days, else 0.13. Gains count × pnlOffset.
 * Extended table (Deribit: "only on vol up, only a fraction of simulated P&L, with a dampener"): moves
 * −66 … +500 % at vol up, the USD P&L converted to coin at the edge price S0·(1 ± range), scaled by
 * extendedFactor·range/|m|, then × extendedDampener. Deribit does not publish the dampener: ours is a
 * plain multiplier (1 = undampened, the conservative choice) and is labelled as an approximation.
 * The scaling makes a delta-one position lose exactly its edge-scenario loss in every extended move,
 * so the table only bites on convexity (far out-of-the-money short options), which is its purpose.
 * Risk-matrix margin = worst case (standard and extended) + roll shock (Σ over expiry buckets
 * |net delta| × max(minAnnualisedMove, annualisedMoveRisk·T)) + delta shock; IM = it, MM = mmFactor × it.
 * Delta shock is unpublished too: ours charges the net delta beyond a threshold at a further move.
 */
import type { MarginModel, ModelEvaluation } from './additive-model'
import { marginOf } from './additive-model'
import { isCoinCurrency } from '../market/currency'
import type { MarginComponent, MarginResult } from './margin-result'
import { MOVE_DELTA_STEP, moveDelta, pnlInFrom, pnlUsdFrom, positionBase, sharedUnit, type MarginPosition, type OptionUnitShare, type PositionBase } from './margin-position'
import { normCdf } from '../pricing/normal'
import { MIN_SCENARIO_VOL } from '../scenarios/scenario-set'

export interface DeribitPmParams {
  range: number
  volUp: number
  volDown: number
  minVolUp: number
  pnlOffset: number
  minAnnualisedMove: number
  annualisedMoveRisk: number
  mmFactor: number
  extendedMoves: number[]
  extendedFactor: number
  extendedDampener: number
  /** Net delta (coin) beyond which the delta shock charges. */
  deltaShockThresholdCoin: number
  /** Relative price move charged on the excess delta. */
  deltaShockMove: number
}

export const PM_VOL_SHOCKS = ['up', 'unchanged', 'down'] as const
export type PmVolShock = (typeof PM_VOL_SHOCKS)[number]

export interface PmContext {
  currency: string
  asOfMs: number
  params: DeribitPmParams
  paramsId: string
  marketId: string
  /** Grid revaluations shared between the PM replica and the Greeks method of one group. */
  gridShare?: PmGridShare
  /**
   * Per-coin option records shared by every group of one settlement currency (margin-position.ts
   * OptionUnitShare): 27 grid P&Ls, the extended ones' USD P&Ls, moveDelta's two legs.
   */
  unitShare?: OptionUnitShare
}


/** The shocked vol of Deribit's risk matrix for a position DTE days from expiry. */
export function pmShockedVol(vol: number, dte: number, shock: PmVolShock, p: Pick<DeribitPmParams, 'volUp' | 'volDown' | 'minVolUp'>): number {
  if (shock === 'unchanged') return vol
  const power = dte < 30 ? 0.3 : 0.13
  const scale = Math.pow(30 / Math.max(dte, 1 / 24), power)
  return shock === 'up' ? Math.max(vol * (1 + p.volUp * scale), p.minVolUp) : vol * (1 - p.volDown * scale)
}

const pct = (m: number, digits = 1): string => `${m >= 0 ? '+' : '−'}${Math.abs(m * 100).toFixed(digits)} %`

export function pmScenarioLabels(p: DeribitPmParams): string[] {
  const labels: string[] = []
  for (let k = -4; k <= 4; k++) for (const v of PM_VOL_SHOCKS) labels.push(`price ${pct((p.range * k) / 4)}, vol ${v}`)
  for (const m of p.extendedMoves) labels.push(`extended ${pct(m, 0)}, vol up`)
  return labels
}

/** The grid's standard scenarios in label order: price moves × vol shocks. */
export function pmStandardMoves(p: DeribitPmParams): { move: number; shock: PmVolShock }[] {
  const out: { move: number; shock: PmVolShock }[] = []
  for (let k = -4; k <= 4; k++) for (const shock of PM_VOL_SHOCKS) out.push({ move: (p.range * k) / 4, shock })
  return out
}

/**
 * The position's P&L in each standard scenario of the PM grid (pmStandardMoves order), in the account
 * currency, into out[o …]: the values of pnlIn(coin, pos, asOfMs, { move, vol: pmShockedVol(…),
 * elapsedYears: 0 }), operation for operation, with today's value and the three shocked vols
 * computed once per position instead of once per scenario.
 */
export function pmStandardPnl(pos: MarginPosition, coin: boolean, asOfMs: number, p: DeribitPmParams, out: Float64Array, o: number, base = positionBase(pos, asOfMs), up = pmShockedVol(pos.vol, base.years * 365, 'up', p)): void {
  const down = pmShockedVol(pos.vol, base.years * 365, 'down', p)
  if (pos.kind === 'option' && base.years > 0 && optionGrid(pos, coin, p, base, up, down, out, o)) return
  let s = o
  for (let k = -4; k <= 4; k++) {
    const move = (p.range * k) / 4
    out[s++] = pnlInFrom(coin, pos, base, move, up, 0)
    out[s++] = pnlInFrom(coin, pos, base, move, pos.vol, 0)
    out[s++] = pnlInFrom(coin, pos, base, move, down, 0)
  }
}

/**
 * A live option's 27 grid P&Ls with what the three vols of one price share computed once: ln(F/K)
 * per price and σ√t per vol (unitValueUsd computes both per call, from the same inputs, so the
 * values are the same). false for inputs unitValueUsd would refuse: the caller then takes the plain
 * path, which overwrites every slot and throws as before.
 */
function optionGrid(pos: MarginPosition, coin: boolean, p: DeribitPmParams, base: PositionBase, up: number, down: number, out: Float64Array, o: number): boolean {
  const k = pos.strikeUsd
  const call = pos.optionType === 'call'
  const vUp = Math.max(up, MIN_SCENARIO_VOL)
  const vMid = Math.max(pos.vol, MIN_SCENARIO_VOL)
  const vDown = Math.max(down, MIN_SCENARIO_VOL)
  if (!(k > 0 && k < Infinity && base.years < Infinity && (call || pos.optionType === 'put') && vUp < Infinity && vMid < Infinity && vDown < Infinity)) return false
  const rootT = Math.sqrt(base.years)
  const sd0 = vUp * rootT
  const sd1 = vMid * rootT
  const sd2 = vDown * rootT
  const v0 = coin ? base.valueUsd / pos.priceUsd : base.valueUsd
  let s = o
  for (let j = -4; j <= 4; j++) {
    const move = (p.range * j) / 4
    const f1 = pos.priceUsd * (1 + move)
    if (!(f1 > 0 && f1 < Infinity)) return false
    const logFK = Math.log(f1 / k)
    for (let i = 0; i < 3; i++) {
      // No move, vol unchanged: unitValueUsd's operations on today's inputs, i.e. the base value.
      if (j === 0 && i === 1 && f1 === pos.priceUsd) {
        out[s++] = coin ? pos.sizeCoin * (base.valueUsd / f1 - v0) : pos.sizeCoin * (base.valueUsd - v0)
        continue
      }
      const sd = i === 0 ? sd0 : i === 1 ? sd1 : sd2
      const d1 = logFK / sd + sd / 2
      const d2 = d1 - sd
      const value = call ? f1 * normCdf(d1) - k * normCdf(d2) : k * normCdf(-d2) - f1 * normCdf(-d1)
      out[s++] = coin ? pos.sizeCoin * (value / f1 - v0) : pos.sizeCoin * (value - v0)
    }
  }
  return true
}

/**
 * The PM grid's full revaluation per position, shared by the PM replica and the Greeks method of
 * one group (groupModels passes one to both): each position is revalued on the grid once.
 */
export type PmGridShare = Map<MarginPosition, Float64Array>

/**
 * An option's PM record per coin (margin-position.ts OptionUnitShare) from the share, computed the
 * first time by the record's own operations on a 1-coin copy: the 27 grid P&Ls (the Greeks method's
 * full revaluation too), the extended scenarios' USD P&Ls, moveDelta's two legs.
 */
export function pmSharedUnit(pos: MarginPosition, coin: boolean, asOfMs: number, p: DeribitPmParams, share: OptionUnitShare): Float64Array {
  return sharedUnit(share, pos, (one) => {
    const S0 = PM_STANDARD_SCENARIOS
    const S = S0 + p.extendedMoves.length
    const unit = new Float64Array(S + 2)
    const base = positionBase(one, asOfMs)
    const volUp = pmShockedVol(one.vol, base.years * 365, 'up', p)
    pmStandardPnl(one, coin, asOfMs, p, unit, 0, base, volUp)
    for (let j = 0; j < p.extendedMoves.length; j++) unit[S0 + j] = pnlUsdFrom(one, base, p.extendedMoves[j]!, volUp, 0)
    unit[S] = pnlInFrom(coin, one, base, MOVE_DELTA_STEP, one.vol, 0)
    unit[S + 1] = pnlInFrom(coin, one, base, -MOVE_DELTA_STEP, one.vol, 0)
    return unit
  })
}

/** The grid's standard scenarios: 9 price moves × 3 vol shocks (pmStandardMoves). */
export const PM_STANDARD_SCENARIOS = 27

/** Expiry bucket key: perpetuals and spot form their own bucket at T = 0. */
const bucketKey = (pos: MarginPosition): number => pos.expiryMs ?? 0

export function deribitPmModel(positions: readonly MarginPosition[], ctx: PmContext): MarginModel<'deribit-pm'> {
  const p = ctx.params
  const coin = isCoinCurrency(ctx.currency)
  const labels = pmScenarioLabels(p)
  const standard = pmStandardMoves(p)
  const S0 = standard.length
  const S = labels.length
  const buckets = [...new Set(positions.map(bucketKey))].sort((a, b) => a - b)
  const bucketYears = buckets.map((b) => (b === 0 ? 0 : Math.max((b - ctx.asOfMs) / (365 * 86_400_000), 0)))
  const bucketIndex = new Map(buckets.map((b, i) => [b, i]))
  const rollRate = buckets.map((_, b) => Math.max(p.minAnnualisedMove, p.annualisedMoveRisk * bucketYears[b]!))
  const extendedScale = p.extendedMoves.map((m) => (p.extendedFactor * p.range) / Math.abs(m))

  /** record() of an option from its per-coin record: × its size where record() multiplies by it. */
  function recordFromUnit(pos: MarginPosition, out: Float64Array, o: number, unit: Float64Array): void {
    const size = pos.sizeCoin
    // The Greeks method reads the grid from the same share (pmSharedUnit), not from gridShare.
    for (let s = 0; s < S0; s++) out[o + s] = size * unit[s]!
    for (let j = 0; j < p.extendedMoves.length; j++) {
      const m = p.extendedMoves[j]!
      const usd = size * unit[S0 + j]!
      const edge = coin ? pos.priceUsd * (1 + Math.sign(m) * p.range) : 1
      out[o + S0 + j] = (usd / edge) * extendedScale[j]! * p.extendedDampener
    }
    const delta = (size * unit[S]! - size * unit[S + 1]!) / (2 * MOVE_DELTA_STEP)
    out[o + S + bucketIndex.get(bucketKey(pos))!] = delta
    out[o + S + buckets.length] = coin ? delta : delta / pos.priceUsd
  }
  return {
    method: 'deribit-pm',
    currency: ctx.currency,
    paramsId: ctx.paramsId,
    marketId: ctx.marketId,
    scenarioLabels: labels,
    // Features: ∂P&L/∂m per expiry bucket (account currency), then the net delta in coin.
    width: S + buckets.length + 1,
    accepts: (pos) => bucketIndex.has(bucketKey(pos)),
    // Worst loss over standard and extended scenarios + roll shock (|delta| per bucket) + delta
    // shock (|net coin delta| beyond the threshold): linear pieces, so an exact LP. USD accounts
    // scale the delta shock by a ratio of two features: not linear, no form.
    linearForm: coin
      ? {
          lossFrom: 0,
          lossTo: S,
          absTerms: buckets.map((_, b) => ({ index: S + b, weight: Math.max(p.minAnnualisedMove, p.annualisedMoveRisk * bucketYears[b]!) })),
          excessTerms: [{ index: S + buckets.length, threshold: p.deltaShockThresholdCoin, weight: p.deltaShockMove }]
        }
      : undefined,
    record(pos, out, o) {
      if (ctx.unitShare && pos.kind === 'option') {
        recordFromUnit(pos, out, o, pmSharedUnit(pos, coin, ctx.asOfMs, p, ctx.unitShare))
        return
      }
      const base = positionBase(pos, ctx.asOfMs)
      const volUp = pmShockedVol(pos.vol, base.years * 365, 'up', p)
      const shared = ctx.gridShare?.get(pos)
      if (shared) out.set(shared, o)
      else {
        pmStandardPnl(pos, coin, ctx.asOfMs, p, out, o, base, volUp)
        ctx.gridShare?.set(pos, out.slice(o, o + S0))
      }
      for (let j = 0; j < p.extendedMoves.length; j++) {
        const m = p.extendedMoves[j]!
        const usd = pnlUsdFrom(pos, base, m, volUp, 0)
        const edge = coin ? pos.priceUsd * (1 + Math.sign(m) * p.range) : 1
        out[o + S0 + j] = (usd / edge) * ((p.extendedFactor * p.range) / Math.abs(m)) * p.extendedDampener
      }
      const delta = moveDelta(coin, pos, ctx.asOfMs, base)
      out[o + S + bucketIndex.get(bucketKey(pos))!] = delta
      out[o + S + buckets.length] = coin ? delta : delta / pos.priceUsd
    },
    evaluate(t, o, detail = true): ModelEvaluation {
      // worstLoss over [0, S0) and over [0, S) in one pass (modelResult evaluates twice per
      // position): the second scan's first S0 steps are the first scan, so its state there is it.
      let allIndex = -1
      let allLoss = 0
      let standardWorst = { index: -1, loss: 0 }
      for (let s = 0; s < S; s++) {
        const x = t[o + s]!
        const adjusted = x > 0 ? x * p.pnlOffset : x
        if (-adjusted > allLoss) {
          allLoss = -adjusted
          allIndex = s
        }
        if (s === S0 - 1) standardWorst = { index: allIndex, loss: allLoss }
      }
      const allWorst = { index: allIndex, loss: allLoss }
      let rollShock = 0
      let netDelta = 0
      for (let b = 0; b < buckets.length; b++) {
        const delta = t[o + S + b]!
        netDelta += delta
        rollShock += Math.abs(delta) * rollRate[b]!
      }
      const coinDelta = t[o + S + buckets.length]!
      // In a USD account the move-delta per coin of delta is the book's delta-weighted price.
      const usdPerCoin = coin || coinDelta === 0 ? 1 : Math.abs(netDelta / coinDelta)
      const deltaShock = Math.max(Math.abs(coinDelta) - p.deltaShockThresholdCoin, 0) * p.deltaShockMove * usdPerCoin
      // A delta-one book loses the same in the edge and the extended scenarios (see above) up to
      // rounding: only a real excess makes the extended table determining.
      const extendedBites = allWorst.loss - standardWorst.loss > 1e-12 * Math.max(standardWorst.loss, 1e-9)
      const worst = extendedBites ? allWorst : standardWorst
      const extended = worst.loss - standardWorst.loss
      const riskMatrix = worst.loss + rollShock + deltaShock
      // Per-position evaluations (standalone, incremental) read only the requirement.
      if (!detail) return { initialMargin: riskMatrix, maintenanceMargin: p.mmFactor * riskMatrix, components: [], worstIndex: worst.index >= 0 ? worst.index : null }
      const components: MarginComponent[] = [
        { name: 'worst case', amount: standardWorst.loss, published: true },
        { name: 'extended scenarios', amount: extended, published: false, note: 'moves, vol-up and fraction as Deribit describes them; the dampener is not published (ours: a multiplier, 1 = none)' },
        { name: 'roll shock', amount: rollShock, published: true },
        { name: 'delta shock', amount: deltaShock, published: false, note: 'not published by Deribit; ours: |net delta| beyond the threshold × a further move' }
      ]
      return { initialMargin: riskMatrix, maintenanceMargin: p.mmFactor * riskMatrix, components, worstIndex: worst.index >= 0 ? worst.index : null }
    }
  }
}

export function deribitPmMargin(positions: readonly MarginPosition[], ctx: PmContext): MarginResult {
  return marginOf(deribitPmModel(positions, ctx), positions)
}
