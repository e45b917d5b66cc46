/**
 * Every margin method as an additive model: each position contributes a fixed-width record (its P&L
 * per scenario, then additive features such as net delta per expiry bucket or short option size),
 * and the method is a function of the sum of the records. That one shape gives, exactly and cheaply:
 * - the book's margin (evaluate the sum);
 * - a single-position edit (replace one record, re-add: no other position is revalued);
 * - standalone margin (evaluate one record) and incremental margin (evaluate the sum minus one
 *   record), per docs/METHODOLOGY.md §5.10, in O(positions × width).
 */
import type { MarginComponent, MarginResult, ResultMethod } from './margin-result'
import type { MarginPosition } from './margin-position'

export interface ModelEvaluation {
  initialMargin: number
  maintenanceMargin: number
  components: MarginComponent[]
  /** Index of the determining scenario, or null when no scenario loses (or the method has none). */
  worstIndex: number | null
  /**
   * The portfolio's scenario P&L when it is not the record sum's first columns: a method that is
   * additive only per expiry (Derive's static discount and skew sign act on an expiry's whole value)
   * sums raw parts and finishes them here. Absent: the record sum is the vector.
   */
  scenarioPnl?: Float64Array
}

/**
 * A method whose initial margin is a convex piecewise-linear function of the record sum t:
 *   IM(t) = max(0, max_{s ∈ [lossFrom, lossTo)} −t[s]) + Σ w·|t[i]| (absTerms) + Σ w·max(|t[i]| − threshold, 0) (excessTerms).
 * Such a method is an exact linear programme in hedge sizes (engine/hedge/margin-lp.ts).
 */
export interface LinearForm {
  lossFrom: number
  lossTo: number
  absTerms: { index: number; weight: number }[]
  excessTerms: { index: number; threshold: number; weight: number }[]
}

/** IM of a record sum by its linear form: must equal the model's own evaluate() (tests hold it). */
export function linearFormMargin(f: LinearForm, t: Float64Array, o = 0): number {
  let worst = 0
  for (let s = f.lossFrom; s < f.lossTo; s++) if (-t[o + s]! > worst) worst = -t[o + s]!
  let im = worst
  for (const a of f.absTerms) im += a.weight * Math.abs(t[o + a.index]!)
  for (const e of f.excessTerms) im += e.weight * Math.max(Math.abs(t[o + e.index]!) - e.threshold, 0)
  return im
}

export interface MarginModel<M extends ResultMethod = ResultMethod> {
  method: M
  currency: string
  paramsId: string
  marketId: string
  /** Scenario labels; record entries [0, scenarioLabels.length) are P&L per scenario. */
  scenarioLabels: string[]
  /** Record width: scenarios first, then the method's additive features. */
  width: number
  /** Whether record() can place this position (e.g. its expiry bucket exists); else rebuild the model. */
  accepts(pos: MarginPosition): boolean
  /** Write the position's record into out[offset, offset + width) (already zeroed). */
  record(pos: MarginPosition, out: Float64Array, offset: number): void
  /**
   * Margin of the record sum at total[offset …]. `detail` is false for the per-position standalone
   * and incremental evaluations (2 per position), which read only the requirements: a model may
   * skip formatting its component notes then.
   */
  evaluate(total: Float64Array, offset: number, detail?: boolean): ModelEvaluation
  /** The method's IM as a linear form, when it is one (the exact hedge LP); absent otherwise. */
  linearForm?: LinearForm
  /**
   * Each position's P&L in scenario s, summing to the portfolio's, when a record's first columns are
   * not that (a method additive only per group of positions); absent: the records' column s.
   */
  positionPnl?(records: Float64Array, positions: number, total: Float64Array, scenario: number): Float64Array
}

/** Each position's P&L in one scenario of the model (drill-through, attribution): sums to the portfolio's. */
export function positionScenarioPnl(state: ModelState, scenario: number, total: Float64Array = totalOf(state)): Float64Array {
  const { model, records } = state
  const n = state.positions.length
  if (model.positionPnl) return model.positionPnl(records, n, total, scenario)
  const out = new Float64Array(n)
  for (let r = 0; r < n; r++) out[r] = records[r * model.width + scenario]!
  return out
}

export interface ModelState<M extends ResultMethod = ResultMethod> {
  model: MarginModel<M>
  positions: MarginPosition[]
  /** positions × width, row-major. */
  records: Float64Array
}

export function buildModelState<M extends ResultMethod>(model: MarginModel<M>, positions: readonly MarginPosition[]): ModelState<M> {
  const records = new Float64Array(positions.length * model.width)
  positions.forEach((p, r) => model.record(p, records, r * model.width))
  return { model, positions: [...positions], records }
}

/** Replace position `row` (resize or swap); false when the model must be rebuilt for it. */
export function replacePosition(state: ModelState, row: number, pos: MarginPosition): boolean {
  if (!state.model.accepts(pos)) return false
  const w = state.model.width
  state.records.fill(0, row * w, (row + 1) * w)
  state.model.record(pos, state.records, row * w)
  state.positions[row] = pos
  return true
}

/** Sum of the records in position order (a fixed order keeps results bit-identical run to run). */
export function totalOf(state: ModelState): Float64Array {
  const w = state.model.width
  const total = new Float64Array(w)
  const rec = state.records
  for (let r = 0, o = 0; r < state.positions.length; r++, o += w) for (let j = 0; j < w; j++) total[j]! += rec[o + j]!
  return total
}

export interface MarginResultOptions {
  /** Standalone and incremental margin per position (skip for scratch evaluations). */
  perPosition?: boolean
}

export function modelResult<M extends ResultMethod>(state: ModelState<M>, options: MarginResultOptions = {}): MarginResult<M> {
  const { model, records } = state
  const w = model.width
  const n = state.positions.length
  const S = model.scenarioLabels.length
  const total = totalOf(state)
  const e = model.evaluate(total, 0)
  const standalone = new Float64Array(n)
  const incremental = new Float64Array(n)
  if (options.perPosition !== false) {
    const without = new Float64Array(w)
    for (let r = 0; r < n; r++) {
      standalone[r] = model.evaluate(records, r * w, false).initialMargin
      for (let j = 0; j < w; j++) without[j] = total[j]! - records[r * w + j]!
      incremental[r] = e.initialMargin - model.evaluate(without, 0, false).initialMargin
    }
  }
  const attribution = e.worstIndex === null ? new Float64Array(n) : positionScenarioPnl(state, e.worstIndex, total)
  if (e.worstIndex === null && S === 0) attribution.set(standalone)
  return {
    method: model.method,
    currency: model.currency,
    initialMargin: e.initialMargin,
    maintenanceMargin: e.maintenanceMargin,
    components: e.components,
    determiningScenario: e.worstIndex === null ? null : { index: e.worstIndex, label: model.scenarioLabels[e.worstIndex]!, pnl: (e.scenarioPnl ?? total)[e.worstIndex]! },
    scenarioPnl: S ? (e.scenarioPnl ? e.scenarioPnl.slice(0, S) : total.slice(0, S)) : null,
    scenarioLabels: model.scenarioLabels,
    attribution,
    standalone,
    incremental,
    paramsId: model.paramsId,
    marketId: model.marketId
  }
}

/** Evaluate a model on positions in one call (tests, CLI, one-off books). */
export function marginOf<M extends ResultMethod>(model: MarginModel<M>, positions: readonly MarginPosition[], options?: MarginResultOptions): MarginResult<M> {
  return modelResult(buildModelState(model, positions), options)
}

/** Largest adjusted loss over scenarios [from, to): gains count × pnlOffset (0 = never credit). */
export function worstLoss(v: Float64Array, offset: number, from: number, to: number, pnlOffset = 0, weight?: (s: number) => number): { index: number; loss: number } {
  let index = -1
  let loss = 0
  for (let s = from; s < to; s++) {
    const x = v[offset + s]! * (weight ? weight(s) : 1)
    const adjusted = x > 0 ? x * pnlOffset : x
    if (-adjusted > loss) {
      loss = -adjusted
      index = s
    }
  }
  return { index, loss }
}
