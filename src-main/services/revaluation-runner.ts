/**
 * Full revaluation across the worker pool: the matrix and block sums live in SharedArrayBuffers,
 * each worker fills a contiguous range of blocks in place (nothing to copy back), and the main
 * thread adds the block sums. The same kernel and summation order as one thread: same bits.
 */
import type { WorkerPool } from '../workers/pool'
import type { RevalueBlocksInput } from '../workers/engine-tasks'
import { blockCount } from '../engine/scenarios/block-sums'
import { allocateRevaluation, refreshVectors, type Revaluation } from '../engine/scenarios/revaluation'
import type { PortfolioArrays } from '../engine/scenarios/portfolio-arrays'
import type { ScenarioSet } from '../engine/scenarios/scenario-set'

/** Chunks per worker: enough to balance uneven rows (options cost more than futures). */
const CHUNKS_PER_WORKER = 4

export async function revalueInPool(
  arrays: PortfolioArrays,
  scenarios: ScenarioSet,
  pool: WorkerPool,
  opts: { signal?: AbortSignal; onProgress?: (doneBlocks: number, totalBlocks: number) => void } = {}
): Promise<Revaluation> {
  const rv = allocateRevaluation(arrays, scenarios, true)
  const blocks = blockCount(arrays.count)
  const chunks = Math.max(1, Math.min(blocks, pool.size * CHUNKS_PER_WORKER))
  const perChunk = Math.ceil(blocks / chunks)
  const done = new Float64Array(chunks)
  await Promise.all(
    Array.from({ length: Math.ceil(blocks / perChunk) }, (_, c) => {
      const input: RevalueBlocksInput = {
        arrays,
        scenarios,
        matrix: rv.matrix,
        blockSums: rv.blockSums,
        blockStart: c * perChunk,
        blockEnd: Math.min(blocks, (c + 1) * perChunk)
      }
      return pool.run('revalueBlocks', input, {
        signal: opts.signal,
        onProgress: (d) => {
          done[c] = d
          opts.onProgress?.(done.reduce((x, y) => x + y, 0), blocks)
        }
      })
    })
  )
  refreshVectors(rv)
  return rv
}
