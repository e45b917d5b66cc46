/**
 * `npm run bench`: figures for the closing note, from one run. Not a test: nothing here can fail.
 * Baselines are stated next to each figure (single-thread sum for the pool).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openBook } from './book/open-book'
import { listHeldPositions } from './book/positions-repository'
import { insertTrades, type NewTrade } from './book/trades-repository'
import { addColumnSums } from './engine/scenarios/pnl-matrix'
import { createEnginePool } from './workers/engine-pool'
import { poolColumnSums, seededPnlMatrix } from './services/matrix-self-test'

const ms = (t0: number): string => `${(performance.now() - t0).toFixed(1)} ms`

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'marginal-bench-'))
  try {
    let t0 = performance.now()
    const book = openBook(join(dir, 'book.sqlite'))
    console.log(`book: create + migrate + seed demo book: ${ms(t0)}`)
    t0 = performance.now()
    const positions = listHeldPositions(book.db, 1)
    console.log(`book: list ${positions.length} positions: ${ms(t0)}`)
    const account = positions[0]!
    const instrumentId = (book.db.prepare('SELECT id FROM instruments LIMIT 1').get() as { id: number }).id
    const trades: NewTrade[] = Array.from({ length: 100_000 }, (_, i) => ({
      accountId: account.accountId, instrumentId, importId: null, externalId: `bench-${i}`, tradedAtMs: 1_700_000_000_000 + i,
      side: i % 2 ? 'buy' : 'sell', sizeContracts: 1 + (i % 7), price: 90_000 + (i % 100), fee: 0.0001, feeCurrency: 'BTC'
    }))
    t0 = performance.now()
    insertTrades(book.db, trades)
    console.log(`book: insert 100,000 trades in one transaction: ${ms(t0)}`)
    book.db.close()

    const P = 2_000, S = 5_000
    const matrix = seededPnlMatrix(P, S, 7)
    const single = new Float64Array(S)
    t0 = performance.now()
    addColumnSums(matrix, P, S, single)
    console.log(`engine: column sums ${P} positions × ${S} scenarios, single thread on the main thread (baseline): ${ms(t0)}`)

    const pool = createEnginePool()
    await poolColumnSums(seededPnlMatrix(64, 64, 1), 64, 64, pool) // start the workers outside the timing
    t0 = performance.now()
    const { sums, chunks } = await poolColumnSums(matrix, P, S, pool)
    const elapsed = ms(t0)
    let maxError = 0
    for (let s = 0; s < S; s++) maxError = Math.max(maxError, Math.abs(sums[s]! - single[s]!))
    console.log(
      `engine: same sums in the worker pool (${chunks} chunks on ${pool.size} worker${pool.size === 1 ? '' : 's'}, buffers moved both ways): ${elapsed}, max |difference| ${maxError.toExponential(2)}`
    )
    await pool.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

void main()
