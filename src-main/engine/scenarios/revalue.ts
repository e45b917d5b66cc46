/**
 * The revaluation kernel: rows [rowStart, rowEnd) of the positions × scenarios P&L matrix.
 * Full revaluation, no Taylor shortcuts. Per option valuation it needs one exp and one sqrt: the
 * log of each price move is computed once per scenario, and e^(−d2²/2) = e^(−d1²/2)·F/K because
 * d1² − d2² = 2·ln(F/K). The normal CDF is Hart's double-precision rational (see normal.ts) fed
 * with that exponential. No allocation inside the loops.
 *
 * Two twins compute it: revalueRowsJs below, and a WebAssembly kernel with 128-bit SIMD
 * (src-kernel/revalue.ts, loaded by revalue-wasm.ts) doing the same operations in the same
 * order, about 2.5 times as fast and level with C -O3 (src-main/bench/kernel-bench.ts). revalueRows uses the WebAssembly one where the host
 * can load it (Node and workers on first use; a browser main thread after `await prepareKernel()`),
 * else the JS one.
 */
import type { PortfolioArrays } from './portfolio-arrays'
import { ROW_INVERSE, ROW_LINEAR, ROW_OPTION_INVERSE } from './portfolio-arrays'
import { MIN_SCENARIO_VOL, type ScenarioSet } from './scenario-set'
import { normCdfWithExp as cdfWithExp } from '../pricing/normal'
import { kernel, kernelGains, revalueRowsWasm } from './revalue-wasm'
import { volTermWeight } from './vol-term-weight'

export { prepareKernel } from './revalue-wasm'

/** Per-scenario quantities shared by every row: growth factors and their logs, vol term weights. */
export interface ScenarioPrecompute {
  growth: Float64Array
  /** 1 / growth: divisions cost several multiplications in the hot loop. */
  inverseGrowth: Float64Array
  logGrowth: Float64Array
  underlyingCount: number
}

export function precomputeScenarios(s: ScenarioSet): ScenarioPrecompute {
  const growth = new Float64Array(s.priceMoves.length)
  const inverseGrowth = new Float64Array(s.priceMoves.length)
  const logGrowth = new Float64Array(s.priceMoves.length)
  for (let i = 0; i < growth.length; i++) {
    growth[i] = 1 + s.priceMoves[i]!
    inverseGrowth[i] = 1 / growth[i]!
    logGrowth[i] = Math.log1p(s.priceMoves[i]!)
  }
  return { growth, inverseGrowth, logGrowth, underlyingCount: s.underlyings.length }
}

/**
 * Write P&L (gain positive; coin for inverse rows, quote currency for linear rows) of rows
 * [rowStart, rowEnd) into `out` at `(r − rowOffset) × S + s`. On the WebAssembly kernel where it is
 * loaded and the call is big enough to gain, else on revalueRowsJs: the two agree bit for bit
 * (tests/engine/kernel-twins.test.ts).
 */
export function revalueRows(
  a: PortfolioArrays,
  s: ScenarioSet,
  pre: ScenarioPrecompute,
  rowStart: number,
  rowEnd: number,
  out: Float64Array,
  rowOffset = 0
): void {
  const k = kernelGains(rowEnd - rowStart, s.count) ? kernel() : null
  if (k && revalueRowsWasm(k, a, s, pre, rowStart, rowEnd, out, rowOffset)) return
  revalueRowsJs(a, s, pre, rowStart, rowEnd, out, rowOffset)
}

/** Whether revalueRows runs on the WebAssembly kernel here (loading it if it can). */
export function wasmKernelActive(): boolean {
  return kernel() !== null
}

/** revalueRows in plain JS: the twin the WebAssembly kernel is held to, and the fallback. */
export function revalueRowsJs(
  a: PortfolioArrays,
  s: ScenarioSet,
  pre: ScenarioPrecompute,
  rowStart: number,
  rowEnd: number,
  out: Float64Array,
  rowOffset = 0
): void {
  const S = s.count
  const U = pre.underlyingCount
  const { growth, inverseGrowth, logGrowth } = pre
  const { volAbs, volRel, timeShiftYears } = s
  const term = s.volTerm
  for (let r = rowStart; r < rowEnd; r++) {
    const base = (r - rowOffset) * S
    const kind = a.kind[r]!
    const u = a.underlyingIndex[r]!
    const units = a.units[r]!
    const f0 = a.forward[r]!
    if (kind === ROW_LINEAR) {
      const k = units * f0
      for (let j = 0; j < S; j++) out[base + j] = k * (growth[j * U + u]! - 1)
      continue
    }
    if (kind === ROW_INVERSE) {
      // N·(1/F0 − 1/F1) with F1 = F0·g: (N/F0)·(1 − 1/g)
      const q = units / f0
      for (let j = 0; j < S; j++) out[base + j] = q * (1 - inverseGrowth[j * U + u]!)
      continue
    }
    const inverse = kind === ROW_OPTION_INVERSE
    const strike = a.strike[r]!
    const call = a.isCall[r] === 1
    const t0 = a.years[r]!
    const vol0 = a.vol[r]!
    // A fall puts today's strike-K vol at K/g > K: the smile above the strike applies, and vice versa.
    const slopeUp = s.stickyMoneyness ? a.volSkewUp[r]! : 0
    const slopeDown = s.stickyMoneyness ? a.volSkewDown[r]! : 0
    // Sticky-strike rows (every margin grid) skip the slide in the per-cell loop.
    const slides = slopeUp !== 0 || slopeDown !== 0
    const v0 = a.baseValue[r]!
    const logFK0 = Math.log(f0 / strike)
    const inverseStrike = 1 / strike
    const inverseF0 = 1 / f0
    const termWeight = volTermWeight(term, t0)
    for (let j = 0; j < S; j++) {
      const g = growth[j * U + u]!
      const f = f0 * g
      const t = t0 - timeShiftYears[j]!
      let value: number
      if (t <= 0) {
        value = call ? (f > strike ? f - strike : 0) : strike > f ? strike - f : 0
      } else {
        const lg = logGrowth[j * U + u]!
        const volMoved = slides ? vol0 - (lg < 0 ? slopeUp : slopeDown) * lg : vol0
        let vol = volMoved * (1 + volRel[j]! * termWeight) + volAbs[j]! * termWeight
        if (vol < MIN_SCENARIO_VOL) vol = MIN_SCENARIO_VOL
        const sd = vol * Math.sqrt(t)
        const d1 = (logFK0 + logGrowth[j * U + u]!) * (1 / sd) + 0.5 * sd
        const d2 = d1 - sd
        const e1 = Math.exp(-0.5 * d1 * d1)
        const e2 = e1 * f * inverseStrike
        value = call ? f * cdfWithExp(d1, e1) - strike * cdfWithExp(d2, e2) : strike * cdfWithExp(-d2, e2) - f * cdfWithExp(-d1, e1)
      }
      out[base + j] = units * ((inverse ? value * inverseF0 * inverseGrowth[j * U + u]! : value) - v0)
    }
  }
}
