/**
 * Issue 20 changed how results are computed (chunked scenario P&L, a WebAssembly kernel, cached
 * margin state), never what they are. This test holds the results the API gave before that work
 * (commit 80dca66) — margin, VaR/ES (historical and Monte Carlo), stress, backtest and hedges on the
 * demo book with the shared BTC/ETH history and DVOL, and on a statement's book valued on the shared
 * Deribit BTC chain — and checks today's equal them to 1e-12 relative (1e-9 absolute near zero:
 * a summation order leaves dust in a number that is zero).
 * Regenerated once on purpose by issue 21: the demo book gained a Derive account (its positions
 * enter every demo figure), OKX's replica follows OKX's own position-builder example (MR4, MR6, MR7,
 * MR9), and liquidation points gained their bands; the Deribit and chain figures did not move.
 * Regenerate only for a change meant to move results, saying why in the commit:
 *   GOLDEN_WRITE=1 npx vitest run tests/app/results-unchanged.test.ts
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import engineWorkerPath from '../../src-main/workers/engine.worker?modulePath'
import { openBook } from '../../src-main/book/open-book'
import { WorkerPool } from '../../src-main/workers/pool'
import { createServices, type Services } from '../../src-main/services/api-service'
import { dispatch } from '../../src-main/services/dispatch'
import { runCli } from '../../src-main/cli/main'
import { hasSharedData, sharedData } from '../support/shared-data'

const GOLDEN = resolve(import.meta.dirname, '../fixtures/golden/results-before-issue-20.json')
const STATEMENT = resolve(import.meta.dirname, '../fixtures/statements/transaction_log-424242-BTC-2024-03-11.csv')
const HISTORY = ['prices/yahoo_BTC-USD_daily.csv', 'prices/yahoo_ETH-USD_daily.csv', 'options/deribit_dvol_btc_daily.csv', 'options/deribit_dvol_eth_daily.csv']
const CHAIN = 'options/deribit_btc_book_summary_2024-03-12.csv'
const have = [...HISTORY, CHAIN].every(hasSharedData)
if (!have) console.log(`results-unchanged skipped: one of ../shared/data/${[...HISTORY, CHAIN].join(', ')} is missing`)

/** Timings and ids that differ run to run, not results. */
const VOLATILE = new Set(['solveMs', 'elapsedMs', 'durationMs', 'taskId', 'computedAtUtc', 'generatedAtUtc'])

function strip(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(strip)
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).filter(([k]) => !VOLATILE.has(k)).map(([k, v]) => [k, strip(v)]))
  return x
}

/** Every difference beyond the tolerance, with its path. */
function differences(want: unknown, got: unknown, path = '$', out: string[] = []): string[] {
  if (out.length > 20) return out
  if (typeof want === 'number' && typeof got === 'number') {
    const ok = want === got || Math.abs(want - got) <= Math.max(1e-12 * Math.max(Math.abs(want), Math.abs(got)), 1e-9)
    if (!ok) out.push(`${path}: ${want} → ${got}`)
  } else if (Array.isArray(want) && Array.isArray(got)) {
    if (want.length !== got.length) out.push(`${path}: length ${want.length} → ${got.length}`)
    else want.forEach((w, i) => differences(w, got[i], `${path}[${i}]`, out))
  } else if (want && got && typeof want === 'object' && typeof got === 'object') {
    // Every field the golden holds, compared; a field added since (new information, e.g. the
    // traffic-light zones of issue 21) is not a changed result.
    for (const k of Object.keys(want)) differences((want as Record<string, unknown>)[k], (got as Record<string, unknown>)[k], `${path}.${k}`, out)
  } else if (want !== got) out.push(`${path}: ${JSON.stringify(want)} → ${JSON.stringify(got)}`)
  return out
}

describe.skipIf(!have)('results are unchanged by issue 20 (golden from commit 80dca66)', () => {
  const bookPath = join(mkdtempSync(join(tmpdir(), 'marginal-golden-')), 'book.sqlite')
  let services: Services
  const results: Record<string, unknown> = {}
  const call = async (label: string, method: string, req: unknown): Promise<void> => {
    const reply = await dispatch(services.handlers, method as never, req as never)
    if (!reply.ok) throw new Error(`${label}: ${reply.error.message}`)
    results[label] = strip(reply.value)
  }

  beforeAll(async () => {
    const io = { out: () => undefined, err: (t: string) => console.error(t) }
    for (const f of HISTORY) expect(await runCli(['import', sharedData(f), '--book', bookPath], io)).toBe(0)
    expect(await runCli(['import', STATEMENT, '--book', bookPath], io)).toBe(0)
    expect(await runCli(['import', sharedData(CHAIN), '--book', bookPath], io)).toBe(0)
    services = createServices({ book: openBook(bookPath), pool: new WorkerPool(engineWorkerPath, 2), host: 'browser' })
  }, 120_000)
  afterAll(() => services?.close())

  it('margin, VaR/ES, stress, backtest and hedges equal the golden results', async () => {
    const live = (await services.handlers.listBooks({})).find((b) => b.kind === 'live')!.id
    for (const [name, bookId] of [['demo', 1], ['chain', live]] as const) {
      await call(`${name}.bookMargin`, 'bookMargin', { bookId })
      await call(`${name}.listPositions`, 'listPositions', { bookId })
      await call(`${name}.var.hs`, 'runVar', { taskId: 'g', bookId, method: 'historical', horizonDays: 1, lookbackDays: 500, confidences: [0.99, 0.975] })
      await call(`${name}.var.hs-ewma`, 'runVar', { taskId: 'g', bookId, method: 'historical', horizonDays: 2, lookbackDays: 365, ewmaLambda: 0.94, stressedFloor: true, apcBuffer: true })
      await call(`${name}.var.mc`, 'runVar', { taskId: 'g', bookId, method: 'monte-carlo', horizonDays: 1, simulations: 5_000, seed: 42 })
      await call(`${name}.stress`, 'runStress', { bookId })
      await call(`${name}.backtest.hs`, 'runBacktest', { taskId: 'g', bookId, method: 'hs-var', horizonDays: 1, lookbackDays: 250 })
      await call(`${name}.backtest.pm`, 'runBacktest', { taskId: 'g', bookId, method: 'deribit-pm', horizonDays: 2 })
    }
    await call('demo.hedge.pm', 'suggestHedge', { bookId: 1, account: 'Deribit main', currency: 'BTC', riskUnit: null, method: 'deribit-pm', maxLegs: 3 })
    await call('demo.hedge.delta', 'greekHedge', { bookId: 1, account: 'Deribit main', underlying: 'BTC', mode: 'delta' })
    await call('demo.hedge.es', 'esHedge', { bookId: 1, account: 'Deribit main', confidence: 0.975, lookbackDays: 400, maxLegs: 3 })
    await call('demo.profile', 'profileModel', { bookId: 1 })

    if (process.env.GOLDEN_WRITE) {
      writeFileSync(GOLDEN, JSON.stringify(results, null, 1) + '\n')
      console.log(`wrote ${GOLDEN}`)
      return
    }
    expect(existsSync(GOLDEN), `${GOLDEN} is missing: see this file's header`).toBe(true)
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, unknown>
    expect(Object.keys(results).sort()).toEqual(Object.keys(golden).sort())
    for (const k of Object.keys(golden)) expect(differences(golden[k], results[k], k), k).toEqual([])
  }, 300_000)
})
