/**
 * Margin of a book by every method, per margining group, plus account health:
 * - Deribit accounts: per settlement currency (S:PM): standard, SPAN-style, Deribit PM replica and
 *   Greeks-based, in that currency (coin for inverse contracts).
 * - OKX accounts: per risk unit (underlying) in USD: SPAN-style and the OKX PM replica.
 * - Other venues: per underlying in USD: SPAN-style (a house method that fits any venue).
 * Health is per pool: a Deribit account's settlement currency, or a whole OKX / other account in USD.
 * Positions that cannot be priced are listed, never silently dropped.
 */
import type { AccountBalance } from '../book/balances-repository'
import type { HeldPosition } from '../book/positions-repository'
import { instrumentKey, type Instrument } from '../engine/instruments/instrument'
import type { MarketView } from '../engine/market/market-view'
import { requireResolved, resolvePosition, type ResolvedPosition } from '../engine/positions/resolve-position'
import { buildModelState, modelResult, positionScenarioPnl, type MarginModel } from '../engine/margin/additive-model'
import { deribitPmModel } from '../engine/margin/deribit-pm'
import { isCoinCurrency, isUsdLike } from '../engine/market/currency'
import { addOnsModel } from '../engine/margin/add-ons'
import { greeksModel } from '../engine/margin/greeks-margin'
import { okxPmModel } from '../engine/margin/okx-pm'
import { deriveModel, missingDeriveFeeds } from '../engine/margin/derive-pmrm2/derive-model'
import { shippedDeriveParams } from './derive/derive-params'
import { spanModel } from '../engine/margin/span'
import { standardModel } from '../engine/margin/standard'
import { MARGIN_METHODS, type MarginMethod, type MarginResult } from '../engine/margin/margin-result'
import type { MarginPosition, OptionUnitShare } from '../engine/margin/margin-position'
import { marginParamSets, type MarginParamSets } from './margin-params'
import { accountHealth, type PoolHealth } from './account-health'

export const ALL_METHODS: readonly MarginMethod[] = MARGIN_METHODS

export interface MarginGroup {
  account: string
  venue: string
  /** The currency every result of the group is in. */
  currency: string
  /** OKX risk unit / underlying for USD groups; null for a Deribit settlement currency. */
  riskUnit: string | null
  /** The health pool this group's margin counts against. */
  pool: string
  positionIds: number[]
  symbols: string[]
  results: MarginResult[]
  /** House liquidity and concentration add-ons (§5.9), beside the methods and never inside them. */
  addOns: MarginResult<'add-ons'> | null
  /** What the group lacks, said plainly (a Derive group whose market has no Derive feeds). */
  notes: string[]
}

export interface BookMargin {
  accounts: MarginGroup[]
  health: PoolHealth[]
  /** Positions no method can margin, with the reason. */
  notCovered: { account: string; symbol: string; reason: string }[]
}

export interface MarginOptions {
  /** Methods to compute (default: every method). */
  methods?: readonly MarginMethod[]
  /** A user parameter document (see margin-params.ts) overriding the default sets. */
  params?: unknown
  /** Source named in parameter errors (a file name). */
  paramsSource?: string
  /** Collateral per account; health is computed when given. */
  balances?: readonly AccountBalance[]
  /** Root-bracket liquidation prices (a margin run per step: skip for batch or bench work). */
  liquidation?: boolean
  /** Compute the house add-ons per group (default true). */
  addOns?: boolean
}

/**
 * A position's margin view; throws an UnresolvedPositionError with the reason when it cannot be
 * priced (engine/positions/resolve-position.ts): a contract past its expiry is settled (or awaits
 * its settlement price), never margined as alive.
 */
export function toMarginPosition(i: Instrument, sizeContracts: number, view: MarketView): MarginPosition {
  return marginPositionOf(requireResolved(i, sizeContracts, view), view)
}

/** The margin view of a resolved position: its inputs, plus its mark's spread and (options) coin price. */
export function marginPositionOf(r: ResolvedPosition, view: MarketView): MarginPosition {
  const i = r.instrument
  const price = r.forwardUsd
  const mark = view.snapshot.marks[instrumentKey(i.venue, i.symbol)]
  // Coin-quoted marks (inverse options) are coin per coin: × the underlying price gives USD per coin.
  const toUsd = mark && isCoinCurrency(mark.currency) ? price : 1
  const halfSpreadUsd = mark?.bid !== undefined && mark.ask !== undefined ? ((mark.ask - mark.bid) / 2) * toUsd : null
  // One literal per kind, fields in one order (no spread: 10,000 positions per book).
  if (i.kind !== 'option') {
    const kind = i.kind === 'future' ? 'future' : i.kind === 'perpetual' ? 'perpetual' : 'spot'
    return { underlying: i.underlying, inverse: r.inverse, sizeCoin: r.sizeCoin, priceUsd: price, indexUsd: r.indexUsd, halfSpreadUsd, kind, expiryMs: i.expiryMs, strikeUsd: 0, vol: 0, optionType: null, markCoin: 0 }
  }
  const markCoin = mark ? (isCoinCurrency(mark.currency) ? mark.price : mark.price / price) : 0
  return { underlying: i.underlying, inverse: r.inverse, sizeCoin: r.sizeCoin, priceUsd: price, indexUsd: r.indexUsd, halfSpreadUsd, kind: 'option', expiryMs: i.expiryMs, strikeUsd: i.strikeUsd!, vol: r.vol!, optionType: i.optionType!, markCoin }
}

/** A margining group before its methods run: its held positions and their margin view. */
export interface GroupDraft {
  account: string
  venue: string
  currency: string
  riskUnit: string | null
  pool: string
  held: HeldPosition[]
  positions: MarginPosition[]
  /** Each held position's inputs as resolvePosition gave them (health values the positions from them). */
  resolved: ResolvedPosition[]
}

/**
 * Revaluations shared between the groups of one bookMargin call (the same option held in several
 * accounts is revalued once): the PM replica's and SPAN's per-coin option records, per account
 * currency (engine/margin/margin-position.ts OptionUnitShare). The results are the same numbers.
 */
export interface GroupShares {
  pmUnits: Map<string, OptionUnitShare>
  spanUnits: Map<string, OptionUnitShare>
}

export const groupShares = (): GroupShares => ({ pmUnits: new Map(), spanUnits: new Map() })

/** The share of one method and account currency, created on first use; undefined without shares. */
function shareOf(shares: Map<string, OptionUnitShare> | undefined, currency: string): OptionUnitShare | undefined {
  if (!shares) return undefined
  let share = shares.get(currency)
  if (!share) shares.set(currency, (share = new Map()))
  return share
}

/** The models of one group for the requested methods. */
export function groupModels(g: Pick<GroupDraft, 'venue' | 'currency' | 'riskUnit' | 'positions'>, view: MarketView, sets: MarginParamSets, methods: readonly MarginMethod[], shares?: GroupShares): MarginModel<MarginMethod>[] {
  const asOfMs = view.snapshot.asOfMs
  const marketId = view.snapshot.id
  const want = (m: MarginMethod): boolean => methods.includes(m)
  const models: MarginModel<MarginMethod>[] = []
  // Each position carries its underlying's index: a moved market (the liquidation search moves the
  // positions, not the view) re-centres SPAN's and OKX's index-based charges with it.
  const indexUsd = Object.fromEntries([...view.curves].map(([u, c]) => [u, c.indexUsd]))
  for (const p of g.positions) indexUsd[p.underlying] = p.indexUsd
  if (g.venue === 'deribit') {
    const pm = sets.deribitPm.currencies[g.currency]
    if (want('standard')) models.push(standardModel({ currency: g.currency, coinAccount: isCoinCurrency(g.currency), params: sets.standard, marketId }))
    if (want('span')) models.push(spanModel(g.positions, { currency: g.currency, asOfMs, params: sets.span, marketId, indexUsd, unitShare: shareOf(shares?.spanUnits, g.currency) }))
    if (pm) {
      // The PM replica and the Greeks method revalue each position on the same grid: once, shared.
      const gridShare = want('deribit-pm') && want('greeks') ? new Map<MarginPosition, Float64Array>() : undefined
      const ctx = { currency: g.currency, asOfMs, params: pm, paramsId: sets.deribitPm.id, marketId, gridShare, unitShare: shareOf(shares?.pmUnits, g.currency) }
      if (want('deribit-pm')) models.push(deribitPmModel(g.positions, ctx))
      if (want('greeks')) models.push(greeksModel(ctx))
    }
    return models
  }
  if (want('span')) models.push(spanModel(g.positions, { currency: 'USD', asOfMs, params: sets.span, marketId, indexUsd, unitShare: shareOf(shares?.spanUnits, 'USD') }))
  if (g.venue === 'okx' && want('okx-pm') && g.riskUnit) models.push(okxPmModel(g.positions, { underlying: g.riskUnit, indexUsd: indexUsd[g.riskUnit]!, asOfMs, params: sets.okxPm, marketId }))
  if (g.venue === 'derive' && want('derive-pm') && g.riskUnit) {
    // Derive's replica needs the venue's own feeds (forward, rate, SVI per expiry): without them the
    // group has the house methods only, and deriveFeedGap says why (MarginGroup.notes).
    const feeds = view.snapshot.deriveFeeds?.[g.riskUnit]
    if (feeds && missingDeriveFeeds(g.positions, feeds).length === 0) {
      const set = shippedDeriveParams()
      models.push(deriveModel(g.positions, { underlying: g.riskUnit, asOfMs, snapshotIndexUsd: view.curves.get(g.riskUnit)?.indexUsd ?? g.positions[0]!.indexUsd, feeds, params: set.params, paramsId: set.id, marketId }))
    }
  }
  return models
}

/** Why a Derive group has no Derive replica result (the market lacks the venue's feeds); null when it has one or is not Derive's. */
export function deriveFeedGap(g: Pick<GroupDraft, 'venue' | 'riskUnit' | 'positions'>, view: MarketView): string | null {
  if (g.venue !== 'derive' || !g.riskUnit) return null
  const feeds = view.snapshot.deriveFeeds?.[g.riskUnit]
  if (!feeds) return `Derive PM not computed for ${g.riskUnit}: market ${view.snapshot.id} has no Derive feeds (forward, rate and SVI per expiry) for it; the house methods margin it`
  const missing = missingDeriveFeeds(g.positions, feeds)
  if (!missing.length) return null
  return `Derive PM not computed for ${g.riskUnit}: market ${view.snapshot.id} has no Derive feed for the expiries ${missing.map((ms) => new Date(ms).toISOString().replace('.000Z', 'Z')).join(', ')}; the house methods margin it`
}

/** The house add-ons of one group, in the group's currency. */
export function groupAddOnsModel(g: Pick<GroupDraft, 'currency' | 'positions'>, view: MarketView, sets: MarginParamSets): MarginModel<'add-ons'> {
  const curve = view.curves.get(g.currency)
  if (!isUsdLike(g.currency) && !curve) throw new RangeError(`add-ons: no index for ${g.currency} in market snapshot ${view.snapshot.id}`)
  const currencyUsd = isUsdLike(g.currency) ? 1 : curve!.indexUsd
  return addOnsModel(g.positions, { currency: g.currency, currencyUsd, asOfMs: view.snapshot.asOfMs, params: sets.addOns, marketId: view.snapshot.id })
}

/** Split held positions into margining groups; unpriceable ones go to notCovered with the reason. */
export function marginGroups(held: readonly HeldPosition[], view: MarketView, notCovered: BookMargin['notCovered']): GroupDraft[] {
  const groups = new Map<string, GroupDraft>()
  for (const p of held) {
    const r = resolvePosition(p.instrument, p.sizeContracts, view)
    if (!r.ok) {
      notCovered.push({ account: p.accountName, symbol: p.instrument.symbol, reason: r.message })
      continue
    }
    const i = r.instrument
    const pos = marginPositionOf(r, view)
    const deribit = p.venue === 'deribit'
    const currency = deribit ? i.settleCurrency : 'USD'
    const riskUnit = deribit ? null : i.underlying
    const key = `${p.accountName}\u0000${currency}\u0000${riskUnit ?? ''}`
    const g = groups.get(key) ?? { account: p.accountName, venue: p.venue, currency, riskUnit, pool: `${p.accountName} · ${currency}`, held: [], positions: [], resolved: [] }
    g.held.push(p)
    g.positions.push(pos)
    g.resolved.push(r)
    groups.set(key, g)
  }
  return [...groups.values()]
}

export function bookMargin(held: readonly HeldPosition[], view: MarketView, options: MarginOptions = {}): BookMargin {
  const sets = marginParamSets(options.params, options.paramsSource)
  const methods = options.methods ?? ALL_METHODS
  const notCovered: BookMargin['notCovered'] = []
  const drafts = marginGroups(held, view, notCovered)
  const accounts: MarginGroup[] = []
  const shares = groupShares()
  for (const g of drafts) {
    const results = groupModels(g, view, sets, methods, shares).map((m) => modelResult(buildModelState(m, g.positions)))
    if (!results.length) continue
    const addOns = options.addOns === false ? null : modelResult(buildModelState(groupAddOnsModel(g, view, sets), g.positions))
    const gap = methods.includes('derive-pm') ? deriveFeedGap(g, view) : null
    accounts.push({ account: g.account, venue: g.venue, currency: g.currency, riskUnit: g.riskUnit, pool: g.pool, positionIds: g.held.map((h) => h.positionId), symbols: g.held.map((h) => h.instrument.symbol), results, addOns, notes: gap ? [gap] : [] })
  }
  const health = options.balances ? accountHealth(drafts, accounts, view, sets, options.balances, options.liquidation !== false) : []
  return { accounts, health, notCovered }
}

export interface ScenarioDrill {
  account: string
  currency: string
  riskUnit: string | null
  method: MarginMethod
  scenarioIndex: number
  label: string
  positions: { positionId: number; symbol: string; pnl: number }[]
}

/**
 * Each position's P&L in one scenario of one group's method (drill-through from a risk-array cell):
 * the group's records, read at the scenario's column. Groups are named as in BookMargin.accounts.
 */
export function scenarioDrill(held: readonly HeldPosition[], view: MarketView, q: { account: string; currency: string; riskUnit: string | null; method: MarginMethod; scenarioIndex: number }, options: MarginOptions = {}): ScenarioDrill {
  const sets = marginParamSets(options.params, options.paramsSource)
  const g = marginGroups(held, view, []).find((d) => d.account === q.account && d.currency === q.currency && d.riskUnit === q.riskUnit)
  if (!g) throw new RangeError(`no margin group ${q.account} · ${q.currency}${q.riskUnit ? ` · ${q.riskUnit}` : ''} in this book`)
  const model = groupModels(g, view, sets, [q.method])[0]
  if (!model) throw new RangeError(`${q.method} does not margin ${q.account} · ${q.currency}`)
  if (!(q.scenarioIndex >= 0 && q.scenarioIndex < model.scenarioLabels.length)) throw new RangeError(`${q.method} has ${model.scenarioLabels.length} scenarios; ${q.scenarioIndex} is not one of them`)
  const state = buildModelState(model, g.positions)
  return {
    ...q,
    label: model.scenarioLabels[q.scenarioIndex]!,
    positions: ((pnl) => g.held.map((h, r) => ({ positionId: h.positionId, symbol: h.instrument.symbol, pnl: pnl[r]! })))(positionScenarioPnl(state, q.scenarioIndex))
  }
}
