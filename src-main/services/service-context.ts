/**
 * What every domain's handlers share: the book file, the worker pool, the event bus, the PDF
 * printer, cancellable tasks, and a per-request book context (book-context.ts). The API service
 * builds one ServiceContext per open book file and hands it to each domain's slice.
 */
import type { MethodName, ParsedRequestOf, ResponseOf } from '@contract/api'
import type { OpenedBook } from '../book/database'
import type { WorkerPool } from '../workers/pool'
import type { PdfPrinter } from '../reports/pdf/pdf-printer'
import type { EventBus } from './event-bus'
import type { BookContext } from './book-context'

export type Handlers = {
  [M in MethodName]: (req: ParsedRequestOf<M>) => Promise<ResponseOf<M>> | ResponseOf<M>
}

/** One domain's handlers: exactly the methods of its contract table (`keyof typeof xMethods`). */
export type HandlerSlice<K extends MethodName> = Pick<Handlers, K>

/** Progress and cancellation of one run. */
export interface RunControl {
  signal?: AbortSignal
  onProgress?: (done: number, total: number) => void
}

export interface Tasks {
  /** A cancellable run in the pool: progress as task.progress events, cancelTask aborts it. */
  run<T>(taskId: string, body: (run: Required<RunControl> & { pool: WorkerPool }) => Promise<T>): Promise<T>
  /** A task when the caller names one (progress, cancel), else a plain call. */
  maybe<T>(taskId: string | undefined, body: (run: RunControl) => Promise<T>): Promise<T>
  /** Progress events for a run that is not cancellable (an import commit). */
  progress(taskId: string | undefined): RunControl['onProgress']
  cancel(taskId: string): boolean
  abortAll(): void
}

export interface ServiceContext {
  file: OpenedBook
  db: OpenedBook['db']
  pool: WorkerPool
  host: 'electron' | 'browser'
  events: EventBus
  printer: PdfPrinter
  tasks: Tasks
  /** The book, its positions, market, parameters and balances, loaded once per request. */
  bookContext(bookId: number): BookContext
}

export function createTasks(pool: WorkerPool, events: EventBus): Tasks {
  const running = new Map<string, AbortController>()
  const progress = (taskId: string) => (done: number, total: number) => events.emit({ type: 'task.progress', taskId, done, total })
  const tasks: Tasks = {
    async run(taskId, body) {
      if (running.has(taskId)) throw new Error(`task ${taskId} is already running`)
      const controller = new AbortController()
      running.set(taskId, controller)
      try {
        return await body({ pool, signal: controller.signal, onProgress: progress(taskId) })
      } finally {
        running.delete(taskId)
      }
    },
    maybe: (taskId, body) => (taskId ? tasks.run(taskId, (run) => body({ signal: run.signal, onProgress: run.onProgress })) : body({})),
    progress: (taskId) => (taskId ? progress(taskId) : undefined),
    cancel(taskId) {
      const controller = running.get(taskId)
      controller?.abort()
      return controller !== undefined
    },
    abortAll() {
      for (const c of running.values()) c.abort()
    }
  }
  return tasks
}
