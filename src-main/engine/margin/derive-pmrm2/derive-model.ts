/**
 * The Derive PMRM_2 replica as an additive margin model (additive-model.ts), so that a Derive account
 * in the book gets what every method gives: the requirement, standalone and incremental margin per
 * position, single-position what-if edits and the risk array.
 *
 * PMRM_2 is not additive per position: the static discount picks its factor by the sign of an
 * expiry's whole shocked value, skew scenarios take −|expiry P&L|, naked shorts net per strike. It is
 * additive per expiry, so each record holds the position's part of its expiry's raw sums (shocked
 * value per scenario, mark-to-market, basis-scenario values, gross contracts) and of its strike's net
 * call and put contracts; evaluate() finishes them exactly as pmrm2.ts does for a whole portfolio
 * (a twin test holds the two equal). Requirements are the trader's reading of the protocol's margin
 * values: requirement = mark-to-market − value = −factor × worst loss + contingencies (USD); cash and
 * the mark-to-market cancel out of it.
 *
 * Ours, and labelled so in the result: a spot holding in the group counts as risk-cancelling
 * collateral with no haircut (the venue's haircuts are per collateral and not in our parameters);
 * in a moved market (the liquidation search) each forward moves with the index and the SVI vol stays
 * at the strike (sticky strike). The per-position figure in a scenario (drill-through, attribution)
 * is its expiry's P&L shared in proportion to the positions' P&L before the static discount.
 */
import type { MarginModel, ModelEvaluation } from '../additive-model'
import type { MarginComponent } from '../margin-result'
import type { MarginPosition } from '../margin-position'
import type { DeriveExpiryFeedData, DeriveMarketFeeds } from '../../market/snapshot'
import { basisFactor, confidenceChargeUsd } from './contingencies'
import { priceExpiries, shockedExpiryValueUsd, type PricedExpiry } from './expiry'
import { shockedValue } from './scenarios'
import type { DeriveExpiryFeed, DeriveParameters, DeriveScenario } from './types'

export interface DeriveModelContext {
  underlying: string
  asOfMs: number
  /** The underlying's index in the snapshot: the feeds' forwards are as of it. */
  snapshotIndexUsd: number
  feeds: DeriveMarketFeeds
  params: DeriveParameters
  paramsId: string
  marketId: string
}

/** Seconds over which the forward averages into settlement (PMRM_2 test and feed: the last 30 minutes). */
const SETTLEMENT_WINDOW_SECONDS = 1800

const plain = (x: number): number => Number(x.toPrecision(6))
const pct = (shock: number): string => `${shock >= 1 ? '+' : '−'}${plain(Math.abs(shock - 1) * 100)} %`

/**
 * "spot −9 %, vol up"; a tail scenario "spot −66 % (dampened ×0.21), vol up"; a skew one "spot +0 %,
 * skew linear". Derive's "None" is the vol left unchanged: the label says so, as the heatmap's
 * column does (scenario-grid.ts lays "…, vol up|unchanged|down" out as a price × vol grid).
 */
export function deriveScenarioLabel(s: DeriveScenario): string {
  const vol = s.volShock === 'linear' || s.volShock === 'abs' ? `skew ${s.volShock}` : `vol ${s.volShock === 'none' ? 'unchanged' : s.volShock}`
  return `spot ${pct(s.spotShock)}${s.dampening === 1 ? '' : ` (dampened ×${plain(s.dampening)})`}, ${vol}`
}

/** The expiries of a group's options that have no Derive feed in the market (the model needs every one). */
export function missingDeriveFeeds(positions: readonly MarginPosition[], feeds: DeriveMarketFeeds | undefined): number[] {
  const have = new Set(feeds?.expiries.map((e) => e.expiryMs) ?? [])
  return [...new Set(positions.filter((p) => p.kind === 'option' && !have.has(p.expiryMs!)).map((p) => p.expiryMs!))].sort((a, b) => a - b)
}

/** The protocol's feed for one expiry, its forward moved with the position's index (a moved market). */
function expiryFeed(f: DeriveExpiryFeedData, asOfMs: number, indexScale: number): DeriveExpiryFeed {
  const seconds = (f.expiryMs - asOfMs) / 1000
  const forwardUsd = f.forwardUsd * indexScale
  const feed: DeriveExpiryFeed = {
    secondsToExpiry: seconds,
    forwardUsd,
    forwardConfidence: f.forwardConfidence,
    rate: f.rate,
    rateConfidence: f.rateConfidence,
    svi: { ...f.svi, forwardUsd: f.sviForwardUsd ?? f.forwardUsd, years: f.sviYears ?? seconds / (365 * 86400) },
    volConfidence: f.volConfidence
  }
  if (seconds < SETTLEMENT_WINDOW_SECONDS) feed.fixedForwardUsd = (forwardUsd * (SETTLEMENT_WINDOW_SECONDS - Math.max(seconds, 0))) / SETTLEMENT_WINDOW_SECONDS
  return feed
}

interface ExpirySlot {
  expiryMs: number
  /** Record offset of the expiry block: S shocked values, then mtm, basis up, basis down, gross contracts. */
  at: number
  years: number
  staticDiscountLong: number
  staticDiscountShort: number
  basisFactor: number
  feedConfidence: number
  /** Offsets of its strikes' [call net, put net] pairs. */
  strikes: Map<number, number>
}

export function deriveModel(positions: readonly MarginPosition[], ctx: DeriveModelContext): MarginModel<'derive-pm'> {
  const { params, feeds } = ctx
  const scenarios = params.scenarios
  const S = scenarios.length
  const moves = scenarios.map((s) => s.spotShock - 1)
  const damps = scenarios.map((s) => s.dampening)
  const skew = scenarios.map((s) => s.volShock === 'linear' || s.volShock === 'abs')
  const feedByExpiry = new Map(feeds.expiries.map((e) => [e.expiryMs, e]))
  // Layout: [0, S) raw P&L (attribution), S net perp contracts, S+1 spot value USD, then expiry blocks, then strike pairs.
  const PERP = S
  const SPOT = S + 1
  const BLOCK = S + 4
  const expiryMsList = [...new Set(positions.filter((p) => p.kind === 'option').map((p) => p.expiryMs!))].sort((a, b) => a - b)
  const slots = new Map<number, ExpirySlot>()
  let width = S + 2
  for (const expiryMs of expiryMsList) {
    const f = feedByExpiry.get(expiryMs)
    if (!f) throw new RangeError(`Derive: market ${ctx.marketId} has no forward, rate and SVI feed for ${ctx.underlying} expiring ${new Date(expiryMs).toISOString()}`)
    // An empty expiry priced once gives its per-expiry constants (discounts, vol shocks, confidence).
    const e = priceExpiries([{ secondsToExpiry: (expiryMs - ctx.asOfMs) / 1000, strikeUsd: f.forwardUsd, isCall: true, contracts: 0 }], [expiryFeed(f, ctx.asOfMs, 1)], params)[0]!
    slots.set(expiryMs, { expiryMs, at: width, years: e.years, staticDiscountLong: e.staticDiscountLong, staticDiscountShort: e.staticDiscountShort, basisFactor: basisFactor(e, params), feedConfidence: e.feedConfidence, strikes: new Map() })
    width += BLOCK
  }
  for (const p of positions) {
    if (p.kind !== 'option') continue
    const slot = slots.get(p.expiryMs!)!
    if (!slot.strikes.has(p.strikeUsd)) {
      slot.strikes.set(p.strikeUsd, width)
      width += 2
    }
  }
  const perpPriceUsd = positions.find((p) => p.kind === 'perpetual')?.priceUsd ?? 0
  const spotUsd = positions[0]?.indexUsd ?? ctx.snapshotIndexUsd
  const other = params.otherContingency
  const portfolioHasPerp = (t: Float64Array, o: number): boolean => t[o + PERP] !== 0
  const labels = scenarios.map(deriveScenarioLabel)
  const slotList = [...slots.values()]

  const record = (p: MarginPosition, out: Float64Array, o: number): void => {
    if (p.kind === 'perpetual' || p.kind === 'future') {
      // Derive lists no dated futures; a linear delta-one position moves like the perp.
      out[o + PERP] = p.sizeCoin
      for (let s = 0; s < S; s++) out[o + s] = p.sizeCoin * moves[s]! * perpPriceUsd * damps[s]!
      return
    }
    if (p.kind === 'spot') {
      const valueUsd = p.sizeCoin * p.priceUsd
      out[o + SPOT] = valueUsd
      for (let s = 0; s < S; s++) out[o + s] = valueUsd * moves[s]! * damps[s]!
      return
    }
    const slot = slots.get(p.expiryMs!)!
    const f = feedByExpiry.get(p.expiryMs!)!
    const scale = ctx.snapshotIndexUsd > 0 ? p.indexUsd / ctx.snapshotIndexUsd : 1
    const e: PricedExpiry = priceExpiries([{ secondsToExpiry: (p.expiryMs! - ctx.asOfMs) / 1000, strikeUsd: p.strikeUsd, isCall: p.optionType === 'call', contracts: p.sizeCoin }], [expiryFeed(f, ctx.asOfMs, scale)], params)[0]!
    const mtm = shockedExpiryValueUsd(e, 1, 1, 0)
    const b = params.basisContingency
    for (let s = 0; s < S; s++) {
      const v = shockedValue(e, scenarios[s]!, params)
      out[o + slot.at + s] = v
      out[o + s] = (v * (v >= 0 ? e.staticDiscountLong : e.staticDiscountShort) - mtm) * damps[s]!
    }
    out[o + slot.at + S] = mtm
    out[o + slot.at + S + 1] = shockedExpiryValueUsd(e, b.scenarioSpotUp, 1, 0)
    out[o + slot.at + S + 2] = shockedExpiryValueUsd(e, b.scenarioSpotDown, 1, 0)
    out[o + slot.at + S + 3] = Math.abs(p.sizeCoin)
    out[o + slot.strikes.get(p.strikeUsd)! + (p.optionType === 'call' ? 0 : 1)] = p.sizeCoin
  }

  const evaluate = (t: Float64Array, o: number, detail = true): ModelEvaluation => {
    const pnl = new Float64Array(S)
    const perp = t[o + PERP]!
    const spotValue = t[o + SPOT]!
    for (let s = 0; s < S; s++) pnl[s] = (perp === 0 ? 0 : perp * (moves[s]! * perpPriceUsd) * damps[s]!) + spotValue * moves[s]! * damps[s]!
    let basisUsd = 0
    let nakedContracts = 0
    let confidenceImUsd = 0
    const portfolioConfidence = portfolioHasPerp(t, o) ? Math.min(feeds.spotConfidence, feeds.perpConfidence) : feeds.spotConfidence
    for (const slot of slotList) {
      const a = o + slot.at
      const mtm = t[a + S]!
      for (let s = 0; s < S; s++) {
        const v = t[a + s]!
        const expiryPnl = (v * (v >= 0 ? slot.staticDiscountLong : slot.staticDiscountShort) - mtm) * damps[s]!
        pnl[s] = pnl[s]! + (skew[s] ? -Math.abs(expiryPnl) : expiryPnl)
      }
      basisUsd += Math.min(t[a + S + 1]! - mtm, t[a + S + 2]! - mtm, 0) * slot.basisFactor
      for (const k of slot.strikes.values()) nakedContracts += uncovered(t[o + k]!, t[o + k + 1]!)
      confidenceImUsd += confidenceChargeUsd(Math.min(portfolioConfidence, slot.feedConfidence), t[a + S + 3]! * spotUsd, params)
    }
    // The basis contingency is the starting worst; a scenario must be strictly worse (pmrm2.ts).
    let worst = basisUsd
    let worstIndex = -1
    for (let s = 0; s < S; s++) {
      if (pnl[s]! < worst) {
        worst = pnl[s]!
        worstIndex = s
      }
    }
    const perpNotionalUsd = Math.abs(perp) * spotUsd
    const nakedNotionalUsd = nakedContracts * spotUsd
    const mmContingencies = perpNotionalUsd * other.mmPerpPercent + nakedNotionalUsd * other.mmOptionPercent
    confidenceImUsd += confidenceChargeUsd(portfolioConfidence, perpNotionalUsd, params) + confidenceChargeUsd(Math.min(1, feeds.spotConfidence), Math.abs(spotValue), params)
    const imExtra = perpNotionalUsd * other.imPerpPercent + nakedNotionalUsd * other.imOptionPercent + confidenceImUsd
    const imFactor = params.margin.imFactor + Math.max(other.pegLossThreshold - feeds.stablePriceUsd, 0) * other.pegLossFactor
    const mmFactor = params.margin.mmFactor
    const initialMargin = -worst * imFactor + mmContingencies + imExtra
    const maintenanceMargin = -worst * mmFactor + mmContingencies
    const components: MarginComponent[] = detail
      ? [
          {
            name: worstIndex < 0 ? 'basis contingency × IM factor' : 'worst scenario loss × IM factor',
            amount: -worst * imFactor,
            published: true,
            note: `${worstIndex < 0 ? 'the forward moved to the basis scenarios beat every scenario' : labels[worstIndex]}: loss ${plain(-worst)} USD × ${plain(imFactor)} for IM (× ${plain(mmFactor)} for MM, which takes the MM contingencies only)`
          },
          { name: 'perp contingency', amount: perpNotionalUsd * (other.mmPerpPercent + other.imPerpPercent), published: true, note: `MM ${plain(other.mmPerpPercent * 100)} % + IM ${plain(other.imPerpPercent * 100)} % of the perp notional` },
          { name: 'naked short option contingency', amount: nakedNotionalUsd * (other.mmOptionPercent + other.imOptionPercent), published: true, note: `${plain(nakedContracts)} uncovered contracts × spot; MM ${plain(other.mmOptionPercent * 100)} % + IM ${plain(other.imOptionPercent * 100)} %` },
          { name: 'oracle confidence contingency (IM)', amount: confidenceImUsd, published: true },
          ...(spotValue !== 0 ? [{ name: 'spot as collateral', amount: 0, published: false, note: 'Approximation (ours): the spot holding moves with spot in every scenario (risk-cancelling collateral) with no haircut' }] : []),
          { name: 'per-position scenario P&L', amount: 0, published: false, note: 'Approximation (ours): an expiry\'s scenario P&L is shared among its positions in proportion to their P&L before the static discount; the figures sum to the portfolio\'s, which is exact' }
        ]
      : []
    return { initialMargin, maintenanceMargin, components, worstIndex: worstIndex < 0 ? null : worstIndex, scenarioPnl: pnl }
  }

  /** One expiry's P&L in scenario s, as evaluate() finishes it. */
  const expiryPnl = (t: Float64Array, slot: ExpirySlot, s: number): number => {
    const v = t[slot.at + s]!
    const pnl = (v * (v >= 0 ? slot.staticDiscountLong : slot.staticDiscountShort) - t[slot.at + S]!) * damps[s]!
    return skew[s] ? -Math.abs(pnl) : pnl
  }

  // Each expiry's P&L shared among its positions in proportion to their own P&L before the static
  // discount (evenly when those cancel out): exact in sum, our allocation per position.
  const positionPnl = (records: Float64Array, n: number, total: Float64Array, s: number): Float64Array => {
    const out = new Float64Array(n)
    const slotOf = new Int32Array(n).fill(-1)
    for (let r = 0; r < n; r++) {
      out[r] = records[r * width + s]!
      for (let e = 0; e < slotList.length; e++) if (records[r * width + slotList[e]!.at + S + 3] !== 0) slotOf[r] = e
    }
    slotList.forEach((slot, e) => {
      const target = expiryPnl(total, slot, s)
      let raw = 0
      let count = 0
      for (let r = 0; r < n; r++) {
        if (slotOf[r] !== e) continue
        raw += out[r]!
        count++
      }
      if (count === 0) return
      const even = Math.abs(raw) <= 1e-12 * Math.max(1, Math.abs(target))
      for (let r = 0; r < n; r++) if (slotOf[r] === e) out[r] = even ? target / count : (out[r]! * target) / raw
    })
    return out
  }

  return {
    method: 'derive-pm',
    currency: 'USD',
    paramsId: ctx.paramsId,
    marketId: ctx.marketId,
    scenarioLabels: labels,
    width,
    accepts: (p) => p.kind !== 'option' || slots.get(p.expiryMs!)?.strikes.has(p.strikeUsd) === true,
    record,
    evaluate,
    positionPnl
  }
}

/**
 * Short contracts at one strike left uncovered (contingencies.ts nakedShortContracts): a long and a
 * short leave max(short − long, 0); two shorts count both; a lone short counts in full.
 */
function uncovered(call: number, put: number): number {
  const shorts = (call < 0 ? -call : 0) + (put < 0 ? -put : 0)
  if (call * put < 0) return Math.max(shorts - Math.max(call, put), 0)
  return shorts
}
