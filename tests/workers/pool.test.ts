import { afterEach, describe, expect, it } from 'vitest'
import engineWorkerPath from '../../src-main/workers/engine.worker?modulePath'
import faultyWorkerPath from './fixtures/faulty.worker?modulePath'
import { TaskCancelledError, WorkerCrashedError, WorkerPool } from '../../src-main/workers/pool'
import { addColumnSums } from '../../src-main/engine/scenarios/pnl-matrix'
import { seededPnlMatrix } from '../../src-main/services/matrix-self-test'

const pools: WorkerPool[] = []
const pool = (path: string, size: number): WorkerPool => {
  const p = new WorkerPool(path, size)
  pools.push(p)
  return p
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()))
})

const sumInWorker = (p: WorkerPool, rows = 300, cols = 50) => {
  const matrix = seededPnlMatrix(rows, cols, 3)
  const expected = new Float64Array(cols)
  addColumnSums(matrix, rows, cols, expected)
  const copy = matrix.slice()
  return { expected, result: p.run<Float64Array>('columnSums', { matrix: copy, rows, cols }, { transfer: [copy.buffer] }), sent: copy }
}

describe('worker pool', () => {
  it('sums a P&L matrix chunk in a worker thread, moving buffers instead of copying', async () => {
    const p = pool(engineWorkerPath, 2)
    const { expected, result, sent } = sumInWorker(p)
    const sums = await result
    expect(sent.byteLength).toBe(0) // transferred away: detached on this side
    expect(sums).toBeInstanceOf(Float64Array)
    expect([...sums]).toEqual([...expected])
    expect(p.status()).toMatchObject({ workerCount: 2, tasksCompleted: 1, workersReplaced: 0 })
  })

  it('reports progress while a task runs', async () => {
    const p = pool(engineWorkerPath, 1)
    const seen: [number, number][] = []
    const matrix = seededPnlMatrix(1000, 10, 1)
    await p.run('columnSums', { matrix, rows: 1000, cols: 10 }, { onProgress: (d, t) => seen.push([d, t]) })
    expect(seen.length).toBeGreaterThanOrEqual(3)
    expect(seen.at(-1)).toEqual([1000, 1000])
  })

  it.each(['throwUncaught', 'exitMidTask'])('replaces a worker that dies in %s; the caller gets an error; the next task succeeds', async (task) => {
    const p = pool(faultyWorkerPath, 1)
    const failed = p.run(task, {})
    await expect(failed).rejects.toBeInstanceOf(WorkerCrashedError)
    await expect(failed).rejects.toThrow(task === 'throwUncaught' ? /crashed while running "throwUncaught": boom from a timer/ : /exited with code 3/)
    expect(p.status().workersReplaced).toBe(1)
    const { expected, result } = sumInWorker(p)
    expect([...(await result)]).toEqual([...expected])
  })

  it('fails a task that rejects its input without losing the worker', async () => {
    const p = pool(faultyWorkerPath, 1)
    await expect(p.run('rejectInput', {})).rejects.toThrow('rejectInput: input is not a matrix')
    await expect(p.run('noSuchTask', {})).rejects.toThrow(/unknown engine task "noSuchTask"/)
    expect(p.status().workersReplaced).toBe(0)
  })

  it('cancels a running task (its worker is replaced) and a queued one, then keeps working', async () => {
    const p = pool(faultyWorkerPath, 1)
    const controller = new AbortController()
    // The first progress event proves the task is running in the worker; no clock decides that
    // (the test's own timeout is the only limit).
    let started!: () => void
    const firstProgress = new Promise<void>((r) => (started = r))
    const matrix = seededPnlMatrix(10, 10, 1)
    const running = p.run('slowColumnSums', { matrix, rows: 10, cols: 10 }, { signal: controller.signal, onProgress: () => started() })
    const queued = p.run('slowColumnSums', { matrix, rows: 10, cols: 10 }, { signal: controller.signal })
    // Each outcome is observed from the start: if an assertion below fails, close() rejecting the
    // two tasks in afterEach is not an unhandled rejection hiding the real failure.
    const outcomes = [running, queued].map((t) => t.then(() => 'resolved', (e: unknown) => e))
    expect(p.status().queuedTasks).toBe(1)
    await firstProgress
    expect(p.status()).toMatchObject({ busyWorkers: 1, queuedTasks: 1 })
    controller.abort()
    const [ranOutcome, queuedOutcome] = await Promise.all(outcomes)
    expect(ranOutcome).toBeInstanceOf(TaskCancelledError)
    expect(queuedOutcome).toBeInstanceOf(TaskCancelledError)
    expect(p.status()).toMatchObject({ busyWorkers: 0, queuedTasks: 0, workersReplaced: 0 })
    const { expected, result } = sumInWorker(p)
    expect([...(await result)]).toEqual([...expected])
  })

  it('runs more tasks than workers, queueing the rest', async () => {
    const p = pool(engineWorkerPath, 2)
    const jobs = Array.from({ length: 7 }, () => sumInWorker(p, 50, 20))
    const results = await Promise.all(jobs.map((j) => j.result))
    results.forEach((r, i) => expect([...r]).toEqual([...jobs[i]!.expected]))
    expect(p.status().tasksCompleted).toBe(7)
  })
})
