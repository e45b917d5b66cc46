/**
 * Imports run in a dedicated worker thread (import.worker.ts), never on the host's thread and never
 * in the engine pool: a 30 MB statement's parse and its 100,000-row commit take seconds, during which
 * the host goes on answering other calls and the engine pool goes on revaluing. One thread, one task
 * at a time (two imports into one book file would only wait on each other's write lock); progress
 * arrives as the pool's progress, an abort ends the thread and its transaction with it.
 *
 * Errors cross the thread boundary as a message, a class name and plain fields; they are rebuilt
 * here as the classes dispatch() maps to API error codes, so a worker's error reads exactly as the
 * same error thrown on the host's thread.
 */
import importWorkerPath from './import.worker?modulePath'
import { WorkerPool, WorkerTaskError } from '../../workers/pool'
import type { ImportPreview, ImportRequest, ImportResult } from '../import-service'
import { ImportRefusedError } from '../import-service'
import { BookBusyError, BookDamagedError, BookNewerError, BookReadOnlyError, DiskFullError, InvalidDocumentError, MissingDataError, NotFoundError } from '../errors'
import { NoMarketError } from '../book-context'
import { BookRefusedError } from '../../book/whatif-repository'
import { AsOfRequiredError } from '../../importers/market/deribit-ticker-chain'
import type { RunControl } from '../service-context'
import type { CommitTaskInput, ImportTaskInput } from './import-tasks'

/** The error classes an import can throw that callers tell apart (by instanceof), by class name. */
const ERROR_CLASSES: Record<string, { prototype: Error }> = {
  ImportRefusedError,
  BookRefusedError,
  AsOfRequiredError,
  NotFoundError,
  MissingDataError,
  NoMarketError,
  InvalidDocumentError,
  BookBusyError,
  BookReadOnlyError,
  BookDamagedError,
  DiskFullError,
  BookNewerError
}

let pool: WorkerPool | null = null
/** Started on the first import; an idle import thread keeps neither a CLI run nor a test alive. */
const importPool = (): WorkerPool => (pool ??= new WorkerPool(importWorkerPath, 1, { label: 'import', unrefWhenIdle: true }))

/** The worker's error as the class it was thrown as (its message, fields and name), else as it came. */
export function rebuildError(e: unknown): unknown {
  if (!(e instanceof WorkerTaskError)) return e
  const err = new Error(e.workerMessage)
  const detail = e.detail
  if (!detail) return err
  const cls = ERROR_CLASSES[detail.name]
  if (cls) Object.setPrototypeOf(err, cls.prototype)
  return Object.assign(err, detail.props, { name: detail.name })
}

async function inWorker<T>(task: 'previewImport' | 'commitImport', input: ImportTaskInput, run: RunControl = {}): Promise<T> {
  try {
    return await importPool().run<T>(task, input, run)
  } catch (e) {
    throw rebuildError(e)
  }
}

/** The preview as previewImport answers it (issues in line order, the first few thousand). */
export const previewInWorker = (bookPath: string, req: ImportRequest): Promise<ImportPreview & { issuesTotal: number }> =>
  inWorker('previewImport', { bookPath, req })

/** The all-or-nothing commit, with progress and cancel (an abort rolls it back). */
export function commitInWorker(bookPath: string, req: ImportRequest & { allowPartial: boolean }, run: RunControl, now = new Date()): Promise<ImportResult> {
  const input: CommitTaskInput = { bookPath, req, nowMs: now.getTime() }
  return inWorker('commitImport', input, run)
}
