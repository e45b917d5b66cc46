/**
 * Scenario P&L in USD reduced a block of rows at a time (issue 20, bounded memory): a block of
 * positions is revalued into a scratch of `rows × scenarios` cells, converted to USD in place,
 * and added into the portfolio vector; the scratch is then reused for the next block. Peak memory
 * is one scratch per thread instead of positions × scenarios twice (the coin matrix and its USD
 * copy, `usdPnl` in engine/risk/scenario-sets.ts, which stays as the reference twin).
 *
 * Same bits as the whole-matrix path: every cell is the same kernel call (revalue.ts is per cell),
 * its USD value the same product, and the blocks are added in row order (`addUsdRows`), one row
 * after the other into one accumulator, as `usdPnl` adds them.
 */
import type { PortfolioArrays } from './portfolio-arrays'
import { revalueRows, type ScenarioPrecompute } from './revalue'
import type { ScenarioSet } from './scenario-set'

/** Cells of one scratch block (16 MB): at 10,000 scenarios, 209 rows. */
const SCRATCH_CELLS = 1 << 21
/** At most this many rows per block, so small scenario sets still split a book for the pool. */
const MAX_BLOCK_ROWS = 256

/** Rows per block for a scenario count: the scratch stays near 16 MB whatever the set's size. */
export const usdBlockRows = (scenarios: number): number => Math.max(1, Math.min(MAX_BLOCK_ROWS, Math.floor(SCRATCH_CELLS / Math.max(1, scenarios))))

export const usdBlockCount = (rows: number, scenarios: number): number => Math.ceil(rows / usdBlockRows(scenarios))

/**
 * USD value of one unit of each P&L currency per scenario (currency index × scenario): today's USD
 * price moved by the scenario's move of the column that moves it (`underlyingOf(c)`, −1 when the
 * set does not move it: today's price is kept). USD-like currencies give `currencyUsd(c)` = 1.
 */
export function usdRates(currencies: readonly string[], s: ScenarioSet, currencyUsd: (c: string) => number, underlyingOf: (c: string) => number): Float64Array[] {
  const S = s.count
  const u = s.underlyings.length
  return currencies.map((c) => {
    const today = currencyUsd(c)
    const col = underlyingOf(c)
    return Float64Array.from({ length: S }, (_, j) => (col < 0 ? today : today * (1 + s.priceMoves[j * u + col]!)))
  })
}

/**
 * Revalue rows [rowStart, rowEnd) into `out` (row r at (r − rowStart) × S) and convert each cell
 * to USD at its scenario's rate of the row's currency. `out` holds at least (rowEnd − rowStart) × S.
 */
export function revalueUsdRows(a: PortfolioArrays, s: ScenarioSet, pre: ScenarioPrecompute, rates: readonly Float64Array[], rowStart: number, rowEnd: number, out: Float64Array): void {
  const S = s.count
  revalueRows(a, s, pre, rowStart, rowEnd, out, rowStart)
  for (let r = rowStart; r < rowEnd; r++) {
    const fx = rates[a.currencyIndex[r]!]!
    const base = (r - rowStart) * S
    for (let j = 0; j < S; j++) out[base + j] = out[base + j]! * fx[j]!
  }
}

/** Add `rows` USD rows of `block` (row-major, S per row) into `portfolio`, first row first. */
export function addUsdRows(block: Float64Array, rows: number, S: number, portfolio: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    const base = i * S
    for (let j = 0; j < S; j++) portfolio[j]! += block[base + j]!
  }
}

/** Row range of block `b`. */
export function usdBlockRange(b: number, rows: number, scenarios: number): [number, number] {
  const per = usdBlockRows(scenarios)
  return [b * per, Math.min(rows, (b + 1) * per)]
}
