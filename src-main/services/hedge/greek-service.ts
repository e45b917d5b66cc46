/**
 * Delta hedges and Greek targets for one account's underlying (docs/METHODOLOGY.md §6):
 * - delta: the perpetual (or a chosen future or instrument) that brings delta nearest zero, in lots;
 * - targets: delta, gamma and vega bands reached at least cost by the LP of engine/hedge/greek-lp.ts
 *   over the snapshot's candidates, rounded to lots (the achieved Greeks are reported, since lots
 *   can leave a narrow band by a fraction of a lot).
 * Greeks are the positions grid's own (engine/valuation/position-valuation.ts).
 */
import type { BookDb } from '../../book/database'
import type { HeldPosition } from '../../book/positions-repository'
import type { Instrument } from '../../engine/instruments/instrument'
import type { MarketView } from '../../engine/market/market-view'
import { valuePosition } from '../../engine/valuation/position-valuation'
import { deltaHedgeContracts, greekLpText, greeksWith, readGreekSolution, type GreekBands, type GreekCandidate, type Greeks } from '../../engine/hedge/greek-lp'
import { resolvePosition, requireResolved } from '../../engine/positions/resolve-position'
import { toMarginPosition } from '../margin-service'
import { marginParamSets } from '../margin-params'
import { valuedPositions } from '../var-service'
import { halfSpreadCostUsd, heldBySymbol, hedgeUniverse, inWindow, sellFloor } from './candidates'
import type { CandidateWindow } from './candidates'
import { solveLp } from './lp-solver'
import type { HedgeRun } from './hedge-service'

export interface GreekHedgeRequest extends CandidateWindow {
  account: string
  underlying: string
  mode: 'delta' | 'targets'
  /** Delta hedge instrument (venue symbol); default: the venue's perpetual, else its nearest future. */
  instrument?: string
  bands?: GreekBands
  /** Targets: forbid selling options the account does not already hold short (default true, as every hedge). */
  noNewShortOptions?: boolean
  params?: unknown
  paramsSource?: string
  universe?: { instrument: Instrument; lotSize: number }[]
}

export interface GreekHedgeResult {
  account: string
  underlying: string
  mode: 'delta' | 'targets'
  trades: { instrument: Instrument; contracts: number; costUsd: number }[]
  before: Greeks
  after: Greeks
  costUsd: number
}

const greeksOf = (i: Instrument, contracts: number, view: MarketView): Greeks => {
  const v = valuePosition(i, contracts, null, view)
  return { delta: v.deltaCoin, gamma: v.gammaCoinPer1Pct, vega: v.vegaUsdPerPoint }
}

export async function greekHedge(db: BookDb | null, held: readonly HeldPosition[], view: MarketView, req: GreekHedgeRequest, run: HedgeRun = {}): Promise<GreekHedgeResult> {
  const mine = held.filter((h) => h.accountName === req.account)
  if (!mine.length) throw new RangeError(`account ${req.account} holds no positions in this book`)
  const venue = mine[0]!.venue
  const { valued } = valuedPositions(mine, view)
  const before: Greeks = { delta: 0, gamma: 0, vega: 0 }
  for (const p of valued.filter((v) => v.instrument.underlying === req.underlying)) {
    const g = greeksOf(p.instrument, p.sizeContracts, view)
    before.delta += g.delta
    before.gamma += g.gamma
    before.vega += g.vega
  }
  const universe = hedgeUniverse(db, view, req.universe)
    .filter(({ instrument: i }) => i.venue === venue && i.underlying === req.underlying && resolvePosition(i, 1, view).ok)
  const sets = marginParamSets(req.params, req.paramsSource)
  const costUsdOf = (i: Instrument): number => halfSpreadCostUsd(toMarginPosition(i, 1, view), sets.addOns.liquidity)

  let trades: GreekHedgeResult['trades']
  if (req.mode === 'delta') {
    const pick = req.instrument
      ? universe.find((u) => u.instrument.symbol === req.instrument)
      : (universe.find((u) => u.instrument.kind === 'perpetual') ?? universe.filter((u) => u.instrument.kind === 'future').sort((a, b) => a.instrument.expiryMs! - b.instrument.expiryMs!)[0])
    if (!pick) throw new RangeError(req.instrument ? `${venue}:${req.instrument} is not a tradable ${req.underlying} instrument on this snapshot` : `no ${venue} ${req.underlying} perpetual or future to delta-hedge with`)
    const contracts = deltaHedgeContracts(before.delta, greeksOf(pick.instrument, 1, view).delta, pick.lotSize)
    trades = contracts === 0 ? [] : [{ instrument: pick.instrument, contracts, costUsd: Math.abs(contracts) * costUsdOf(pick.instrument) }]
  } else {
    const capCoin = Math.max(4 * Math.abs(before.delta), 100_000 / view.curves.get(req.underlying)!.indexUsd)
    const chosen = universe.filter(({ instrument: i }) => inWindow(i, view, req))
    const heldSizes = heldBySymbol(mine)
    const candidates: (GreekCandidate & { lot: number; instrument: Instrument })[] = chosen.map(({ instrument, lotSize }) => {
      const perContract = greeksOf(instrument, 1, view)
      const coinPerContract = Math.abs(requireResolved(instrument, 1, view).sizeCoin)
      const bound = Math.floor(capCoin / coinPerContract / lotSize) * lotSize
      return { id: instrument.symbol, perContract, costUsd: costUsdOf(instrument), minContracts: sellFloor(instrument, heldSizes, req.noNewShortOptions, bound), maxContracts: bound, lot: lotSize, instrument }
    })
    let x: number[]
    try {
      x = readGreekSolution(candidates, (await solveLp(greekLpText(before, candidates, req.bands ?? {}), run.signal)).columns)
    } catch (e) {
      if (/Infeasible/i.test((e as Error).message)) throw new RangeError(`no combination of the ${candidates.length} candidates reaches these Greek bands within the size caps${req.noNewShortOptions !== false ? ' without new short options' : ''}: widen a band or the candidate window${req.noNewShortOptions !== false ? ', or allow new short options' : ''}`, { cause: e })
      throw e
    }
    trades = candidates
      .map((c, i) => ({ c, contracts: Number((Math.round(x[i]! / c.lot) * c.lot).toFixed(8)) }))
      .filter((t) => t.contracts !== 0)
      .map(({ c, contracts }) => ({ instrument: c.instrument, contracts, costUsd: Math.abs(contracts) * c.costUsd }))
  }
  const after = trades.reduce((g, t) => greeksWith(g, [{ id: '', perContract: greeksOf(t.instrument, 1, view), costUsd: 0, minContracts: 0, maxContracts: 0 }], [t.contracts]), before)
  return { account: req.account, underlying: req.underlying, mode: req.mode, trades, before, after, costUsd: trades.reduce((s, t) => s + t.costUsd, 0) }
}
