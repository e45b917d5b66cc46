/**
 * One revaluation: the P&L matrix of a book under a scenario set, its per-block partial sums and
 * the portfolio vectors. Built whole (here on one thread, or by the worker pool into the same
 * buffers), then kept current one edited position at a time (docs/ARCHITECTURE.md: "editing
 * one position changes one row: update the sums, do not recompute the book").
 */
import type { MarketView } from '../market/market-view'
import { blockCount, portfolioVectors, ROWS_PER_BLOCK, sumBlocks } from './block-sums'
import { setPortfolioRow, type HeldInstrument, type PortfolioArrays } from './portfolio-arrays'
import { precomputeScenarios, revalueRows, type ScenarioPrecompute } from './revalue'
import type { ScenarioSet } from './scenario-set'

export interface Revaluation {
  arrays: PortfolioArrays
  scenarios: ScenarioSet
  pre: ScenarioPrecompute
  /** positions × scenarios, row-major. May live in a SharedArrayBuffer filled by workers. */
  matrix: Float64Array
  blockSums: Float64Array
  /** Portfolio P&L per scenario per currency. */
  vectors: Map<string, Float64Array>
}

export function allocateRevaluation(arrays: PortfolioArrays, scenarios: ScenarioSet, shared = false): Revaluation {
  const cells = arrays.count * scenarios.count
  const sums = blockCount(arrays.count) * arrays.currencies.length * scenarios.count
  const buffer = (n: number): ArrayBufferLike => (shared ? new SharedArrayBuffer(n * 8) : new ArrayBuffer(n * 8))
  return {
    arrays,
    scenarios,
    pre: precomputeScenarios(scenarios),
    matrix: new Float64Array(buffer(cells)),
    blockSums: new Float64Array(buffer(sums)),
    vectors: new Map()
  }
}

/** Revalue blocks [blockStart, blockEnd): the unit of work a worker gets. */
export function revalueBlocks(rv: Revaluation, blockStart: number, blockEnd: number): void {
  const rowStart = blockStart * ROWS_PER_BLOCK
  const rowEnd = Math.min(rv.arrays.count, blockEnd * ROWS_PER_BLOCK)
  revalueRows(rv.arrays, rv.scenarios, rv.pre, rowStart, rowEnd, rv.matrix)
  sumBlocks(rv.arrays, rv.matrix, rv.scenarios.count, rv.blockSums, blockStart, blockEnd)
}

export function refreshVectors(rv: Revaluation): void {
  rv.vectors = portfolioVectors(rv.arrays, rv.scenarios.count, rv.blockSums)
}

/** The whole book on the calling thread. */
export function revalueAll(arrays: PortfolioArrays, scenarios: ScenarioSet): Revaluation {
  const rv = allocateRevaluation(arrays, scenarios)
  revalueBlocks(rv, 0, blockCount(arrays.count))
  refreshVectors(rv)
  return rv
}

/**
 * Replace position `row` (a resize, or a different instrument) and bring the matrix and vectors up
 * to date: one row revalued, one block re-summed, vectors re-added from the block sums. A new
 * settlement currency widens the sums, which then are rebuilt from the matrix (still no repricing).
 */
export function editPosition(rv: Revaluation, row: number, held: HeldInstrument, view: MarketView): void {
  const currenciesBefore = rv.arrays.currencies.length
  setPortfolioRow(rv.arrays, row, held, view, rv.scenarios.underlyings)
  revalueRows(rv.arrays, rv.scenarios, rv.pre, row, row + 1, rv.matrix)
  const blocks = blockCount(rv.arrays.count)
  if (rv.arrays.currencies.length !== currenciesBefore) {
    rv.blockSums = new Float64Array(blocks * rv.arrays.currencies.length * rv.scenarios.count)
    sumBlocks(rv.arrays, rv.matrix, rv.scenarios.count, rv.blockSums, 0, blocks)
  } else {
    const block = Math.floor(row / ROWS_PER_BLOCK)
    sumBlocks(rv.arrays, rv.matrix, rv.scenarios.count, rv.blockSums, block, block + 1)
  }
  refreshVectors(rv)
}
