/** The engine's task table: thin adapters from worker messages to pure engine functions. */
import type { TaskTable } from './protocol'
import { addColumnSums } from '../engine/scenarios/pnl-matrix'
import { precomputeScenarios } from '../engine/scenarios/revalue'
import { revalueBlocks } from '../engine/scenarios/revaluation'
import { blockCount } from '../engine/scenarios/block-sums'
import type { PortfolioArrays } from '../engine/scenarios/portfolio-arrays'
import type { ScenarioSet } from '../engine/scenarios/scenario-set'
import { reduceUsdBlocks, type ReduceUsdInput } from './usd-reduce-task'
import { usdBlockCount } from '../engine/scenarios/usd-reduce'

export interface ColumnSumsInput {
  /** Row-major chunk of the positions × scenarios P&L matrix. */
  matrix: Float64Array
  rows: number
  cols: number
}

const PROGRESS_EVERY_ROWS = 256

export interface RevalueClaimedInput {
  arrays: PortfolioArrays
  scenarios: ScenarioSet
  /** Shared with the main thread: each worker writes the rows and block sums of the blocks it claims. */
  matrix: Float64Array
  blockSums: Float64Array
  /** Shared counter: the next block to claim (services/revaluation-runner.ts). */
  nextBlock: Int32Array
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

  /** Revalue blocks claimed one at a time from the shared counter until none is left. */
  revalueClaimedBlocks(input, ctx) {
    const { arrays, scenarios, matrix, blockSums, nextBlock } = input as RevalueClaimedInput
    const rv = { arrays, scenarios, pre: precomputeScenarios(scenarios), matrix, blockSums, vectors: new Map() }
    const blocks = blockCount(arrays.count)
    let done = 0
    for (let b = Atomics.add(nextBlock, 0, 1); b < blocks; b = Atomics.add(nextBlock, 0, 1)) {
      revalueBlocks(rv, b, b + 1)
      ctx.progress(++done, blocks)
    }
    return { output: null }
  },

  /** One thread of a USD reduction (usd-reduce-task.ts); the buffers are shared, nothing comes back. */
  reduceUsd(input, ctx) {
    const job = input as ReduceUsdInput
    const blocks = usdBlockCount(job.arrays.count, job.scenarios.count)
    reduceUsdBlocks(job, (done) => ctx.progress(done, blocks))
    return { output: null }
  }
}
