/** The engine's task table: thin adapters from worker messages to pure engine functions. */
import type { TaskTable } from './protocol'
import { addColumnSums } from '../engine/scenarios/pnl-matrix'
import { precomputeScenarios } from '../engine/scenarios/revalue'
import { revalueBlocks } from '../engine/scenarios/revaluation'
import type { PortfolioArrays } from '../engine/scenarios/portfolio-arrays'
import type { ScenarioSet } from '../engine/scenarios/scenario-set'

export interface ColumnSumsInput {
  /** Row-major chunk of the positions × scenarios P&L matrix. */
  matrix: Float64Array
  rows: number
  cols: number
}

const PROGRESS_EVERY_ROWS = 256

export interface RevalueBlocksInput {
  arrays: PortfolioArrays
  scenarios: ScenarioSet
  /** Shared with the main thread: the worker writes its rows and block sums in place. */
  matrix: Float64Array
  blockSums: Float64Array
  blockStart: number
  blockEnd: number
}

export const engineTasks: TaskTable = {
  columnSums(input, ctx) {
    const { matrix, rows, cols } = input as ColumnSumsInput
    const out = new Float64Array(cols)
    // Sum in row blocks so progress can be reported without touching the hot loop.
    for (let start = 0; start < rows; start += PROGRESS_EVERY_ROWS) {
      const end = Math.min(rows, start + PROGRESS_EVERY_ROWS)
      addColumnSums(matrix.subarray(start * cols, end * cols), end - start, cols, out)
      ctx.progress(end, rows)
    }
    return { output: out, transfer: [out.buffer] }
  },

  revalueBlocks(input, ctx) {
    const { arrays, scenarios, matrix, blockSums, blockStart, blockEnd } = input as RevalueBlocksInput
    const rv = { arrays, scenarios, pre: precomputeScenarios(scenarios), matrix, blockSums, vectors: new Map() }
    for (let b = blockStart; b < blockEnd; b++) {
      revalueBlocks(rv, b, b + 1)
      ctx.progress(b + 1 - blockStart, blockEnd - blockStart)
    }
    return { output: null }
  }
}
