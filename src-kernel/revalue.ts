/**
 * The revaluation kernel in AssemblyScript, compiled to WebAssembly with 128-bit SIMD: two scenarios
 * of one row per step (f64x2). It is the twin of revalueRowsJs (src-main/engine/scenarios/revalue.ts)
 * operation for operation, in the same order, so the two agree bit for bit: the exponential is
 * fdlibm's e_exp.c, the algorithm behind V8's Math.exp (v8/src/base/ieee754.cc), vectorised; the
 * normal CDF is Hart's rational (src-main/engine/pricing/normal.ts); no fused multiply-add.
 * Branches become lane selects on comparison masks; the rare far tail of the CDF is computed only
 * when a lane needs it. Per-row constants whose libm calls differ between engines (ln F/K, the vol term
 * weight) are computed by the caller in JS and passed in.
 *
 * Built by `npm run build:kernel` (scripts/build-kernel.mjs) into
 * src-main/engine/scenarios/revalue-wasm-bytes.ts. Memory is laid out by the caller
 * (src-main/engine/scenarios/revalue-wasm.ts): see `revalue` below.
 */

// Row record: ROW_FIELDS f64 per row. Keep in step with revalue-wasm.ts.
const ROW_FIELDS: i32 = 16
const F_KIND: i32 = 0
const F_UNDERLYING: i32 = 1
const F_UNITS: i32 = 2
const F_FORWARD: i32 = 3
const F_STRIKE: i32 = 4
const F_CALL: i32 = 5
const F_YEARS: i32 = 6
const F_VOL: i32 = 7
const F_SLOPE_UP: i32 = 8
const F_SLOPE_DOWN: i32 = 9
const F_BASE_VALUE: i32 = 10
const F_LOG_FK: i32 = 11
const F_INVERSE_STRIKE: i32 = 12
const F_INVERSE_FORWARD: i32 = 13
const F_TERM_WEIGHT: i32 = 14

const ROW_LINEAR: i32 = 0
const ROW_INVERSE: i32 = 1
const ROW_OPTION_INVERSE: i32 = 3

const MIN_SCENARIO_VOL: f64 = 0.01

const ZERO: v128 = f64x2(0, 0)
const ONE: v128 = f64x2(1, 1)
const TWO: v128 = f64x2(2, 2)

// fdlibm e_exp.c constants (Sun Microsystems, 1993), as in v8/src/base/ieee754.cc.
const LN2_HI: v128 = f64x2(6.93147180369123816490e-01, 6.93147180369123816490e-01)
const LN2_LO: v128 = f64x2(1.90821492927058770002e-10, 1.90821492927058770002e-10)
const INV_LN2: v128 = f64x2(1.44269504088896338700e+00, 1.44269504088896338700e+00)
const P1: v128 = f64x2(1.66666666666666019037e-01, 1.66666666666666019037e-01)
const P2: v128 = f64x2(-2.77777777770155933842e-03, -2.77777777770155933842e-03)
const P3: v128 = f64x2(6.61375632143793436117e-05, 6.61375632143793436117e-05)
const P4: v128 = f64x2(-1.65339022054652515390e-06, -1.65339022054652515390e-06)
const P5: v128 = f64x2(4.13813679705723846039e-08, 4.13813679705723846039e-08)
const HALF: v128 = f64x2(0.5, 0.5)
const MINUS_HALF: v128 = f64x2(-0.5, -0.5)
const MINUS_ONE: v128 = f64x2(-1, -1)
const TWO_M1000: v128 = f64x2(9.33263618503218878990e-302, 9.33263618503218878990e-302)
const UNDERFLOW: v128 = f64x2(-7.45133219101941108420e+02, -7.45133219101941108420e+02)
// fdlibm's branch points on the high word of |x|, as doubles (positive doubles order as their bits):
// |x| ≤ 0x3FD62E42_FFFFFFFF reduces with k = 0, |x| < 0x3FF0A2B2_00000000 with k = ±1, and
// |x| < 2^-28 returns 1 + x.
const SMALL: v128 = f64x2(reinterpret<f64>(0x3FD62E4300000000), reinterpret<f64>(0x3FD62E4300000000))
const MID: v128 = f64x2(reinterpret<f64>(0x3FF0A2B200000000), reinterpret<f64>(0x3FF0A2B200000000))
const TINY: v128 = f64x2(reinterpret<f64>(0x3E30000000000000), reinterpret<f64>(0x3E30000000000000))
const DEEP: v128 = f64x2(-1021, -1021)
// 2^52 + bias: the low mantissa bits of 2^52 + m hold the integer m, shifted into the exponent field.
const BIAS: v128 = f64x2(4503599627370496.0 + 1023, 4503599627370496.0 + 1023)
const BIAS_DEEP: v128 = f64x2(4503599627370496.0 + 2023, 4503599627370496.0 + 2023)

/**
 * Lane select, a where mask is set. Every mask here is a whole-lane comparison result, for which
 * relaxed_laneselect is deterministic (one blendvpd on x64, where bitselect takes three instructions).
 */
// @ts-ignore: decorator
@inline function select(a: v128, b: v128, mask: v128): v128 {
  return i64x2.relaxed_laneselect(a, b, mask)
}

/** e^x per lane, bit-identical to fdlibm's exp (and so to V8's Math.exp) for x ≤ 0 and NaN. */
// @ts-ignore: decorator
@inline function expNonPositive(x: v128): v128 {
  const ax = f64x2.abs(x)
  const negative = f64x2.lt(x, ZERO)
  let k = f64x2.trunc(f64x2.add(f64x2.mul(INV_LN2, x), select(MINUS_HALF, HALF, negative)))
  k = select(select(MINUS_ONE, ONE, negative), k, f64x2.lt(ax, MID))
  k = select(ZERO, k, f64x2.lt(ax, SMALL))
  const hi = f64x2.sub(x, f64x2.mul(k, LN2_HI))
  const lo = f64x2.mul(k, LN2_LO)
  const r = f64x2.sub(hi, lo)
  const t = f64x2.mul(r, r)
  const p = f64x2.add(P1, f64x2.mul(t, f64x2.add(P2, f64x2.mul(t, f64x2.add(P3, f64x2.mul(t, f64x2.add(P4, f64x2.mul(t, P5))))))))
  const c = f64x2.sub(r, f64x2.mul(t, p))
  const y = f64x2.sub(ONE, f64x2.sub(f64x2.sub(lo, f64x2.div(f64x2.mul(r, c), f64x2.sub(TWO, c))), hi))
  const deep = f64x2.lt(k, DEEP)
  const twoToK = i64x2.shl(f64x2.add(k, select(BIAS_DEEP, BIAS, deep)), 52)
  let result = f64x2.mul(y, twoToK)
  result = select(f64x2.mul(result, TWO_M1000), result, deep)
  result = select(f64x2.add(ONE, x), result, f64x2.lt(ax, TINY))
  return select(ZERO, result, f64x2.lt(x, UNDERFLOW))
}

// Hart 5666 (West 2005, Figure 2), as normal.ts.
const A0: v128 = f64x2(3.52624965998911e-2, 3.52624965998911e-2)
const A1: v128 = f64x2(0.700383064443688, 0.700383064443688)
const A2: v128 = f64x2(6.37396220353165, 6.37396220353165)
const A3: v128 = f64x2(33.912866078383, 33.912866078383)
const A4: v128 = f64x2(112.079291497871, 112.079291497871)
const A5: v128 = f64x2(221.213596169931, 221.213596169931)
const A6: v128 = f64x2(220.206867912376, 220.206867912376)
const B0: v128 = f64x2(8.83883476483184e-2, 8.83883476483184e-2)
const B1: v128 = f64x2(1.75566716318264, 1.75566716318264)
const B2: v128 = f64x2(16.064177579207, 16.064177579207)
const B3: v128 = f64x2(86.7807322029461, 86.7807322029461)
const B4: v128 = f64x2(296.564248779674, 296.564248779674)
const B5: v128 = f64x2(637.333633378831, 637.333633378831)
const B6: v128 = f64x2(793.826512519948, 793.826512519948)
const B7: v128 = f64x2(440.413735824752, 440.413735824752)
const RATIONAL_CUT: v128 = f64x2(7.07106781186547, 7.07106781186547)
const FAR_CUT: v128 = f64x2(37, 37)
const CF_START: v128 = f64x2(0.65, 0.65)
const THREE: v128 = f64x2(3, 3)
const FOUR: v128 = f64x2(4, 4)
const SQRT_2PI: v128 = f64x2(2.506628274631, 2.506628274631)

/** The lower tail Φ(−|x|) given ax = |x| and e = exp(−x²/2), for the lanes in `live`. */
// @ts-ignore: decorator
@inline function hartTail(ax: v128, e: v128, live: v128): v128 {
  const n = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(
    f64x2.mul(A0, ax), A1), ax), A2), ax), A3), ax), A4), ax), A5), ax), A6)
  const d = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(
    f64x2.mul(f64x2.add(f64x2.mul(B0, ax), B1), ax), B2), ax), B3), ax), B4), ax), B5), ax), B6), ax), B7)
  let c = f64x2.div(f64x2.mul(e, n), d)
  const beyond = f64x2.gt(ax, FAR_CUT)
  // 7.07 ≤ |x| ≤ 37 (or NaN): the continued fraction.
  const far = v128.andnot(v128.andnot(live, f64x2.lt(ax, RATIONAL_CUT)), beyond)
  if (v128.any_true(far)) {
    let b = f64x2.add(ax, CF_START)
    b = f64x2.add(ax, f64x2.div(FOUR, b))
    b = f64x2.add(ax, f64x2.div(THREE, b))
    b = f64x2.add(ax, f64x2.div(TWO, b))
    b = f64x2.add(ax, f64x2.div(ONE, b))
    c = select(f64x2.div(f64x2.div(e, b), SQRT_2PI), c, far)
  }
  return select(ZERO, c, beyond)
}

/** Φ(x) from its tail c = Φ(−|x|): x > 0 ? 1 − c : c. */
// @ts-ignore: decorator
@inline function cdfFromTail(positive: v128, c: v128): v128 {
  return select(f64x2.sub(ONE, c), c, positive)
}

/** P&L of one option row in two scenarios (lanes), from the lanes' scenario values. */
// @ts-ignore: decorator
@inline function optionPair(
  f0: v128, strike: v128, years: v128, vol0: v128, slopeUp: v128, slopeDown: v128, baseValue: v128, units: v128,
  logFK0: v128, inverseStrike: v128, inverseF0: v128, termWeight: v128,
  call: bool, inverse: bool, slides: bool,
  g: v128, inverseGrowth: v128, logGrowth: v128, volAbs: v128, volRel: v128, timeShift: v128
): v128 {
  const f = f64x2.mul(f0, g)
  const t = f64x2.sub(years, timeShift)
  const expired = f64x2.le(t, ZERO)
  let value = call
    ? select(f64x2.sub(f, strike), ZERO, f64x2.gt(f, strike))
    : select(f64x2.sub(strike, f), ZERO, f64x2.gt(strike, f))
  if (!v128.all_true<i64>(expired)) {
    const live = v128.not(expired)
    let volMoved = vol0
    if (slides) volMoved = f64x2.sub(volMoved, f64x2.mul(select(slopeUp, slopeDown, f64x2.lt(logGrowth, ZERO)), logGrowth))
    let vol = f64x2.add(f64x2.mul(volMoved, f64x2.add(ONE, f64x2.mul(volRel, termWeight))), f64x2.mul(volAbs, termWeight))
    const minVol = f64x2.splat(MIN_SCENARIO_VOL)
    vol = select(minVol, vol, f64x2.lt(vol, minVol))
    const sd = f64x2.mul(vol, f64x2.sqrt(t))
    const d1 = f64x2.add(f64x2.mul(f64x2.add(logFK0, logGrowth), f64x2.div(ONE, sd)), f64x2.mul(HALF, sd))
    const d2 = f64x2.sub(d1, sd)
    const e1 = expNonPositive(f64x2.mul(f64x2.mul(MINUS_HALF, d1), d1))
    const e2 = f64x2.mul(f64x2.mul(e1, f), inverseStrike)
    const c1 = hartTail(f64x2.abs(d1), e1, live)
    const c2 = hartTail(f64x2.abs(d2), e2, live)
    const priced = call
      ? f64x2.sub(f64x2.mul(f, cdfFromTail(f64x2.gt(d1, ZERO), c1)), f64x2.mul(strike, cdfFromTail(f64x2.gt(d2, ZERO), c2)))
      : f64x2.sub(f64x2.mul(strike, cdfFromTail(f64x2.lt(d2, ZERO), c2)), f64x2.mul(f, cdfFromTail(f64x2.lt(d1, ZERO), c1)))
    value = select(value, priced, expired)
  }
  if (inverse) value = f64x2.mul(f64x2.mul(value, inverseF0), inverseGrowth)
  return f64x2.mul(units, f64x2.sub(value, baseValue))
}

/** First free byte of linear memory: the caller lays its arrays out from here. */
export function heapBase(): usize {
  return __heap_base
}

/**
 * P&L of `rowCount` row records at `rows` (ROW_FIELDS f64 each) in `scenarioCount` scenarios into
 * `out` (row-major, rowCount × scenarioCount f64). `scenarios` holds, each `stride` f64 long
 * (stride = scenarioCount rounded up to even, so every array starts 16-byte aligned):
 * growth, 1/growth and ln growth per underlying (underlyingCount arrays each, scenario-major within
 * an underlying: transposed from ScenarioPrecompute), then volAbs, volRel, timeShiftYears.
 */
export function revalue(rows: usize, rowCount: i32, scenarios: usize, scenarioCount: i32, underlyingCount: i32, out: usize): void {
  const stride = <usize>((scenarioCount + 1) & ~1)
  const block = stride * <usize>underlyingCount << 3
  const growthBase = scenarios
  const inverseGrowthBase = scenarios + block
  const logGrowthBase = scenarios + 2 * block
  const volAbsBase = scenarios + 3 * block
  const volRelBase = volAbsBase + (stride << 3)
  const timeShiftBase = volRelBase + (stride << 3)
  const pairs = scenarioCount & ~1
  for (let r: i32 = 0; r < rowCount; r++) {
    const row = rows + (<usize>(r * ROW_FIELDS) << 3)
    const kind = <i32>load<f64>(row, F_KIND << 3)
    const u = <usize>load<f64>(row, F_UNDERLYING << 3)
    const units = load<f64>(row, F_UNITS << 3)
    const f0 = load<f64>(row, F_FORWARD << 3)
    const growth = growthBase + (u * stride << 3)
    const inverseGrowth = inverseGrowthBase + (u * stride << 3)
    const logGrowth = logGrowthBase + (u * stride << 3)
    const rowOut = out + (<usize>r * <usize>scenarioCount << 3)
    if (kind == ROW_LINEAR) {
      const k = units * f0
      for (let j: i32 = 0; j < scenarioCount; j++) {
        const at = <usize>j << 3
        store<f64>(rowOut + at, k * (load<f64>(growth + at) - 1))
      }
      continue
    }
    if (kind == ROW_INVERSE) {
      const q = units / f0
      for (let j: i32 = 0; j < scenarioCount; j++) {
        const at = <usize>j << 3
        store<f64>(rowOut + at, q * (1 - load<f64>(inverseGrowth + at)))
      }
      continue
    }
    const inverse = kind == ROW_OPTION_INVERSE
    const call = load<f64>(row, F_CALL << 3) == 1
    const slopeUpValue = load<f64>(row, F_SLOPE_UP << 3)
    const slopeDownValue = load<f64>(row, F_SLOPE_DOWN << 3)
    const slides = slopeUpValue != 0 || slopeDownValue != 0
    // Row constants in registers: the loop's stores could alias their memory.
    const f0v = f64x2.splat(f0)
    const strike = v128.load64_splat(row, F_STRIKE << 3)
    const years = v128.load64_splat(row, F_YEARS << 3)
    const vol0 = v128.load64_splat(row, F_VOL << 3)
    const slopeUp = f64x2.splat(slopeUpValue)
    const slopeDown = f64x2.splat(slopeDownValue)
    const baseValue = v128.load64_splat(row, F_BASE_VALUE << 3)
    const unitsV = f64x2.splat(units)
    const logFK0 = v128.load64_splat(row, F_LOG_FK << 3)
    const inverseStrike = v128.load64_splat(row, F_INVERSE_STRIKE << 3)
    const inverseF0 = v128.load64_splat(row, F_INVERSE_FORWARD << 3)
    const termWeight = v128.load64_splat(row, F_TERM_WEIGHT << 3)
    let j: i32 = 0
    for (; j < pairs; j += 2) {
      const at = <usize>j << 3
      const pnl = optionPair(f0v, strike, years, vol0, slopeUp, slopeDown, baseValue, unitsV, logFK0, inverseStrike, inverseF0, termWeight,
        call, inverse, slides,
        v128.load(growth + at), v128.load(inverseGrowth + at), v128.load(logGrowth + at),
        v128.load(volAbsBase + at), v128.load(volRelBase + at), v128.load(timeShiftBase + at))
      v128.store(rowOut + at, pnl)
    }
    if (j < scenarioCount) {
      // The odd last scenario: both lanes the same, lane 0 kept.
      const at = <usize>j << 3
      const pnl = optionPair(f0v, strike, years, vol0, slopeUp, slopeDown, baseValue, unitsV, logFK0, inverseStrike, inverseF0, termWeight,
        call, inverse, slides,
        v128.load64_splat(growth + at), v128.load64_splat(inverseGrowth + at), v128.load64_splat(logGrowth + at),
        v128.load64_splat(volAbsBase + at), v128.load64_splat(volRelBase + at), v128.load64_splat(timeShiftBase + at))
      store<f64>(rowOut + at, f64x2.extract_lane(pnl, 0))
    }
  }
}

/** e^x for `count` values at `xs` into `out` (count even): lets the tests hold the exp to Math.exp. */
export function expLanes(xs: usize, count: i32, out: usize): void {
  for (let i: i32 = 0; i < count; i += 2) {
    const at = <usize>i << 3
    v128.store(out + at, expNonPositive(v128.load(xs + at)))
  }
}
