/**
 * The loop every thread of a USD reduction runs (engine/scenarios/usd-reduce.ts): claim the next
 * block of rows, revalue it into this thread's scratch in USD, wait for the block before it to be
 * added, add this one, hand the turn on. Blocks are claimed dynamically (a shared counter), so
 * cheap futures rows and costly option rows balance across threads; they are added strictly in
 * row order, so the portfolio vector has the same bits as one thread adding every row (and as the
 * whole-matrix twin). The add is a fraction of a block's revaluation, so threads rarely wait.
 *
 * No deadlock: a block is claimed only by a running thread, which finishes it; every block below
 * it was claimed earlier by a running thread. If one thread fails (or is cancelled and terminated),
 * the caller raises the `failed` word and the others stop waiting.
 */
import { precomputeScenarios } from '../engine/scenarios/revalue'
import { addUsdRows, revalueUsdRows, usdBlockCount, usdBlockRange, usdBlockRows } from '../engine/scenarios/usd-reduce'
import type { PortfolioArrays } from '../engine/scenarios/portfolio-arrays'
import type { ScenarioSet } from '../engine/scenarios/scenario-set'

/** Words of the control array: the next block to claim, blocks added so far, a failure flag. */
export const NEXT_BLOCK = 0
export const BLOCKS_ADDED = 1
export const FAILED = 2

export const newControl = (shared: boolean): Int32Array => new Int32Array(shared ? new SharedArrayBuffer(12) : new ArrayBuffer(12))

export interface ReduceUsdInput {
  arrays: PortfolioArrays
  scenarios: ScenarioSet
  /** USD per unit of each P&L currency per scenario (usdRates). */
  rates: Float64Array[]
  /** The portfolio USD P&L per scenario, added into in row order; null when only rows are wanted. */
  portfolio: Float64Array | null
  /** positions × scenarios USD rows when the caller keeps them (small sets: stress, candidates, the tail); else null. */
  rows: Float64Array | null
  control: Int32Array
}

/** How long a waiting thread sleeps before it looks at the failure flag again, ms. */
const WAIT_MS = 100

function waitTurn(control: Int32Array, block: number): void {
  for (;;) {
    const added = Atomics.load(control, BLOCKS_ADDED)
    if (added === block) return
    if (Atomics.load(control, FAILED)) throw new Error('the reduction stopped: another thread failed or was cancelled')
    Atomics.wait(control, BLOCKS_ADDED, added, WAIT_MS)
  }
}

/** Run the loop until no block is left; `onBlock(done)` after each block this thread finished. */
export function reduceUsdBlocks(input: ReduceUsdInput, onBlock: (done: number) => void = () => {}): void {
  const { arrays, scenarios, rates, portfolio, rows, control } = input
  const S = scenarios.count
  const n = arrays.count
  const blocks = usdBlockCount(n, S)
  const pre = precomputeScenarios(scenarios)
  const scratch = rows ? null : new Float64Array(usdBlockRows(S) * S)
  let done = 0
  for (;;) {
    if (Atomics.load(control, FAILED)) throw new Error('the reduction stopped: another thread failed or was cancelled')
    const b = Atomics.add(control, NEXT_BLOCK, 1)
    if (b >= blocks) return
    const [r0, r1] = usdBlockRange(b, n, S)
    const out = rows ? rows.subarray(r0 * S, r1 * S) : scratch!
    revalueUsdRows(arrays, scenarios, pre, rates, r0, r1, out)
    if (portfolio) {
      waitTurn(control, b)
      addUsdRows(out, r1 - r0, S, portfolio)
    }
    // Hand the turn on (rows-only runs count too, for nothing waits on them).
    Atomics.add(control, BLOCKS_ADDED, 1)
    if (control.buffer instanceof SharedArrayBuffer) Atomics.notify(control, BLOCKS_ADDED)
    onBlock(++done)
  }
}
