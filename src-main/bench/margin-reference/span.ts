// The margin code as it was before issue 20 (git HEAD 80dca66), kept as the twin the faster code
// is held equal to (tests/engine/margin-speed-twin.test.ts). Not used by the app.
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
 * Published checks (CME): inter-spread 2:1 with outrights 1,750 and 2,500 at 55 % → 2,700; intra
 * tiers month rates 500/500/750, M2/M3 200, M2/M4 50 → +1 M2 −1 M3 = 200, +1 M2 −1 M4 = 300.
 */
import type { MarginModel, ModelEvaluation } from './additive-model'
import { marginOf } from './additive-model'
import { isCoinCurrency } from '../../engine/market/currency'
import type { MarginComponent, MarginResult } from '../../engine/margin/margin-result'
import { moveDelta, pnlIn, yearsLeft, type MarginPosition } from './margin-position'

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
      const up = ctx.params.underlyings[pos.underlying]!
      const elapsedYears = up.lookaheadDays / 365
      const dte = yearsLeft(pos, ctx.asOfMs)
      arrays[i]!.forEach((s, j) => {
        const vol = pos.vol * (1 + s.vol * up.volScanRange)
        out[o + i * SPAN_SCENARIOS + j] = pnlIn(coin, pos, ctx.asOfMs, { move: s.move, vol, elapsedYears: Math.min(elapsedYears, dte) })
      })
      const f = featureStart[i]!
      const delta = moveDelta(coin, pos, ctx.asOfMs)
      out[o + f + expiries[i]!.indexOf(pos.expiryMs ?? 0)] = coin ? delta : delta / pos.priceUsd
      if (pos.kind === 'option' && pos.sizeCoin < 0) out[o + f + expiries[i]!.length] = -pos.sizeCoin
    },
    evaluate(t, o): ModelEvaluation {
      let scanningTotal = 0
      let intraTotal = 0
      let worstIndex: number | null = null
      let worstScan = 0
      const scanning: number[] = []
      const netDelta: number[] = []
      const perUnderlying: number[] = []
      const shortOptionMinimum: number[] = []
      underlyings.forEach((u, i) => {
        const up = ctx.params.underlyings[u]!
        let scan = 0
        arrays[i]!.forEach((s, j) => {
          const loss = -t[o + i * SPAN_SCENARIOS + j]! * s.weight
          if (loss > scan) {
            scan = loss
            if (loss > worstScan) {
              worstScan = loss
              worstIndex = i * SPAN_SCENARIOS + j
            }
          }
        })
        const f = featureStart[i]!
        const deltas = expiries[i]!.map((_, k) => t[o + f + k]!)
        const intra = intraSpreadCharge(up, expiries[i]!.map(daysOf), deltas) * unitPrice(u)
        shortOptionMinimum.push(up.shortOptionMinimumRate * t[o + f + expiries[i]!.length]! * unitPrice(u))
        scanning.push(scan)
        netDelta.push(deltas.reduce((a, b) => a + b, 0))
        perUnderlying.push(scan + intra)
        scanningTotal += scan
        intraTotal += intra
      })
      const credits = interSpreadCredits(ctx.params, underlyings, scanning, netDelta)
      let requirement = 0
      underlyings.forEach((_, i) => (requirement += Math.max(perUnderlying[i]! - credits[i]!, shortOptionMinimum[i]!)))
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
  const tierOf = (d: number): number => {
    const i = up.tiers.findIndex((t) => t.maxDays === null || d < t.maxDays)
    return i < 0 ? up.tiers.length - 1 : i
  }
  const long = new Float64Array(up.tiers.length)
  const short = new Float64Array(up.tiers.length)
  deltas.forEach((d, k) => {
    if (d > 0) long[tierOf(days[k]!)]! += d
    else short[tierOf(days[k]!)]! -= d
  })
  let charge = 0
  const net = new Float64Array(up.tiers.length)
  up.tiers.forEach((tier, i) => {
    const spreads = Math.min(long[i]!, short[i]!)
    charge += spreads * tier.intraRate
    net[i] = long[i]! - short[i]!
  })
  for (const s of up.tierSpreads) {
    const a = up.tiers.findIndex((t) => t.name === s.tiers[0])
    const b = up.tiers.findIndex((t) => t.name === s.tiers[1])
    if (a < 0 || b < 0) throw new RangeError(`SPAN tier spread ${s.tiers.join('/')}: unknown tier`)
    if (net[a]! * net[b]! >= 0) continue
    const spreads = Math.min(Math.abs(net[a]!), Math.abs(net[b]!))
    charge += spreads * s.rate
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
