/**
 * Account health per margin pool (docs/METHODOLOGY.md §5.11): equity (collateral with
 * haircuts + the positions' value: option values and futures' unrealised P&L), the venue method's
 * IM and MM, utilisation, thresholds, and per underlying the liquidation price: the move at which
 * equity = MM under full revaluation, with MM itself recomputed at the moved market (the scenario
 * grid re-centres), found by bracketing on a move ladder, then bisection.
 */
import type { AccountBalance } from '../book/balances-repository'
import type { MarketView } from '../engine/market/market-view'
import { isCoinCurrency, isUsdLike } from '../engine/market/currency'
import { pnlCoinFrom, pnlInFrom, positionBase, type MarginPosition, type PositionBase } from '../engine/margin/margin-position'
import type { MarginMethod } from '../engine/margin/margin-result'
import { isPriced } from '../engine/instruments/instrument'
import { valuePosition } from '../engine/valuation/position-valuation'
import type { MarginParamSets } from './margin-params'
import { groupModels, type GroupDraft, type MarginGroup } from './margin-service'

export interface LiquidationPoint {
  underlying: string
  indexUsd: number
  /** Nearest index level below / above today's at which equity = MM; null when none within the ladder. */
  downUsd: number | null
  upUsd: number | null
  /** Signed distance to the nearer one, % of the index; null when neither exists. */
  distancePct: number | null
}

export interface PoolHealth {
  pool: string
  account: string
  venue: string
  currency: string
  method: MarginMethod
  collateral: number
  positionsValue: number
  equity: number
  initialMargin: number
  maintenanceMargin: number
  /** IM / equity and MM / equity (1 = 100 %); Infinity when equity ≤ 0 and margin is due. */
  imUtilisation: number
  mmUtilisation: number
  status: 'ok' | 'warning' | 'margin call' | 'liquidation'
  /** The same figures under every method that margins all of the pool's groups (the dashboard's selector). */
  byMethod: MethodHealth[]
  liquidation: LiquidationPoint[]
  notes: string[]
}

/** One method's requirement against the pool's equity. */
export interface MethodHealth {
  method: MarginMethod
  initialMargin: number
  maintenanceMargin: number
  imUtilisation: number
  mmUtilisation: number
  status: PoolHealth['status']
}

/** Warning from 80 % of equity used by IM; margin call above 100 % IM; liquidation at MM ≥ equity. */
export const UTILISATION_WARNING = 0.8

const poolMethod = (venue: string): MarginMethod => (venue === 'deribit' ? 'deribit-pm' : venue === 'okx' ? 'okx-pm' : 'span')

function methodHealth(method: MarginMethod, im: number, mm: number, equity: number): MethodHealth {
  const ratio = (x: number): number => (equity > 0 ? x / equity : x > 0 ? Infinity : 0)
  const imU = ratio(im)
  const mmU = ratio(mm)
  const status = mmU >= 1 ? 'liquidation' : imU > 1 ? 'margin call' : imU >= UTILISATION_WARNING ? 'warning' : 'ok'
  return { method, initialMargin: im, maintenanceMargin: mm, imUtilisation: imU, mmUtilisation: mmU, status }
}

const LADDER_DOWN = [-0.01, -0.02, -0.05, -0.1, -0.15, -0.2, -0.3, -0.4, -0.5, -0.6, -0.7, -0.8, -0.9, -0.95]
const LADDER_UP = [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5]

export function accountHealth(drafts: readonly GroupDraft[], groups: readonly MarginGroup[], view: MarketView, sets: MarginParamSets, balances: readonly AccountBalance[], withLiquidation: boolean): PoolHealth[] {
  const pools = new Map<string, GroupDraft[]>()
  for (const d of drafts) pools.set(d.pool, [...(pools.get(d.pool) ?? []), d])
  const out: PoolHealth[] = []
  for (const [pool, members] of pools) {
    const { account, venue, currency } = members[0]!
    const poolGroups = groups.filter((g) => g.pool === pool)
    const methods = [...new Set(poolGroups.flatMap((g) => g.results.map((r) => r.method)))].filter((m) => poolGroups.every((g) => g.results.some((r) => r.method === m)))
    // The venue's own method leads (liquidation is searched under it); else the first one computed.
    const method = methods.includes(poolMethod(venue)) ? poolMethod(venue) : methods[0]
    if (!method) continue
    const notes: string[] = []
    const coinPool = isCoinCurrency(currency)
    const usdOf = (ccy: string): number | null => (isUsdLike(ccy) ? 1 : (view.curves.get(ccy.toUpperCase())?.indexUsd ?? null))
    let collateral = 0
    const coinCollateral = new Map<string, number>()
    let unsettled = 0
    for (const b of balances.filter((x) => x.accountName === account)) {
      if (coinPool) {
        if (b.currency === currency) {
          collateral += b.amount
          unsettled += b.unsettledPnl ?? 0
        }
        continue
      }
      // Futures P&L realised in the session and booked to cash at the next settlement: equity, no haircut.
      if (b.unsettledPnl) {
        const rate = usdOf(b.currency)
        if (rate === null) notes.push(`${b.currency} unsettled futures P&L not counted: no ${b.currency} index in the market snapshot`)
        else unsettled += b.unsettledPnl * rate
      }
      const usd = usdOf(b.currency)
      if (usd === null) {
        notes.push(`${b.currency} balance not counted: no ${b.currency} index in the market snapshot`)
        continue
      }
      // A haircut discounts what a coin is worth as collateral; a coin the account owes (a negative
      // balance) is a debt in full, never discounted (else paying from it would raise equity).
      const haircut = b.amount > 0 ? (sets.collateral.haircuts[b.currency] ?? sets.collateral.otherHaircut) : 0
      collateral += b.amount * usd * (1 - haircut)
      if (!isUsdLike(b.currency)) coinCollateral.set(b.currency, (coinCollateral.get(b.currency) ?? 0) + b.amount * (1 - haircut))
    }
    let positionsValue = unsettled
    if (unsettled !== 0) notes.push(`includes ${unsettled.toPrecision(6)} ${coinPool ? currency : 'USD'} of futures P&L realised since the last settlement (booked to cash at the venue's next settlement)`)
    // Coin value of each coin-settled position of a USD pool: the liquidation search revalues it at the moved coin price.
    const coinValues = new Map<MarginPosition, number>()
    for (const d of members) {
      d.held.forEach((h, r) => {
        if (!isPriced(h.instrument)) return
        // Settled futures P&L is in the cash already: the position adds only what runs from its session price.
        const v = valuePosition(h.instrument, h.sizeContracts, h.sessionPrice ?? h.avgPrice, view)
        positionsValue += coinPool ? v.valueSettle : v.valueUsd
        if (!coinPool && d.positions[r]!.inverse) coinValues.set(d.positions[r]!, v.valueSettle)
      })
    }
    const equity = collateral + positionsValue
    const byMethod = methods.map((m) => {
      const results = poolGroups.map((g) => g.results.find((r) => r.method === m)!)
      return methodHealth(m, results.reduce((a, r) => a + r.initialMargin, 0), results.reduce((a, r) => a + r.maintenanceMargin, 0), equity)
    })
    const own = byMethod.find((b) => b.method === method)!
    const underlyings = [...new Set(members.flatMap((d) => d.positions.map((p) => p.underlying)))].sort()
    const liquidation = withLiquidation
      ? underlyings.map((u) => liquidationPoint(u, members, view, sets, method, equity, coinPool, coinCollateral.get(u) ?? 0, coinValues))
      : []
    out.push({ pool, account, venue, collateral, positionsValue, equity, currency, ...own, byMethod, liquidation, notes })
  }
  return out
}

/**
 * The group's MM under one method: modelResult(buildModelState(…)).maintenanceMargin without the
 * positions × width record matrix (the search asks this ~40 times per pool). Each record is added
 * into the total as it is written, position by position, which is totalOf's order: the same sum.
 */
const maintenanceOf = (d: GroupDraft, positions: MarginPosition[], view: MarketView, sets: MarginParamSets, method: MarginMethod): number => {
  const model = groupModels({ ...d, positions }, view, sets, [method])[0]
  if (!model) return 0
  const w = model.width
  const total = new Float64Array(w)
  const row = new Float64Array(w)
  for (const p of positions) {
    row.fill(0)
    model.record(p, row, 0)
    for (let j = 0; j < w; j++) total[j]! += row[j]!
  }
  return model.evaluate(total, 0).maintenanceMargin
}

/**
 * equity(m) − MM(m) for a relative move m of one underlying, everything else held. Only the groups
 * holding that underlying are revalued; `otherMm` is the rest of the pool's MM, which the move
 * cannot change.
 */
function cushion(u: string, m: number, moving: readonly GroupDraft[], otherMm: number, view: MarketView, sets: MarginParamSets, method: MarginMethod, equity0: number, coinPool: boolean, coinCollateral: number, coinValues: ReadonlyMap<MarginPosition, number>, bases: Map<MarginPosition, PositionBase>, scratch: Map<MarginPosition, MarginPosition>): number {
  const asOfMs = view.snapshot.asOfMs
  let equity = equity0
  let mm = otherMm
  for (const d of moving) {
    const moved = d.positions.map((p) => {
      if (p.underlying !== u) return p
      // Today's value of each position is the same at every step of the search: computed once (bases).
      let base = bases.get(p)
      if (!base) bases.set(p, (base = positionBase(p, asOfMs)))
      if (coinPool || !p.inverse) equity += pnlInFrom(coinPool, p, base, m, p.vol, 0)
      else {
        // A coin-settled position in a USD pool is worth its coin value at the coin's index, and both
        // move: the coin it already holds (unrealised P&L, option value) is revalued too.
        const coin0 = coinValues.get(p) ?? 0
        equity += (coin0 + pnlCoinFrom(p, base, m, p.vol, 0)) * p.indexUsd * (1 + m) - coin0 * p.indexUsd
      }
      // Inverse futures and perpetuals are USD contracts: their coin size is N/F, so it shrinks as F rises.
      const sizeCoin = p.inverse && p.kind !== 'option' ? p.sizeCoin / (1 + m) : p.sizeCoin
      // One private copy per position for the whole search, moved in place at each step: the
      // margin models read it during maintenanceOf only and keep nothing.
      let q = scratch.get(p)
      if (!q) scratch.set(p, (q = { ...p }))
      q.sizeCoin = sizeCoin
      q.priceUsd = p.priceUsd * (1 + m)
      q.indexUsd = p.indexUsd * (1 + m)
      return q
    })
    mm += maintenanceOf(d, moved, view, sets, method)
  }
  if (!coinPool) equity += coinCollateral * (view.curves.get(u)?.indexUsd ?? 0) * m
  return equity - mm
}

function liquidationPoint(u: string, members: readonly GroupDraft[], view: MarketView, sets: MarginParamSets, method: MarginMethod, equity0: number, coinPool: boolean, coinCollateral: number, coinValues: ReadonlyMap<MarginPosition, number>): LiquidationPoint {
  const indexUsd = view.curves.get(u)!.indexUsd
  const moving = members.filter((d) => d.positions.some((p) => p.underlying === u))
  const otherMm = members.filter((d) => !moving.includes(d)).reduce((a, d) => a + maintenanceOf(d, d.positions, view, sets, method), 0)
  const bases = new Map<MarginPosition, PositionBase>()
  const scratch = new Map<MarginPosition, MarginPosition>()
  const f = (m: number): number => cushion(u, m, moving, otherMm, view, sets, method, equity0, coinPool, coinCollateral, coinValues, bases, scratch)
  const f0 = f(0)
  const find = (ladder: number[]): number | null => {
    if (f0 <= 0) return 0
    let lo = 0
    for (const hi of ladder) {
      const fhi = f(hi)
      if (fhi <= 0) {
        // Bisection to 1e-7 of the move: root-bracketed, so it cannot miss or run away.
        let a = lo
        let b = hi
        for (let k = 0; k < 60 && Math.abs(b - a) > 1e-7; k++) {
          const mid = (a + b) / 2
          if (f(mid) > 0) a = mid
          else b = mid
        }
        return (a + b) / 2
      }
      lo = hi
    }
    return null
  }
  const down = find(LADDER_DOWN)
  const up = find(LADDER_UP)
  const nearer = [down, up].filter((x): x is number => x !== null).sort((a, b) => Math.abs(a) - Math.abs(b))[0]
  return {
    underlying: u,
    indexUsd,
    downUsd: down === null ? null : indexUsd * (1 + down),
    upUsd: up === null ? null : indexUsd * (1 + up),
    distancePct: nearer === undefined ? null : nearer * 100
  }
}
