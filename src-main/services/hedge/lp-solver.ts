/**
 * Linear programmes are solved by HiGHS (the University of Edinburgh's solver, compiled to
 * WebAssembly, npm `highs`): a maintained, exact simplex/IPM rather than a hand-written one. The
 * engine builds models as CPLEX LP text; this is the one place that runs them, in a worker thread
 * (lp.worker.ts) so a large solve never blocks the backend and an abort ends it at once.
 */
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import lpWorkerPath from './lp.worker?modulePath'
import { TaskCancelledError } from '../../workers/pool'

export interface LpResult {
  status: string
  objective: number
  columns: Record<string, number>
}

type Reply = { id: number; ok: true; status: string; objective: number; columns: Record<string, number> } | { id: number; ok: false; message: string }

let worker: Worker | null = null
let nextId = 1
const waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void; text: string }>()

function lpWorker(): Worker {
  if (worker) return worker
  const w = new Worker(lpWorkerPath, { workerData: { highsPath: createRequire(import.meta.url).resolve('highs') } })
  // An idle solver must not keep the CLI or a test run alive.
  w.unref()
  w.on('message', (r: Reply) => {
    waiting.get(r.id)?.resolve(r)
    waiting.delete(r.id)
  })
  // Only the current thread's failure fails the solves waiting on it (a cancelled one is already gone).
  w.on('error', (e) => worker === w && fail(new Error(`the LP solver thread failed: ${e.message}`)))
  w.on('exit', (code) => worker === w && fail(new Error(`the LP solver thread stopped (exit ${code})`)))
  return (worker = w)
}

function fail(e: Error): void {
  worker = null
  for (const p of waiting.values()) p.reject(e)
  waiting.clear()
}

/** Solve; throws naming the status unless HiGHS reports an optimum, or TaskCancelledError on abort. */
export async function solveLp(text: string, signal?: AbortSignal): Promise<LpResult> {
  if (signal?.aborted) throw new TaskCancelledError('LP solve')
  const w = lpWorker()
  const id = nextId++
  const reply = await new Promise<Reply>((resolve, reject) => {
    waiting.set(id, { resolve, reject, text })
    w.ref()
    const onAbort = (): void => {
      waiting.delete(id)
      // Cancelling a solve is ending its thread; solves queued behind it move to a fresh one.
      worker = null
      void w.terminate()
      reject(new TaskCancelledError('LP solve'))
      if (waiting.size) {
        const fresh = lpWorker()
        fresh.ref()
        for (const [other, entry] of waiting) fresh.postMessage({ id: other, text: entry.text })
      }
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    w.postMessage({ id, text })
  }).finally(() => {
    if (!waiting.size) worker?.unref()
  })
  if (!reply.ok) throw new Error(`the LP solver (HiGHS) could not read or run the model: ${reply.message}`)
  if (reply.status !== 'Optimal') throw new Error(`the LP solver (HiGHS) found no optimum: ${reply.status}`)
  return { status: reply.status, objective: reply.objective, columns: reply.columns }
}
