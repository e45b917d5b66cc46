/**
 * The ES-minimising hedge of a book (docs/METHODOLOGY.md §6) over its historical-simulation
 * scenarios (the VaR view's own: the same history, windows and vol moves): book and candidate P&L
 * per scenario by full revaluation in USD, the Rockafellar–Uryasev LP (engine/hedge/es-lp.ts), at
 * most N legs, lots and a ±1-lot descent on ES + cost. ES is of the whole book; the trades go to
 * the named account, from its venue's instruments.
 */
import type { BookDb } from '../../book/database'
import type { HeldPosition } from '../../book/positions-repository'
import type { Instrument } from '../../engine/instruments/instrument'
import type { MarketView } from '../../engine/market/market-view'
import { lastDays } from '../../engine/risk/history'
import { cvar, esLpText, esObjective, hedgedPnl, readEsSolution, type EsCandidate, type EsLp } from '../../engine/hedge/es-lp'
import { requireResolved } from '../../engine/positions/resolve-position'
import { toMarginPosition } from '../margin-service'
import { marginParamSets } from '../margin-params'
import { alignedAsOf, bookPnlUsd, historicalSet, historyAsOf, monteCarloSet, positionPnlUsd, valuedPositions, type HistoryInput, type ValuedPosition } from '../var-service'
import { halfSpreadCostUsd, heldBySymbol, hedgeUniverse, inWindow, sellFloor } from './candidates'
import type { CandidateWindow } from './candidates'
import { solveLp } from './lp-solver'
import { largestLegs, lotDescent, usedLegs } from './legs'
import type { HedgeRun } from './hedge-service'

export interface EsHedgeRequest extends CandidateWindow {
  account: string
  confidence: number
  horizonDays: 1 | 2
  lookbackDays?: number
  /** Historical simulation (default) or a Student-t Monte Carlo on the EWMA covariance (the VaR view's own). */
  scenarioSource?: 'historical' | 'monte-carlo'
  /** Monte Carlo paths (default 2,000: the LP has a row per path). */
  simulations?: number
  seed?: number
  maxLegs?: number
  /** Forbid selling options the account does not already hold short (default true, as every hedge). */
  noNewShortOptions?: boolean
  params?: unknown
  paramsSource?: string
  universe?: { instrument: Instrument; lotSize: number }[]
}

export interface EsHedgeResult {
  account: string
  confidence: number
  scenarioSource: 'historical' | 'monte-carlo'
  scenarios: number
  historyFrom: string
  historyTo: string
  candidates: number
  trades: { instrument: Instrument; contracts: number; costUsd: number }[]
  before: { expectedShortfallUsd: number }
  after: { expectedShortfallUsd: number }
  costUsd: number
  solveMs: number
}

/** Progress in phases: the book's scenarios, the candidates', the LP, lots. */
export async function esHedge(db: BookDb | null, held: readonly HeldPosition[], view: MarketView, loaded: HistoryInput, req: EsHedgeRequest, run: HedgeRun = {}): Promise<EsHedgeResult> {
  const { signal, onProgress } = run
  onProgress?.(0, 4)
  const { valued, underlyings } = valuedPositions(held, view)
  if (!valued.length) throw new Error('no position can be valued: an ES hedge needs at least one priced position')
  const venue = held.find((h) => h.accountName === req.account)?.venue
  if (!venue) throw new RangeError(`account ${req.account} holds no positions in this book`)
  // The VaR view's history: cut at the market's as-of, no look-ahead (engine/risk/as-of-cut.ts).
  const { history, cuts } = historyAsOf(loaded, view.snapshot, underlyings)
  const aligned = alignedAsOf(history, underlyings, cuts)
  const h = req.lookbackDays ? lastDays(aligned, req.lookbackDays + req.horizonDays) : aligned
  if (h.days.length < 30) throw new Error(`only ${h.days.length} days of history common to ${underlyings.join(', ')}: an ES hedge needs at least 30`)
  // The VaR view's own scenario sets: the same history, windows, paths and seed give the same ES.
  const scenarios =
    req.scenarioSource === 'monte-carlo'
      ? monteCarloSet(h, underlyings, { horizonDays: req.horizonDays, simulations: req.simulations ?? 2_000, seed: req.seed })
      : historicalSet(h, history, underlyings, { horizonDays: req.horizonDays }).scenarios
  const book = (await bookPnlUsd(valued, view, underlyings, scenarios)).portfolio
  onProgress?.(1, 4)

  const sets = marginParamSets(req.params, req.paramsSource)
  const grossUsd = valued.reduce((s, p) => s + Math.abs(requireResolved(p.instrument, p.sizeContracts, view).sizeCoin) * view.curves.get(p.instrument.underlying)!.indexUsd, 0)
  const universe = hedgeUniverse(db, view, req.universe).filter(({ instrument: i }) => i.venue === venue && underlyings.includes(i.underlying) && inWindow(i, view, req))
  if (!universe.length) throw new RangeError(`no hedge candidates at ${venue} for ${underlyings.join(', ')}`)
  const one: ValuedPosition[] = universe.map(({ instrument }, k) => ({ positionId: -1 - k, accountId: 0, accountName: req.account, venue, instrument, sizeContracts: 1, avgPrice: null }))
  // One contract of each candidate × scenarios: candidates, not the book, so small; the LP has a
  // column per candidate and a row per scenario and needs all of it (engine/hedge/es-lp.ts).
  const rows = (await positionPnlUsd(one, view, underlyings, scenarios)).rows
  const S = scenarios.count
  const heldSizes = heldBySymbol(held.filter((h) => h.accountName === req.account))
  const candidates: (EsCandidate & { lot: number; instrument: Instrument })[] = universe.map(({ instrument, lotSize }, k) => {
    const pos = toMarginPosition(instrument, 1, view)
    const bound = Math.floor(Math.max(2 * grossUsd, 100_000) / (Math.abs(pos.sizeCoin) * pos.indexUsd) / lotSize) * lotSize
    return { id: instrument.symbol, pnl: rows.slice(k * S, (k + 1) * S), costUsd: halfSpreadCostUsd(pos, sets.addOns.liquidity), minContracts: sellFloor(instrument, heldSizes, req.noNewShortOptions, bound), maxContracts: bound, lot: lotSize, instrument }
  })

  onProgress?.(2, 4)
  const started = performance.now()
  let chosen = candidates
  let lp: EsLp = { portfolioPnl: book, candidates, confidence: req.confidence }
  let x = readEsSolution(lp, (await solveLp(esLpText(lp), signal)).columns)
  const keep = largestLegs(x, (k) => Math.abs(x[k]!) * Math.abs(requireResolved(candidates[k]!.instrument, 1, view).sizeCoin), req.maxLegs ?? 4)
  if (keep) {
    chosen = keep.map((k) => candidates[k]!)
    lp = { portfolioPnl: book, candidates: chosen, confidence: req.confidence }
    x = readEsSolution(lp, (await solveLp(esLpText(lp), signal)).columns)
  }
  const solveMs = performance.now() - started
  onProgress?.(3, 4)
  // Only the legs the LP uses: the lot descent must not open new ones (the leg cap holds).
  const used = usedLegs(x)
  chosen = used.map((k) => chosen[k]!)
  lp = { portfolioPnl: book, candidates: chosen, confidence: req.confidence }
  const sizes = lotDescent(used.map((k) => x[k]!), chosen.map((c) => ({ lotSize: c.lot, min: c.minContracts, max: c.maxContracts })), (v) => esObjective(lp, v).objective, 1e-9)
  const trades = chosen
    .map((c, k) => ({ instrument: c.instrument, contracts: sizes[k]!, costUsd: Math.abs(sizes[k]!) * c.costUsd }))
    .filter((t) => t.contracts !== 0)
  return {
    account: req.account,
    confidence: req.confidence,
    scenarioSource: req.scenarioSource ?? 'historical',
    scenarios: S,
    historyFrom: h.days[0]!,
    historyTo: h.days.at(-1)!,
    candidates: candidates.length,
    trades,
    before: { expectedShortfallUsd: cvar(book, req.confidence) },
    after: { expectedShortfallUsd: cvar(hedgedPnl(lp, sizes), req.confidence) },
    costUsd: trades.reduce((s, t) => s + t.costUsd, 0),
    solveMs
  }
}
