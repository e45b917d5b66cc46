/**
 * Deribit portfolio margin (S:PM) replica, per settlement currency (../shared/METHODOLOGY.md §5.3).
 * Risk matrix: price moves m = range·k/4, k = −4…4, each with vol up / unchanged / down: 27
 * scenarios, every position fully revalued (inverse futures q·m/(1+m), inverse options B76/F in
 * coin). Vol up = max(σ·(1 + volUp·(30/DTE)^p), minVolUp), vol down = σ·(1 − volDown·(30/DTE)^p),
 * p = 0.30 below 30 days, else 0.13. Gains count × pnlOffset. Worst case + roll shock
 * (Σ over expiry buckets |net delta| × max(minAnnualisedMove, annualisedMoveRisk·T)) = risk-matrix
 * margin = IM; MM = mmFactor × IM. Deribit's extended scenarios (with an unpublished dampener) and
 * delta shock are not included yet: results say so.
 */
import { black76PriceUsd, yearsBetween } from '../pricing/black76'
import type { MarginComponent, MarginResult } from './margin-result'

export interface DeribitPmParams {
  range: number
  volUp: number
  volDown: number
  minVolUp: number
  pnlOffset: number
  minAnnualisedMove: number
  annualisedMoveRisk: number
  mmFactor: number
}

/** One position of a settlement currency, sizes in coin (an inverse future's USD notional / its mark). */
export type PmPosition =
  | { kind: 'perpetual' | 'future'; sizeCoin: number; markUsd: number; expiryMs: number | null }
  | { kind: 'option'; sizeCoin: number; forwardUsd: number; strikeUsd: number; expiryMs: number; vol: number; optionType: 'call' | 'put' }

export const PM_VOL_SHOCKS = ['up', 'unchanged', 'down'] as const
export type PmVolShock = (typeof PM_VOL_SHOCKS)[number]
const VOLS = PM_VOL_SHOCKS

export interface PmContext {
  currency: string
  asOfMs: number
  params: DeribitPmParams
  paramsId: string
  marketId: string
}

/** The shocked vol of Deribit's risk matrix for a position DTE days from expiry. */
export function pmShockedVol(vol: number, dte: number, shock: PmVolShock, p: DeribitPmParams): number {
  if (shock === 'unchanged') return vol
  const power = dte < 30 ? 0.3 : 0.13
  const scale = Math.pow(30 / Math.max(dte, 1 / 24), power)
  return shock === 'up' ? Math.max(vol * (1 + p.volUp * scale), p.minVolUp) : vol * (1 - p.volDown * scale)
}

export function pmScenarioLabels(p: DeribitPmParams): string[] {
  const labels: string[] = []
  for (let k = -4; k <= 4; k++) for (const v of VOLS) labels.push(`price ${k >= 0 ? '+' : '−'}${Math.abs((p.range * k) / 4 * 100).toFixed(1)} %, vol ${v}`)
  return labels
}

/**
 * Walk the risk-matrix grid (price moves range·k/4, k = −4…4, × vol shocks, in the order of
 * pmScenarioLabels) and fill the positions × scenarios matrix and the portfolio vector with
 * `pnl(position, m, shock)`. Shared by full revaluation and the Greeks approximation.
 */
export function pmGrid(
  positions: readonly PmPosition[],
  p: DeribitPmParams,
  pnl: (pos: PmPosition, m: number, shock: PmVolShock, row: number) => number
): { matrix: Float64Array; vector: Float64Array; scenarios: number } {
  const scenarios = 9 * VOLS.length
  const matrix = new Float64Array(positions.length * scenarios)
  const vector = new Float64Array(scenarios)
  positions.forEach((pos, r) => {
    let s = 0
    for (let k = -4; k <= 4; k++) {
      const m = (p.range * k) / 4
      for (const v of VOLS) {
        const x = pnl(pos, m, v, r)
        matrix[r * scenarios + s] = x
        vector[s]! += x
        s++
      }
    }
  })
  return { matrix, vector, scenarios }
}

/**
 * The determining scenario of a scenario-max method: the largest loss after gains count only at
 * pnlOffset (0 means a scenario never earns credit). Loss 0 when no scenario loses.
 */
export function worstScenarioWithOffset(vector: Float64Array, pnlOffset: number): { index: number; loss: number } {
  let index = 0
  let loss = 0
  for (let s = 0; s < vector.length; s++) {
    const adjusted = vector[s]! > 0 ? vector[s]! * pnlOffset : vector[s]!
    if (-adjusted > loss) {
      loss = -adjusted
      index = s
    }
  }
  return { index, loss }
}

/** Each position's P&L in scenario `index` of a row-major positions × scenarios matrix. */
export function attributionAt(matrix: Float64Array, rows: number, scenarios: number, index: number): Float64Array {
  const out = new Float64Array(rows)
  for (let r = 0; r < rows; r++) out[r] = matrix[r * scenarios + index]!
  return out
}

/** P&L in coin of one position in one scenario (relative move m, vol shock). */
function positionPnl(pos: PmPosition, m: number, shock: PmVolShock, asOfMs: number, p: DeribitPmParams): number {
  if (pos.kind !== 'option') return (pos.sizeCoin * m) / (1 + m)
  const years = yearsBetween(asOfMs, pos.expiryMs)
  const f1 = pos.forwardUsd * (1 + m)
  const vol1 = pmShockedVol(pos.vol, years * 365, shock, p)
  const input = { strikeUsd: pos.strikeUsd, years, optionType: pos.optionType }
  const v0 = black76PriceUsd({ ...input, forwardUsd: pos.forwardUsd, vol: pos.vol }) / pos.forwardUsd
  const v1 = black76PriceUsd({ ...input, forwardUsd: f1, vol: vol1 }) / f1
  return pos.sizeCoin * (v1 - v0)
}

/** Coin delta: ∂(coin P&L)/∂m at m = 0, q for a future, q·(N(d1)-based coin delta) for an option (by difference). */
function coinDelta(pos: PmPosition, asOfMs: number, p: DeribitPmParams): number {
  if (pos.kind !== 'option') return pos.sizeCoin
  const h = 1e-4
  return (positionPnl(pos, h, 'unchanged', asOfMs, p) - positionPnl(pos, -h, 'unchanged', asOfMs, p)) / (2 * h)
}

export function deribitPmMargin(positions: readonly PmPosition[], ctx: PmContext): MarginResult {
  const p = ctx.params
  const labels = pmScenarioLabels(p)
  const { matrix, vector, scenarios: S } = pmGrid(positions, p, (pos, m, v) => positionPnl(pos, m, v, ctx.asOfMs, p))
  const { index: worstIndex, loss: worstLoss } = worstScenarioWithOffset(vector, p.pnlOffset)
  // Roll shock per expiry bucket (perpetuals form their own bucket at T = 0).
  const buckets = new Map<number, { delta: number; years: number }>()
  for (const pos of positions) {
    const key = pos.expiryMs ?? 0
    const b = buckets.get(key) ?? { delta: 0, years: pos.expiryMs === null ? 0 : Math.max(yearsBetween(ctx.asOfMs, pos.expiryMs), 0) }
    b.delta += coinDelta(pos, ctx.asOfMs, p)
    buckets.set(key, b)
  }
  let rollShock = 0
  for (const b of buckets.values()) rollShock += Math.abs(b.delta) * Math.max(p.minAnnualisedMove, p.annualisedMoveRisk * b.years)

  const riskMatrix = worstLoss + rollShock
  const attribution = attributionAt(matrix, positions.length, S, worstIndex)
  const components: MarginComponent[] = [
    { name: 'worst case', amount: worstLoss, published: true },
    { name: 'roll shock', amount: rollShock, published: true },
    { name: 'extended scenarios', amount: 0, published: false, note: 'not computed yet: Deribit does not publish the dampener' },
    { name: 'delta shock', amount: 0, published: false, note: 'not computed yet: Deribit does not publish the formula' }
  ]
  return {
    method: 'deribit-pm',
    currency: ctx.currency,
    initialMargin: riskMatrix,
    maintenanceMargin: p.mmFactor * riskMatrix,
    components,
    determiningScenario: worstLoss > 0 ? { index: worstIndex, label: labels[worstIndex]!, pnl: vector[worstIndex]! } : null,
    scenarioPnl: vector,
    scenarioLabels: labels,
    attribution,
    paramsId: ctx.paramsId,
    marketId: ctx.marketId
  }
}
