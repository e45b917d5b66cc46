/** The engine's task table: thin adapters from worker messages to pure engine functions. */
import type { TaskTable } from './protocol'
import { addColumnSums } from '../engine/scenarios/pnl-matrix'

export interface ColumnSumsInput {
  /** Row-major chunk of the positions × scenarios P&L matrix. */
  matrix: Float64Array
  rows: number
  cols: number
}

const PROGRESS_EVERY_ROWS = 256

export const engineTasks: TaskTable = {
  columnSums(input, ctx) {
    const { matrix, rows, cols } = input as ColumnSumsInput
    const out = new Float64Array(cols)
    // Sum in row blocks so progress can be reported without touching the hot loop.
    for (let start = 0; start < rows; start += PROGRESS_EVERY_ROWS) {
      const end = Math.min(rows, start + PROGRESS_EVERY_ROWS)
      addColumnSums(matrix.subarray(start * cols, end * cols), end - start, cols, out)
      ctx.progress(end, rows)
    }
    return { output: out, transfer: [out.buffer] }
  }
}
