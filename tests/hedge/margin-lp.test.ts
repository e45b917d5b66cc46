/**
 * Acceptance 1 of the hedging issue: on small books (≤ 3 candidates) the LP optimum of the
 * margin-minimising hedge equals a brute-force grid search to within the grid's resolution. The
 * method is the demo book's real Deribit PM replica (Deribit main · BTC): its full IM (worst of
 * standard and extended scenarios, roll shock, delta shock) through its linear form, held to the
 * model's own evaluate(); candidates are real instruments' records in the same model; HiGHS solves.
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
import { buildModelState, linearFormMargin, totalOf } from '../../src-main/engine/margin/additive-model'
import { groupModels, marginGroups, toMarginPosition } from '../../src-main/services/margin-service'
import { marginParamSets } from '../../src-main/services/margin-params'
import { hedgedTotal, marginLpText, marginObjective, readMarginLpSolution, type HedgeCandidate, type MarginLp } from '../../src-main/engine/hedge/margin-lp'
import { solveLp } from '../../src-main/services/hedge/lp-solver'

const book = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-hedge-')), 'book.sqlite'))
const liveId = listBooks(book.db).find((b) => b.kind === 'demo')!.id
const view = buildMarketView(loadMarketSnapshot(book.db, findBook(book.db, liveId)!.marketSnapshotId!)!)
const group = marginGroups(listHeldPositions(book.db, liveId), view, []).find((g) => g.account === 'Deribit main' && g.currency === 'BTC')!
const SYMBOLS = ['BTC-PERPETUAL', 'BTC-25DEC26-100000-C', 'BTC-25DEC26-85000-P', 'BTC-26MAR27']
const candidatePositions = SYMBOLS.map((s) => toMarginPosition(parseSymbol('deribit', s), 1, view))
// The model over the book and every candidate, so each candidate's expiry bucket exists.
const model = groupModels({ ...group, positions: [...group.positions, ...candidatePositions] }, view, marginParamSets(undefined), ['deribit-pm'])[0]!
const S = model.scenarioLabels.length
const total = totalOf(buildModelState(model, group.positions))
const form = model.linearForm!

/** A candidate's one-contract record in the group's own model. */
function candidate(symbol: string, cost: number, bound: number): HedgeCandidate {
  const record = new Float64Array(model.width)
  model.record(candidatePositions[SYMBOLS.indexOf(symbol)]!, record, 0)
  return { id: symbol, record, costPerContract: cost, minContracts: -bound, maxContracts: bound }
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

/** How far the grid's best can sit above the true optimum: Σ_i L_i·h_i/2, L_i a slope bound of the objective in x_i. */
const resolution = (p: MarginLp, steps: number[]): number =>
  p.candidates.reduce((s, c, i) => {
    const r = c.record
    const slope = Math.max(...Array.from(r.subarray(0, S), Math.abs)) + form.absTerms.reduce((a, t) => a + t.weight * Math.abs(r[t.index]!), 0) + form.excessTerms.reduce((a, t) => a + t.weight * Math.abs(r[t.index]!), 0) + c.costPerContract
    return s + slope * (steps[i]! / 2)
  }, 0)

describe('margin-minimising hedge LP (Deribit PM risk matrix of the demo book, HiGHS)', () => {
  it('the linear form is the method: it equals the model\'s own IM for the book and hedged books', () => {
    expect(S).toBeGreaterThanOrEqual(20)
    expect(form.absTerms.length).toBeGreaterThanOrEqual(5)
    const p: MarginLp = { total, form, candidates: SYMBOLS.map((s) => candidate(s, 0, 1)) }
    for (const x of [[0, 0, 0, 0], [-20_000, 0, 0, 0], [5_000, -3, 2, -9_000], [0, 10, 0, 0], [60_000, 0, -6, 0]]) {
      const t = hedgedTotal(p, x)
      expect(linearFormMargin(form, t)).toBeCloseTo(model.evaluate(t, 0).initialMargin, 12)
    }
    expect(model.evaluate(total, 0).initialMargin).toBeGreaterThan(0.1)
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
      const p: MarginLp = { total, form, candidates: c.candidates }
      const before = marginObjective(p, c.candidates.map(() => 0)).requirement
      const lp = await solveLp(marginLpText(p))
      const sol = readMarginLpSolution(p, lp.columns)
      // The solver's objective is the exact objective at its sizes.
      expect(sol.objective).toBeCloseTo(lp.objective, 9)
      const grid = gridSearch(p, c.steps)
      expect(sol.objective).toBeLessThanOrEqual(grid.objective + 1e-9)
      expect(grid.objective - sol.objective).toBeLessThanOrEqual(resolution(p, c.steps))
      // …and the hedge cuts the method's IM, as the model itself computes it.
      expect(sol.requirement).toBeLessThan(before)
      expect(model.evaluate(hedgedTotal(p, sol.contracts), 0).initialMargin).toBeCloseTo(sol.requirement, 9)
      sol.contracts.forEach((x, i) => expect(x).toBeGreaterThanOrEqual(c.candidates[i]!.minContracts - 1e-9))
    })
  }

  it('refuses a model it cannot state: a candidate with the wrong scenario count', () => {
    expect(() => marginLpText({ total, form, candidates: [{ ...candidate('BTC-PERPETUAL', 0, 1), record: new Float64Array(3) }] })).toThrow(/a record of 3 entries, expected/)
  })
})
