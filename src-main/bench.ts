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
import { runMatrixSelfTest, seededPnlMatrix } from './services/matrix-self-test'

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
    t0 = performance.now()
    const single = new Float64Array(S)
    addColumnSums(matrix, P, S, single)
    console.log(`engine: column sums ${P} positions × ${S} scenarios, single thread (baseline): ${ms(t0)}`)

    const pool = createEnginePool()
    await runMatrixSelfTest({ taskId: 'warm-up', positions: 100, scenarios: 100, seed: 1 }, pool, { signal: new AbortController().signal, onProgress: () => {} })
    const r = await runMatrixSelfTest({ taskId: 'bench', positions: P, scenarios: S, seed: 7 }, pool, {
      signal: new AbortController().signal,
      onProgress: () => {}
    })
    console.log(
      `engine: pool self-test (generate + single-thread reference + ${r.chunks} chunks on ${r.workerCount} workers, transfer both ways): ${r.durationMs.toFixed(1)} ms, max |error| ${r.maxAbsError.toExponential(2)}`
    )
    await pool.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

void main()
