/**
 * No look-ahead (issue 17 §6, acceptance 4): VaR/ES (historical and Monte Carlo), stress and
 * backtests of a book see only the daily closes its market could know at its as-of. A UTC day's
 * close is known when the day ends, so a market as of 2024-03-12 05:57 UTC ends at 2024-03-11.
 * Synthetic histories carry a crash after the as-of that any look-ahead would pick up; the shared
 * Yahoo history checks a 2024-03-12 book against the last window computed here from the CSVs.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { liveBook } from '../../src-main/book/books-repository'
import { openBook } from '../../src-main/book/open-book'
import { buildMarketView, type MarketView } from '../../src-main/engine/market/market-view'
import type { DailySeries } from '../../src-main/engine/risk/history'
import { lastCompleteDay } from '../../src-main/engine/risk/as-of-cut'
import { syntheticDailySeries } from '../../src-main/bench/synthetic-history'
import { backtest } from '../../src-main/services/backtest-service'
import { commitImport } from '../../src-main/services/import-service'
import { marginParamSets } from '../../src-main/services/margin-params'
import { readMarketFile } from '../../src-main/services/portfolio-files/market-file'
import { heldPositions, readPortfolioFile } from '../../src-main/services/portfolio-files/portfolio-file'
import { stressTest } from '../../src-main/services/stress-service'
import { bookHistory, valueAtRisk, type HistoryInput } from '../../src-main/services/var-service'
import { hasSharedData, sharedData } from '../support/shared-data'

const DAY = 86_400_000
const marks = { 'okx:BTC-USDT-SWAP': 64_000, 'okx:ETH-USDT-SWAP': 3_100 }

/** A BTC/ETH linear book on a market file as of `asOf` (optionally each underlying with its own as-of). */
function linearBook(asOf: string, byUnderlying?: Record<string, string>): { view: MarketView; held: ReturnType<typeof heldPositions> } {
  const { snapshot } = readMarketFile(JSON.stringify({ asOf, index: { BTC: 64_000, ETH: 3_100 }, marks }), 'as-of.market.json')
  const view = buildMarketView(byUnderlying ? { ...snapshot, asOfByUnderlying: Object.fromEntries(Object.entries(byUnderlying).map(([u, t]) => [u, Date.parse(t)])) } : snapshot)
  const portfolio = readPortfolioFile(
    JSON.stringify({ asOf, positions: [{ instrument: 'BTC-USDT-SWAP', venue: 'okx', quantity: 2, unit: 'coin' }, { instrument: 'ETH-USDT-SWAP', venue: 'okx', quantity: -30, unit: 'coin' }] }),
    'as-of.portfolio.json'
  )
  return { view, held: heldPositions(portfolio, view) }
}

/** The series with a −60 % BTC day inserted on `crashDay`: any window that reaches it would dominate the tail. */
function withCrash(s: DailySeries, crashDay: string): DailySeries {
  const at = s.days.indexOf(crashDay)
  return { ...s, closes: Float64Array.from(s.days, (_, i) => s.closes[i]! * (i >= at ? 0.4 : 1)) }
}

/** The history with every day after `lastDay` dropped, here, by string comparison: the test's own cut. */
const upTo = (h: HistoryInput, lastDay: string): HistoryInput => ({
  ...h,
  series: h.series.map((s) => {
    const n = s.days.filter((d) => d <= lastDay).length
    return { ...s, days: s.days.slice(0, n), closes: Float64Array.from({ length: n }, (_, i) => s.closes[i]!) }
  })
})

describe('the daily-close rule', () => {
  it('a close is known when its UTC day ends: the as-of day itself only from 00:00 UTC of the next', () => {
    expect(lastCompleteDay(Date.parse('2024-03-12T05:57:00Z'))).toBe('2024-03-11')
    expect(lastCompleteDay(Date.parse('2024-03-12T23:59:59.999Z'))).toBe('2024-03-11')
    expect(lastCompleteDay(Date.parse('2024-03-13T00:00:00Z'))).toBe('2024-03-12')
  })
})

describe('synthetic history running past the as-of (with a crash after it)', () => {
  const asOf = '2024-06-01T05:57:00Z'
  const history: HistoryInput = {
    series: [
      withCrash(syntheticDailySeries('BTC', { days: 900, lastDay: '2024-12-31', lastClose: 64_000, dailyVol: 0.03, seed: 5 }), '2024-07-01'),
      syntheticDailySeries('ETH', { days: 900, lastDay: '2024-12-31', lastClose: 3_100, dailyVol: 0.04, seed: 6 })
    ],
    sources: ['BTC', 'ETH'].map((underlying) => ({ underlying, quoteCurrency: 'USD', source: 'synthetic' })),
    volIndex: {}
  }
  const { view, held } = linearBook(asOf)

  it('historical VaR: the last window ends on 2024-05-31, and VaR is that of the history cut by hand', async () => {
    const r = await valueAtRisk(held, view, history, { method: 'historical', horizonDays: 1, lookbackDays: 365, useVolIndex: false })
    expect(r.window.lastWindow).toEqual({ from: '2024-05-30', to: '2024-05-31' })
    expect(r.window).toMatchObject({ count: 365, unit: 'windows', horizonDays: 1, lastDay: '2024-05-31', firstWindow: { from: '2023-06-01', to: '2023-06-02' } })
    expect(r.window.text).toMatch(/^2023-06-01 → 2024-05-31, 365 windows of 1 day \(first 2023-06-01 → 2023-06-02, last 2024-05-30 → 2024-05-31\); history cut at the market's as-of \(BTC, ETH 2024-06-01 05:57 UTC: closes to 2024-05-31\)/)
    expect(r.labels.every((l) => l.slice(-10) <= '2024-05-31')).toBe(true)
    const byHand = await valueAtRisk(held, view, upTo(history, '2024-05-31'), { method: 'historical', horizonDays: 1, lookbackDays: 365, useVolIndex: false })
    expect(r.levels.map((l) => l.valueAtRisk)).toEqual(byHand.levels.map((l) => l.valueAtRisk))
    // The crash after the as-of is 60 % of 128,000 USD of BTC: no window may carry it.
    expect(r.levels[1]!.expectedShortfall).toBeLessThan(40_000)
  })

  it('Monte Carlo: calibrated up to 2024-05-31, the same paths as on the history cut by hand', async () => {
    const o = { method: 'monte-carlo' as const, horizonDays: 1 as const, lookbackDays: 365, simulations: 2_000, seed: 3 }
    const r = await valueAtRisk(held, view, history, o)
    expect(r.window).toMatchObject({ unit: 'daily returns', count: 365, lastDay: '2024-05-31', firstWindow: null, lastWindow: null })
    expect(r.window.text).toMatch(/^calibrated on 2023-06-01 → 2024-05-31, 365 daily returns/)
    expect((await valueAtRisk(held, view, upTo(history, '2024-05-31'), o)).levels).toEqual(r.levels)
  })

  it('each underlying is cut at its own as-of: an ETH chain from 2024-05-20 ends the joint windows on 2024-05-19', async () => {
    const split = linearBook(asOf, { BTC: asOf, ETH: '2024-05-20T10:00:00Z' })
    const r = await valueAtRisk(split.held, split.view, history, { method: 'historical', horizonDays: 2, lookbackDays: 100, useVolIndex: false })
    expect(r.window.cuts).toEqual([
      { underlying: 'BTC', asOfUtc: '2024-06-01T05:57:00.000Z', lastAllowedDay: '2024-05-31' },
      { underlying: 'ETH', asOfUtc: '2024-05-20T10:00:00.000Z', lastAllowedDay: '2024-05-19' }
    ])
    expect(r.window.lastWindow).toEqual({ from: '2024-05-17', to: '2024-05-19' })
    expect(r.window.text).toContain('BTC 2024-06-01 05:57 UTC: closes to 2024-05-31; ETH 2024-05-20 10:00 UTC: closes to 2024-05-19')
  })

  it('stress: worst moves come from closes up to the as-of; the August 2024 episode is left out and named', async () => {
    const r = await stressTest(held, view, { prices: { BTC: history.series[0]!, ETH: history.series[1]! }, volIndex: {}, note: 'synthetic' }, marginParamSets().stress)
    expect(r.historyWindow.lastDay).toBe('2024-05-31')
    expect(r.historyWindow.byUnderlying.map((b) => b.lastDay)).toEqual(['2024-05-31', '2024-05-31'])
    expect(r.historyWindow.episodesLeftOut).toEqual(['August 2024: yen carry unwind (2024-08-02 → 2024-08-05)'])
    expect(r.scenarios.map((s) => s.name)).not.toContain('August 2024: yen carry unwind')
    const historical = r.scenarios.filter((x) => x.window)
    expect(historical.length).toBeGreaterThan(0)
    for (const s of historical) expect(s.window!.slice(-10) <= '2024-05-31').toBe(true)
    // The −60 % day (2024-07-01) would be the worst BTC 1-day fall with look-ahead.
    expect(r.scenarios.find((s) => s.name.startsWith('Worst BTC') && s.name.includes('1-day fall'))!.moves[0]).toBeGreaterThan(-0.5)
  })

  it('backtest: the last day tested is 2024-05-30, its loss realised on 2024-05-31', async () => {
    const r = await backtest(held, view, history, { method: 'hs-var', horizonDays: 1, lookbackDays: 250, useVolIndex: false })
    expect(r.days.at(-1)).toBe('2024-05-30')
    expect(r.window).toMatchObject({ unit: 'days tested', lastDay: '2024-05-30', lastWindow: { from: '2024-05-30', to: '2024-05-31' }, count: r.days.length })
  })
})

const BTC = 'prices/yahoo_BTC-USD_daily.csv'
const ETH = 'prices/yahoo_ETH-USD_daily.csv'
const have = hasSharedData(BTC) && hasSharedData(ETH)
if (!have) console.log(`as-of acceptance on the shared Yahoo history skipped: ../shared/data/${BTC} or ${ETH} is missing`)

/** Day → close straight from a Yahoo CSV (Date,Open,High,Low,Close,…). */
function yahooCloses(rel: string): Map<string, number> {
  const lines = readFileSync(sharedData(rel), 'utf8').trim().split(/\r?\n/).slice(1)
  return new Map(lines.map((l) => l.split(',')).map((c) => [c[0]!.slice(0, 10), Number(c[4])]))
}

describe.skipIf(!have)('acceptance 4: a book as of 2024-03-12 on the shared Yahoo BTC/ETH history (to 2024-12-07)', () => {
  const asOf = '2024-03-12T05:57:00Z'
  const { view, held } = linearBook(asOf)
  let history: HistoryInput
  // Independently of the code: the common BTC/ETH days whose UTC day had ended at the as-of.
  const btc = have ? yahooCloses(BTC) : new Map<string, number>()
  const eth = have ? yahooCloses(ETH) : new Map<string, number>()
  const known = [...btc.keys()].filter((d) => eth.has(d) && Date.parse(`${d}T00:00:00Z`) + DAY <= Date.parse(asOf)).sort()
  beforeAll(() => {
    const book = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-as-of-')), 'book.sqlite'))
    for (const rel of [BTC, ETH]) commitImport(book.db, { bookId: liveBook(book.db).id, fileName: rel.split('/')[1]!, text: readFileSync(sharedData(rel), 'utf8'), allowPartial: false })
    history = bookHistory(book.db, ['BTC', 'ETH'])
  })

  it(`VaR uses no window after 2024-03-11: the last window is the CSVs' last two known days`, async () => {
    expect(known.at(-1)).toBe('2024-03-11')
    const r = await valueAtRisk(held, view, history, { method: 'historical', horizonDays: 1, lookbackDays: 365, useVolIndex: false })
    expect(r.window.lastWindow).toEqual({ from: known.at(-2), to: known.at(-1) })
    expect(r.window.firstWindow).toEqual({ from: known.at(-366), to: known.at(-365) })
    expect(r.scenarios).toBe(365)
    expect(r.labels.filter((l) => l.slice(-10) > '2024-03-11')).toEqual([])
    // The 99 % VaR, brute force from the CSVs' known days: the ⌊365 × 1 %⌋ + 1 = 4th largest loss.
    const days = known.slice(-366)
    const move = (m: Map<string, number>, t: number): number => m.get(days[t + 1]!)! / m.get(days[t]!)! - 1
    const losses = days.slice(0, -1).map((_, t) => -(2 * 64_000 * move(btc, t) - 30 * 3_100 * move(eth, t))).sort((a, b) => b - a)
    expect(r.levels[0]!.valueAtRisk).toBeCloseTo(losses[3]!, 6)
    console.log(`as of ${asOf}: ${r.window.text}; 99 % VaR ${r.levels[0]!.valueAtRisk.toFixed(0)} USD`)
  })

  it('stress and backtest stop at 2024-03-11; the August 2024 episode is left out', async () => {
    const s = await stressTest(held, view, { prices: { BTC: history.series.find((x) => x.underlying === 'BTC')!, ETH: history.series.find((x) => x.underlying === 'ETH')! }, volIndex: {}, note: 'Yahoo' }, marginParamSets().stress)
    expect(s.historyWindow.lastDay).toBe(known.at(-1))
    expect(s.historyWindow.episodesLeftOut).toEqual(['August 2024: yen carry unwind (2024-08-02 → 2024-08-05)'])
    const b = await backtest(held, view, history, { method: 'hs-var', horizonDays: 1, lookbackDays: 365, useVolIndex: false })
    expect(b.window.lastWindow).toEqual({ from: known.at(-2), to: known.at(-1) })
  })
})
