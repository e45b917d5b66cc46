/**
 * Every API method through the browser host, with the renderer's own HTTP client; malformed
 * payloads name their field; requests without the token or from a foreign Origin/Host are refused.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import faultyWorkerPath from '../workers/fixtures/faulty.worker?modulePath'
import { MarginalApiError, methodNames, type MarginalApi, type MethodName } from '@contract/api'
import { createHttpApi } from '../../src-renderer/src/api/http-api'
import { startTestHost, type TestHost } from '../support/backend'
import { fixture } from '../support/import-book'
import { latestSchemaVersion } from '../../src-main/book/migrations'
import { writeBinanceDaily } from '../support/synthetic-history'
import { chromiumPrinter, findChromium } from '../../src-main/reports/pdf/chromium-printer'
import { createServices } from '../../src-main/services/api-service'
import { dispatch } from '../../src-main/services/dispatch'
import { openBook } from '../../src-main/book/open-book'
import { WorkerPool } from '../../src-main/workers/pool'
import { positionRowsOf } from '../../src-preload/contract/positions'
import { loadMarketSnapshot, saveMarketSnapshot } from '../../src-main/book/market-repository'
import { shiftMarket } from '../engine/explain/shift-market'

const chromium = (() => {
  try {
    return findChromium()
  } catch {
    return null
  }
})()

// The faulty worker's columnSums is the real one; its slowColumnSums is not used by the services.
let t: TestHost
let api: MarginalApi
const exercised = new Set<MethodName>()
/** A new book file holds the demo (seeded first, id 1) and the trader's empty live book (id 2): imports go there. */
const LIVE = 2
const base = (): string => `http://127.0.0.1:${t.host.port}`

beforeAll(async () => {
  t = await startTestHost(faultyWorkerPath)
  const inner = createHttpApi(base(), t.host.token)
  // Record which methods the tests call, to prove every one is exercised.
  api = new Proxy(inner, {
    get(target, prop: string) {
      if ((methodNames as string[]).includes(prop)) exercised.add(prop as MethodName)
      return target[prop as keyof MarginalApi]
    }
  })
})
afterAll(async () => {
  await t.close()
  expect([...exercised].sort()).toEqual([...methodNames].sort())
})

async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base()}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })
  return { status: res.status, json: await res.json() }
}

/**
 * Cancel a task as soon as the host knows it: cancelTask is asked again until it lands or the task
 * ends on its own, with no cap on tries (a loaded machine registers the task late; the test's
 * timeout is the only clock). The task's outcome is observed from the start, never left unhandled.
 */
async function cancelWhileRunning(taskId: string, running: Promise<unknown>): Promise<{ cancelled: boolean; outcome: unknown }> {
  let settled = false
  const outcome = running.then(
    (value) => value,
    (e: unknown) => e
  )
  void outcome.then(() => (settled = true))
  let cancelled = false
  while (!cancelled && !settled) {
    cancelled = (await api.cancelTask({ taskId })).cancelled
    if (!cancelled) await new Promise((r) => setTimeout(r, 5))
  }
  return { cancelled, outcome: await outcome }
}

function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: t.host.port, path, headers }, (res) => {
      let body = ''
      res.on('data', (d) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode!, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('API over the browser host', () => {
  it('appInfo describes the host and the book', async () => {
    const info = await api.appInfo({})
    expect(info).toMatchObject({ host: 'browser', bookPath: t.bookPath, schemaVersion: latestSchemaVersion, workerCount: 2, bookState: 'ok', bookStateReason: null })
    expect(info.sqliteVersion).toMatch(/^3\.\d+/)
  })

  it('listBooks, listPositions and currentMarket return the demo book', async () => {
    const books = await api.listBooks({})
    // A new file: the trader's live book, empty, listed first; the demo beside it.
    expect(books.map((b) => [b.id, b.kind, b.positionCount])).toEqual([[LIVE, 'live', 0], [1, 'demo', 36]])
    const demo = books[1]!
    expect(demo).toMatchObject({ name: 'Demo book', isDemo: true, positionCount: 36 })
    const positions = await api.listPositions({ bookId: demo.id })
    expect(positions.rows).toHaveLength(36)
    expect(positions.asOfUtc).toBe('2026-11-20T09:00:00.000Z')
    const perp = positions.rows.find((r) => r.symbol === 'BTC-PERPETUAL')!
    // 25,000 short $10 contracts at a 92,395 USD mark = −250,000 USD = −2.7058 BTC.
    expect(perp.sizeCoin).toBeCloseTo(-250_000 / 92_395, 10)
    // The grid's columns, over HTTP and through the contract on both sides, are the same rows.
    expect(positionRowsOf(await api.listPositionColumns({ bookId: demo.id }))).toEqual(positions)
    const market = await api.currentMarket({ bookId: demo.id })
    expect(market.snapshot).toMatchObject({ id: positions.marketSnapshotId, asOfUtc: positions.asOfUtc, instrumentCount: 36 })
    expect(market.snapshot!.underlyings).toEqual([
      { underlying: 'BTC', indexUsd: 92_350, asOfUtc: '2026-11-20T09:00:00.000Z', source: 'demo book (illustrative prices)' },
      { underlying: 'ETH', indexUsd: 3081.5, asOfUtc: '2026-11-20T09:00:00.000Z', source: 'demo book (illustrative prices)' }
    ])
  })

  it('marketDetail gives forwards per expiry and smiles read from the surface', async () => {
    const detail = await api.marketDetail({ bookId: 1 })
    const btc = detail.underlyings.find((u) => u.underlying === 'BTC')!
    expect(btc.forwards.map((f) => f.expiryUtc.slice(0, 10))).toEqual(['2026-11-27', '2026-12-25', '2027-01-29', '2027-03-26', '2027-06-25'])
    expect(btc.forwards.every((f) => f.source === 'quoted' && f.forwardUsd > btc.indexUsd)).toBe(true)
    expect(btc.forwards[1]!.basisPct).toBeCloseTo((92_980 / 92_350 - 1) * 100, 10)
    expect(btc.smiles).toHaveLength(5)
    // At each quoted strike the surface returns the quote; beyond the last quote it stays flat.
    for (const smile of btc.smiles) {
      for (const q of smile.quotes) expect(q.volPct).toBeGreaterThan(30)
      const wing = smile.curve.at(-1)!
      expect(wing.volPct).toBeCloseTo(smile.quotes.at(-1)!.volPct, 10)
    }
    const dec = btc.smiles[1]!
    // 25 Dec 2026: Deribit and OKX both quote 95,000 C and 85,000 P at 46.9 % and 50.6 %.
    expect(dec.quotes.map((q) => Math.round(q.strikeUsd))).toEqual([85_000, 95_000, 100_000])
    expect(dec.quotes.map((q) => q.volPct)).toEqual([expect.closeTo(50.6, 10), expect.closeTo(46.9, 10), expect.closeTo(46.1, 10)])
    expect(detail.underlyings.find((u) => u.underlying === 'ETH')!.smiles).toHaveLength(4)
  })

  it('bookMargin gives every method per margining group, with risk arrays, attribution and health', async () => {
    const m = await api.bookMargin({ bookId: 1 })
    expect(m.marketId).toBe('demo-2026-11-20T09:00Z')
    const btc = m.accounts.find((a) => a.currency === 'BTC')!
    const pm = btc.results.find((r) => r.method === 'deribit-pm')!
    expect(pm.scenarioPnl).toHaveLength(35)
    expect(pm.scenarioLabels).toHaveLength(35)
    expect(-pm.scenarioPnl![pm.determiningScenario!.index]!).toBeCloseTo(pm.components.find((c) => c.name === 'worst case')!.amount + pm.components.find((c) => c.name === 'extended scenarios')!.amount, 12)
    expect(pm.standalone).toHaveLength(btc.positionIds.length)
    expect(m.notCovered).toEqual([])
    expect(m.health.map((h) => h.pool)).toEqual(['Deribit main · BTC', 'Deribit main · ETH', 'Derive ETH · USD', 'OKX portfolio · USD'])
  })

  it('scenarioDrill gives each position\'s P&L in one scenario, summing to the portfolio P&L', async () => {
    const m = await api.bookMargin({ bookId: 1 })
    const okx = m.accounts.find((a) => a.riskUnit === 'BTC')!
    const r = okx.results.find((x) => x.method === 'okx-pm')!
    const d = await api.scenarioDrill({ bookId: 1, account: okx.account, currency: okx.currency, riskUnit: 'BTC', method: 'okx-pm', scenarioIndex: r.determiningScenario!.index })
    expect(d.label).toBe(r.determiningScenario!.label)
    expect(d.positions.map((p) => p.positionId)).toEqual(okx.positionIds)
    expect(d.positions.reduce((s, p) => s + p.pnl, 0)).toBeCloseTo(r.determiningScenario!.pnl, 6)
    await expect(api.scenarioDrill({ bookId: 1, account: okx.account, currency: 'USD', riskUnit: 'BTC', method: 'okx-pm', scenarioIndex: 999 })).rejects.toThrow(/999 is not one of them/)
  })

  it('margin parameter sets: listed, an invalid edit refused naming its field, a valid one used by the next margin run, then reset', async () => {
    const sets = await api.marginParams({})
    expect(sets.map((x) => x.kind)).toEqual(['deribit-pm', 'standard', 'span', 'okx-pm', 'collateral', 'add-ons', 'stress'])
    const pm = sets.find((x) => x.kind === 'deribit-pm')!
    expect(pm).toMatchObject({ activeId: 'deribit-pm-2024-06', userDocument: null, file: 'resources/params/deribit-pm-2024-06.json' })
    const before = (await api.bookMargin({ bookId: 1 })).accounts.find((a) => a.currency === 'BTC')!.results.find((r) => r.method === 'deribit-pm')!
    const doc = structuredClone(pm.defaultDocument) as { currencies: Record<string, { range: number }> }
    doc.currencies.BTC!.range = -0.2
    await expect(api.saveMarginParams({ kind: 'deribit-pm', document: doc })).rejects.toMatchObject({ code: 'invalid_request', field: 'deribit-pm.currencies.BTC.range' })
    expect((await api.marginParams({})).find((x) => x.kind === 'deribit-pm')!.userDocument).toBeNull()
    doc.currencies.BTC!.range = 0.24
    const saved = await api.saveMarginParams({ kind: 'deribit-pm', document: doc })
    expect(saved.activeId).toMatch(/^deribit-pm-2024-06\+edited-\d{4}-\d\d-\d\dT\d\d:\d\dZ$/)
    const after = (await api.bookMargin({ bookId: 1 })).accounts.find((a) => a.currency === 'BTC')!.results.find((r) => r.method === 'deribit-pm')!
    expect(after.paramsId).toBe(saved.activeId)
    expect(after.scenarioLabels[0]).toMatch(/−24\.0 %/)
    expect(after.initialMargin).not.toBeCloseTo(before.initialMargin, 6)
    const reset = await api.resetMarginParams({ kind: 'deribit-pm' })
    expect(reset).toMatchObject({ activeId: 'deribit-pm-2024-06', userDocument: null })
    expect((await api.bookMargin({ bookId: 1 })).accounts.find((a) => a.currency === 'BTC')!.results.find((r) => r.method === 'deribit-pm')!.initialMargin).toBeCloseTo(before.initialMargin, 12)
  })

  it('a missing book is a not_found error', async () => {
    await expect(api.listPositions({ bookId: 999 })).rejects.toMatchObject({ code: 'not_found', message: 'book 999 does not exist' })
  })

  it('getUiState and setUiState round-trip JSON through the book file', async () => {
    expect(await api.getUiState({ key: 'test.columns' })).toEqual({ key: 'test.columns', value: null })
    const state = [{ colId: 'markPrice', width: 140, sort: 'desc' }]
    expect(await api.setUiState({ key: 'test.columns', value: state })).toEqual({ ok: true })
    expect((await api.getUiState({ key: 'test.columns' })).value).toEqual(state)
  })

  it('runMatrixSelfTest sums across workers exactly like a single thread, with progress events over SSE', async () => {
    const events: unknown[] = []
    // The response and the events travel on different connections: the test waits for the last
    // progress event itself, not for a pause long enough to have seen it.
    let lastProgressSeen!: () => void
    const lastProgress = new Promise<void>((r) => (lastProgressSeen = r))
    const controller = new AbortController()
    const stream = await fetch(`${base()}/api/events?token=${t.host.token}`, { signal: controller.signal })
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/)
    const reading = (async () => {
      const decoder = new TextDecoder()
      let buffer = ''
      for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk)
        for (const frame of buffer.split('\n\n').slice(0, -1)) {
          if (!frame.startsWith('data: ')) continue
          const e = JSON.parse(frame.slice(6))
          events.push(e)
          if (e.type === 'task.progress' && e.taskId === 'sse-1' && e.done === e.total) lastProgressSeen()
        }
        buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2)
      }
    })().catch(() => undefined)

    const r = await api.runMatrixSelfTest({ taskId: 'sse-1', positions: 4000, scenarios: 500 })
    expect(r).toMatchObject({ taskId: 'sse-1', positions: 4000, scenarios: 500, workerCount: 2, chunks: 8 })
    expect(r.maxAbsError).toBeLessThan(1e-6)
    await lastProgress
    controller.abort()
    await reading
    const progress = events.filter((e: any) => e.type === 'task.progress' && e.taskId === 'sse-1') as { done: number; total: number }[]
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.at(-1)).toEqual({ type: 'task.progress', taskId: 'sse-1', done: 4000, total: 4000 })
    expect(events.some((e: any) => e.type === 'engine.status')).toBe(true)
  })

  it('cancelTask stops a running self-test; engineStatus shows the pool idle afterwards', async () => {
    const { cancelled, outcome } = await cancelWhileRunning('cancel-me', api.runMatrixSelfTest({ taskId: 'cancel-me', positions: 20_000, scenarios: 1000 }))
    expect(cancelled).toBe(true)
    expect(outcome).toBeInstanceOf(MarginalApiError)
    expect(outcome).toMatchObject({ code: 'cancelled' })
    expect(await api.cancelTask({ taskId: 'cancel-me' })).toEqual({ cancelled: false })
    const status = await api.engineStatus({})
    expect(status).toMatchObject({ workerCount: 2, busyWorkers: 0, queuedTasks: 0 })
  })
})

describe('statistical risk over the API (history written by the test in Binance\'s daily format)', () => {
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marginal-api-history-'))
    for (const [pair, lastClose, dailyVol, seed] of [['BTCUSDT', 92_000, 0.03, 11], ['ETHUSDT', 3_050, 0.04, 12]] as const) {
      const file = writeBinanceDaily(dir, pair, { days: 800, lastDay: '2026-11-19', lastClose, dailyVol, seed })
      const r = await api.commitImport({ bookId: LIVE, fileName: basename(file), text: readFileSync(file, 'utf8'), allowPartial: false })
      expect(r.rejected).toBe(0)
    }
  })

  it('runVar: historical VaR ≤ ES, components add up to ES, the histogram holds every scenario; Monte Carlo is reproducible', async () => {
    const hs = await api.runVar({ taskId: 'var-1', bookId: 1, method: 'historical', horizonDays: 1, lookbackDays: 500, stressedFloor: true, apcBuffer: true })
    expect(hs).toMatchObject({ method: 'historical', scenarios: 500, currency: 'USD' })
    expect(hs.histogram.counts.reduce((a, b) => a + b, 0)).toBe(500)
    expect(hs.worst[0]!.pnl).toBe(hs.histogram.edges[0])
    hs.levels.forEach((l, i) => {
      expect(l.expectedShortfall).toBeGreaterThanOrEqual(l.valueAtRisk)
      expect(hs.components.reduce((a, c) => a + c.expectedShortfall[i]!, 0)).toBeCloseTo(l.expectedShortfall, 4)
      expect(hs.components.reduce((a, c) => a + c.valueAtRisk[i]!, 0)).toBeCloseTo(l.valueAtRisk, 4)
      expect(l.stressedVar).toBeGreaterThanOrEqual(l.valueAtRisk)
      expect(l.requirement).toBeCloseTo(l.stressedVar! * 1.25, 6)
    })
    const mc = { taskId: 'var-2', bookId: 1, method: 'monte-carlo' as const, horizonDays: 2 as const, simulations: 2000, seed: 5 }
    const a = await api.runVar(mc)
    const b = await api.runVar(mc)
    expect(a.levels).toEqual(b.levels)
    expect(a.levels[0]!.varStandardError).toBeGreaterThan(0)
  })

  it('runVar is cancelled by cancelTask', async () => {
    const { cancelled, outcome } = await cancelWhileRunning('var-cancel', api.runVar({ taskId: 'var-cancel', bookId: 1, method: 'monte-carlo', horizonDays: 1, simulations: 200_000 }))
    expect(cancelled).toBe(true)
    expect(outcome).toBeInstanceOf(MarginalApiError)
    expect(outcome).toMatchObject({ code: 'cancelled' })
  })

  it('runStress: worst first, each scenario\'s positions add up to its P&L', async () => {
    const r = await api.runStress({ bookId: 1 })
    expect(r.underlyings).toEqual(['BTC', 'ETH'])
    expect(r.positions).toHaveLength(36)
    expect(r.scenarios.map((x) => x.pnl)).toEqual([...r.scenarios.map((x) => x.pnl)].sort((x, y) => x - y))
    for (const x of r.scenarios) expect(x.positionPnl.reduce((a, b) => a + b, 0)).toBeCloseTo(x.pnl, 4)
    // The synthetic history starts in 2024: the March 2020 episode has no history and says so.
    expect(r.scenarios.find((x) => x.name.startsWith('March 2020'))).toMatchObject({ unmoved: ['BTC', 'ETH'], pnl: expect.any(Number) })
    expect(r.scenarios.find((x) => x.name.startsWith('Crash −30 %'))!.moves).toEqual([-0.3, -0.3])
  })

  it('runBacktest: exceptions are the days the realised loss beat the requirement; a margin method\'s requirement is fixed', async () => {
    const r = await api.runBacktest({ taskId: 'bt-1', bookId: 1, method: 'hs-var', horizonDays: 1, lookbackDays: 250 })
    expect(r.days.length).toBe(800 - 1 - 1 - 250 + 1)
    expect(r.stats.exceptions).toBe(r.exception.filter(Boolean).length)
    r.exception.forEach((e, i) => expect(e).toBe(r.realisedLossUsd[i]! > r.requirementUsd[i]!))
    expect(r.zone.filter((z) => z !== null)).toHaveLength(r.days.length - 249)
    const pm = await api.runBacktest({ taskId: 'bt-2', bookId: 1, method: 'deribit-pm', horizonDays: 2 })
    expect(new Set(pm.requirementUsd).size).toBe(1)
    expect(pm.notCovered.some((n) => n.reason.includes('does not margin okx'))).toBe(true)
    await expect(api.runBacktest({ taskId: 'bt-3', bookId: 1, method: 'span', horizonDays: 1, apcBuffer: true })).rejects.toMatchObject({ code: 'invalid_request', field: 'method' })
  })
})

describe('statement import over the API', () => {
  const statement = fixture('transaction_log-123456-BTC-2024-03.csv')

  it('importFormats lists what the importer detects', async () => {
    const formats = await api.importFormats({})
    expect(formats.map((f) => f.id)).toEqual([
      'deribit-transaction-log', 'okx-bills', 'okx-funding', 'bybit-transaction-log', 'binance-statement', 'binance-usdm-history',
      'binance-futures-trades', 'ibkr-flex-xml', 'ibkr-activity-csv', 'option-chain', 'prices', 'vol-index', 'funding'
    ])
  })

  it('previewImport writes nothing; commitImport refuses rejected rows, then imports the good ones with progress', async () => {
    const p = await api.previewImport({ bookId: LIVE, ...statement })
    expect(p).toMatchObject({ accountName: 'Deribit 123456', rejected: 2, issuesTotal: 3, trades: { new: 9, duplicate: 0 } })
    expect(p.issues.map((i) => i.line)).toEqual([3, 4, 6])
    await expect(api.commitImport({ bookId: LIVE, ...statement, allowPartial: false })).rejects.toMatchObject({
      code: 'rejected_rows',
      message: expect.stringContaining('Nothing was written')
    })
    expect((await api.listBooks({})).find((b) => b.id === LIVE)!.accountCount).toBe(0)
    await expect(api.previewImport({ bookId: 1, ...statement })).rejects.toMatchObject({ code: 'invalid_request', field: 'bookId', message: expect.stringContaining('is the demo book') })
    const result = await api.commitImport({ bookId: LIVE, ...statement, allowPartial: true, taskId: 'import-1' })
    expect(result).toMatchObject({ tradesAdded: 9, cashFlowsAdded: 14, positionsChanged: 4, rejected: 2 })
    const rows = (await api.listPositions({ bookId: LIVE })).rows
    expect(rows.filter((r) => r.accountName === 'Deribit 123456').map((r) => r.symbol).sort()).toEqual(['BTC-28JUN24', 'BTC-29MAR24-70000-C', 'BTC-FUTURE-X', 'BTC-PERPETUAL'])
    expect(rows.find((r) => r.symbol === 'BTC-FUTURE-X')).toMatchObject({ kind: 'unknown', valuationError: expect.stringContaining('not priced') })
  })

  it('inspectCsv offers the columns of a file no format knows; previewImport then reads it through a mapping', async () => {
    const broker = fixture('broker-trades-semicolon.csv')
    expect((await api.inspectCsv(broker)).header).toEqual(['Zeit', 'Kontrakt', 'Menge', 'Preis', 'Gebühr', 'Ref'])
    const mapping = {
      venue: 'deribit' as const, time: 'Zeit', instrument: 'Kontrakt', side: null, size: 'Menge', price: 'Preis', fee: null,
      feeCurrency: null, id: 'Ref', decimalComma: true, accountName: 'My broker'
    }
    const p = await api.previewImport({ bookId: LIVE, ...broker, format: 'generic-csv', mapping })
    expect(p).toMatchObject({ format: 'generic-csv', trades: { new: 3 }, rejected: 1 })
    await expect(api.previewImport({ bookId: LIVE, ...broker, format: 'generic-csv' })).rejects.toMatchObject({ code: 'invalid_request', field: 'mapping' })
  })

  it('a file in no known format is an unreadable_file error naming it', async () => {
    await expect(api.previewImport({ bookId: LIVE, fileName: 'notes.txt', text: 'hello,world\n1,2\n' })).rejects.toMatchObject({
      code: 'unreadable_file',
      message: expect.stringContaining('notes.txt: not a statement format Marginal knows')
    })
  })
})

describe('cash, the demo and backups over the API', () => {
  it('listBalances and setBalance: the live book keeps an audit row; the demo refuses; a bad amount names its field', async () => {
    const before = await api.listBalances({ bookId: LIVE })
    const account = before.accounts[0]!
    const after = await api.setBalance({ bookId: LIVE, accountId: account.id, currency: 'usdc', amount: 1234.5, note: 'from the venue screen' })
    expect(after.balances.find((b) => b.accountId === account.id && b.currency === 'USDC')).toMatchObject({ amount: 1234.5, anchor: { source: 'manual', note: 'from the venue screen' } })
    await expect(api.setBalance({ bookId: 1, accountId: (await api.listBalances({ bookId: 1 })).accounts[0]!.id, currency: 'BTC', amount: 1 })).rejects.toMatchObject({ code: 'invalid_request', message: expect.stringContaining('demo book') })
    await expect(api.setBalance({ bookId: LIVE, accountId: account.id, currency: 'BTC', amount: 1e308 })).rejects.toMatchObject({ code: 'invalid_request', field: 'amount' })
    const demo = await api.listBalances({ bookId: 1 })
    expect(demo.balances.find((b) => b.account === 'Deribit main' && b.currency === 'BTC')).toMatchObject({ amount: 1.6, anchor: { source: 'seed' } })
  })

  it('backupBook writes a checked copy beside the book; saveRepairedCopy; removeDemo and restoreDemo', async () => {
    const backup = await api.backupBook({})
    expect(backup.path.startsWith(join(dirname(t.bookPath), 'backups'))).toBe(true)
    expect(backup.rows.books).toBe((await api.listBooks({})).length)
    await expect(api.backupBook({ path: backup.path })).rejects.toThrow(/already exists/)
    // A sound book's "repaired copy" is SQLite's VACUUM INTO, nothing lost (damaged books: tests/book/damaged-book.test.ts).
    const repaired = await api.saveRepairedCopy({ path: join(dirname(t.bookPath), 'repaired.sqlite') })
    expect(repaired).toMatchObject({ method: 'vacuum', integrity: 'ok', unreadable: [], rowsLeftOut: 0, rows: { books: backup.rows.books } })
    const copy = await api.copyBook({ bookId: 1, name: 'demo copy to go' })
    expect(await api.removeDemo({})).toEqual({ ok: true })
    const left = await api.listBooks({})
    expect(left.some((b) => b.kind === 'demo' || b.id === copy.id)).toBe(false)
    await expect(api.removeDemo({})).rejects.toMatchObject({ code: 'not_found' })
    const restored = await api.restoreDemo({})
    expect(restored).toMatchObject({ kind: 'demo', positionCount: 36 })
  })

  it('setBookMarket: a copy of the live book follows its market, can hold its own; the live and demo books refuse; settledPositions lists none yet', async () => {
    const copy = await api.copyBook({ bookId: LIVE, name: 'follows' })
    expect(copy).toMatchObject({ followsLiveMarket: true, awaitingSettlement: 0 })
    expect(await api.setBookMarket({ bookId: copy.id, follow: false })).toMatchObject({ followsLiveMarket: false })
    await expect(api.setBookMarket({ bookId: LIVE, follow: false })).rejects.toMatchObject({ code: 'invalid_request', message: expect.stringContaining('has its own market') })
    expect(await api.settledPositions({ bookId: LIVE })).toEqual({ bookId: LIVE, positions: [] })
    await api.deleteBook({ bookId: copy.id })
  })
})

describe('malformed payloads', () => {
  it.each([
    ['listPositions', '{"bookId":"1"}', 'bookId', /listPositions: field "bookId": invalid input: expected number, received string/],
    ['listPositions', '{}', 'bookId', /field "bookId"/],
    ['listPositions', '{"bookId":1,"bookid":2}', 'bookid', /field "bookid" is not a field of this request/],
    ['runMatrixSelfTest', '{"taskId":"x","positions":100000,"scenarios":10000}', 'scenarios', /at most 20,000,000 cells/],
    ['setUiState', '{"key":"bad key!","value":1}', 'key', /field "key"/]
  ])('%s %s → invalid_request naming %s', async (method, body, field, message) => {
    const { status, json } = await post(`/api/call/${method}`, body, { 'x-marginal-token': t.host.token })
    expect(status).toBe(400)
    expect(json.error).toMatchObject({ code: 'invalid_request', field })
    expect(json.error.message).toMatch(message)
  })

  it('the client surfaces the error with its field', async () => {
    const err = await api.listPositions({ bookId: -3 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MarginalApiError)
    expect(err).toMatchObject({ code: 'invalid_request', field: 'bookId' })
  })

  it('rejects a body that is not JSON and an unknown method', async () => {
    const notJson = await post('/api/call/listBooks', '{nope', { 'x-marginal-token': t.host.token })
    expect(notJson.status).toBe(400)
    expect(notJson.json.error.message).toMatch(/not valid JSON/)
    const unknown = await post('/api/call/dropBook', '{}', { 'x-marginal-token': t.host.token })
    expect(unknown.status).toBe(400)
    expect(unknown.json.error).toMatchObject({ field: 'method', message: 'unknown API method "dropBook"' })
  })
})

describe('who may call', () => {
  it('refuses a call without the token, or with a wrong one', async () => {
    for (const headers of [{}, { 'x-marginal-token': 'guess' }, { 'x-marginal-token': t.host.token + 'x' }] as Record<string, string>[]) {
      const { status, json } = await post('/api/call/listBooks', '{}', headers)
      expect(status).toBe(401)
      expect(json.error).toMatchObject({ code: 'refused' })
    }
    expect((await fetch(`${base()}/api/events`)).status).toBe(401)
  })

  it('refuses a foreign Origin even with the token', async () => {
    const { status, json } = await post('/api/call/listBooks', '{}', { 'x-marginal-token': t.host.token, origin: 'https://evil.example' })
    expect(status).toBe(403)
    expect(json.error.message).toMatch(/Origin "https:\/\/evil.example" is not this workstation/)
  })

  it('refuses a foreign Host (DNS rebinding) for the page and the API', async () => {
    const page = await rawGet('/', { host: `evil.example:${t.host.port}` })
    expect(page.status).toBe(403)
    const call = await rawGet(`/api/events?token=${t.host.token}`, { host: 'attacker.test' })
    expect(call.status).toBe(403)
  })

  it('serves the renderer with the CSP, and nothing outside its folder', async () => {
    const res = await fetch(`${base()}/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self' 'wasm-unsafe-eval'")
    expect(await res.text()).toContain('Marginal test renderer')
    expect((await rawGet('/..%2fsecret.txt', { host: `127.0.0.1:${t.host.port}` })).status).toBe(404)
    expect((await rawGet('/../secret.txt', { host: `127.0.0.1:${t.host.port}` })).status).toBe(404)
  })
})

describe('what-if books, the ticket, compare, the explorer and scenarios over the API', () => {
  it('copy, ticket quote, apply, edit, compare, rename and delete; the live book refuses edits', async () => {
    const live = (await api.listBooks({})).find((b) => b.kind === 'demo')!
    const copy = await api.copyBook({ bookId: live.id, name: '  Short call idea ' })
    expect(copy).toMatchObject({ kind: 'whatif', parentId: live.id, name: 'Short call idea', positionCount: live.positionCount })
    const { accounts, instruments } = await api.tradeInstruments({ bookId: copy.id })
    const deribit = accounts.find((a) => a.name === 'Deribit main')!
    expect(instruments.find((i) => i.symbol === 'BTC-27NOV26-95000-C')).toMatchObject({ lotSize: 0.1, priceCurrency: 'BTC' })
    const ticket = { accountId: deribit.id, symbol: 'BTC-27NOV26-95000-C', side: 'sell' as const, sizeContracts: 2.01 }
    const quote = await api.quoteTrades({ bookId: copy.id, tickets: [ticket] })
    expect(quote.tickets[0]).toMatchObject({ sizeContracts: -2, priceSource: 'mark', cashCurrency: 'BTC' })
    expect(quote.tickets[0]!.cashAmount).toBeGreaterThan(0)
    const pm = quote.diff.margin.find((r) => r.group === 'Deribit main · BTC' && r.method === 'deribit-pm')!
    expect(pm.initialMargin.change).toBeGreaterThan(0)
    expect((await api.listPositions({ bookId: copy.id })).rows).toHaveLength(live.positionCount) // a quote writes nothing
    const applied = await api.applyTrades({ bookId: copy.id, tickets: [ticket] })
    expect(applied.book.positionCount).toBe(live.positionCount)
    const after = await api.bookMargin({ bookId: copy.id })
    expect(after.accounts.find((g) => g.account === 'Deribit main' && g.currency === 'BTC')!.results.find((r) => r.method === 'deribit-pm')!.initialMargin).toBeCloseTo(pm.initialMargin.other!, 9)

    const bad = await api.quoteTrades({ bookId: copy.id, tickets: [{ ...ticket, symbol: 'BTC-27NOV26-95000-Q' }] }).catch((e) => e)
    expect(bad).toBeInstanceOf(MarginalApiError)
    expect(bad).toMatchObject({ code: 'invalid_request', field: 'symbol' })
    const refused = await api.applyTrades({ bookId: live.id, tickets: [ticket] }).catch((e) => e)
    expect(refused).toMatchObject({ code: 'invalid_request', field: 'bookId' })
    expect(refused.message).toMatch(/is the demo book/)
    const refusedLive = await api.applyTrades({ bookId: LIVE, tickets: [ticket] }).catch((e) => e)
    expect(refusedLive.message).toMatch(/is the live book/)

    const perp = (await api.listPositions({ bookId: copy.id })).rows.find((r) => r.symbol === 'BTC-PERPETUAL')!
    const resized = await api.editPositions({ bookId: copy.id, resize: [{ positionId: perp.positionId, sizeContracts: 0 }] })
    expect(resized.book.positionCount).toBe(live.positionCount - 1)
    const scaled = await api.editPositions({ bookId: copy.id, scale: { factor: 0.5, positionIds: [(await api.listPositions({ bookId: copy.id })).rows.find((r) => r.symbol === 'ETH-PERPETUAL')!.positionId] } })
    expect(scaled.tickets[0]).toMatchObject({ symbol: 'ETH-PERPETUAL', sizeContracts: 30000 })

    const cmp = await api.compareBooks({ baseBookId: live.id, bookId: copy.id })
    expect(cmp.diff.margin.find((r) => r.group === 'Deribit main · BTC' && r.method === 'deribit-pm')!.initialMargin.base).toBeCloseTo(
      (await api.bookMargin({ bookId: live.id })).accounts.find((g) => g.account === 'Deribit main' && g.currency === 'BTC')!.results.find((r) => r.method === 'deribit-pm')!.initialMargin, 9)
    expect(cmp.greeks.map((g) => g.underlying)).toEqual(['BTC', 'ETH'])
    expect(cmp.stress.length).toBeGreaterThan(0)

    expect(await api.renameBook({ bookId: copy.id, name: 'Renamed' })).toMatchObject({ name: 'Renamed' })
    expect(await api.deleteBook({ bookId: copy.id })).toEqual({ ok: true })
    expect((await api.listBooks({})).some((b) => b.id === copy.id)).toBe(false)
    expect((await api.listPositions({ bookId: live.id })).rows).toHaveLength(live.positionCount)
  })

  it('profileModel carries the parent for a what-if book; greeksGrid adds up to the positions; scenarios run, save and delete', async () => {
    const live = (await api.listBooks({})).find((b) => b.kind === 'demo')!
    const blank = await api.copyBook({ bookId: live.id, name: 'Blank', blank: true })
    expect(blank.positionCount).toBe(0)
    const copy = await api.copyBook({ bookId: live.id, name: 'Explorer' })
    const model = await api.profileModel({ bookId: copy.id })
    expect(model.parent).toMatchObject({ bookId: live.id })
    expect(model.book.legs.length + model.notCovered.length).toBe(live.positionCount)
    expect((await api.profileModel({ bookId: live.id })).parent).toBeNull()

    const grid = await api.greeksGrid({ bookId: live.id })
    // The grid leaves expired positions out (listed in notCovered); the positions grid shows them at payoff.
    const held = await api.listPositions({ bookId: live.id })
    const rows = held.rows.filter((r) => r.expiryUtc === null || r.expiryUtc > held.asOfUtc!)
    expect(grid.notCovered.length).toBeGreaterThanOrEqual(held.rows.length - rows.length)
    const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((s, r) => s + f(r), 0)
    expect(grid.rows.reduce((s, r) => s + r.vegaUsdPerPoint, 0)).toBeCloseTo(sum((r) => r.valuation?.vegaUsdPerPoint ?? 0), 6)
    expect(grid.rows.filter((r) => r.underlying === 'BTC').reduce((s, r) => s + r.deltaCoin, 0)).toBeCloseTo(sum((r) => (r.underlying === 'BTC' ? (r.valuation?.deltaCoin ?? 0) : 0)), 6)

    const scenario = { days: 10, underlyings: { BTC: { priceMode: 'pct' as const, priceAmount: -20, volMode: 'abs' as const, volAmount: 15, termResponse: true } } }
    const run = await api.runScenario({ bookId: live.id, scenario })
    expect(run.applied.find((a) => a.underlying === 'BTC')!.move).toBeCloseTo(-0.2, 12)
    expect(run.positions.filter((p) => p.expired).map((p) => p.symbol)).toContain('BTC-27NOV26-95000-C')
    expect(run.totalUsd).toBeCloseTo(run.byUnderlying.reduce((s, u) => s + u.pnlUsd, 0), 6)
    const badScenario = await api.runScenario({ bookId: live.id, scenario: { ...scenario, underlyings: { BTC: { ...scenario.underlyings.BTC, priceMode: 'value', priceAmount: -5 } } } }).catch((e) => e)
    expect(badScenario).toMatchObject({ code: 'invalid_request', field: 'scenario.underlyings.BTC.priceAmount' })
    expect(await api.saveScenario({ name: 'BTC −20 %', scenario })).toEqual([expect.objectContaining({ name: 'BTC −20 %', scenario })])
    expect(await api.savedScenarios({})).toHaveLength(1)
    expect(await api.deleteScenario({ name: 'BTC −20 %' })).toEqual([])
    // A document that no longer reads is listed with its problem, never dropped silently.
    t.services.db.prepare("INSERT INTO saved_scenarios (name, document, updated_at) VALUES ('old', '{\"days\": -1, \"underlyings\": {}}', '2026-11-20T00:00:00.000Z')").run()
    expect(await api.savedScenarios({})).toEqual([{ name: 'old', scenario: null, problem: expect.stringMatching(/field days/), updatedAtUtc: '2026-11-20T00:00:00.000Z' }])
    await api.deleteScenario({ name: 'old' })
    await api.deleteBook({ bookId: blank.id })
    await api.deleteBook({ bookId: copy.id })
  })
})

describe('hedging over the API', () => {
  it('suggestHedge: an exact Deribit PM hedge that lowers IM, with every method before and after; a group that does not exist names itself', async () => {
    const live = (await api.listBooks({})).find((b) => b.kind === 'demo')!
    const h = await api.suggestHedge({ bookId: live.id, account: 'Deribit main', currency: 'BTC', riskUnit: null, method: 'deribit-pm', maxLegs: 3 })
    expect(h.lpScope).toBe('exact')
    expect(h.trades.length).toBeGreaterThan(0)
    expect(h.trades.length).toBeLessThanOrEqual(3)
    expect(h.after.initialMargin).toBeLessThan(h.before.initialMargin)
    // The quote of the same trades (every method) agrees with the hedge's own recomputation.
    const pm = h.diff.margin.find((r) => r.group === 'Deribit main · BTC' && r.method === 'deribit-pm')!
    expect(pm.initialMargin.base).toBeCloseTo(h.before.initialMargin, 9)
    expect(pm.initialMargin.other).toBeCloseTo(h.after.initialMargin, 9)
    expect(h.greeks.map((g) => g.underlying)).toContain('BTC')
    const missing = await api.suggestHedge({ bookId: live.id, account: 'Nowhere', currency: 'BTC', riskUnit: null, method: 'deribit-pm' }).catch((e) => e)
    expect(missing.message).toMatch(/no margin group Nowhere · BTC/)
  })

  it('reduceToTarget: closes that bring the pool under the target, as recomputed by the quote', async () => {
    const live = (await api.listBooks({})).find((b) => b.kind === 'demo')!
    const r = await api.reduceToTarget({ bookId: live.id, account: 'Deribit main', currency: 'BTC', riskUnit: null, method: 'deribit-pm', target: 0.3 })
    expect(r.reached).toBe(true)
    expect(r.after.utilisation).toBeLessThanOrEqual(0.3)
    expect(r.diff.health.find((h) => h.pool === 'Deribit main · BTC' && h.method === 'deribit-pm')!.imUtilisation.other!).toBeLessThanOrEqual(0.3)
    const bad = await api.reduceToTarget({ bookId: live.id, account: 'Deribit main', currency: 'BTC', riskUnit: null, method: 'deribit-pm', target: 0 }).catch((e) => e)
    expect(bad).toMatchObject({ code: 'invalid_request', field: 'target' })
  })

  it('greekHedge: a perpetual delta hedge, and Greek bands at least cost; an empty band names its field', async () => {
    const live = (await api.listBooks({})).find((b) => b.kind === 'demo')!
    const d = await api.greekHedge({ bookId: live.id, account: 'Deribit main', underlying: 'BTC', mode: 'delta' })
    expect(d.trades[0]).toMatchObject({ symbol: 'BTC-PERPETUAL', side: 'buy' })
    expect(Math.abs(d.after.delta)).toBeLessThan(0.001)
    expect(d.diff.margin.length).toBeGreaterThan(0)
    const t = await api.greekHedge({ bookId: live.id, account: 'Deribit main', underlying: 'BTC', mode: 'targets', bands: { delta: [-0.5, 0.5], vega: [-500, 500] } })
    expect(Math.abs(t.after.vega)).toBeLessThan(600)
    const bad = await api.greekHedge({ bookId: live.id, account: 'Deribit main', underlying: 'BTC', mode: 'targets', bands: { delta: [1, 0] } }).catch((e) => e)
    expect(bad).toMatchObject({ code: 'invalid_request', field: 'bands.delta' })
  })

  it('a hedging solve with a task id reports its phases as task.progress events', async () => {
    const live = (await api.listBooks({})).find((b) => b.kind === 'demo')!
    const seen: number[] = []
    // The host's own event bus (SSE carries the same events, as the self-test above shows).
    const off = t.services.events.on((e) => {
      if (e.type === 'task.progress' && e.taskId === 'hedge-progress') seen.push(e.done)
    })
    await api.suggestHedge({ taskId: 'hedge-progress', bookId: live.id, account: 'Deribit main', currency: 'BTC', riskUnit: null, method: 'deribit-pm' })
    off()
    expect(seen).toEqual([0, 1, 2, 3])
  })

  it('esHedge: lowers the historical-simulation ES on the imported history, which runVar confirms for the book before', async () => {
    const live = (await api.listBooks({})).find((b) => b.kind === 'demo')!
    const r = await api.esHedge({ bookId: live.id, account: 'Deribit main', confidence: 0.975, lookbackDays: 400, maxLegs: 3 })
    expect(r.scenarios).toBe(400)
    expect(r.after.expectedShortfallUsd).toBeLessThan(r.before.expectedShortfallUsd)
    const v = await api.runVar({ taskId: 'var-es', bookId: live.id, method: 'historical', horizonDays: 1, lookbackDays: 400, confidences: [0.975] })
    expect(v.levels[0]!.expectedShortfall).toBeCloseTo(r.before.expectedShortfallUsd, 4)
  })
})

describe('exports over the API', () => {
  it('exportBook xlsx: the expected sheets, numbers as numbers, dates as dates, margin equal to bookMargin (read back with ExcelJS)', async () => {
    const ExcelJS = (await import('exceljs')).default
    const live = (await api.listBooks({})).find((b) => b.kind === 'demo')!
    const x = await api.exportBook({ bookId: live.id, format: 'xlsx' })
    expect(x.fileName).toMatch(/^Demo-book-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}\.xlsx$/)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(Buffer.from(x.base64, 'base64') as never)
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Positions', 'Margin', 'Health', 'Greeks by expiry', 'About'])
    const pos = wb.getWorksheet('Positions')!
    const header = (pos.getRow(1).values as unknown[]).slice(1)
    expect(header).toContain('Vega (USD per vol pt)')
    const positions = (await api.listPositions({ bookId: live.id })).rows
    expect(pos.rowCount).toBe(positions.length + 1)
    const col = (name: string) => header.indexOf(name) + 1
    const call = positions.findIndex((r) => r.symbol === 'BTC-27NOV26-95000-C' && r.accountName === 'Deribit main')
    const row = pos.getRow(call + 2)
    expect(row.getCell(col('Instrument')).value).toBe('BTC-27NOV26-95000-C')
    expect(typeof row.getCell(col('Contracts')).value).toBe('number')
    expect(row.getCell(col('Contracts')).value).toBe(-5)
    expect(row.getCell(col('Expiry (UTC)')).value).toEqual(new Date('2026-11-27T08:00:00.000Z'))
    expect(row.getCell(col('Vega (USD per vol pt)')).value).toBeCloseTo(positions[call]!.valuation!.vegaUsdPerPoint, 9)
    const margin = wb.getWorksheet('Margin')!
    const pm = (await api.bookMargin({ bookId: live.id })).accounts.find((g) => g.account === 'Deribit main' && g.currency === 'BTC')!.results.find((r) => r.method === 'deribit-pm')!
    const mrow = margin.getRows(2, margin.rowCount - 1)!.find((r) => r.getCell(1).value === 'Deribit main · BTC' && r.getCell(2).value === 'deribit-pm')!
    expect(mrow.getCell(4).value).toBeCloseTo(pm.initialMargin, 12)
    expect(mrow.getCell(3).value).toBe('BTC')
  })

  it('marginReport is validated at the boundary', async () => {
    const live = (await api.listBooks({})).find((b) => b.kind === 'demo')!
    await expect(api.marginReport({ bookId: live.id, pageSize: 'A5' as 'A4', statistics: false, hedges: false })).rejects.toMatchObject({ code: 'invalid_request' })
  })

  // Which of the two runs is decided by the machine, up front, and shows as skipped: neither can
  // pass by taking the other's branch.
  it.skipIf(!chromium)('marginReport: a PDF printed by the system Chromium (tests/reports checks its contents)', async () => {
    const live = (await api.listBooks({})).find((b) => b.kind === 'demo')!
    const r = await api.marginReport({ bookId: live.id, pageSize: 'A4', statistics: false, hedges: false })
    expect(r.mimeType).toBe('application/pdf')
    expect(Buffer.from(r.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-')
  }, 30_000)

  // Runs everywhere: a printer pointed at an executable that is not there stands for a machine without Chromium.
  it('marginReport where Chromium cannot start says so, naming the executable (code unavailable)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marginal-no-chromium-'))
    const missing = join(dir, 'chromium')
    const services = createServices({ book: openBook(join(dir, 'book.sqlite')), pool: new WorkerPool(faultyWorkerPath, 1), host: 'browser', printer: chromiumPrinter(missing) })
    try {
      const reply = await dispatch(services.handlers, 'marginReport', { bookId: 1, pageSize: 'A4', statistics: false, hedges: false })
      expect(reply.ok).toBe(false)
      const { error } = reply as { ok: false; error: { code: string; message: string } }
      expect(error.code).toBe('unavailable')
      expect(error.message).toContain(`Chromium at ${missing} did not start`)
    } finally {
      await services.close()
    }
  })

  it('exportBook csv: one sheet with units in the headers and full-precision numbers', async () => {
    const live = (await api.listBooks({})).find((b) => b.kind === 'demo')!
    const c = await api.exportBook({ bookId: live.id, format: 'csv', sheet: 'Margin' })
    const text = Buffer.from(c.base64, 'base64').toString('utf8')
    const lines = text.trim().split('\r\n')
    expect(lines[0]).toBe('Group,Method,Currency,Initial margin,Maintenance margin')
    const pm = (await api.bookMargin({ bookId: live.id })).accounts.find((g) => g.account === 'Deribit main' && g.currency === 'BTC')!.results.find((r) => r.method === 'deribit-pm')!
    expect(lines).toContain(`Deribit main · BTC,deribit-pm,BTC,${pm.initialMargin},${pm.maintenanceMargin}`)
  })
})

describe('margin alerts over the API', () => {
  it('rules saved, the breach they raise sent as an event over the stream, status, evaluation and re-arming', async () => {
    const pool = 'Deribit main · ETH'
    // The demo book (an earlier test removed and restored it: its id is whatever listBooks says).
    const demo = (await api.listBooks({})).find((b) => b.isDemo)?.id ?? (await api.restoreDemo({})).id
    // The event stream read as the renderer's EventSource reads it (Node has no EventSource).
    const seen: unknown[] = []
    let firstSeen!: () => void
    const first = new Promise<void>((r) => (firstSeen = r))
    const controller = new AbortController()
    const stream = await fetch(`${base()}/api/events?token=${t.host.token}`, { signal: controller.signal })
    const reading = (async () => {
      const decoder = new TextDecoder()
      let buffer = ''
      for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk)
        for (const frame of buffer.split('\n\n').slice(0, -1)) {
          if (!frame.startsWith('data: ')) continue
          const e = JSON.parse(frame.slice(6))
          if (e.type === 'alerts.raised') {
            seen.push(e)
            firstSeen()
          }
        }
        buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2)
      }
    })().catch(() => undefined)
    try {
      const saved = await api.saveAlertRules({ bookId: demo, rules: [{ poolKey: pool, rule: 'im-utilisation', underlying: '', threshold: 50, enabled: true }] })
      expect(saved.raised).toContainEqual({ poolKey: pool, rule: 'im-utilisation', underlying: '' })
      // The event travels on its own connection: awaited (the test's timeout is the only clock).
      await first
      expect(seen[0]).toMatchObject({ type: 'alerts.raised', bookId: demo, cause: 'alert rules edited', transitions: [{ event: 'breach', poolKey: pool, rule: 'im-utilisation', threshold: 50 }] })
      const evaluated = await api.evaluateAlerts({ bookId: demo })
      expect(evaluated.transitions).toEqual([])
      expect(evaluated.breached.some((c) => c.poolKey === pool && c.rule === 'im-utilisation')).toBe(true)
      // It names the market the checks were computed on, as the status does.
      expect([evaluated.marketId, evaluated.marketAsOfUtc]).toEqual([saved.marketId, saved.marketAsOfUtc])
      expect(evaluated.marketId).not.toBeNull()
      const rearmed = await api.rearmAlert({ bookId: demo, poolKey: pool, rule: 'im-utilisation', underlying: '' })
      expect(rearmed.log.slice(0, 2).map((l) => l.event)).toEqual(['breach', 'rearm'])
      const bad = await api.saveAlertRules({ bookId: demo, rules: [{ poolKey: pool, rule: 'im-utilisation', underlying: '', threshold: 0, enabled: true }] }).catch((e: unknown) => e)
      expect(bad).toBeInstanceOf(MarginalApiError)
      expect((bad as MarginalApiError).field).toBe('rules.0.threshold')
    } finally {
      controller.abort()
      await reading
      await api.saveAlertRules({ bookId: demo, rules: [] })
    }
    expect((await api.alertStatus({ bookId: demo })).raised).toEqual([])
  })
})

describe('public market fetch over the API', () => {
  it('settings off by default, validated; fetchMarketNow from a local replay of the venues merges into the live book, and a refused server leaves the market', async () => {
    const { startReplayServer } = await import('../helpers/venue-replay-server')
    const { deribitRoutes } = await import('../fixtures/market-fetch/routes')
    const settings = await api.marketFetchSettings({})
    expect(settings.deribit.enabled).toBe(false)
    expect(settings.okx.enabled).toBe(false)
    expect(settings.requestsSent.deribit.length).toBeGreaterThan(0)
    const bad = await api.saveMarketFetchSettings({ ...settings, deribit: { ...settings.deribit, refreshMinutes: -1 } }).catch((e: unknown) => e)
    expect(bad).toBeInstanceOf(MarginalApiError)
    expect((bad as MarginalApiError).code).toBe('invalid_request')
    const { lastFetch: _l, requestsSent: _r, ...plain } = settings
    expect((await api.saveMarketFetchSettings(plain)).deribit.enabled).toBe(false)

    const deribit = await startReplayServer(deribitRoutes(), '/api/v2')
    try {
      const r = await api.fetchMarketNow({ bookId: LIVE, venues: ['deribit'], baseUrls: { deribit: deribit.baseUrl } })
      expect(r.written).toBe(true)
      expect(r.venues[0]!.underlyings.map((u) => u.underlying)).toEqual(['BTC', 'ETH'])
      expect((await api.currentMarket({ bookId: LIVE })).snapshot?.id).toBe(r.marketSnapshotId)
    } finally {
      await deribit.close()
    }
    const market = (await api.currentMarket({ bookId: LIVE })).snapshot?.id
    const refused = await api.fetchMarketNow({ bookId: LIVE, venues: ['deribit'], baseUrls: { deribit: deribit.baseUrl } })
    expect(refused.written).toBe(false)
    expect(refused.venues[0]!.message).toContain('the last market stays')
    expect((await api.currentMarket({ bookId: LIVE })).snapshot?.id).toBe(market)
  })
})

describe('P&L explain over the API', () => {
  it('explainPnl: the demo book between its market and a moved one, the book adding up; a reversed window names its field', async () => {
    const demo = (await api.listBooks({})).find((b) => b.isDemo)!
    const market = loadMarketSnapshot(t.services.db, demo.marketSnapshotId!)!
    saveMarketSnapshot(t.services.db, shiftMarket(market, { move: 0.02, volPoints: 1, elapsedMs: 86_400_000, id: 'api-explain-moved' }))
    const e = await api.explainPnl({ bookId: demo.id, fromUtc: new Date(market.asOfMs).toISOString(), toUtc: new Date(market.asOfMs + 86_400_000).toISOString() })
    expect(e.fromMarket.id).toBe(market.id)
    expect(e.toMarket.id).toBe('api-explain-moved')
    const waterfall = e.components.reduce((s, c) => s + e.book.usd[c.name], 0)
    expect(Math.abs(waterfall - e.book.usd.total)).toBeLessThan(1e-9)
    await expect(api.explainPnl({ bookId: demo.id, fromUtc: '2026-11-22', toUtc: '2026-11-21' })).rejects.toMatchObject({ code: 'invalid_request', field: 'toUtc' })
  })
})

describe('the replica against the venue over the API', () => {
  it('importVenueSummary, venueComparison, listVenueSummaries: Deribit\'s pme/simulate example in the demo book, every vector entry as the venue\'s', async () => {
    const text = readFileSync(join(import.meta.dirname, '../fixtures/venues/deribit/pme-simulate-btc-2024-06-17.json'), 'utf8')
    const demo = (await api.listBooks({})).find((b) => b.isDemo)!.id
    const r = await api.importVenueSummary({ bookId: demo, fileName: 'pme-simulate-btc-2024-06-17.json', text })
    expect(r).toMatchObject({ kind: 'deribit-pme-simulate', duplicate: false, account: { name: 'Deribit main' } })
    const c = await api.venueComparison({ bookId: demo })
    const sim = c.simulations.find((s) => s.fileName === 'pme-simulate-btc-2024-06-17.json')!
    expect(sim.vectors).toHaveLength(105)
    expect(sim.maxVectorDifference!).toBeLessThanOrEqual(1e-9)
    expect((await api.listVenueSummaries({ bookId: demo })).map((s) => s.fileName)).toEqual(['pme-simulate-btc-2024-06-17.json'])
  })
})
