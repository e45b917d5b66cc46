/**
 * HiGHS in its own thread: a large LP never blocks the backend, and cancelling a solve is
 * terminating this worker. HiGHS is loaded from the path the main thread resolved (workerData),
 * so the worker finds it wherever its own bundle lives.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { pathToFileURL } from 'node:url'

interface HighsLike {
  solve(text: string): { Status: string; ObjectiveValue: number; Columns: Record<string, { Primal: number }> }
}

const loaded = (await import(pathToFileURL((workerData as { highsPath: string }).highsPath).href)) as { default: () => Promise<HighsLike> }
const highs = await loaded.default()

parentPort!.on('message', (msg: { id: number; text: string }) => {
  try {
    const r = highs.solve(msg.text)
    const columns: Record<string, number> = {}
    for (const [name, col] of Object.entries(r.Columns)) columns[name] = col.Primal
    parentPort!.postMessage({ id: msg.id, ok: true, status: r.Status, objective: r.ObjectiveValue, columns })
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, ok: false, message: (e as Error).message })
  }
})
