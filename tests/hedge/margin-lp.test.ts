/**
 * Acceptance 1 of the hedging issue: on small books (≤ 3 candidates) the LP optimum of the
 * margin-minimising hedge equals a brute-force grid search to within the grid's resolution. The
 * scenario vectors are the demo book's real Deribit PM risk matrix (Deribit main · BTC) and the
 * per-contract records of real candidates in the same model; HiGHS solves the LP.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { findBook, listBooks } from '../../src-main/book/books-repository'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import { listHeldPositions } from '../../src-main/book/positions-repository'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import { parseSymbol } from '../../src-main/engine/instruments/parse-symbol'
import { buildModelState, totalOf } from '../../src-main/engine/margin/additive-model'
import { groupModels, marginGroups, toMarginPosition } from '../../src-main/services/margin-service'
import { marginParamSets } from '../../src-main/services/margin-params'
import { marginLpText, marginObjective, readMarginLpSolution, type HedgeCandidate, type MarginLp } from '../../src-main/engine/hedge/margin-lp'
import { solveLp } from '../../src-main/services/hedge/lp-solver'

const book = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-hedge-')), 'book.sqlite'))
const liveId = listBooks(book.db)[0]!.id
const view = buildMarketView(loadMarketSnapshot(book.db, findBook(book.db, liveId)!.marketSnapshotId!)!)
const group = marginGroups(listHeldPositions(book.db, liveId), view, []).find((g) => g.account === 'Deribit main' && g.currency === 'BTC')!
const model = groupModels(group, view, marginParamSets(undefined), ['deribit-pm'])[0]!
const S = model.scenarioLabels.length
const portfolioPnl = totalOf(buildModelState(model, group.positions)).slice(0, S)

/** A candidate's one-contract record in the group's own model: its P&L per risk-matrix scenario. */
function candidate(symbol: string, cost: number, bound: number): HedgeCandidate {
  const record = new Float64Array(model.width)
  model.record(toMarginPosition(parseSymbol('deribit', symbol), 1, view), record, 0)
  return { id: symbol, pnlPerContract: record.slice(0, S), costPerContract: cost, minContracts: -bound, maxContracts: bound }
}

/** Every grid point of the box, step h_i: the brute-force optimum of the same objective. */
function gridSearch(p: MarginLp, steps: number[]): { x: number[]; objective: number } {
  let best = { x: p.candidates.map(() => 0), objective: marginObjective(p, p.candidates.map(() => 0)).objective }
  const axes = p.candidates.map((c, i) => {
    const pts: number[] = []
    for (let v = c.minContracts; v <= c.maxContracts + 1e-9; v += steps[i]!) pts.push(v)
    return pts
  })
  const walk = (i: number, x: number[]): void => {
    if (i === axes.length) {
      const o = marginObjective(p, x).objective
      if (o < best.objective) best = { x: [...x], objective: o }
      return
    }
    for (const v of axes[i]!) walk(i + 1, [...x, v])
  }
  walk(0, [])
  return best
}

/** How far the grid's best can sit above the true optimum: Σ_i L_i·h_i/2, L_i the objective's slope bound in x_i. */
const resolution = (p: MarginLp, steps: number[]): number =>
  p.candidates.reduce((s, c, i) => s + (Math.max(...Array.from(c.pnlPerContract, Math.abs)) + c.costPerContract) * (steps[i]! / 2), 0)

describe('margin-minimising hedge LP (Deribit PM risk matrix of the demo book, HiGHS)', () => {
  it('the demo group has a scenario loss to hedge', () => {
    expect(S).toBeGreaterThanOrEqual(20)
    expect(Math.max(...Array.from(portfolioPnl, (x) => -x))).toBeGreaterThan(0.1)
  })

  const cases: { name: string; candidates: HedgeCandidate[]; steps: number[] }[] = [
    { name: 'one perpetual', candidates: [candidate('BTC-PERPETUAL', 0.5 / 92_350, 60_000)], steps: [500] },
    { name: 'perpetual and a Dec call', candidates: [candidate('BTC-PERPETUAL', 0.5 / 92_350, 60_000), candidate('BTC-25DEC26-100000-C', 0.0005, 20)], steps: [1_000, 0.5] },
    {
      name: 'perpetual, Dec put and Mar future',
      candidates: [candidate('BTC-PERPETUAL', 0.5 / 92_350, 40_000), candidate('BTC-25DEC26-85000-P', 0.0005, 12), candidate('BTC-26MAR27', 0.5 / 94_750, 40_000)],
      steps: [2_000, 1, 2_000]
    }
  ]
  for (const c of cases) {
    it(`${c.name}: the LP optimum equals the grid search within the grid's resolution`, async () => {
      const p: MarginLp = { portfolioPnl, candidates: c.candidates }
      const before = marginObjective(p, c.candidates.map(() => 0)).requirement
      const lp = await solveLp(marginLpText(p))
      const sol = readMarginLpSolution(p, lp.columns)
      // The solver's objective is the exact objective at its sizes.
      expect(sol.objective).toBeCloseTo(lp.objective, 9)
      const grid = gridSearch(p, c.steps)
      expect(sol.objective).toBeLessThanOrEqual(grid.objective + 1e-9)
      expect(grid.objective - sol.objective).toBeLessThanOrEqual(resolution(p, c.steps))
      // …and the hedge cuts the scenario-max requirement.
      expect(sol.requirement).toBeLessThan(before)
      sol.contracts.forEach((x, i) => expect(x).toBeGreaterThanOrEqual(c.candidates[i]!.minContracts - 1e-9))
    })
  }

  it('refuses a model it cannot state: a candidate with the wrong scenario count', () => {
    expect(() => marginLpText({ portfolioPnl, candidates: [{ ...candidate('BTC-PERPETUAL', 0, 1), pnlPerContract: new Float64Array(3) }] })).toThrow(/3 scenario P&Ls, expected/)
  })
})
