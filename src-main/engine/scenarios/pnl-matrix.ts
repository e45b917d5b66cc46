/**
 * The positions × scenarios P&L matrix (docs/METHODOLOGY.md §4) is a row-major Float64Array:
 * row p holds position p's P&L (gain positive) in every scenario. The portfolio vector is its
 * column sum; every margin method aggregates it.
 */

/**
 * Add the column sums of `matrix` (rows × cols, row-major) into `out` (length cols).
 * `out` is accumulated into, not cleared, so partial sums from several chunks can be combined.
 * Row-by-row order keeps the inner loop sequential in memory.
 */
export function addColumnSums(matrix: Float64Array, rows: number, cols: number, out: Float64Array): void {
  if (matrix.length !== rows * cols) {
    throw new Error(`P&L matrix has ${matrix.length} cells, expected ${rows} positions × ${cols} scenarios`)
  }
  if (out.length !== cols) throw new Error(`sum vector has ${out.length} entries, expected ${cols} scenarios`)
  for (let r = 0; r < rows; r++) {
    const base = r * cols
    for (let c = 0; c < cols; c++) out[c]! += matrix[base + c]!
  }
}

/** Index and value of the worst (most negative) scenario P&L; ties keep the first. */
export function worstScenario(portfolioPnl: Float64Array): { index: number; pnl: number } {
  let index = 0
  let pnl = Number.POSITIVE_INFINITY
  for (let s = 0; s < portfolioPnl.length; s++) {
    if (portfolioPnl[s]! < pnl) {
      pnl = portfolioPnl[s]!
      index = s
    }
  }
  return { index, pnl }
}
