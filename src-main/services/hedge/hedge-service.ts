/**
 * Margin-minimising hedges for one margining group (docs/METHODOLOGY.md §6):
 * 1. candidates: the liquid instruments of the snapshot the group's venue trades in its currency
 *    (perpetuals, futures, options in an expiry and moneyness window), each with its one-contract
 *    record in the method's model and a cost of half the bid-ask (the quote, else the add-on
 *    parameters' default spread: one spread assumption for the whole app);
 * 2. the LP (engine/hedge/margin-lp.ts), exact for methods with a linear form (the Deribit PM
 *    replica); for other methods it minimises the scenario part and says so;
 * 3. at most `maxLegs` legs (keep the largest, solve again on them), sizes rounded to lots, then a
 *    ±1-lot descent on the method's own IM + cost;
 * 4. the full method recomputed on book + hedge: the true after-margin.
 */
import type { BookDb } from '../../book/database'
import type { HeldPosition } from '../../book/positions-repository'
import type { Instrument } from '../../engine/instruments/instrument'
import type { MarketView } from '../../engine/market/market-view'
import { isCoinCurrency } from '../../engine/market/currency'
import { buildModelState, modelResult, totalOf, type LinearForm, type MarginModel } from '../../engine/margin/additive-model'
import type { MarginMethod } from '../../engine/margin/margin-result'
import type { MarginPosition } from '../../engine/margin/margin-position'
import { hedgedTotal, marginLpText, readMarginLpSolution, type HedgeCandidate, type MarginLp } from '../../engine/hedge/margin-lp'
import { groupModels, marginGroups, toMarginPosition } from '../margin-service'
import { marginParamSets } from '../margin-params'
import { halfSpreadCostUsd, heldBySymbol, hedgeUniverse, inWindow, sellFloor } from './candidates'
import type { CandidateWindow } from './candidates'
import { valuePosition } from '../../engine/valuation/position-valuation'
import { solveLp } from './lp-solver'
import { largestLegs, lotDescent, usedLegs } from './legs'

export interface HedgeRequest extends CandidateWindow {
  account: string
  currency: string
  riskUnit: string | null
  method: MarginMethod
  /**
   * Forbid selling options the group does not already hold short (default true: a hedge that writes
   * new options takes on tail risk the margin method may not see; opt out to allow it).
   */
  noNewShortOptions?: boolean
  /** At most this many legs (default 4). */
  maxLegs?: number
  /** Keep the group's hedged delta (coin of its underlying) in [low, high]. */
  deltaBand?: [number, number]
  /** Size cap per candidate as USD notional (default: twice the group's gross delta notional, at least 100,000 USD). */
  notionalCapUsd?: number
  params?: unknown
  paramsSource?: string
  /** The instruments to draw candidates from (default: every instrument the book file and snapshot can price). */
  universe?: { instrument: Instrument; lotSize: number }[]
}

/** A long solve's cancel signal and progress (phases done of total). */
export interface HedgeRun {
  signal?: AbortSignal
  onProgress?: (done: number, total: number) => void
}

export interface HedgeTrade {
  symbol: string
  kind: Instrument['kind']
  instrument: Instrument
  /** Signed, lot-rounded: buy > 0. */
  contracts: number
  /** Estimated cost (half-spread × size), in the method's currency and USD. */
  cost: number
  costUsd: number
}

export interface HedgeSuggestion {
  method: MarginMethod
  currency: string
  group: string
  /** 'exact': the LP minimises the method itself; 'scenario part': only its scenario maximum. */
  lpScope: 'exact' | 'scenario part'
  candidates: number
  /** Scenarios of the method's grid (standard and extended). */
  scenarios: number
  trades: HedgeTrade[]
  before: { initialMargin: number; maintenanceMargin: number }
  after: { initialMargin: number; maintenanceMargin: number }
  costTotal: number
  /** The LP's continuous optimum (IM + cost, method currency), before legs were capped and sizes rounded. */
  lpObjective: number
  /** This suggestion and the same hedge with fewer legs (each capped, solved, rounded and recomputed). */
  alternatives?: Omit<HedgeSuggestion, 'alternatives'>[]
  /** The group's delta (coin of its underlying) before and after the trades. */
  deltaBefore: number
  deltaAfter: number
  solveMs: number
}

export interface Candidate {
  instrument: Instrument
  lotSize: number
  position: MarginPosition
  cost: number
  min: number
  max: number
}

/** The group, its method's model over book + candidates, the candidates and the book's record sum. */
export function hedgeProblem(db: BookDb | null, held: readonly HeldPosition[], view: MarketView, req: HedgeRequest) {
  const sets = marginParamSets(req.params, req.paramsSource)
  const group = marginGroups(held, view, []).find((g) => g.account === req.account && g.currency === req.currency && g.riskUnit === req.riskUnit)
  const name = `${req.account} · ${req.currency}${req.riskUnit ? ` · ${req.riskUnit}` : ''}`
  if (!group) throw new RangeError(`no margin group ${name} in this book`)
  const kinds = req.kinds ?? ['perpetual', 'future', 'option']
  const currencyUsd = isCoinCurrency(req.currency) ? view.curves.get(req.currency.toUpperCase())!.indexUsd : 1
  const grossDeltaUsd = group.positions.reduce((s, p) => s + Math.abs(p.sizeCoin) * p.indexUsd, 0)
  const capUsd = req.notionalCapUsd ?? Math.max(2 * grossDeltaUsd, 100_000)
  const heldSizes = heldBySymbol(group.held)
  const liquidity = sets.addOns.liquidity

  const candidates: Candidate[] = []
  const universe = hedgeUniverse(db, view, req.universe)
  for (const { instrument: i, lotSize } of universe) {
    if (i.venue !== group.venue || !inWindow(i, view, { ...req, kinds })) continue
    if (group.venue === 'deribit' ? i.settleCurrency !== req.currency : i.underlying !== req.riskUnit) continue
    let position: MarginPosition
    try {
      position = toMarginPosition(i, 1, view)
    } catch {
      continue
    }
    const cost = halfSpreadCostUsd(position, liquidity) / currencyUsd
    const notionalPerContract = Math.abs(position.sizeCoin) * position.indexUsd
    const bound = Math.floor(capUsd / notionalPerContract / lotSize) * lotSize
    if (!(bound > 0)) continue
    candidates.push({ instrument: i, lotSize, position, cost, min: sellFloor(i, heldSizes, req.noNewShortOptions, bound), max: bound })
  }
  if (!candidates.length) throw new RangeError(`no hedge candidates for ${name}: widen the expiry or moneyness window, or import an option chain`)

  // The model over the book and every candidate, so each candidate's expiry bucket exists.
  const model: MarginModel | undefined = groupModels({ ...group, positions: [...group.positions, ...candidates.map((c) => c.position)] }, view, sets, [req.method])[0]
  if (!model) throw new RangeError(`${req.method} does not margin ${name}`)
  const form: LinearForm = model.linearForm ?? { lossFrom: 0, lossTo: model.scenarioLabels.length, absTerms: [], excessTerms: [] }
  const total = totalOf(buildModelState(model, group.positions))
  return { name, group, model, form, total, candidates, currencyUsd }
}

/** An infeasible delta band is the trader's constraint, not a fault: say which. */
async function solveOrExplain(text: string, req: HedgeRequest, signal?: AbortSignal) {
  try {
    return await solveLp(text, signal)
  } catch (e) {
    if (req.deltaBand && /Infeasible/i.test((e as Error).message)) throw new RangeError(`no hedge from these candidates keeps delta in [${req.deltaBand[0]}, ${req.deltaBand[1]}] within the size caps`, { cause: e })
    throw e
  }
}

/** Progress in phases: candidates, LP, legs and lots, the method recomputed. */
export async function suggestHedge(db: BookDb | null, held: readonly HeldPosition[], view: MarketView, req: HedgeRequest, run: HedgeRun = {}): Promise<HedgeSuggestion> {
  const { signal, onProgress } = run
  onProgress?.(0, 4)
  const { name, group, model, form, total, candidates, currencyUsd } = hedgeProblem(db, held, view, req)
  onProgress?.(1, 4)
  const bookDelta = group.held.reduce((s, h) => s + valuePosition(h.instrument as Instrument, h.sizeContracts, null, view).deltaCoin, 0)
  const asLp = (cs: Candidate[]): MarginLp => ({
    total,
    form,
    deltaBand: req.deltaBand ? { bookDelta, perContract: cs.map((c) => valuePosition(c.instrument, 1, null, view).deltaCoin), band: req.deltaBand } : undefined,
    candidates: cs.map((c) => {
      const record = new Float64Array(model.width)
      model.record(c.position, record, 0)
      return { id: c.instrument.symbol, record, costPerContract: c.cost, minContracts: c.min, maxContracts: c.max } satisfies HedgeCandidate
    })
  })

  const started = performance.now()
  const full = asLp(candidates)
  const solution = readMarginLpSolution(full, (await solveOrExplain(marginLpText(full), req, signal)).columns)
  const fullSolveMs = performance.now() - started
  onProgress?.(2, 4)
  const beforeResult = modelResult(buildModelState(model, group.positions), { perPosition: false })

  /** One suggestion with at most `maxLegs` legs, from the full LP's solution (solved again on the kept legs when capped). */
  const finish = async (maxLegs: number): Promise<HedgeSuggestion> => {
    const t0 = performance.now()
    let chosen = candidates
    let x = solution.contracts
    const keep = largestLegs(x, (k) => Math.abs(x[k]!) * Math.abs(candidates[k]!.position.sizeCoin), maxLegs)
    if (keep) {
      chosen = keep.map((k) => candidates[k]!)
      const capped = asLp(chosen)
      x = readMarginLpSolution(capped, (await solveOrExplain(marginLpText(capped), req, signal)).columns).contracts
    }
    // Only the legs the LP uses: the lot descent below must not open new ones (the leg cap holds).
    const used = usedLegs(x)
    chosen = used.map((k) => chosen[k]!)
    const lp = asLp(chosen)
    // Lots, then the descent on the method's own IM (not its form) plus cost. A delta band stays a
    // constraint through it: leaving the band costs far more than any margin saved.
    const legDelta = chosen.map((c) => valuePosition(c.instrument, 1, null, view).deltaCoin)
    const deltaOf = (sizes: number[]): number => bookDelta + sizes.reduce((s, v, k) => s + v * legDelta[k]!, 0)
    const outside = (sizes: number[]): number => (req.deltaBand ? Math.max(0, req.deltaBand[0] - deltaOf(sizes), deltaOf(sizes) - req.deltaBand[1]) : 0)
    const objective = (sizes: number[]): number => model.evaluate(hedgedTotal(lp, sizes), 0, false).initialMargin + sizes.reduce((s, v, k) => s + Math.abs(v) * chosen[k]!.cost, 0) + 1e6 * outside(sizes)
    const sizes = lotDescent(used.map((k) => x[k]!), chosen.map((c) => ({ lotSize: c.lotSize, min: c.min, max: c.max })), objective)
    const trades: HedgeTrade[] = chosen
      .map((c, k) => ({ c, contracts: sizes[k]! }))
      .filter((t) => t.contracts !== 0)
      .map(({ c, contracts }) => ({ symbol: c.instrument.symbol, kind: c.instrument.kind, instrument: c.instrument, contracts, cost: Math.abs(contracts) * c.cost, costUsd: Math.abs(contracts) * c.cost * currencyUsd }))
    // The true after-margin: the method run in full on book + hedge positions.
    const afterResult = modelResult(buildModelState(model, [...group.positions, ...trades.map((t) => toMarginPosition(t.instrument, t.contracts, view))]), { perPosition: false })
    return {
      method: req.method,
      currency: req.currency,
      group: name,
      lpScope: model.linearForm ? 'exact' : 'scenario part',
      candidates: candidates.length,
      scenarios: model.scenarioLabels.length,
      trades,
      before: { initialMargin: beforeResult.initialMargin, maintenanceMargin: beforeResult.maintenanceMargin },
      after: { initialMargin: afterResult.initialMargin, maintenanceMargin: afterResult.maintenanceMargin },
      costTotal: trades.reduce((s, t) => s + t.cost, 0),
      lpObjective: solution.objective,
      deltaAfter: deltaOf(sizes),
      deltaBefore: bookDelta,
      solveMs: fullSolveMs + (keep ? performance.now() - t0 : 0)
    }
  }

  const maxLegs = req.maxLegs ?? 4
  const best = await finish(maxLegs)
  onProgress?.(3, 4)
  // The same hedge with fewer legs, from the same problem and full solve: one capped solve each.
  const alternatives = [best]
  for (let legs = 1; legs < Math.min(best.trades.length, maxLegs); legs++) alternatives.push(await finish(legs))
  return { ...best, alternatives }
}
