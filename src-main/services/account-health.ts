/**
 * Account health per margin pool (docs/METHODOLOGY.md §5.11): equity (collateral with
 * haircuts + the positions' value: option values and futures' unrealised P&L), the venue method's
 * IM and MM, utilisation, thresholds, and per underlying the liquidation price: the move at which
 * equity = MM under full revaluation, with MM itself recomputed at the moved market (the scenario
 * grid re-centres). Every band of moves where equity ≤ MM is found, not only the first crossing: a
 * book with options can dip below MM and recover (engine/margin/liquidation-scan.ts).
 */
import type { AccountBalance } from '../book/balances-repository'
import type { MarketView } from '../engine/market/market-view'
import { isCoinCurrency, isUsdLike } from '../engine/market/currency'
import { pnlCoinFrom, pnlInAtValue, pnlInFrom, positionBase, type MarginPosition, type PositionBase } from '../engine/margin/margin-position'
import { movedPmBook, movedUnitShare, type MovedPmBook, type MovedUnitShare } from '../engine/margin/pm-moved-book'
import type { MarginMethod } from '../engine/margin/margin-result'
import { scanLiquidation, type CushionBand } from '../engine/margin/liquidation-scan'
import { liquidationFeatures, type LiquidationFeatures } from '../engine/margin/liquidation-features'
import { pmStandardMoves } from '../engine/margin/deribit-pm'
import { isPriced } from '../engine/instruments/instrument'
import { valueResolved } from '../engine/valuation/position-valuation'
import type { MarginParamSets } from './margin-params'
import { groupModels, type GroupDraft, type MarginGroup } from './margin-service'

export interface LiquidationPoint {
  underlying: string
  indexUsd: number
  /** Nearest index level below / above today's at which equity = MM; null when none within the search (−95 % … +500 %). */
  downUsd: number | null
  upUsd: number | null
  /** Signed distance to the nearer one, % of the index; null when neither exists. */
  distancePct: number | null
  /**
   * Every band of index levels below today's where equity ≤ MM, nearest first: fromUsd where it
   * starts (the nearer end), toUsd where the cushion returns (null: it runs beyond −95 %). Empty
   * when none, and when equity ≤ MM today (downUsd = upUsd = indexUsd then). The search always
   * fills the three fields below; they are optional only so the frozen pre-issue-21 margin code
   * (src-main/bench/margin-reference/, the bench's baseline) still has this type.
   */
  bandsDown?: LiquidationBand[]
  /** The same above today's index (toUsd null: beyond +500 %). */
  bandsUp?: LiquidationBand[]
  /** The scan's finest step, % of the index: a band narrower than it can be missed (ours; docs/METHODOLOGY.md §5.11). */
  scanStepPct?: number
}

export interface LiquidationBand {
  fromUsd: number
  toUsd: number | null
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

/** The venue's own method (Derive: its PMRM_2 replica, docs/METHODOLOGY.md §5.4a); SPAN-style for any other venue. */
const poolMethod = (venue: string): MarginMethod => (venue === 'deribit' ? 'deribit-pm' : venue === 'okx' ? 'okx-pm' : venue === 'derive' ? 'derive-pm' : 'span')

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
  // Liquidation searches run once every pool is set up: options several of them move are then
  // revalued once per ladder step (shareLadderRevaluations).
  const pending: { health: PoolHealth; searches: LiquidationSearch[] }[] = []
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
        // valuePosition(h.instrument, h.sizeContracts, …) from the inputs marginGroups resolved already.
        const v = valueResolved(d.resolved[r]!, h.sessionPrice ?? h.avgPrice, view)
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
    // Each group's MM under the method, as its result has it; a group with no result has no model
    // for any method asked, so none for this one: maintenanceOf would give 0.
    const mmOf = (d: GroupDraft): number => poolGroups.find((g) => g.account === d.account && g.currency === d.currency && g.riskUnit === d.riskUnit)?.results.find((r) => r.method === method)?.maintenanceMargin ?? 0
    const health: PoolHealth = { pool, account, venue, collateral, positionsValue, equity, currency, ...own, byMethod, liquidation: [], notes }
    if (withLiquidation) pending.push({ health, searches: underlyings.map((u) => liquidationSearch(u, members, view, sets, method, equity, coinPool, coinCollateral.get(u) ?? 0, coinValues, mmOf)) })
    out.push(health)
  }
  shareLadderRevaluations(pending.flatMap((p) => p.searches))
  for (const { health, searches } of pending) health.liquidation = searches.map((s) => s.run())
  return out
}

/**
 * Options several searches move (the same option in pools of one settlement currency, each
 * searched on the same ladder): their per-coin PM revaluation at each ladder step is computed by
 * the first search and read by the others (engine/margin/pm-moved-book.ts movedUnitShare). Only
 * searches that leave m = 0 (a positive cushion there) walk the ladder.
 */
function shareLadderRevaluations(searches: readonly LiquidationSearch[]): void {
  const walking = searches.filter((s) => !(s.f0 <= 0))
  const key = (p: MarginPosition): string => `${p.underlying}\u0000${p.strikeUsd}\u0000${p.expiryMs}\u0000${p.optionType}\u0000${p.priceUsd}\u0000${p.vol}`
  const held = new Map<string, Map<string, number>>()
  for (const s of walking)
    s.books.forEach(({ currency, book, positions }) => {
      if (!book) return
      let counts = held.get(currency)
      if (!counts) held.set(currency, (counts = new Map()))
      for (const p of positions) if (p.kind === 'option' && p.underlying === s.u) counts.set(key(p), (counts.get(key(p)) ?? 0) + 1)
    })
  const shares = new Map<string, MovedUnitShare>()
  for (const s of walking)
    s.books.forEach(({ currency, book }) => {
      const counts = held.get(currency)!
      if (!book || ![...counts.values()].some((c) => c > 1)) return
      let share = shares.get(currency)
      if (!share) shares.set(currency, (share = movedUnitShare([...LADDER_DOWN, ...LADDER_UP])))
      book.shareWith(share, (p) => (counts.get(key(p)) ?? 0) > 1)
    })
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
 * A moving group under the Deribit PM replica: its record sum at each move from movedPmBook
 * (engine/margin/pm-moved-book.ts), the sum maintenanceOf would add, with what no move changes
 * computed once for the whole search. Null for other methods and venues (maintenanceOf then).
 */
function movedBookOf(d: GroupDraft, u: string, view: MarketView, sets: MarginParamSets, method: MarginMethod): MovedPmBook | null {
  if (method !== 'deribit-pm' || d.venue !== 'deribit') return null
  const pm = sets.deribitPm.currencies[d.currency]
  // groupModels builds no PM model without the currency's parameters: maintenanceOf gives 0.
  if (!pm) return null
  return movedPmBook(d.positions, u, { currency: d.currency, asOfMs: view.snapshot.asOfMs, params: pm, paramsId: sets.deribitPm.id, marketId: view.snapshot.id })
}

interface Search {
  u: string
  moving: readonly GroupDraft[]
  /** Per moving group, its PM book (null: revalued through maintenanceOf). */
  books: readonly (MovedPmBook | null)[]
  otherMm: number
  view: MarketView
  sets: MarginParamSets
  method: MarginMethod
  equity0: number
  coinPool: boolean
  coinCollateral: number
  coinValues: ReadonlyMap<MarginPosition, number>
  /** Today's value of each position (per moving group, by row), the same at every step of the search: computed once. */
  bases: (PositionBase | undefined)[][]
  /** One private copy per position for the whole search, moved in place at each step. */
  scratch: Map<MarginPosition, MarginPosition>
  /** Per moving group, its worst standard PM scenario at the last full revaluation (−1: none). */
  lastWorst: number[]
  /** Per moving group, the worst standard scenarios seen where the cushion was ≤ 0: the lower cushion's scenarios. */
  rootWorst: Set<number>[]
}

/**
 * equity(m) − MM(m) for a relative move m of one underlying, everything else held. Only the groups
 * holding that underlying are revalued; `otherMm` is the rest of the pool's MM, which the move
 * cannot change. `mmAtMove`, when given, is the pool's MM at this move already known (m = 0: the
 * methods' own results), summed as the revaluation would sum it. `lower`: each PM group's MM from
 * MovedPmBook.lowerTotalAt on its rootWorst scenarios, a lower bound, so the cushion returned is at
 * least the true one (the equity is the same).
 */
function cushion(s: Search, m: number, mmAtMove?: number, lower = false): number {
  const { u, view, coinPool, coinValues, bases, scratch } = s
  const asOfMs = view.snapshot.asOfMs
  let equity = s.equity0
  let mm = s.otherMm
  s.moving.forEach((d, g) => {
    const book = mmAtMove === undefined ? s.books[g] : null
    const total = !book ? null : lower ? book.lowerTotalAt(m, [...s.rootWorst[g]!]) : book.totalAt(m)
    if (book && !lower) s.lastWorst[g] = book.standardWorstIndex(total!)
    const moved: MarginPosition[] | null = book || mmAtMove !== undefined ? null : []
    d.positions.forEach((p, r) => {
      if (p.underlying !== u) {
        moved?.push(p)
        return
      }
      let base = bases[g]![r]
      if (!base) bases[g]![r] = base = positionBase(p, asOfMs)
      // The PM book revalued the position at the moved price already (its record's base): the
      // equity's revaluation is that same value.
      if (coinPool || !p.inverse) equity += book ? pnlInAtValue(coinPool, p, base, m, book.valueUsd[r]!) : pnlInFrom(coinPool, p, base, m, p.vol, 0)
      else {
        // A coin-settled position in a USD pool is worth its coin value at the coin's index, and both
        // move: the coin it already holds (unrealised P&L, option value) is revalued too.
        const coin0 = coinValues.get(p) ?? 0
        const pnlCoin = book ? pnlInAtValue(true, p, base, m, book.valueUsd[r]!) : pnlCoinFrom(p, base, m, p.vol, 0)
        equity += (coin0 + pnlCoin) * p.indexUsd * (1 + m) - coin0 * p.indexUsd
      }
      if (!moved) return
      // Inverse futures and perpetuals are USD contracts: their coin size is N/F, so it shrinks as F rises.
      const sizeCoin = p.inverse && p.kind !== 'option' ? p.sizeCoin / (1 + m) : p.sizeCoin
      // The margin models read the moved copy during maintenanceOf only and keep nothing.
      let q = scratch.get(p)
      if (!q) scratch.set(p, (q = { ...p }))
      q.sizeCoin = sizeCoin
      q.priceUsd = p.priceUsd * (1 + m)
      q.indexUsd = p.indexUsd * (1 + m)
      moved.push(q)
    })
    if (mmAtMove !== undefined) return
    mm += book ? book.model.evaluate(total!, 0).maintenanceMargin : maintenanceOf(d, moved!, view, s.sets, s.method)
  })
  if (mmAtMove !== undefined) mm = mmAtMove
  if (!coinPool) equity += s.coinCollateral * (view.curves.get(u)?.indexUsd ?? 0) * m
  return equity - mm
}

/**
 * The liquidation prices of one underlying. `mmOf` gives a group's MM under the method as its
 * result has it (0 when the group has none): at m = 0 the moved book is the book itself, so
 * that is what the revaluation would find.
 */
interface LiquidationSearch {
  u: string
  /** The cushion at m = 0. */
  f0: number
  /** Each moving group's PM book (null: maintenanceOf), with its currency and positions. */
  books: { currency: string; book: MovedPmBook | null; positions: readonly MarginPosition[] }[]
  run(): LiquidationPoint
}

function liquidationSearch(u: string, members: readonly GroupDraft[], view: MarketView, sets: MarginParamSets, method: MarginMethod, equity0: number, coinPool: boolean, coinCollateral: number, coinValues: ReadonlyMap<MarginPosition, number>, mmOf: (d: GroupDraft) => number): LiquidationSearch {
  const indexUsd = view.curves.get(u)!.indexUsd
  const moving = members.filter((d) => d.positions.some((p) => p.underlying === u))
  // The groups the move leaves alone keep their MM: maintenanceOf(d, d.positions) is their result's.
  const otherMm = members.filter((d) => !moving.includes(d)).reduce((a, d) => a + mmOf(d), 0)
  const books = moving.map((d) => movedBookOf(d, u, view, sets, method))
  const search: Search = { u, moving, books, otherMm, view, sets, method, equity0, coinPool, coinCollateral, coinValues, bases: moving.map(() => []), scratch: new Map(), lastWorst: moving.map(() => -1), rootWorst: moving.map(() => new Set()) }
  const f = (m: number): number => {
    const c = cushion(search, m)
    // Where the cushion is gone, the worst scenarios are those lowerCushion bounds the margin with.
    if (c <= 0) search.lastWorst.forEach((i, g) => i >= 0 && search.rootWorst[g]!.add(i))
    return c
  }
  /**
   * An upper bound of f(m) without the full revaluation: the cushion with each PM group's margin
   * bounded from below (MovedPmBook.lowerTotalAt: a few of the grid's scenarios, the roll and delta
   * shocks exact) is at least f(m), so when it is ≤ 0 so is f(m), and the bisection takes the same
   * step. Null when it cannot tell (no gone point seen yet) or a moving group is not under the PM replica.
   */
  const cushionUpperBound = (m: number): number | null => (books.every((b) => b !== null) && search.rootWorst.some((w) => w.size > 0) ? cushion(search, m, undefined, true) : null)
  // At m = 0 the moved book is the book (× 1, ÷ 1 change no number): its MM is the results',
  // otherMm + each moving group's in the order the revaluation adds them.
  const f0 = cushion(search, 0, moving.reduce((a, d) => a + mmOf(d), otherMm))
  const scan = scanShape(u, moving, indexUsd, method, sets)
  return { u, f0, books: moving.map((d, g) => ({ currency: d.currency, book: books[g]!, positions: d.positions })), run: () => liquidationPoint(u, indexUsd, f0, f, cushionUpperBound, scan) }
}

/**
 * The scenario grid of methods other than Deribit PM, for the scan's features (ours): ±16 % in
 * steps of 4 %, the Deribit BTC grid's shape; SPAN and OKX PM scan ranges are of that order.
 */
const OTHER_GRID_MOVES = [-0.16, -0.12, -0.08, -0.04, 0, 0.04, 0.08, 0.12, 0.16]

/**
 * The scan's features and fine step for one underlying (engine/margin/liquidation-features.ts):
 * its options' strikes and the method's grid (Deribit PM: the standard and extended moves,
 * pmStandardMoves, and the step range / 4).
 */
function scanShape(u: string, moving: readonly GroupDraft[], indexUsd: number, method: MarginMethod, sets: MarginParamSets): LiquidationFeatures {
  const strikesUsd = moving.flatMap((d) => d.positions.filter((p) => p.underlying === u && p.kind === 'option').map((p) => p.strikeUsd))
  const pm = method === 'deribit-pm' ? moving.map((d) => sets.deribitPm.currencies[d.currency]).filter((p) => p !== undefined) : []
  const gridMoves = pm.length ? [...new Set(pm.flatMap((p) => [...pmStandardMoves(p).map((x) => x.move), ...p.extendedMoves]))] : OTHER_GRID_MOVES
  const gridStep = pm.length ? Math.min(...pm.map((p) => p.range)) / 4 : OTHER_GRID_MOVES[1]! - OTHER_GRID_MOVES[0]!
  return liquidationFeatures({ strikesUsd, indexUsd, gridMoves, gridStep, downTo: LADDER_DOWN[LADDER_DOWN.length - 1]!, upTo: LADDER_UP[LADDER_UP.length - 1]! })
}

/** Every band below MM on each side, nearest first (the scan), with the nearest levels. */
function liquidationPoint(u: string, indexUsd: number, f0: number, f: (m: number) => number, cushionUpperBound: (m: number) => number | null, shape: LiquidationFeatures): LiquidationPoint {
  const scan = scanLiquidation({ cushion: f, today: f0, cushionUpperBound, anchorsDown: LADDER_DOWN, anchorsUp: LADDER_UP, features: shape.features, fineStep: shape.fineStep, slopeAllowance: 0 })
  const down = scan.nearestDown
  const up = scan.nearestUp
  const nearer = [down, up].filter((x): x is number => x !== null).sort((a, b) => Math.abs(a) - Math.abs(b))[0]
  const level = (m: number): number => indexUsd * (1 + m)
  const bands = (list: CushionBand[]): LiquidationBand[] => list.map((b) => ({ fromUsd: level(b.from), toUsd: b.to === null ? null : level(b.to) }))
  return {
    underlying: u,
    indexUsd,
    downUsd: down === null ? null : level(down),
    upUsd: up === null ? null : level(up),
    distancePct: nearer === undefined ? null : nearer * 100,
    bandsDown: bands(scan.down),
    bandsUp: bands(scan.up),
    scanStepPct: shape.fineStep * 100
  }
}
