/**
 * A book's USD P&L under a scenario set in bounded memory (issue 20): the portfolio vector by a
 * block-at-a-time reduction across the worker pool (workers/usd-reduce-task.ts), and each
 * position's P&L only where a statistic reads it — every scenario for small sets (stress,
 * hedge candidates), the few tail scenarios for component ES and VaR (a second pass on those
 * columns alone). The whole-matrix path (revalueAll / revalueInPool, then usdPnl) stays as the
 * reference twin: `fullMatrix` selects it, for the tests that hold the two equal and the memory
 * bench's baseline.
 */
import { isUsdLike } from '../../engine/market/currency'
import type { MarketView } from '../../engine/market/market-view'
import { usdPnl } from '../../engine/risk/scenario-sets'
import type { PortfolioArrays } from '../../engine/scenarios/portfolio-arrays'
import { revalueAll } from '../../engine/scenarios/revaluation'
import { scenarioSubset, type ScenarioSet } from '../../engine/scenarios/scenario-set'
import { usdBlockCount, usdRates } from '../../engine/scenarios/usd-reduce'
import { TaskCancelledError, type WorkerPool } from '../../workers/pool'
import { BLOCKS_ADDED, FAILED, newControl, reduceUsdBlocks, type ReduceUsdInput } from '../../workers/usd-reduce-task'
import { revalueInPool } from '../revaluation-runner'

export interface ScenarioRun {
  pool?: WorkerPool
  signal?: AbortSignal
  onProgress?: (done: number, total: number) => void
  /**
   * The reference twin: materialise the coin matrix and its USD copy as before issue 20. Tests
   * hold the bounded path equal to it; the memory bench measures it as the baseline.
   */
  fullMatrix?: boolean
}

export interface BookPnl {
  /** Portfolio P&L per scenario, USD (gain positive). */
  portfolio: Float64Array
  /** Every position's USD P&L on the scenarios `columns` (ascending indices): positions × columns.length, row-major. */
  positionsOn(columns: Int32Array): Promise<Float64Array>
}

/** USD per unit of each P&L currency of the arrays per scenario, at the market's index prices. */
export function bookUsdRates(arrays: PortfolioArrays, scenarios: ScenarioSet, view: MarketView): Float64Array[] {
  const index = (c: string): number => scenarios.underlyings.indexOf(c.toUpperCase())
  return usdRates(
    arrays.currencies,
    scenarios,
    (c) => (isUsdLike(c) ? 1 : (view.curves.get(c.toUpperCase())?.indexUsd ?? missingIndex(c))),
    (c) => (isUsdLike(c) ? -1 : index(c))
  )
}

/**
 * Reduce the arrays' USD P&L under the set: the portfolio vector (unless `portfolio` is false) and
 * the positions × scenarios rows when `keepRows`. In the pool every worker runs the block loop on
 * shared buffers while this thread waits; without one, this thread runs it.
 */
export async function reduceUsd(
  arrays: PortfolioArrays,
  scenarios: ScenarioSet,
  rates: Float64Array[],
  opts: ScenarioRun & { keepRows?: boolean; portfolio?: boolean } = {}
): Promise<{ portfolio: Float64Array; rows: Float64Array | null }> {
  const S = scenarios.count
  const shared = opts.pool !== undefined
  const buffer = (n: number): Float64Array => new Float64Array(shared ? new SharedArrayBuffer(n * 8) : new ArrayBuffer(n * 8))
  const input: ReduceUsdInput = {
    arrays,
    scenarios,
    rates,
    portfolio: opts.portfolio === false ? null : buffer(S),
    rows: opts.keepRows ? buffer(arrays.count * S) : null,
    control: newControl(shared)
  }
  const blocks = usdBlockCount(arrays.count, S)
  if (!opts.pool || blocks === 0) {
    if (opts.signal?.aborted) throw new TaskCancelledError('reduceUsd')
    reduceUsdBlocks(input, (done) => opts.onProgress?.(done, blocks))
  } else {
    const pool = opts.pool
    const threads = Math.min(pool.size, blocks)
    const done = new Float64Array(threads)
    const runs = Array.from({ length: threads }, (_, t) =>
      pool
        .run('reduceUsd', input, {
          signal: opts.signal,
          onProgress: (d) => {
            done[t] = d
            opts.onProgress?.(done.reduce((x, y) => x + y, 0), blocks)
          }
        })
        .catch((e: unknown) => {
          // The others may be waiting for a block this one held: let them go.
          Atomics.store(input.control, FAILED, 1)
          Atomics.notify(input.control, BLOCKS_ADDED)
          throw e
        })
    )
    const settled = await Promise.allSettled(runs)
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
    if (failed) throw failed.reason
  }
  return { portfolio: input.portfolio ?? new Float64Array(0), rows: input.rows }
}

/**
 * The book's USD P&L under a set, bounded: the portfolio vector now, positions' P&L on chosen
 * scenarios when asked (a second, small revaluation). With `fullMatrix`, the reference twin.
 */
export async function bookPnl(arrays: PortfolioArrays, scenarios: ScenarioSet, view: MarketView, run: ScenarioRun = {}): Promise<BookPnl> {
  if (run.fullMatrix) {
    const usd = await fullMatrixPnl(arrays, scenarios, view, run)
    const S = scenarios.count
    return {
      portfolio: usd.portfolio,
      positionsOn: async (columns) => {
        const out = new Float64Array(arrays.count * columns.length)
        for (let r = 0; r < arrays.count; r++) columns.forEach((j, i) => (out[r * columns.length + i] = usd.rows[r * S + j]!))
        return out
      }
    }
  }
  const { portfolio } = await reduceUsd(arrays, scenarios, bookUsdRates(arrays, scenarios, view), run)
  return {
    portfolio,
    positionsOn: async (columns) => {
      const sub = scenarioSubset(scenarios, columns)
      const { rows } = await reduceUsd(arrays, sub, bookUsdRates(arrays, sub, view), { pool: run.pool, signal: run.signal, keepRows: true, portfolio: false })
      return rows!
    }
  }
}

/** Portfolio and positions × scenarios USD rows: for sets small in one dimension (stress scenarios, hedge candidates). */
export async function positionsPnl(arrays: PortfolioArrays, scenarios: ScenarioSet, view: MarketView, run: ScenarioRun = {}): Promise<{ portfolio: Float64Array; rows: Float64Array }> {
  if (run.fullMatrix) return fullMatrixPnl(arrays, scenarios, view, run)
  const { portfolio, rows } = await reduceUsd(arrays, scenarios, bookUsdRates(arrays, scenarios, view), { ...run, keepRows: true })
  return { portfolio, rows: rows! }
}

/** The reference twin: the coin matrix (pool or this thread), then its USD copy (usdPnl). */
export async function fullMatrixPnl(arrays: PortfolioArrays, scenarios: ScenarioSet, view: MarketView, run: ScenarioRun = {}): Promise<{ portfolio: Float64Array; rows: Float64Array }> {
  const rv = run.pool ? await revalueInPool(arrays, scenarios, run.pool, { signal: run.signal, onProgress: run.onProgress }) : revalueAll(arrays, scenarios)
  const index = (c: string): number => scenarios.underlyings.indexOf(c.toUpperCase())
  return usdPnl(rv.matrix, arrays.currencyIndex, arrays.currencies, scenarios, (c) => (isUsdLike(c) ? 1 : (view.curves.get(c.toUpperCase())?.indexUsd ?? missingIndex(c))), (c) => (isUsdLike(c) ? -1 : index(c)))
}

function missingIndex(c: string): never {
  throw new Error(`no ${c} index in the market snapshot to convert ${c} P&L to USD`)
}
