/**
 * Full revaluation across the worker pool: the matrix and block sums live in SharedArrayBuffers,
 * and every worker claims the next block of rows from a shared counter until none is left,
 * filling its rows and block sums in place (nothing to copy back); the main thread waits, then adds
 * the block sums in block order. Claiming balances cheap futures rows against costly option rows
 * to the last block, and the inputs are copied once per worker, not once per chunk. The same
 * kernel and summation order as one thread, whoever revalued which block: same bits.
 */
import type { WorkerPool } from '../workers/pool'
import type { RevalueClaimedInput } from '../workers/engine-tasks'
import { blockCount } from '../engine/scenarios/block-sums'
import { allocateRevaluation, refreshVectors, type Revaluation } from '../engine/scenarios/revaluation'
import type { PortfolioArrays } from '../engine/scenarios/portfolio-arrays'
import type { ScenarioSet } from '../engine/scenarios/scenario-set'

export async function revalueInPool(
  arrays: PortfolioArrays,
  scenarios: ScenarioSet,
  pool: WorkerPool,
  opts: { signal?: AbortSignal; onProgress?: (doneBlocks: number, totalBlocks: number) => void } = {}
): Promise<Revaluation> {
  const rv = allocateRevaluation(arrays, scenarios, true)
  const blocks = blockCount(arrays.count)
  const threads = Math.max(1, Math.min(blocks, pool.size))
  const input: RevalueClaimedInput = { arrays, scenarios, matrix: rv.matrix, blockSums: rv.blockSums, nextBlock: new Int32Array(new SharedArrayBuffer(4)) }
  const done = new Float64Array(threads)
  await Promise.all(
    Array.from({ length: threads }, (_, t) =>
      pool.run('revalueClaimedBlocks', input, {
        signal: opts.signal,
        onProgress: (d) => {
          done[t] = d
          opts.onProgress?.(done.reduce((x, y) => x + y, 0), blocks)
        }
      })
    )
  )
  refreshVectors(rv)
  return rv
}
