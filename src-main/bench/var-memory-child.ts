/**
 * One run of the VaR memory bench (var-memory-bench.ts) in a process of its own: the demo book's
 * market in a new book file, a synthetic book of N positions (the bench's generator), 2,600 days
 * of synthetic BTC/ETH history, Monte Carlo VaR/ES at 99 % and 99.5 % with component ES, in the
 * engine pool. Prints one JSON line: time, peak RSS, VaR.
 */
import { peakRssMb } from './peak-rss'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openBook } from '../book/open-book'
import { findBook } from '../book/books-repository'
import { loadMarketSnapshot } from '../book/market-repository'
import type { HeldPosition } from '../book/positions-repository'
import { buildMarketView } from '../engine/market/market-view'
import { valueAtRisk, type HistoryInput } from '../services/var-service'
import { createEnginePool } from '../workers/engine-pool'
import { syntheticBook } from './synthetic-book'
import { syntheticBenchHistory } from './synthetic-history'
import { VAR_MEMORY_CHILD_FLAG, type VarMemoryChildResult, type VarMemorySpec } from './var-memory-bench'

async function run(spec: VarMemorySpec): Promise<VarMemoryChildResult> {
  const dir = mkdtempSync(join(tmpdir(), 'marginal-var-memory-'))
  const pool = createEnginePool(spec.workers)
  try {
    const book = openBook(join(dir, 'book.sqlite'))
    const market = loadMarketSnapshot(book.db, findBook(book.db, 1)!.marketSnapshotId!)!
    book.db.close()
    const view = buildMarketView(market)
    const held: HeldPosition[] = syntheticBook(market, spec.positions, spec.seed ?? 2).map((p, i) => ({
      positionId: i + 1,
      accountId: 1,
      accountName: 'bench',
      venue: p.instrument.venue,
      instrument: p.instrument,
      sizeContracts: p.sizeContracts,
      avgPrice: null
    }))
    const history: HistoryInput = syntheticBenchHistory(market)
    const rssBeforeRunMb = process.memoryUsage.rss() / 2 ** 20
    const t0 = performance.now()
    const r = await valueAtRisk(held, view, history, { method: 'monte-carlo', horizonDays: 1, simulations: spec.paths, seed: 1 }, { pool, fullMatrix: spec.path === 'full-matrix' })
    const seconds = (performance.now() - t0) / 1000
    return {
      positions: spec.positions,
      paths: spec.paths,
      path: spec.path,
      workers: pool.size,
      seconds,
      peakRssMb: peakRssMb(),
      rssBeforeRunMb,
      var99Usd: r.levels[0]!.valueAtRisk,
      es99Usd: r.levels[0]!.expectedShortfall,
      valued: r.positionIds.length
    }
  } finally {
    await pool.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

const at = process.argv.indexOf(VAR_MEMORY_CHILD_FLAG)
if (at < 0) {
  console.error(`usage: var-memory-child.js ${VAR_MEMORY_CHILD_FLAG} '{"positions":10000,"paths":10000,"path":"bounded"}'`)
  process.exit(2)
}
run(JSON.parse(process.argv[at + 1]!) as VarMemorySpec).then(
  (r) => console.log(JSON.stringify(r)),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e))
    process.exit(1)
  }
)
