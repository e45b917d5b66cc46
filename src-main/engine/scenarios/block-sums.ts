/**
 * Portfolio vectors from the P&L matrix, summed in fixed blocks of rows so that a full recompute
 * and an incremental edit add in the same order and agree bit for bit. Sums are per P&L currency:
 * adding coin P&L to USD P&L would mean nothing.
 *
 * Layout of `blockSums`: [block][currency][scenario].
 */
import type { PortfolioArrays } from './portfolio-arrays'

export const ROWS_PER_BLOCK = 256

export const blockCount = (rows: number): number => Math.ceil(rows / ROWS_PER_BLOCK)

/** Recompute the partial sums of blocks [blockStart, blockEnd) from the matrix. */
export function sumBlocks(
  a: PortfolioArrays,
  matrix: Float64Array,
  scenarios: number,
  blockSums: Float64Array,
  blockStart: number,
  blockEnd: number
): void {
  const C = a.currencies.length
  for (let b = blockStart; b < blockEnd; b++) {
    const target = b * C * scenarios
    blockSums.fill(0, target, target + C * scenarios)
    const rowEnd = Math.min(a.count, (b + 1) * ROWS_PER_BLOCK)
    for (let r = b * ROWS_PER_BLOCK; r < rowEnd; r++) {
      const out = target + a.currencyIndex[r]! * scenarios
      const row = r * scenarios
      for (let s = 0; s < scenarios; s++) blockSums[out + s]! += matrix[row + s]!
    }
  }
}

/** Portfolio P&L vector per currency: the blocks' partial sums added in block order. */
export function portfolioVectors(a: PortfolioArrays, scenarios: number, blockSums: Float64Array): Map<string, Float64Array> {
  const C = a.currencies.length
  const blocks = blockCount(a.count)
  const result = new Map<string, Float64Array>()
  a.currencies.forEach((currency, c) => {
    const v = new Float64Array(scenarios)
    for (let b = 0; b < blocks; b++) {
      const from = (b * C + c) * scenarios
      for (let s = 0; s < scenarios; s++) v[s]! += blockSums[from + s]!
    }
    result.set(currency, v)
  })
  return result
}
