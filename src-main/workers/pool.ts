/**
 * A fixed-size pool of worker threads running engine tasks (and, with one thread, the import
 * worker: services/import/import-runner.ts).
 * - size = every core: while a revaluation runs the main thread only waits for the workers (it
 *   answers the UI between their messages), so keeping a core back for it left one of two idle;
 * - inputs and outputs move as transferable ArrayBuffers, never copied;
 * - progress flows back per task; an AbortSignal cancels (a running task's worker is terminated
 *   and replaced, because CPU-bound work cannot be interrupted cooperatively without polling);
 * - a worker that throws or exits mid-task is replaced, its task fails with a message, the pool goes on.
 */
import { Worker } from 'node:worker_threads'
import { availableParallelism } from 'node:os'
import type { ErrorDetail, RunMessage, WorkerReply } from './protocol'

export class TaskCancelledError extends Error {
  constructor(task: string) {
    super(`task "${task}" was cancelled`)
    this.name = 'TaskCancelledError'
  }
}

export class WorkerCrashedError extends Error {
  constructor(task: string, reason: string, label = 'engine') {
    super(`${label} worker crashed while running "${task}": ${reason}`)
    this.name = 'WorkerCrashedError'
  }
}

/**
 * A task that threw in its worker. The message is "<task>: <the worker's message>"; `detail` keeps
 * the worker's own message, error class name and plain fields, for callers that rebuild the error.
 */
export class WorkerTaskError extends Error {
  constructor(
    readonly task: string,
    readonly workerMessage: string,
    readonly detail: ErrorDetail | null
  ) {
    super(`${task}: ${workerMessage}`)
    this.name = 'WorkerTaskError'
  }
}

export interface PoolOptions {
  /** What the workers run, in messages ("engine" by default). */
  label?: string
  /** Idle workers do not keep the process alive (a CLI run, a test), busy ones do. */
  unrefWhenIdle?: boolean
}

export interface RunOptions {
  transfer?: ArrayBuffer[]
  onProgress?: (done: number, total: number) => void
  signal?: AbortSignal
}

export interface PoolStatus {
  workerCount: number
  busyWorkers: number
  queuedTasks: number
  workersReplaced: number
  tasksCompleted: number
}

interface Job {
  id: number
  task: string
  input: unknown
  opts: RunOptions
  resolve: (v: unknown) => void
  reject: (e: Error) => void
  onAbort?: () => void
}

interface Slot {
  worker: Worker
  job: Job | null
  lastError: string | null
}

/** Consecutive crashes with no task completed in between before the pool stops respawning. */
const MAX_CRASH_STREAK = 8

export const defaultPoolSize = (): number => Math.max(1, availableParallelism())

export class WorkerPool {
  private readonly slots: Slot[] = []
  private readonly queue: Job[] = []
  private nextJobId = 1
  private replaced = 0
  private completed = 0
  private crashStreak = 0
  private closed = false
  private broken: string | null = null
  private readonly statusListeners = new Set<(s: PoolStatus) => void>()

  private started = false

  /** Workers start on the first task, so a CLI listing positions never pays for threads. */
  constructor(
    private readonly workerPath: string | URL,
    readonly size = defaultPoolSize(),
    private readonly opts: PoolOptions = {}
  ) {}

  private get label(): string {
    return this.opts.label ?? 'engine'
  }

  run<T = unknown>(task: string, input: unknown, opts: RunOptions = {}): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`the ${this.label} pool is shut down`))
    if (this.broken) return Promise.reject(new Error(this.broken))
    if (opts.signal?.aborted) return Promise.reject(new TaskCancelledError(task))
    return new Promise<T>((resolve, reject) => {
      const job: Job = { id: this.nextJobId++, task, input, opts, resolve: resolve as (v: unknown) => void, reject }
      if (opts.signal) {
        job.onAbort = () => this.cancel(job)
        opts.signal.addEventListener('abort', job.onAbort, { once: true })
      }
      this.queue.push(job)
      if (!this.started) {
        this.started = true
        for (let i = 0; i < this.size; i++) this.slots.push(this.spawn())
      }
      this.pump()
    })
  }

  status(): PoolStatus {
    return {
      workerCount: this.started ? this.slots.length : this.size,
      busyWorkers: this.slots.filter((s) => s.job).length,
      queuedTasks: this.queue.length,
      workersReplaced: this.replaced,
      tasksCompleted: this.completed
    }
  }

  onStatus(listener: (s: PoolStatus) => void): () => void {
    this.statusListeners.add(listener)
    return () => this.statusListeners.delete(listener)
  }

  async close(): Promise<void> {
    this.closed = true
    for (const job of this.queue.splice(0)) this.settle(job, new Error(`the ${this.label} pool is shutting down`))
    await Promise.all(
      this.slots.map((s) => {
        if (s.job) this.settle(s.job, new Error(`the ${this.label} pool is shutting down`))
        s.job = null
        return s.worker.terminate()
      })
    )
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(this.workerPath), job: null, lastError: null }
    if (this.opts.unrefWhenIdle) slot.worker.unref()
    slot.worker.on('message', (msg: WorkerReply) => this.onMessage(slot, msg))
    slot.worker.on('error', (err) => {
      slot.lastError = err.message
    })
    slot.worker.on('exit', (code) => this.onExit(slot, code))
    return slot
  }

  private onMessage(slot: Slot, msg: WorkerReply): void {
    const job = slot.job
    if (!job || job.id !== msg.taskId) return
    if (msg.type === 'progress') {
      job.opts.onProgress?.(msg.done, msg.total)
      return
    }
    slot.job = null
    if (this.opts.unrefWhenIdle) slot.worker.unref()
    this.crashStreak = 0
    this.completed++
    if (msg.type === 'result') this.settle(job, null, msg.output)
    else this.settle(job, new WorkerTaskError(job.task, msg.message, msg.error ?? null))
    this.pump()
  }

  private onExit(slot: Slot, code: number): void {
    const index = this.slots.indexOf(slot)
    if (index < 0 || this.closed) return // terminated on purpose (cancel, close)
    const reason = slot.lastError ?? `worker exited with code ${code}`
    if (slot.job) this.settle(slot.job, new WorkerCrashedError(slot.job.task, reason, this.label))
    slot.job = null
    this.replaced++
    this.crashStreak++
    if (this.crashStreak >= MAX_CRASH_STREAK) {
      this.broken = `the ${this.label} pool stopped after ${this.crashStreak} worker crashes in a row (last: ${reason})`
      this.slots.splice(index, 1)
      for (const job of this.queue.splice(0)) this.settle(job, new Error(this.broken))
    } else {
      this.slots[index] = this.spawn()
    }
    this.pump()
  }

  private cancel(job: Job): void {
    const queued = this.queue.indexOf(job)
    if (queued >= 0) {
      this.queue.splice(queued, 1)
      this.settle(job, new TaskCancelledError(job.task))
      this.emitStatus()
      return
    }
    const index = this.slots.findIndex((s) => s.job === job)
    if (index < 0) return
    const slot = this.slots[index]!
    slot.job = null
    this.slots[index] = this.spawn()
    // Settled once the thread is gone, not before: a cancelled import's SQLite connection holds
    // the book's write lock until then, and the caller's next write must not meet it.
    const cancelled = (): void => this.settle(job, new TaskCancelledError(job.task))
    slot.worker.terminate().then(cancelled, cancelled)
    this.pump()
  }

  private settle(job: Job, error: Error | null, value?: unknown): void {
    if (job.onAbort) job.opts.signal?.removeEventListener('abort', job.onAbort)
    if (error) job.reject(error)
    else job.resolve(value)
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.job) continue
      const job = this.queue.shift()
      if (!job) break
      slot.job = job
      slot.lastError = null
      if (this.opts.unrefWhenIdle) slot.worker.ref()
      const msg: RunMessage = { type: 'run', taskId: job.id, task: job.task, input: job.input }
      slot.worker.postMessage(msg, job.opts.transfer ?? [])
    }
    this.emitStatus()
  }

  private emitStatus(): void {
    if (this.statusListeners.size === 0) return
    const s = this.status()
    for (const l of this.statusListeners) l(s)
  }
}
