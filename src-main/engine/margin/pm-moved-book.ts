/**
 * The Deribit PM replica's record sum for a group whose underlying moves by a relative m, as the
 * liquidation search asks it (services/account-health.ts: about 30 moves per pool, each a full
 * revaluation of the group on the PM grid). The moved market is the search's: a position of that
 * underlying at price × (1 + m) and index × (1 + m); an inverse future's or perpetual's coin size
 * N/F shrinks to size / (1 + m); every other position stays as it is.
 *
 * The sum equals, bit for bit, deribitPmModel(positions).record() on each moved position added into
 * a zeroed total in position order (tests/engine/pm-moved-book.test.ts holds it against that): the
 * same floating-point operations on the same inputs. What a move leaves alone is computed once per
 * position instead of once per move: years left, the shocked vols (a power each), σ√t per vol, the
 * expiry bucket, and the rows of positions that do not move. A live option with valid inputs is
 * revalued inline (the operations of optionGrid, pnlUsdFrom and moveDelta); anything else (delta-one,
 * expired, inputs Black-76 would refuse) goes through the model's own record() on a moved copy.
 * Two shortcuts for the search, both exact: lowerTotalAt, a cheap lower bound of the margin that can
 * settle a bisection step, and shareWith, the per-coin revaluation of an option several pools hold
 * done once per ladder step.
 */
import type { MarginModel } from './additive-model'
import { deribitPmModel, pmShockedVol, pmStandardCounted, pmStandardMoves, type PmContext } from './deribit-pm'
import { MOVE_DELTA_STEP, positionBase, sharedUnit, unitValueUsd, yearsLeft, type MarginPosition, type OptionUnitShare } from './margin-position'
import { isCoinCurrency } from '../market/currency'
import { normCdf } from '../pricing/normal'
import { MIN_SCENARIO_VOL } from '../scenarios/scenario-set'

export interface MovedPmBook {
  /**
   * The group's PM model (no grid sharing): evaluate() the totals with it, after the totalAt or
   * lowerTotalAt of that move: it converts the set's USD amounts at the index of the last move.
   */
  model: MarginModel<'deribit-pm'>
  /**
   * The record sum at move m (the same array each call, overwritten). Also fills valueUsd.
   */
  totalAt(m: number): Float64Array
  /**
   * The record sum at move m with only the given standard scenarios' P&Ls (every other scenario
   * column 0), the expiry-bucket and coin-delta columns exact: the same numbers as totalAt(m) in the
   * columns it computes, at a few revaluations per position instead of 38. Its margin is a lower
   * bound of totalAt(m)'s: the worst case is a max over fewer of the same scenario sums (the
   * extended table cannot bite on zeros), the roll and delta shocks are the same, and IM and MM add
   * and scale them monotonically. Also fills valueUsd.
   */
  lowerTotalAt(m: number, standardScenarios: readonly number[]): Float64Array
  /** The index of the worst standard scenario of a total (worstLoss over the 27), −1 when none loses. */
  standardWorstIndex(total: Float64Array): number
  /**
   * Read and fill `share` for the wanted positions (options several searches move): another
   * book's search at the same move and settlement currency revalued them already.
   */
  shareWith(share: MovedUnitShare, wanted: (pos: MarginPosition) => boolean): void
  /**
   * After totalAt(m): each moved position's value per coin at its moved price, USD (its
   * positionBase(…).valueUsd, what the equity's revaluation computes too); NaN for positions that
   * do not move.
   */
  readonly valueUsd: Float64Array
}

/**
 * unitValueUsd(pos, priceUsd, vol, years) of a live option whose strike, type, years and vol were
 * checked once (inline options), given σ√t = max(vol, floor)·√years computed once: the same
 * operations; a price it would refuse goes to it, as before.
 */
function liveValueUsd(pos: MarginPosition, priceUsd: number, vol: number, years: number, sd: number): number {
  if (!(priceUsd > 0 && priceUsd < Infinity)) return unitValueUsd(pos, priceUsd, vol, years)
  const k = pos.strikeUsd
  const d1 = Math.log(priceUsd / k) / sd + sd / 2
  const d2 = d1 - sd
  return pos.optionType === 'call' ? priceUsd * normCdf(d1) - k * normCdf(d2) : k * normCdf(-d2) - priceUsd * normCdf(-d1)
}

/**
 * Per-coin amounts of moved options shared between the searches of one settlement currency: at the
 * same move (the search's ladder steps are the same for every pool) the same option has the same
 * per-coin record, whatever the size held (margin-position.ts OptionUnitShare). `at(m)` is the
 * share of one move, undefined for a move no other search takes (a bisection step).
 */
export interface MovedUnitShare {
  at(m: number): OptionUnitShare | undefined
}

export function movedUnitShare(moves: readonly number[]): MovedUnitShare {
  const byMove = new Map<number, OptionUnitShare>(moves.map((m) => [m, new Map()]))
  return { at: (m) => byMove.get(m) }
}

/** moveDelta's central-difference step (margin-position.ts). */
const DELTA_STEP = MOVE_DELTA_STEP

export function movedPmBook(positions: readonly MarginPosition[], underlying: string, ctx: PmContext): MovedPmBook {
  const p = ctx.params
  const coinAccount = isCoinCurrency(ctx.currency)
  // The settlement coin's index, USD, at the last move asked: what the model converts the set's
  // USD dampener and cap at. It is the index record() would see on the moved positions: the one the
  // model takes by default (deribit-pm.ts pmDefaultIndexUsd) moves when its underlying does, as
  // index × (1 + m), the search's own operation (account-health.ts cushion()).
  let lastMove = 0
  const indexPos = positions.find((pos) => pos.underlying === ctx.currency) ?? positions[0]
  const index0 = ctx.indexUsd ?? indexPos?.indexUsd
  const indexMoves = ctx.indexUsd === undefined ? indexPos?.underlying === underlying : ctx.currency === underlying
  const movedCtx: PmContext = {
    ...ctx,
    gridShare: undefined,
    get indexUsd() {
      return index0 === undefined || !indexMoves ? index0 : index0 * (1 + lastMove)
    }
  }
  const model = deribitPmModel(positions, movedCtx)
  // The model's layout (deribit-pm.ts): 27 standard scenarios, the extended ones, ∂P&L/∂m per
  // expiry bucket, the net coin delta.
  const S0 = pmStandardMoves(p).length
  const E = p.extendedMoves.length
  const S = S0 + E
  const bucketKey = (pos: MarginPosition): number => pos.expiryMs ?? 0
  const buckets = [...new Set(positions.map(bucketKey))].sort((a, b) => a - b)
  const bucketIndex = new Map(buckets.map((b, i) => [b, i]))
  const w = model.width
  if (w !== S + buckets.length + 1) throw new Error(`movedPmBook: PM record layout ${w} is not ${S} + ${buckets.length} + 1`)
  // Per grid price: (range·k)/4 and 1 + it, as optionGrid computes them.
  const onePlusMove = new Float64Array(9)
  for (let j = -4; j <= 4; j++) onePlusMove[j + 4] = 1 + (p.range * j) / 4
  const extendedScale = p.extendedMoves.map((m) => (p.extendedFactor * p.range) / Math.abs(m))
  const extendedEdge = p.extendedMoves.map((m) => 1 + Math.sign(m) * p.range)
  const extendedOnePlus = p.extendedMoves.map((m) => 1 + m)

  const n = positions.length
  const moves = positions.map((pos) => pos.underlying === underlying)
  /** Live options revalued inline, with what no move changes. */
  const inline = new Uint8Array(n)
  const years = new Float64Array(n)
  const volUp = new Float64Array(n)
  const sd = new Float64Array(3 * n)
  const bucketColumn = new Int32Array(n)
  /** Rows of positions that do not move: their record, once. */
  const fixedRows = new Map<number, Float64Array>()
  /** One private copy per moving position handled by record(), moved in place each call. */
  const scratch = new Map<number, MarginPosition>()
  const asOfMs = ctx.asOfMs
  for (let r = 0; r < n; r++) {
    const pos = positions[r]!
    bucketColumn[r] = S + bucketIndex.get(bucketKey(pos))!
    if (!moves[r]) {
      const row = new Float64Array(w)
      model.record(pos, row, 0)
      fixedRows.set(r, row)
      continue
    }
    const t = yearsLeft(pos, asOfMs)
    years[r] = t
    if (pos.kind !== 'option' || !(t > 0)) continue
    const up = pmShockedVol(pos.vol, t * 365, 'up', p)
    const down = pmShockedVol(pos.vol, t * 365, 'down', p)
    const vUp = Math.max(up, MIN_SCENARIO_VOL)
    const vMid = Math.max(pos.vol, MIN_SCENARIO_VOL)
    const vDown = Math.max(down, MIN_SCENARIO_VOL)
    const k = pos.strikeUsd
    // optionGrid's conditions that do not depend on the price (deribit-pm.ts).
    if (!(k > 0 && k < Infinity && t < Infinity && (pos.optionType === 'call' || pos.optionType === 'put') && vUp < Infinity && vMid < Infinity && vDown < Infinity)) continue
    const rootT = Math.sqrt(t)
    inline[r] = 1
    volUp[r] = up
    sd[3 * r] = vUp * rootT
    sd[3 * r + 1] = vMid * rootT
    sd[3 * r + 2] = vDown * rootT
  }

  const total = new Float64Array(w)
  const row = new Float64Array(w)
  const valueUsd = new Float64Array(n)
  const f1s = new Float64Array(9)
  // An option's per-coin amounts: 27 grid, E extended, moveDelta's two legs, its base value.
  const UNIT_WIDTH = S + 3
  const UNIT_BASE = S + 2
  const units = new Float64Array(UNIT_WIDTH)

  /** Standard scenarios computed by lowerTotalAt (1) or left at 0; null: all (totalAt). */
  let only: Uint8Array | null = null
  const onlyMask = new Uint8Array(S0)

  function lowerTotalAt(m: number, standardScenarios: readonly number[]): Float64Array {
    onlyMask.fill(0)
    for (const s of standardScenarios) if (s >= 0 && s < S0) onlyMask[s] = 1
    only = onlyMask
    lastMove = m
    try {
      sumAt(m)
    } finally {
      only = null
    }
    // Every scenario column outside the chosen ones is 0 (records written whole included).
    for (let s = 0; s < S; s++) if (!(s < S0 && onlyMask[s])) total[s] = 0
    return total
  }

  function standardWorstIndex(t: Float64Array): number {
    // The model's standard worst case's index (deribit-pm.ts evaluate): only losses can be worst,
    // so the cap on counted gains (Infinity here) cannot change it.
    let index = -1
    let loss = 0
    for (let s = 0; s < S0; s++) {
      const x = t[s]!
      const adjusted = pmStandardCounted(x, p.pnlOffset, Infinity)
      if (-adjusted > loss) {
        loss = -adjusted
        index = s
      }
    }
    return index
  }

  function totalAt(m: number): Float64Array {
    lastMove = m
    return sumAt(m)
  }

  function sumAt(m: number): Float64Array {
    total.fill(0)
    for (let r = 0; r < n; r++) {
      const pos = positions[r]!
      if (!moves[r]) {
        valueUsd[r] = NaN
        const fixed = fixedRows.get(r)!
        for (let j = 0; j < w; j++) total[j]! += fixed[j]!
        continue
      }
      // The moved position as the search builds it (account-health.ts cushion()).
      const priceUsd = pos.priceUsd * (1 + m)
      if (inline[r] && inlineOption(r, pos, priceUsd, m)) continue
      let q = scratch.get(r)
      if (!q) scratch.set(r, (q = { ...pos }))
      q.sizeCoin = pos.inverse && pos.kind !== 'option' ? pos.sizeCoin / (1 + m) : pos.sizeCoin
      q.priceUsd = priceUsd
      q.indexUsd = pos.indexUsd * (1 + m)
      valueUsd[r] = positionBase(q, asOfMs).valueUsd
      row.fill(0)
      model.record(q, row, 0)
      for (let j = 0; j < w; j++) total[j]! += row[j]!
    }
    return total
  }

  /**
   * deribitPmModel's record() of a live option moved to priceUsd, added into the total: false (and
   * nothing added) when a grid price is not a positive finite number, where optionGrid gives way to
   * the plain path. Every amount of the record is size × a per-coin amount (the grid's
   * size·(value/f1 − v0), the extended size·(v1 − base), moveDelta's legs): those are computed into
   * `units`, or read from the share when another search revalued the same option at the same move.
   */
  function inlineOption(r: number, pos: MarginPosition, priceUsd: number, m: number): boolean {
    for (let j = 0; j < 9; j++) {
      const f1 = priceUsd * onePlusMove[j]!
      if (!(f1 > 0 && f1 < Infinity)) return false
      f1s[j] = f1
    }
    const size = pos.sizeCoin
    if (only) {
      lowerOption(r, pos, priceUsd)
      return true
    }
    const atMove = shared?.[r] ? share!.at(m) : undefined
    let unit = atMove ? sharedUnit(atMove, pos, () => unitsOf(r, pos, priceUsd, new Float64Array(UNIT_WIDTH))) : null
    if (!unit) unit = unitsOf(r, pos, priceUsd, units)
    valueUsd[r] = unit[UNIT_BASE]!
    for (let s = 0; s < S0; s++) total[s]! += size * unit[s]!
    for (let e = 0; e < E; e++) {
      const usd = size * unit[S0 + e]!
      const edge = coinAccount ? priceUsd * extendedEdge[e]! : 1
      total[S0 + e]! += (usd / edge) * extendedScale[e]! * p.extendedDampener
    }
    // moveDelta: the central difference of pnlInFrom at ±1e-4, each leg size × a per-coin amount.
    const delta = (size * unit[S]! - size * unit[S + 1]!) / (2 * DELTA_STEP)
    total[bucketColumn[r]!]! += delta
    total[S + buckets.length]! += coinAccount ? delta : delta / priceUsd
    return true
  }

  /** The option's per-coin amounts at the moved price (f1s filled): the record's operations. */
  function unitsOf(r: number, pos: MarginPosition, priceUsd: number, out: Float64Array): Float64Array {
    const t = years[r]!
    const k = pos.strikeUsd
    const call = pos.optionType === 'call'
    // positionBase(q): today's value at the moved price, at the unshocked vol.
    const sdMid = sd[3 * r + 1]!
    const base = liveValueUsd(pos, priceUsd, pos.vol, t, sdMid)
    out[UNIT_BASE] = base
    // optionGrid (deribit-pm.ts), operation for operation.
    const v0 = coinAccount ? base / priceUsd : base
    let s = 0
    for (let j = 0; j < 9; j++) {
      const f1 = f1s[j]!
      const logFK = Math.log(f1 / k)
      for (let i = 0; i < 3; i++) {
        // No move, vol unchanged: the operations that gave the base, on the same inputs.
        if (j === 4 && i === 1 && f1 === priceUsd) {
          out[s++] = coinAccount ? base / f1 - v0 : base - v0
          continue
        }
        const sdi = sd[3 * r + i]!
        const d1 = logFK / sdi + sdi / 2
        const d2 = d1 - sdi
        const value = call ? f1 * normCdf(d1) - k * normCdf(d2) : k * normCdf(-d2) - f1 * normCdf(-d1)
        out[s++] = coinAccount ? value / f1 - v0 : value - v0
      }
    }
    // The extended scenarios: pnlUsdFrom at vol up (deribitPmModel's record()).
    const up = volUp[r]!
    const sdUp = sd[3 * r]!
    for (let e = 0; e < E; e++) out[S0 + e] = liveValueUsd(pos, priceUsd * extendedOnePlus[e]!, up, t, sdUp) - base
    // moveDelta's legs: pnlInFrom at ±1e-4.
    const fUp = priceUsd * (1 + DELTA_STEP)
    const fDown = priceUsd * (1 + -DELTA_STEP)
    out[S] = coinAccount ? liveValueUsd(pos, fUp, pos.vol, t, sdMid) / fUp - base / priceUsd : liveValueUsd(pos, fUp, pos.vol, t, sdMid) - base
    out[S + 1] = coinAccount ? liveValueUsd(pos, fDown, pos.vol, t, sdMid) / fDown - base / priceUsd : liveValueUsd(pos, fDown, pos.vol, t, sdMid) - base
    return out
  }

  /** lowerTotalAt's part of an inline option: its base, the chosen scenarios and moveDelta. */
  function lowerOption(r: number, pos: MarginPosition, priceUsd: number): void {
    const t = years[r]!
    const size = pos.sizeCoin
    const k = pos.strikeUsd
    const call = pos.optionType === 'call'
    const sdMid = sd[3 * r + 1]!
    const base = liveValueUsd(pos, priceUsd, pos.vol, t, sdMid)
    valueUsd[r] = base
    const v0 = coinAccount ? base / priceUsd : base
    for (let s = 0; s < S0; s++) {
      if (!only![s]) continue
      const f1 = f1s[(s / 3) | 0]!
      let value = base
      // Each as unitsOf computes it (the unmoved, unshocked one is the base).
      if (!(s === 13 && f1 === priceUsd)) {
        const sdi = sd[3 * r + (s % 3)]!
        const d1 = Math.log(f1 / k) / sdi + sdi / 2
        const d2 = d1 - sdi
        value = call ? f1 * normCdf(d1) - k * normCdf(d2) : k * normCdf(-d2) - f1 * normCdf(-d1)
      }
      total[s]! += size * (coinAccount ? value / f1 - v0 : value - v0)
    }
    const fUp = priceUsd * (1 + DELTA_STEP)
    const fDown = priceUsd * (1 + -DELTA_STEP)
    const legUp = coinAccount ? liveValueUsd(pos, fUp, pos.vol, t, sdMid) / fUp - base / priceUsd : liveValueUsd(pos, fUp, pos.vol, t, sdMid) - base
    const legDown = coinAccount ? liveValueUsd(pos, fDown, pos.vol, t, sdMid) / fDown - base / priceUsd : liveValueUsd(pos, fDown, pos.vol, t, sdMid) - base
    const delta = (size * legUp - size * legDown) / (2 * DELTA_STEP)
    total[bucketColumn[r]!]! += delta
    total[S + buckets.length]! += coinAccount ? delta : delta / priceUsd
  }

  /** Positions whose per-coin amounts go through the share (shareWith), and the share. */
  let shared: Uint8Array | null = null
  let share: MovedUnitShare | null = null
  function shareWith(s: MovedUnitShare, wanted: (pos: MarginPosition) => boolean): void {
    share = s
    shared = Uint8Array.from(positions, (pos, r) => (inline[r] && wanted(pos) ? 1 : 0))
  }

  return { model, totalAt, lowerTotalAt, standardWorstIndex, shareWith, valueUsd }
}
