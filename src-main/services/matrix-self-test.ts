/**
 * Engine-shaped proof of the worker pool: split a positions × scenarios P&L matrix into row chunks,
 * sum each chunk's columns in a worker (buffers transferred both ways), combine, and compare with a
 * single-thread sum. The same orchestration carries scenario revaluation in the pricing issue.
 */
import type { ParsedRequestOf, ResponseOf } from '@contract/api'
import type { WorkerPool } from '../workers/pool'
import type { ColumnSumsInput } from '../workers/engine-tasks'
import { addColumnSums, worstScenario } from '../engine/scenarios/pnl-matrix'
import { mulberry32 } from '../engine/random/mulberry32'

/** Several chunks per worker so a slow chunk does not idle the other workers. */
const CHUNKS_PER_WORKER = 4

/** A reproducible matrix of P&Ls in [−1000, 1000) USD. */
export function seededPnlMatrix(positions: number, scenarios: number, seed: number): Float64Array {
  const rand = mulberry32(seed)
  const m = new Float64Array(positions * scenarios)
  for (let i = 0; i < m.length; i++) m[i] = (rand() * 2 - 1) * 1000
  return m
}

/**
 * Column sums of a positions × scenarios matrix computed across the pool: row chunks are copied
 * into their own buffers, moved to the workers, summed there, and the partial sums combined.
 */
export async function poolColumnSums(
  matrix: Float64Array,
  positions: number,
  scenarios: number,
  pool: WorkerPool,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {}
): Promise<{ sums: Float64Array; chunks: number }> {
  const chunkCount = Math.min(positions, pool.size * CHUNKS_PER_WORKER)
  const rowsPerChunk = Math.ceil(positions / chunkCount)
  const rowsDone = new Float64Array(chunkCount)
  const partials = await Promise.all(
    Array.from({ length: Math.ceil(positions / rowsPerChunk) }, (_, c) => {
      const start = c * rowsPerChunk
      const rows = Math.min(rowsPerChunk, positions - start)
      const chunk = matrix.slice(start * scenarios, (start + rows) * scenarios)
      const input: ColumnSumsInput = { matrix: chunk, rows, cols: scenarios }
      return pool.run<Float64Array>('columnSums', input, {
        transfer: [chunk.buffer],
        signal: opts.signal,
        onProgress: (done) => {
          rowsDone[c] = done
          opts.onProgress?.(rowsDone.reduce((a, b) => a + b, 0), positions)
        }
      })
    })
  )
  const sums = new Float64Array(scenarios)
  for (const p of partials) for (let s = 0; s < scenarios; s++) sums[s]! += p[s]!
  return { sums, chunks: partials.length }
}

export async function runMatrixSelfTest(
  req: ParsedRequestOf<'runMatrixSelfTest'>,
  pool: WorkerPool,
  opts: { signal: AbortSignal; onProgress: (done: number, total: number) => void }
): Promise<ResponseOf<'runMatrixSelfTest'>> {
  const { positions, scenarios } = req
  const started = performance.now()
  const matrix = seededPnlMatrix(positions, scenarios, req.seed)
  const reference = new Float64Array(scenarios)
  addColumnSums(matrix, positions, scenarios, reference)
  const { sums: portfolio, chunks } = await poolColumnSums(matrix, positions, scenarios, pool, opts)
  let maxAbsError = 0
  for (let s = 0; s < scenarios; s++) maxAbsError = Math.max(maxAbsError, Math.abs(portfolio[s]! - reference[s]!))
  const worst = worstScenario(portfolio)
  return {
    taskId: req.taskId,
    positions,
    scenarios,
    chunks,
    workerCount: pool.size,
    durationMs: performance.now() - started,
    maxAbsError,
    worstScenarioIndex: worst.index,
    worstScenarioPnl: worst.pnl
  }
}
