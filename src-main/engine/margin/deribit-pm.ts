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
 *
 * The venue's own parameters (Deribit private/pme/simulate and public/pme/get_params, `model_params`;
 * read by services/deribit/pme-model-params.ts) add three things, all optional so older files keep
 * their results: the vega powers (short_term_vega_power 0.3, long_term_vega_power 0.13, fixed before),
 * the USD extended_dampener and the pnl_offset cap max_offsetable_pnl (USD). How the two USD amounts
 * act is what Deribit's responses show, not a published formula (pmStandardCounted, pmExtendedCounted),
 * and is labelled as ours wherever it is shown.
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
  /** Multiplier on the extended table (1 = none): Marginal's older stand-in for the dampener. */
  extendedDampener: number
  /**
   * Deribit's `extended_dampener`, USD (absent or 0: none). Ours: each extended scenario's loss is
   * reduced by this amount (converted to the account currency at the index) and gains count 0.
   */
  extendedDampenerUsd?: number
  /** Deribit's `max_offsetable_pnl`, USD: the most a scenario's gain may count (× pnlOffset); absent or null: no cap. */
  maxOffsetablePnlUsd?: number | null
  /** Vega power below 30 days (Deribit `short_term_vega_power`; absent: 0.3). */
  shortTermVegaPower?: number
  /** Vega power from 30 days (Deribit `long_term_vega_power`; absent: 0.13). */
  longTermVegaPower?: number
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
  /**
   * The settlement coin's index, USD, converting the USD dampener and cap into coin; read at each
   * evaluation (the liquidation search moves it). Absent: the index of the first position of the
   * coin's own underlying (else the first position's). Unused in USD-like accounts.
   */
  readonly indexUsd?: number
}


/** The vega powers when a set does not name them: the values Deribit publishes (pme/simulate example, 2024-06-17). */
export const PM_SHORT_TERM_VEGA_POWER = 0.3
export const PM_LONG_TERM_VEGA_POWER = 0.13

/**
 * The shocked vol of Deribit's risk matrix for a position DTE days from expiry: vol up
 * max(σ·(1 + volUp·(30/DTE)^p), minVolUp), vol down σ·(1 − volDown·(30/DTE)^p), p the short-term
 * vega power below 30 days, else the long-term one. **Approximation (ours):** the DTE floor of one
 * hour (Deribit does not say what it does at expiry).
 */
export function pmShockedVol(vol: number, dte: number, shock: PmVolShock, p: Pick<DeribitPmParams, 'volUp' | 'volDown' | 'minVolUp' | 'shortTermVegaPower' | 'longTermVegaPower'>): number {
  if (shock === 'unchanged') return vol
  const power = dte < 30 ? (p.shortTermVegaPower ?? PM_SHORT_TERM_VEGA_POWER) : (p.longTermVegaPower ?? PM_LONG_TERM_VEGA_POWER)
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

/**
 * A set's USD amounts in the account currency at the settlement coin's index (USD-like accounts: as
 * they are): the cap on a counted gain (Infinity: none) and the extended table's dampener (0: none).
 * No usable index (a book without a position of the coin): nothing to convert, so none of either.
 */
export function pmUsdAmounts(p: Pick<DeribitPmParams, 'maxOffsetablePnlUsd' | 'extendedDampenerUsd'>, coin: boolean, indexUsd: number | undefined): { capIn: number; dampenerIn: number } {
  const usdPerUnit = coin ? (indexUsd ?? NaN) : 1
  if (!(usdPerUnit > 0 && usdPerUnit < Infinity)) return { capIn: Infinity, dampenerIn: 0 }
  const cap = p.maxOffsetablePnlUsd
  return { capIn: cap === undefined || cap === null ? Infinity : cap / usdPerUnit, dampenerIn: p.extendedDampenerUsd ? p.extendedDampenerUsd / usdPerUnit : 0 }
}

/**
 * A standard scenario's P&L as it counts (Deribit's aggregated_risk_vectors): a loss in full, a gain
 * × pnlOffset and at most the cap. **Approximation (ours):** the cap's form; Deribit publishes the
 * quantity max_offsetable_pnl, not where it applies. In one settlement currency's vector the worst
 * case reads only losses, so neither the offset nor the cap moves the margin.
 */
export const pmStandardCounted = (pnl: number, pnlOffset: number, capIn: number): number => (pnl > 0 ? Math.min(pnl * pnlOffset, capIn) : pnl)

/**
 * An extended scenario's P&L as it counts: the loss less the dampener, a gain 0. **Approximation
 * (ours):** Deribit publishes the quantity extended_dampener (USD) and "application of a dampener";
 * both of its published responses (BTC 2024-06-17, ETH 2026-02-15) show extended entries of 0 where
 * the undampened loss is far below the dampener and gains of 0 where pnl_offset would credit them.
 */
export const pmExtendedCounted = (pnl: number, dampenerIn: number): number => Math.min(pnl + dampenerIn, 0)

/**
 * Deribit's aggregated_risk_vectors entry of a group from its record sum `t` (deribitPmModel's
 * layout at offset o): the 27 standard and the extended scenarios as they count towards the worst
 * case, in the account currency. indexUsd: the settlement coin's index (pmUsdAmounts).
 */
export function pmAggregatedRiskVectors(t: ArrayLike<number>, o: number, p: DeribitPmParams, coin: boolean, indexUsd: number | undefined): { standard: number[]; extended: number[] } {
  const { capIn, dampenerIn } = pmUsdAmounts(p, coin, indexUsd)
  const standard: number[] = []
  const extended: number[] = []
  for (let s = 0; s < PM_STANDARD_SCENARIOS; s++) standard.push(pmStandardCounted(t[o + s]!, p.pnlOffset, capIn))
  for (let e = 0; e < p.extendedMoves.length; e++) extended.push(pmExtendedCounted(t[o + PM_STANDARD_SCENARIOS + e]!, dampenerIn))
  return { standard, extended }
}

/** The settlement coin's index a model converts USD amounts at when its context names none. */
export function pmDefaultIndexUsd(positions: readonly MarginPosition[], currency: string): number | undefined {
  return (positions.find((p) => p.underlying === currency) ?? positions[0])?.indexUsd
}

/** Expiry bucket key: perpetuals and spot form their own bucket at T = 0. */
const bucketKey = (pos: MarginPosition): number => pos.expiryMs ?? 0

export function deribitPmModel(positions: readonly MarginPosition[], ctx: PmContext): MarginModel<'deribit-pm'> {
  const p = ctx.params
  const coin = isCoinCurrency(ctx.currency)
  // Options bring in the vol-shock formula (the worst case's part that is partly ours, see below).
  const withOptions = positions.some((x) => x.kind === 'option')
  const labels = pmScenarioLabels(p)
  const standard = pmStandardMoves(p)
  const S0 = standard.length
  const S = labels.length
  const buckets = [...new Set(positions.map(bucketKey))].sort((a, b) => a - b)
  const bucketYears = buckets.map((b) => (b === 0 ? 0 : Math.max((b - ctx.asOfMs) / (365 * 86_400_000), 0)))
  const bucketIndex = new Map(buckets.map((b, i) => [b, i]))
  const rollRate = buckets.map((_, b) => Math.max(p.minAnnualisedMove, p.annualisedMoveRisk * bucketYears[b]!))
  const extendedScale = p.extendedMoves.map((m) => (p.extendedFactor * p.range) / Math.abs(m))
  const defaultIndexUsd = pmDefaultIndexUsd(positions, ctx.currency)
  const dampenedUsd = (p.extendedDampenerUsd ?? 0) > 0

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
    // scale the delta shock by a ratio of two features: not linear, no form. A USD dampener shifts
    // the extended losses by an amount the form cannot carry: no form either.
    linearForm: coin && !dampenedUsd
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
      // Read at each evaluation: the liquidation search moves the index (pm-moved-book.ts).
      const { capIn, dampenerIn } = pmUsdAmounts(p, coin, ctx.indexUsd ?? defaultIndexUsd)
      let allIndex = -1
      let allLoss = 0
      let standardWorst = { index: -1, loss: 0 }
      for (let s = 0; s < S; s++) {
        const x = t[o + s]!
        const adjusted = s < S0 ? pmStandardCounted(x, p.pnlOffset, capIn) : pmExtendedCounted(x, dampenerIn)
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
        withOptions
          ? { name: 'worst case', amount: standardWorst.loss, published: false, note: "the scenarios as Deribit publishes them; options' vols shocked by the term-scaled formula of Deribit's Knowledge Base with the set's vega powers; ours: the days to expiry floored at one hour in it (METHODOLOGY §5.3)" }
          : { name: 'worst case', amount: standardWorst.loss, published: true },
        { name: 'extended scenarios', amount: extended, published: false, note: dampenedUsd ? `moves, vol-up and fraction as Deribit describes them; the dampener's form is not published (ours: each extended loss less extended_dampener ${p.extendedDampenerUsd} USD at the index, gains 0)` : 'moves, vol-up and fraction as Deribit describes them; the dampener is not published (ours: a multiplier, 1 = none)' },
        { name: 'roll shock', amount: rollShock, published: false, note: "Deribit's rates (annualised_move_risk, min_annualised_move) on |net delta| per expiry bucket; ours: the time function, years to each expiry (it reproduces Deribit's published example)" },
        { name: 'delta shock', amount: deltaShock, published: false, note: 'not published by Deribit; ours: |net delta| beyond the threshold × a further move' }
      ]
      return { initialMargin: riskMatrix, maintenanceMargin: p.mmFactor * riskMatrix, components, worstIndex: worst.index >= 0 ? worst.index : null }
    }
  }
}

export function deribitPmMargin(positions: readonly MarginPosition[], ctx: PmContext): MarginResult {
  return marginOf(deribitPmModel(positions, ctx), positions)
}
