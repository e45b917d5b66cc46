/**
 * Acceptance (issue 6, 1): historical-simulation VaR/ES of a linear BTC/ETH book on the shared Yahoo
 * daily history, against a brute-force reference computed here from the CSV files themselves:
 * every h-day window's P&L, sorted.
 */
import { liveBook } from '../../src-main/book/books-repository'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import { commitImport } from '../../src-main/services/import-service'
import { readMarketFile } from '../../src-main/services/portfolio-files/market-file'
import { heldPositions, readPortfolioFile } from '../../src-main/services/portfolio-files/portfolio-file'
import { bookHistory, valueAtRisk } from '../../src-main/services/var-service'
import { hasSharedData, sharedData } from '../support/shared-data'

const BTC = 'prices/yahoo_BTC-USD_daily.csv'
const ETH = 'prices/yahoo_ETH-USD_daily.csv'
const have = hasSharedData(BTC) && hasSharedData(ETH)
if (!have) console.log(`historical VaR acceptance skipped: ../shared/data/${BTC} or ${ETH} is missing`)

const marks = { 'okx:BTC-USDT-SWAP': 64_000, 'okx:ETH-USDT-SWAP': 3_100 }
const coins = { BTC: 2, ETH: -30 }

/** Date → close straight from a Yahoo CSV (Date,Open,High,Low,Close,…), no project code involved. */
function yahooCloses(rel: string): Map<string, number> {
  const lines = readFileSync(sharedData(rel), 'utf8').trim().split(/\r?\n/).slice(1)
  return new Map(lines.map((l) => l.split(',')).map((c) => [c[0]!.slice(0, 10), Number(c[4])]))
}

function bruteForce(h: number, lookback: number, confidence: number): { n: number; var: number; es: number } {
  const btc = yahooCloses(BTC)
  const eth = yahooCloses(ETH)
  const days = [...btc.keys()].filter((d) => eth.has(d)).sort().slice(-(lookback + h))
  const pnl: number[] = []
  for (let t = 0; t + h < days.length; t++) {
    const move = (m: Map<string, number>): number => m.get(days[t + h]!)! / m.get(days[t]!)! - 1
    pnl.push(coins.BTC * marks['okx:BTC-USDT-SWAP'] * move(btc) + coins.ETH * marks['okx:ETH-USDT-SWAP'] * move(eth))
  }
  const losses = pnl.map((x) => -x).sort((a, b) => b - a)
  const k = Math.floor(losses.length * (1 - confidence) + 1e-9)
  return { n: losses.length, var: losses[k]!, es: k ? losses.slice(0, k).reduce((a, b) => a + b, 0) / k : losses[k]! }
}

describe.skipIf(!have)('historical VaR/ES of a linear BTC/ETH book on the shared Yahoo history', () => {
  let run: (h: 1 | 2, lookback: number) => ReturnType<typeof valueAtRisk>
  beforeAll(() => {
    const book = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-var-')), 'book.sqlite'))
    for (const rel of [BTC, ETH]) commitImport(book.db, { bookId: liveBook(book.db).id, fileName: rel.split('/')[1]!, text: readFileSync(sharedData(rel), 'utf8'), allowPartial: false })
    const market = readMarketFile(JSON.stringify({ asOf: '2026-11-20T09:00:00Z', index: { BTC: 64_000, ETH: 3_100 }, marks }), 'var.market.json')
    const view = buildMarketView(market.snapshot)
    const portfolio = readPortfolioFile(
      JSON.stringify({
        asOf: '2026-11-20T09:00:00Z',
        positions: [
          { instrument: 'BTC-USDT-SWAP', venue: 'okx', quantity: coins.BTC, unit: 'coin' },
          { instrument: 'ETH-USDT-SWAP', venue: 'okx', quantity: coins.ETH, unit: 'coin' }
        ]
      }),
      'var.portfolio.json'
    )
    const held = heldPositions(portfolio, view)
    const history = bookHistory(book.db, ['BTC', 'ETH'])
    run = (h, lookback) => valueAtRisk(held, view, history, { method: 'historical', horizonDays: h, lookbackDays: lookback, useVolIndex: false })
  })

  it.each([
    [1, 1000],
    [2, 1000],
    [1, 100_000]
  ] as const)('MPOR $0 day(s), lookback $1 days: VaR and ES at 99 % and 99.5 % match the brute force to 1e-6 USD', async (h, lookback) => {
    const r = await run(h, lookback)
    for (const level of r.levels) {
      const ref = bruteForce(h, lookback, level.confidence)
      expect(r.scenarios).toBe(ref.n)
      expect(Math.abs(level.valueAtRisk - ref.var)).toBeLessThan(1e-6)
      expect(Math.abs(level.expectedShortfall - ref.es)).toBeLessThan(1e-6)
      expect(level.expectedShortfall).toBeGreaterThanOrEqual(level.valueAtRisk)
    }
    // Euler: component ES adds up to ES at every level.
    r.componentEs.forEach((c, i) => expect(c.reduce((a, b) => a + b, 0)).toBeCloseTo(r.levels[i]!.expectedShortfall, 6))
    console.log(`HS ${h}d over ${r.history.firstDay} … ${r.history.lastDay} (${r.scenarios} scenarios): ` + r.levels.map((l) => `${l.confidence * 100} % VaR ${l.valueAtRisk.toFixed(0)} ES ${l.expectedShortfall.toFixed(0)} USD (worst-VaR day ${l.varScenario})`).join('; '))
  })

  it('names the series it used and refuses an underlying without history, saying what to import', async () => {
    const r = await run(1, 1000)
    expect(r.history.series).toEqual([
      { underlying: 'BTC', quoteCurrency: 'USD', source: 'yahoo' },
      { underlying: 'ETH', quoteCurrency: 'USD', source: 'yahoo' }
    ])
    const book = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-var-')), 'book.sqlite'))
    expect(() => bookHistory(book.db, ['SOL'])).toThrow(/no daily price history for SOL: import one/)
  })
})
