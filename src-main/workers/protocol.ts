/** Messages between the pool (main thread) and an engine worker. */
export interface RunMessage {
  type: 'run'
  taskId: number
  task: string
  input: unknown
}

export type WorkerReply =
  | { type: 'progress'; taskId: number; done: number; total: number }
  | { type: 'result'; taskId: number; output: unknown }
  | { type: 'error'; taskId: number; message: string; error?: ErrorDetail }

/**
 * What a task's error was, beyond its message: its class name and its own plain fields (code,
 * field…). Errors cross threads as structured clones, which keep neither the class nor the fields.
 */
export interface ErrorDetail {
  name: string
  props: Record<string, string | number | boolean | null>
}

export interface TaskContext {
  /** Report progress; the pool forwards it to the caller. Cheap enough to call per row chunk. */
  progress(done: number, total: number): void
}

export interface TaskResult {
  output: unknown
  /** Buffers to move (not copy) back to the main thread, e.g. a result Float64Array's buffer. */
  transfer?: ArrayBuffer[]
}

export type TaskFn = (input: unknown, ctx: TaskContext) => TaskResult | Promise<TaskResult>
export type TaskTable = Record<string, TaskFn>
