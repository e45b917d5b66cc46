/**
 * The P&L explorer's rows: one underlying's legs collapsed to one row per distinct contract, and
 * a call and a put at the same expiry, strike and vol to one row, then swept by a kernel that
 * knows the explorer's scenarios are uniform (one date, one parallel vol shift for every price).
 *
 * Why it is exact: a leg's P&L is its size × a per-unit P&L (revalue.ts: units × (value − base)),
 * so legs with the same kernel inputs add their sizes (rounding aside: 1e-15 relative). A call and
 * a put of one strike share d1, d2 and the one exp; Hart's Φ (normal.ts) is 1 − c for x > 0 and c
 * for x ≤ 0 with the same tail c at ±x, so one tail per d serves both, bit for bit as the kernel
 * computes each. Per cell the work is one exp and two rational tails for up to two legs, against
 * two of each per leg in revalueRows; √t, σ√t and 1/(σ√t) are per row, not per cell.
 * Operations are those of revalueRows for a sticky-strike set without a vol term structure (the
 * explorer's: pnl-profile.ts), in the same order, so each leg's P&L per unit is the kernel's.
 */
import { ROW_INVERSE, ROW_LINEAR, ROW_OPTION_INVERSE, type PortfolioArrays } from '../scenarios/portfolio-arrays'
import { MIN_SCENARIO_VOL } from '../scenarios/scenario-set'

/** Collapsed rows of one underlying, struct-of-arrays. */
export interface ProfileRows {
  count: number
  /** ROW_LINEAR / ROW_INVERSE (delta-one) or ROW_OPTION_LINEAR / ROW_OPTION_INVERSE. */
  kind: Uint8Array
  currencyIndex: Int32Array
  forward: Float64Array
  strike: Float64Array
  years: Float64Array
  vol: Float64Array
  /** Summed units of the row's calls (options) or of the row's contracts (delta-one). */
  callUnits: Float64Array
  putUnits: Float64Array
  /** Base value per unit of the call and of the put (revalue.ts subtracts it per leg). */
  callBase: Float64Array
  putBase: Float64Array
}

/**
 * Collapse rows [start, end) of the kernel's arrays. Rows sharing kind, currency, forward, strike,
 * years, vol and (per option type) base value are one; calls and puts of one strike pair up.
 */
export function collapseProfileRows(a: PortfolioArrays, start: number, end: number): ProfileRows {
  const index = new Map<string, number>()
  const rows: { kind: number; currency: number; forward: number; strike: number; years: number; vol: number; callUnits: number; putUnits: number; callBase: number; putBase: number; hasCall: boolean; hasPut: boolean }[] = []
  for (let r = start; r < end; r++) {
    const kind = a.kind[r]!
    const option = kind !== ROW_LINEAR && kind !== ROW_INVERSE
    const call = !option || a.isCall[r] === 1
    // Options: one row per strike and vol; the base value is per type, so a second leg of a type
    // with another base value (cannot happen for one contract, but keeps the rule exact) opens a row.
    const key = option ? `${kind}|${a.currencyIndex[r]}|${a.forward[r]}|${a.strike[r]}|${a.years[r]}|${a.vol[r]}` : `${kind}|${a.currencyIndex[r]}|${a.forward[r]}`
    const k = index.get(key)
    let row = k === undefined ? undefined : rows[k]
    const base = a.baseValue[r]!
    if (row && option && (call ? row.hasCall && row.callBase !== base : row.hasPut && row.putBase !== base)) row = undefined
    if (!row) {
      row = { kind, currency: a.currencyIndex[r]!, forward: a.forward[r]!, strike: a.strike[r]!, years: a.years[r]!, vol: a.vol[r]!, callUnits: 0, putUnits: 0, callBase: 0, putBase: 0, hasCall: false, hasPut: false }
      index.set(key, rows.length)
      rows.push(row)
    }
    if (call) {
      row.callUnits += a.units[r]!
      row.callBase = base
      row.hasCall = true
    } else {
      row.putUnits += a.units[r]!
      row.putBase = base
      row.hasPut = true
    }
  }
  const n = rows.length
  const out: ProfileRows = {
    count: n,
    kind: Uint8Array.from(rows, (x) => x.kind),
    currencyIndex: Int32Array.from(rows, (x) => x.currency),
    forward: Float64Array.from(rows, (x) => x.forward),
    strike: Float64Array.from(rows, (x) => x.strike),
    years: Float64Array.from(rows, (x) => x.years),
    vol: Float64Array.from(rows, (x) => x.vol),
    callUnits: Float64Array.from(rows, (x) => x.callUnits),
    putUnits: Float64Array.from(rows, (x) => x.putUnits),
    callBase: Float64Array.from(rows, (x) => x.callBase),
    putBase: Float64Array.from(rows, (x) => x.putBase)
  }
  return out
}

/** What the kernel needs per price: growth g = 1 + m, 1/g and ln g (revalue.ts precomputeScenarios). */
export interface ProfileGrid {
  growth: Float64Array
  inverseGrowth: Float64Array
  logGrowth: Float64Array
}

export function profileGrid(moves: ArrayLike<number>): ProfileGrid {
  const n = moves.length
  const growth = new Float64Array(n)
  const inverseGrowth = new Float64Array(n)
  const logGrowth = new Float64Array(n)
  for (let j = 0; j < n; j++) {
    growth[j] = 1 + moves[j]!
    inverseGrowth[j] = 1 / growth[j]!
    logGrowth[j] = Math.log1p(moves[j]!)
  }
  return { growth, inverseGrowth, logGrowth }
}

/** Φ's tail at |x| given e = exp(−x²/2): Hart 5666 as normal.ts normCdfWithExp computes it. */
function tail(ax: number, e: number): number {
  if (ax > 37) return 0
  if (ax < 7.07106781186547) {
    const n = ((((((3.52624965998911e-2 * ax + 0.700383064443688) * ax + 6.37396220353165) * ax + 33.912866078383) * ax + 112.079291497871) * ax + 221.213596169931) * ax + 220.206867912376)
    const d = (((((((8.83883476483184e-2 * ax + 1.75566716318264) * ax + 16.064177579207) * ax + 86.7807322029461) * ax + 296.564248779674) * ax + 637.333633378831) * ax + 793.826512519948) * ax + 440.413735824752)
    return (e * n) / d
  }
  let b = ax + 0.65
  b = ax + 4 / b
  b = ax + 3 / b
  b = ax + 2 / b
  b = ax + 1 / b
  return e / b / 2.506628274631
}

/**
 * Add each row's P&L at every price of the grid, × rates[currency][j] (USD per unit of the row's
 * currency at that price), into out (not cleared). `timeShiftYears` and `volAbs` are the date and
 * the vol shift, the same at every price.
 */
export function addProfileRows(rows: ProfileRows, grid: ProfileGrid, timeShiftYears: number, volAbs: number, rates: readonly Float64Array[], out: Float64Array): void {
  const S = grid.growth.length
  const { growth, inverseGrowth, logGrowth } = grid
  for (let r = 0; r < rows.count; r++) {
    const kind = rows.kind[r]!
    const rate = rates[rows.currencyIndex[r]!]!
    const f0 = rows.forward[r]!
    const units = rows.callUnits[r]!
    if (kind === ROW_LINEAR) {
      const k = units * f0
      for (let j = 0; j < S; j++) out[j]! += k * (growth[j]! - 1) * rate[j]!
      continue
    }
    if (kind === ROW_INVERSE) {
      const q = units / f0
      for (let j = 0; j < S; j++) out[j]! += q * (1 - inverseGrowth[j]!) * rate[j]!
      continue
    }
    const inverse = kind === ROW_OPTION_INVERSE
    const strike = rows.strike[r]!
    const callUnits = units
    const putUnits = rows.putUnits[r]!
    const callBase = rows.callBase[r]!
    const putBase = rows.putBase[r]!
    const t = rows.years[r]! - timeShiftYears
    const inverseF0 = 1 / f0
    if (t <= 0) {
      for (let j = 0; j < S; j++) {
        const f = f0 * growth[j]!
        const c = f > strike ? f - strike : 0
        const p = strike > f ? strike - f : 0
        const scale = inverse ? inverseF0 * inverseGrowth[j]! : 1
        let pnl = 0
        if (callUnits !== 0) pnl += callUnits * ((inverse ? c * scale : c) - callBase)
        if (putUnits !== 0) pnl += putUnits * ((inverse ? p * scale : p) - putBase)
        out[j]! += pnl * rate[j]!
      }
      continue
    }
    // revalue.ts: vol = vol0·(1 + volRel·w) + volAbs·w, with volRel = 0 and w = 1 (no vol term): exactly vol0 + volAbs.
    let vol = rows.vol[r]! + volAbs
    if (vol < MIN_SCENARIO_VOL) vol = MIN_SCENARIO_VOL
    const sd = vol * Math.sqrt(t)
    const inverseSd = 1 / sd
    const halfSd = 0.5 * sd
    const logFK0 = Math.log(f0 / strike)
    const inverseStrike = 1 / strike
    // Calls only, puts only or both: one loop each, so the cell loop has no test but Φ's.
    const both = callUnits !== 0 && putUnits !== 0
    const calls = callUnits !== 0
    for (let j = 0; j < S; j++) {
      const f = f0 * growth[j]!
      const d1 = (logFK0 + logGrowth[j]!) * inverseSd + halfSd
      const d2 = d1 - sd
      const e1 = Math.exp(-0.5 * d1 * d1)
      const e2 = e1 * f * inverseStrike
      const c1 = tail(d1 < 0 ? -d1 : d1, e1)
      const c2 = tail(d2 < 0 ? -d2 : d2, e2)
      const scale = inverse ? inverseF0 * inverseGrowth[j]! : 1
      let pnl: number
      if (both) {
        const call = f * (d1 > 0 ? 1 - c1 : c1) - strike * (d2 > 0 ? 1 - c2 : c2)
        const put = strike * (-d2 > 0 ? 1 - c2 : c2) - f * (-d1 > 0 ? 1 - c1 : c1)
        pnl = callUnits * ((inverse ? call * scale : call) - callBase) + putUnits * ((inverse ? put * scale : put) - putBase)
      } else if (calls) {
        const call = f * (d1 > 0 ? 1 - c1 : c1) - strike * (d2 > 0 ? 1 - c2 : c2)
        pnl = callUnits * ((inverse ? call * scale : call) - callBase)
      } else {
        const put = strike * (-d2 > 0 ? 1 - c2 : c2) - f * (-d1 > 0 ? 1 - c1 : c1)
        pnl = putUnits * ((inverse ? put * scale : put) - putBase)
      }
      out[j]! += pnl * rate[j]!
    }
  }
}
