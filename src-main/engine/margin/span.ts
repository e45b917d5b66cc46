/**
 * SPAN-style risk-array margin (docs/METHODOLOGY.md §5.2), house parameters per underlying
 * (the "combined commodity"):
 * - Risk array: 16 scenarios, price 0, ±1/3, ±2/3, ±1 of the price scan range, each with vol up and
 *   down by the (relative) vol scan range, plus two extreme moves at ±extremeMultiple × range, vol
 *   unchanged, counted at coverFraction; one day of look-ahead (time decay). Scanning risk = the
 *   largest loss, 0 if none.
 * - Intra-commodity (calendar) spread charge: net deltas per expiry are grouped into tiers by days
 *   to expiry; opposite deltas inside a tier spread at the tier's rate, then tier against tier in the
 *   parameter file's priority order. Needed because scanning moves every expiry by the same relative
 *   amount, so a calendar spread looks riskless to it. Rates are fractions of the index per coin of
 *   spread delta (so they do not go stale with the price level).
 * - Inter-commodity credit: for each pair (e.g. BTC/ETH) with opposite deltas, spreads at the delta
 *   ratio earn `credit` × the legs' weighted price risk (scanning risk per coin of delta).
 * - Short option minimum: rate × coins of short options × index; the requirement per underlying is
 *   max(scanning + intra − credit, short option minimum).
 * Published checks (CME, "Spread calculations", cmegroup.com/clearing/margins/spread-calc.html):
 * inter-spread 2:1 with outrights 1,750 and 2,500 at 55 % → 2,700; intra-spread month rates
 * 500/500/750 with charges M2/M3 200, M2/M4 50, M3/M4 0 → +1 M2 −1 M3 = 200, +1 M2 −1 M4 = 300,
 * +1 M3 −1 M4 = 250 (one tier per month, tier spreads in that priority order).
 * Not modelled: leg ratios other than 1 : 1 and A/B sides in tier spreads (a spread forms from
 * opposite net deltas whichever tier is long).
 */
import type { MarginModel, ModelEvaluation } from './additive-model'
import { marginOf } from './additive-model'
import { isCoinCurrency } from '../market/currency'
import type { MarginComponent, MarginResult } from './margin-result'
import { MOVE_DELTA_STEP, moveDelta, pnlInFrom, positionBase, sharedUnit, type MarginPosition, type OptionUnitShare } from './margin-position'

export interface SpanUnderlyingParams {
  priceScanRange: number
  /** Relative vol move (0.25 = vols × 1.25 up, × 0.75 down). */
  volScanRange: number
  extremeMultiple: number
  coverFraction: number
  lookaheadDays: number
  /** Tiers by days to expiry (upper bound exclusive; the last should be Infinity/null = open). */
  tiers: { name: string; maxDays: number | null; intraRate: number }[]
  /** Tier-against-tier spreads in priority order; rates as fractions of the index per coin of delta. */
  tierSpreads: { tiers: [string, string]; rate: number }[]
  shortOptionMinimumRate: number
}

export interface SpanParams {
  id: string
  underlyings: Record<string, SpanUnderlyingParams>
  interSpreads: { legs: [{ underlying: string; delta: number }, { underlying: string; delta: number }]; credit: number }[]
}

export const SPAN_SCENARIOS = 16

/** The 16 risk-array scenarios: relative price move (in ranges), vol direction, weight. */
export function spanRiskArray(u: SpanUnderlyingParams): { move: number; vol: -1 | 0 | 1; weight: number; label: string }[] {
  const out: { move: number; vol: -1 | 0 | 1; weight: number; label: string }[] = []
  for (const third of [0, 1, -1, 2, -2, 3, -3]) {
    for (const vol of [1, -1] as const) {
      const move = (third / 3) * u.priceScanRange
      out.push({ move, vol, weight: 1, label: `price ${third === 0 ? '0' : `${third > 0 ? '+' : '−'}${Math.abs(third)}/3`} range, vol ${vol > 0 ? 'up' : 'down'}` })
    }
  }
  for (const sign of [1, -1]) {
    out.push({ move: sign * u.extremeMultiple * u.priceScanRange, vol: 0, weight: u.coverFraction, label: `extreme ${sign > 0 ? '+' : '−'}${u.extremeMultiple}× range (${(u.coverFraction * 100).toFixed(0)} % cover)` })
  }
  return out
}

export interface SpanContext {
  currency: string
  asOfMs: number
  params: SpanParams
  marketId: string
  /** Index per underlying, USD: the unit price of spread and short option rates in USD accounts. */
  indexUsd: Record<string, number>
  /**
   * Per-coin option records shared by every group of one account currency (margin-position.ts
   * OptionUnitShare): the 16 risk-array P&Ls, then moveDelta's two legs.
   */
  unitShare?: OptionUnitShare
}

export function spanModel(positions: readonly MarginPosition[], ctx: SpanContext): MarginModel<'span'> {
  const coin = isCoinCurrency(ctx.currency)
  const underlyings = [...new Set(positions.map((p) => p.underlying))].sort()
  for (const u of underlyings) if (!ctx.params.underlyings[u]) throw new RangeError(`SPAN parameters ${ctx.params.id} have no ${u}: add it to the parameter file`)
  const arrays = underlyings.map((u) => spanRiskArray(ctx.params.underlyings[u]!))
  const expiries = underlyings.map((u) => [...new Set(positions.filter((p) => p.underlying === u).map((p) => p.expiryMs ?? 0))].sort((a, b) => a - b))
  // Layout: U × 16 scenario P&Ls, then per underlying: coin delta per expiry, short option coins.
  const S = underlyings.length * SPAN_SCENARIOS
  const featureStart: number[] = []
  let w = S
  for (const e of expiries) {
    featureStart.push(w)
    w += e.length + 1
  }
  const labels = underlyings.flatMap((u, i) => arrays[i]!.map((s) => `${u} ${s.label}`))
  const unitPrice = (u: string): number => (coin ? 1 : ctx.indexUsd[u]!)
  const daysOf = (expiryMs: number): number => (expiryMs === 0 ? 0 : Math.max((expiryMs - ctx.asOfMs) / 86_400_000, 0))
  // What evaluate() needs that depends on the model alone.
  const U = underlyings.length
  const unitPriceOf = underlyings.map(unitPrice)
  const scanWeights = arrays.map((a) => Float64Array.from(a, (sc) => sc.weight))
  const expiryTiers = underlyings.map((u, i) => tierIndices(ctx.params.underlyings[u]!, expiries[i]!.map(daysOf)))
  const tierSpreadPairs = underlyings.map((u) => tierSpreadIndices(ctx.params.underlyings[u]!))
  const badTierSpread = underlyings.map((u) => ctx.params.underlyings[u]!.tierSpreads.find((sp) => !sp.tiers.every((n) => ctx.params.underlyings[u]!.tiers.some((t) => t.name === n)))).find((x) => x !== undefined)
  const scratch = underlyings.map((u) => tierScratch(ctx.params.underlyings[u]!))
  const scanning: number[] = underlyings.map(() => 0)
  const netDelta: number[] = underlyings.map(() => 0)
  const perUnderlying: number[] = underlyings.map(() => 0)
  const shortOptionMinimum: number[] = underlyings.map(() => 0)
  /** The position's P&L in each scenario of underlying i's risk array, written from out[at]; returns its valuation base. */
  const riskArrayInto = (p: MarginPosition, i: number, out: Float64Array, at: number): ReturnType<typeof positionBase> => {
    const up = ctx.params.underlyings[p.underlying]!
    const elapsedYears = up.lookaheadDays / 365
    const base = positionBase(p, ctx.asOfMs)
    const elapsed = Math.min(elapsedYears, base.years)
    const scan = arrays[i]!
    for (let j = 0; j < scan.length; j++) {
      const s = scan[j]!
      const vol = p.vol * (1 + s.vol * up.volScanRange)
      out[at + j] = pnlInFrom(coin, p, base, s.move, vol, elapsed)
    }
    return base
  }
  /** An option's record per coin (OptionUnitShare): record()'s operations on a 1-coin copy. */
  const unitRecord = (one: MarginPosition, i: number): Float64Array => {
    const unit = new Float64Array(SPAN_SCENARIOS + 2)
    const base = riskArrayInto(one, i, unit, 0)
    // moveDelta's two legs (margin-position.ts).
    unit[SPAN_SCENARIOS] = pnlInFrom(coin, one, base, MOVE_DELTA_STEP, one.vol, 0)
    unit[SPAN_SCENARIOS + 1] = pnlInFrom(coin, one, base, -MOVE_DELTA_STEP, one.vol, 0)
    return unit
  }

  return {
    method: 'span',
    currency: ctx.currency,
    paramsId: ctx.params.id,
    marketId: ctx.marketId,
    scenarioLabels: labels,
    width: w,
    accepts: (pos) => {
      const i = underlyings.indexOf(pos.underlying)
      return i >= 0 && expiries[i]!.includes(pos.expiryMs ?? 0)
    },
    record(pos, out, o) {
      const i = underlyings.indexOf(pos.underlying)
      const f = featureStart[i]!
      let delta: number
      if (ctx.unitShare && pos.kind === 'option') {
        // × the size where pnlInFrom and moveDelta multiply by it (OptionUnitShare).
        const unit = sharedUnit(ctx.unitShare, pos, (one) => unitRecord(one, i))
        const size = pos.sizeCoin
        for (let j = 0; j < SPAN_SCENARIOS; j++) out[o + i * SPAN_SCENARIOS + j] = size * unit[j]!
        delta = (size * unit[SPAN_SCENARIOS]! - size * unit[SPAN_SCENARIOS + 1]!) / (2 * MOVE_DELTA_STEP)
      } else {
        const base = riskArrayInto(pos, i, out, o + i * SPAN_SCENARIOS)
        delta = moveDelta(coin, pos, ctx.asOfMs, base)
      }
      out[o + f + expiries[i]!.indexOf(pos.expiryMs ?? 0)] = coin ? delta : delta / pos.priceUsd
      if (pos.kind === 'option' && pos.sizeCoin < 0) out[o + f + expiries[i]!.length] = -pos.sizeCoin
    },
    evaluate(t, o, detail = true): ModelEvaluation {
      // modelResult evaluates twice per position (standalone, incremental): what depends only on
      // the model (days, tiers, weights) is computed once above, the operations on t are as before.
      if (badTierSpread) throw new RangeError(`SPAN tier spread ${badTierSpread.tiers.join('/')}: unknown tier`)
      let scanningTotal = 0
      let intraTotal = 0
      let worstIndex: number | null = null
      let worstScan = 0
      for (let i = 0; i < U; i++) {
        const up = ctx.params.underlyings[underlyings[i]!]!
        const weights = scanWeights[i]!
        let scan = 0
        for (let j = 0; j < weights.length; j++) {
          const loss = -t[o + i * SPAN_SCENARIOS + j]! * weights[j]!
          if (loss > scan) {
            scan = loss
            if (loss > worstScan) {
              worstScan = loss
              worstIndex = i * SPAN_SCENARIOS + j
            }
          }
        }
        const f = featureStart[i]!
        const n = expiries[i]!.length
        const intra = intraChargeByTier(up, expiryTiers[i]!, t, o + f, n, tierSpreadPairs[i]!, scratch[i]!) * unitPriceOf[i]!
        shortOptionMinimum[i] = up.shortOptionMinimumRate * t[o + f + n]! * unitPriceOf[i]!
        let net = 0
        for (let k = 0; k < n; k++) net += t[o + f + k]!
        scanning[i] = scan
        netDelta[i] = net
        perUnderlying[i] = scan + intra
        scanningTotal += scan
        intraTotal += intra
      }
      const credits = interSpreadCredits(ctx.params, underlyings, scanning, netDelta)
      let requirement = 0
      for (let i = 0; i < U; i++) requirement += Math.max(perUnderlying[i]! - credits[i]!, shortOptionMinimum[i]!)
      // Per-position evaluations (standalone, incremental) read only the requirement.
      if (!detail) return { initialMargin: requirement, maintenanceMargin: requirement, components: [], worstIndex }
      const somTotal = shortOptionMinimum.reduce((a, b) => a + b, 0)
      const creditTotal = credits.reduce((a, b) => a + b, 0)
      const floorAdded = requirement - (scanningTotal + intraTotal - creditTotal)
      const components: MarginComponent[] = [
        { name: 'scanning risk', amount: scanningTotal, published: true },
        { name: 'intra-commodity spread charge', amount: intraTotal, published: true },
        { name: 'inter-commodity spread credit', amount: -creditTotal, published: true },
        { name: 'short option minimum (amount above the rest)', amount: floorAdded, published: true, note: `short option minimum in total: ${somTotal.toPrecision(6)}` }
      ]
      return { initialMargin: requirement, maintenanceMargin: requirement, components, worstIndex }
    }
  }
}

/**
 * Tiered calendar-spread charge in coins of spread delta × rate (the caller multiplies by the index
 * in USD accounts): opposite net deltas within a tier first, then tier against tier in priority order.
 */
export function intraSpreadCharge(up: SpanUnderlyingParams, days: readonly number[], deltas: readonly number[]): number {
  const pairs = tierSpreadIndices(up)
  for (let k = 0; k < pairs.length; k++) if (pairs[k]! < 0) throw new RangeError(`SPAN tier spread ${up.tierSpreads[k >> 1]!.tiers.join('/')}: unknown tier`)
  return intraChargeByTier(up, tierIndices(up, days), Float64Array.from(deltas), 0, deltas.length, pairs, tierScratch(up))
}

/** The tier of each expiry (by its days to expiry): the first whose bound it is under, else the last. */
function tierIndices(up: SpanUnderlyingParams, days: readonly number[]): Int32Array {
  return Int32Array.from(days, (d) => {
    const i = up.tiers.findIndex((t) => t.maxDays === null || d < t.maxDays)
    return i < 0 ? up.tiers.length - 1 : i
  })
}

/** The tier indices of each tier-against-tier spread, two per spread (−1: no such tier). */
function tierSpreadIndices(up: SpanUnderlyingParams): Int32Array {
  return Int32Array.from(up.tierSpreads.flatMap((s) => [up.tiers.findIndex((t) => t.name === s.tiers[0]), up.tiers.findIndex((t) => t.name === s.tiers[1])]))
}

interface TierScratch {
  long: Float64Array
  short: Float64Array
  net: Float64Array
}

const tierScratch = (up: SpanUnderlyingParams): TierScratch => ({ long: new Float64Array(up.tiers.length), short: new Float64Array(up.tiers.length), net: new Float64Array(up.tiers.length) })

/**
 * intraSpreadCharge on the deltas at t[o, o + n) with each expiry's tier and the spreads' tiers
 * known (pairs: valid indices): the same operations in the same order.
 */
function intraChargeByTier(up: SpanUnderlyingParams, tierOf: Int32Array, t: Float64Array, o: number, n: number, pairs: Int32Array, s: TierScratch): number {
  const { long, short, net } = s
  long.fill(0)
  short.fill(0)
  for (let k = 0; k < n; k++) {
    const d = t[o + k]!
    if (d > 0) long[tierOf[k]!]! += d
    else short[tierOf[k]!]! -= d
  }
  let charge = 0
  for (let i = 0; i < up.tiers.length; i++) {
    const spreads = Math.min(long[i]!, short[i]!)
    charge += spreads * up.tiers[i]!.intraRate
    net[i] = long[i]! - short[i]!
  }
  for (let k = 0; k < up.tierSpreads.length; k++) {
    const a = pairs[2 * k]!
    const b = pairs[2 * k + 1]!
    if (net[a]! * net[b]! >= 0) continue
    const spreads = Math.min(Math.abs(net[a]!), Math.abs(net[b]!))
    charge += spreads * up.tierSpreads[k]!.rate
    net[a] = net[a]! - Math.sign(net[a]!) * spreads
    net[b] = net[b]! - Math.sign(net[b]!) * spreads
  }
  return charge
}

/**
 * Inter-commodity credits per underlying (CME: credit = rate × spreads × the legs' weighted futures
 * price risk, i.e. scanning risk per coin of net delta), pairs in the parameter file's order.
 */
export function interSpreadCredits(params: SpanParams, underlyings: readonly string[], scanning: readonly number[], netDelta: readonly number[]): number[] {
  const credits = underlyings.map(() => 0)
  const remaining = [...netDelta]
  for (const pair of params.interSpreads) {
    const [a, b] = pair.legs.map((l) => underlyings.indexOf(l.underlying))
    if (a === undefined || b === undefined || a < 0 || b < 0) continue
    if (remaining[a]! * remaining[b]! >= 0) continue
    const spreads = Math.min(Math.abs(remaining[a]!) / pair.legs[0].delta, Math.abs(remaining[b]!) / pair.legs[1].delta)
    if (!(spreads > 0)) continue
    const priceRisk = (i: number): number => (netDelta[i] === 0 ? 0 : scanning[i]! / Math.abs(netDelta[i]!))
    credits[a]! += pair.credit * spreads * pair.legs[0].delta * priceRisk(a)
    credits[b]! += pair.credit * spreads * pair.legs[1].delta * priceRisk(b)
    remaining[a] = remaining[a]! - Math.sign(remaining[a]!) * spreads * pair.legs[0].delta
    remaining[b] = remaining[b]! - Math.sign(remaining[b]!) * spreads * pair.legs[1].delta
  }
  return credits
}

export function spanMargin(positions: readonly MarginPosition[], ctx: SpanContext): MarginResult {
  return marginOf(spanModel(positions, ctx), positions)
}
