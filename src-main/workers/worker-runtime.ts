/**
 * Runs inside a worker thread: receives tasks, runs them from a task table, replies with results,
 * progress or an error. A task that throws synchronously (bad input) fails alone and the worker
 * stays; anything that kills the thread is handled by the pool, which replaces the worker.
 */
import { parentPort } from 'node:worker_threads'
import type { ErrorDetail, RunMessage, TaskTable, WorkerReply } from './protocol'

/** The error's class name and own plain fields (e.g. `field`, `code`), for the caller to rebuild it. */
function errorDetail(e: Error): ErrorDetail {
  const props: ErrorDetail['props'] = {}
  for (const [k, v] of Object.entries(e)) if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') props[k] = v
  return { name: e.name, props }
}

export function serveTasks(tasks: TaskTable): void {
  const port = parentPort
  if (!port) throw new Error('serveTasks must run inside a worker thread')
  port.on('message', async (msg: RunMessage) => {
    const reply = (r: WorkerReply, transfer?: ArrayBuffer[]): void => port.postMessage(r, transfer ?? [])
    const fn = tasks[msg.task]
    if (!fn) {
      reply({ type: 'error', taskId: msg.taskId, message: `unknown engine task "${msg.task}"` })
      return
    }
    try {
      const result = await fn(msg.input, {
        progress: (done, total) => reply({ type: 'progress', taskId: msg.taskId, done, total })
      })
      reply({ type: 'result', taskId: msg.taskId, output: result.output }, result.transfer)
    } catch (e) {
      reply(e instanceof Error ? { type: 'error', taskId: msg.taskId, message: e.message, error: errorDetail(e) } : { type: 'error', taskId: msg.taskId, message: String(e) })
    }
  })
}
