/**
 * `npm run bench -- --scale`: how Monte Carlo VaR/ES (full revaluation, tail statistics and
 * component ES: the heaviest positions × scenarios job) grows with the book and the paths. Each
 * cell runs in its own process so its peak RSS is its own (`process.resourceUsage().maxRSS`), on
 * the seeded synthetic book (the one `cli synthetic-book` writes) and a seeded daily history.
 * The growth exponents are the least-squares fit of log(time) and log(peak RSS − an empty
 * process's) on log(positions) and log(scenarios): 1 is linear.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openBook } from '../book/open-book'
import { findBook } from '../book/books-repository'
import { loadMarketSnapshot } from '../book/market-repository'
import type { HeldPosition } from '../book/positions-repository'
import { buildMarketView } from '../engine/market/market-view'
import { syntheticBook } from '../services/books/synthetic-book'
import { valueAtRisk, type HistoryInput } from '../services/var-service'
import { createEnginePool } from '../workers/engine-pool'
import { syntheticDailySeries } from './synthetic-history'

export interface ScaleCell {
  positions: number
  scenarios: number
  seconds: number
  peakRssMb: number
}

/** The child's side: one cell, its figures as one JSON line on stdout. */
export async function runScaleCell(positions: number, scenarios: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'marginal-scale-'))
  const pool = createEnginePool()
  try {
    const book = openBook(join(dir, 'book.sqlite'))
    const market = loadMarketSnapshot(book.db, findBook(book.db, 1)!.marketSnapshotId!)!
    book.db.close()
    const view = buildMarketView(market)
    const held: HeldPosition[] = syntheticBook(market, positions, 2).map((p, i) => ({
      positionId: i + 1, accountId: 1, accountName: 'scale', venue: 'deribit', instrument: p.instrument, sizeContracts: p.sizeContracts, avgPrice: null
    }))
    const lastDay = new Date(market.asOfMs).toISOString().slice(0, 10)
    const history: HistoryInput = {
      series: [
        syntheticDailySeries('BTC', { days: 1_000, lastDay, lastClose: market.indexUsd.BTC!, dailyVol: 0.03, seed: 7 }),
        syntheticDailySeries('ETH', { days: 1_000, lastDay, lastClose: market.indexUsd.ETH!, dailyVol: 0.04, seed: 8 })
      ],
      sources: ['BTC', 'ETH'].map((underlying) => ({ underlying, quoteCurrency: 'USD', source: 'synthetic' })),
      volIndex: {}
    }
    const t0 = performance.now()
    await valueAtRisk(held, view, history, { method: 'monte-carlo', horizonDays: 1, simulations: scenarios, seed: 1 }, { pool })
    const seconds = (performance.now() - t0) / 1000
    process.stdout.write(`${JSON.stringify({ seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`)
  } finally {
    await pool.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Least squares of y on [1, x1, x2]: the two slopes. */
function slopes(rows: { x1: number; x2: number; y: number }[]): [number, number] {
  const n = rows.length
  const m = (f: (r: (typeof rows)[number]) => number): number => rows.reduce((a, r) => a + f(r), 0) / n
  const [m1, m2, my] = [m((r) => r.x1), m((r) => r.x2), m((r) => r.y)]
  const s11 = m((r) => (r.x1 - m1) ** 2), s22 = m((r) => (r.x2 - m2) ** 2), s12 = m((r) => (r.x1 - m1) * (r.x2 - m2))
  const s1y = m((r) => (r.x1 - m1) * (r.y - my)), s2y = m((r) => (r.x2 - m2) * (r.y - my))
  const det = s11 * s22 - s12 * s12
  return [(s22 * s1y - s12 * s2y) / det, (s11 * s2y - s12 * s1y) / det]
}

/** The parent's side: each cell in a child process running `benchEntry --scale-cell P S`. */
export function scaleGrid(benchEntry: string, positions: number[], scenarios: number[]) {
  const cells: (ScaleCell | { positions: number; scenarios: number; failed: string })[] = []
  const empty = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.resourceUsage().maxRSS / 1024))'], { encoding: 'utf8' })
  const baseRssMb = Number(empty.stdout)
  for (const p of positions)
    for (const s of scenarios) {
      const run = spawnSync(process.execPath, [benchEntry, '--scale-cell', String(p), String(s)], { encoding: 'utf8', maxBuffer: 1 << 20 })
      const line = run.stdout.trim().split('\n').at(-1) ?? ''
      if (run.status === 0 && line.startsWith('{')) cells.push({ positions: p, scenarios: s, ...(JSON.parse(line) as { seconds: number; peakRssMb: number }) })
      else cells.push({ positions: p, scenarios: s, failed: `exit ${run.status ?? run.signal}: ${run.stderr.trim().split('\n').at(-1) ?? ''}` })
    }
  const ok = cells.filter((c): c is ScaleCell => 'seconds' in c)
  const fit = (y: (c: ScaleCell) => number) => (ok.length >= 3 ? slopes(ok.map((c) => ({ x1: Math.log(c.positions), x2: Math.log(c.scenarios), y: Math.log(y(c)) }))) : null)
  return {
    baseRssMb,
    cells,
    timeExponent: fit((c) => c.seconds),
    rssExponent: fit((c) => Math.max(1, c.peakRssMb - baseRssMb))
  }
}
