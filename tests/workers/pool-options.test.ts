/**
 * The pool's options for a dedicated worker (the import worker): a task's error keeps its class
 * name and plain fields across the thread, messages name what the workers run, and idle workers
 * can let the process exit.
 */
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import engineWorkerPath from '../../src-main/workers/engine.worker?modulePath'
import faultyWorkerPath from './fixtures/faulty.worker?modulePath'
import { availableParallelism } from 'node:os'
import { defaultPoolSize, WorkerCrashedError, WorkerPool, WorkerTaskError } from '../../src-main/workers/pool'

const pools: WorkerPool[] = []
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()))
})

describe('worker pool options', () => {
  it('by default the pool has a worker per core: the main thread only waits while they revalue (issue 20)', () => {
    expect(defaultPoolSize()).toBe(availableParallelism())
    expect(new WorkerPool(engineWorkerPath).size).toBe(availableParallelism())
  })

  it("a task's error comes back with its message, class name and plain fields", async () => {
    const p = new WorkerPool(faultyWorkerPath, 1)
    pools.push(p)
    const failed = p.run('rejectField', {})
    await expect(failed).rejects.toBeInstanceOf(WorkerTaskError)
    await expect(failed).rejects.toThrow('rejectField: rows must be positive')
    await expect(failed).rejects.toMatchObject({
      task: 'rejectField',
      workerMessage: 'rows must be positive',
      detail: { name: 'InvalidDocumentError', props: { name: 'InvalidDocumentError', field: 'rows', limit: 0 } }
    })
    await expect(p.run('rejectInput', {})).rejects.toMatchObject({ detail: { name: 'Error', props: {} } })
  })

  it('a labelled pool names its workers in crash and shutdown messages', async () => {
    const p = new WorkerPool(faultyWorkerPath, 1, { label: 'import' })
    const crashed = p.run('exitMidTask', {})
    await expect(crashed).rejects.toBeInstanceOf(WorkerCrashedError)
    await expect(crashed).rejects.toThrow(/^import worker crashed while running "exitMidTask"/)
    await p.close()
    await expect(p.run('columnSums', {})).rejects.toThrow('the import pool is shut down')
  })

  const runChild = (mode: 'unref' | 'ref', waitMs: number): Promise<{ exited: boolean; out: string }> =>
    new Promise((done) => {
      const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'fixtures/idle-pool.ts'), engineWorkerPath, mode], { stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      child.stdout.on('data', (d: Buffer) => (out += d.toString()))
      child.stderr.on('data', (d: Buffer) => (out += d.toString()))
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        done({ exited: false, out })
      }, waitMs)
      child.on('exit', (code) => {
        clearTimeout(timer)
        done({ exited: code === 0, out })
      })
    })

  it('with unrefWhenIdle an idle worker lets the process exit; without, it holds the process', async () => {
    const unref = await runChild('unref', 20_000)
    expect(unref.out).toContain('SUMS 4,6')
    expect(unref.exited).toBe(true)
    const held = await runChild('ref', 4_000)
    expect(held.out).toContain('SUMS 4,6')
    expect(held.exited).toBe(false)
  }, 40_000)
})
