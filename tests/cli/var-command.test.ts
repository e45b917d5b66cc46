import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src-main/cli/main'
import { hasSharedData, sharedData } from '../support/shared-data'

const FILES = ['prices/yahoo_BTC-USD_daily.csv', 'prices/yahoo_ETH-USD_daily.csv', 'options/deribit_dvol_btc_daily.csv', 'options/deribit_dvol_eth_daily.csv']
const have = FILES.every(hasSharedData)
if (!have) console.log(`cli var on the demo book skipped: one of ../shared/data/${FILES.join(', ')} is missing`)

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

interface VarJson {
  method: string
  scenarios: number
  volMoves: string
  levels: { confidence: number; valueAtRisk: number; expectedShortfall: number; varStandardError: number | null }[]
  components: { symbol: string; expectedShortfall: number[]; valueAtRisk: number[] }[]
  notCovered: unknown[]
}

describe.skipIf(!have)('cli var on the demo book with the shared BTC/ETH history and DVOL', () => {
  const book = join(mkdtempSync(join(tmpdir(), 'marginal-var-cli-')), 'book.sqlite')
  beforeAll(async () => {
    for (const f of FILES) expect((await cli('import', sharedData(f), '--book', book)).code).toBe(0)
  })

  it('historical: VaR ≤ ES at 99 % and 99.5 %, components add up to ES, DVOL moves the options\' vols', async () => {
    const { code, out, err } = await cli('var', '--book', book, '--book-id', '1', '--lookback', '500', '--json')
    expect(err).toBe('')
    expect(code).toBe(0)
    const r = JSON.parse(out) as VarJson
    expect(r).toMatchObject({ method: 'historical', scenarios: 500 })
    expect(r.volMoves).toMatch(/DVOL\): BTC on 500 of 500 windows, ETH on 500 of 500 windows/)
    expect(r.levels.map((l) => l.confidence)).toEqual([0.99, 0.995])
    r.levels.forEach((l, i) => {
      expect(l.expectedShortfall).toBeGreaterThanOrEqual(l.valueAtRisk)
      expect(r.components.reduce((s, c) => s + c.expectedShortfall[i]!, 0)).toBeCloseTo(l.expectedShortfall, 4)
      expect(r.components.reduce((s, c) => s + c.valueAtRisk[i]!, 0)).toBeCloseTo(l.valueAtRisk, 4)
    })
    expect(r.components).toHaveLength(36)
    const sticky = JSON.parse((await cli('var', '--book', book, '--book-id', '1', '--lookback', '500', '--no-vol-index', '--json')).out) as VarJson
    expect(sticky.volMoves).toBe("implied vols slide along today's smile with the move (sticky moneyness)")
    expect(sticky.levels[0]!.valueAtRisk).not.toBeCloseTo(r.levels[0]!.valueAtRisk, 0)
  })

  it('no look-ahead: on a market as of 2024-03-12 05:57 UTC, var, stress and backtest print a history that ends on 2024-03-11', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marginal-var-cli-as-of-'))
    const market = join(dir, 'as-of.market.json')
    const portfolio = join(dir, 'as-of.portfolio.json')
    writeFileSync(market, JSON.stringify({ asOf: '2024-03-12T05:57:00Z', index: { BTC: 72_000, ETH: 4_000 }, marks: { 'okx:BTC-USDT-SWAP': 72_000, 'okx:ETH-USDT-SWAP': 4_000 } }))
    writeFileSync(portfolio, JSON.stringify({ asOf: '2024-03-12T05:57:00Z', positions: [{ instrument: 'BTC-USDT-SWAP', venue: 'okx', quantity: 1, unit: 'coin' }, { instrument: 'ETH-USDT-SWAP', venue: 'okx', quantity: -10, unit: 'coin' }] }))
    const files = ['--book', book, '--portfolio', portfolio, '--market', market]
    const v = await cli('var', ...files, '--lookback', '365', '--no-vol-index')
    expect(v.err).toBe('')
    expect(v.out).toContain("Windows: 2023-03-12 → 2024-03-11, 365 windows of 1 day (first 2023-03-12 → 2023-03-13, last 2024-03-10 → 2024-03-11); history cut at the market's as-of (BTC, ETH 2024-03-12 05:57 UTC: closes to 2024-03-11)")
    const mc = JSON.parse((await cli('var', ...files, '--monte-carlo', '--simulations', '1000', '--lookback', '365', '--json')).out) as { window: { unit: string; lastDay: string } }
    expect(mc.window).toMatchObject({ unit: 'daily returns', lastDay: '2024-03-11' })
    const stress = await cli('stress', ...files)
    expect(stress.out).toMatch(/History window: historical scenarios from closes up to 2024-03-11 .*left out, after the as-of: August 2024: yen carry unwind \(2024-08-02 → 2024-08-05\)/)
    const backtest = await cli('backtest', ...files, '--lookback', '250')
    expect(backtest.out).toMatch(/Period: \S+ → 2024-03-10, [\d,]+ days tested, each against its next 1 day \(last realised loss to 2024-03-11\)/)
  })

  it('Monte Carlo: the same seed gives the same answer, with standard errors; the table labels its units', async () => {
    const args = ['var', '--book', book, '--book-id', '1', '--monte-carlo', '--simulations', '5000', '--seed', '42', '--horizon', '2']
    const a = JSON.parse((await cli(...args, '--json')).out) as VarJson
    const b = JSON.parse((await cli(...args, '--json')).out) as VarJson
    expect(a).toEqual(b)
    expect(a.levels[0]!.varStandardError).toBeGreaterThan(0)
    const zero = JSON.parse((await cli(...args, '--correlation', 'zero', '--json')).out) as VarJson
    expect(zero.levels[0]!.valueAtRisk).not.toBe(a.levels[0]!.valueAtRisk)
    const table = (await cli(...args)).out
    expect(table).toMatch(/^Monte Carlo, 2-day horizon, 5,000 scenarios \(mc-t4-estimated-seed42-n5000\).*Amounts in USD\./)
    expect(table).toMatch(/Confidence +VaR +± SE +ES +± SE +VaR scenario/)
  })
})

describe('cli var usage errors (exit 2)', () => {
  it.each([
    [['var', '--horizon', '3'], '--horizon "3" must be 1 or 2 (days, the margin period of risk)'],
    [['var', '--confidence', '99,150'], '--confidence "99,150" must be percentages between 50 and 100, comma-separated (99,99.5)'],
    [['var', '--simulations', '1000'], '--simulations, --seed, --nu and --correlation need --monte-carlo'],
    [['var', '--monte-carlo', '--nu', '2'], '--nu "2" must exceed 2 (degrees of freedom of the Student-t)'],
    [['var', '--monte-carlo', '--ewma', '0.94'], '--ewma, --no-vol-index and --stressed-floor apply to historical simulation, not --monte-carlo'],
    [['var', '--monte-carlo', '--stressed-floor'], '--ewma, --no-vol-index and --stressed-floor apply to historical simulation, not --monte-carlo'],
    [['var', '--lookback', '10'], '--lookback "10" is not a whole number ≥ 30']
  ])('%j', async (argv, message) => {
    const { code, err } = await cli(...argv)
    expect(code).toBe(2)
    expect(err.split('\n')[0]).toBe(`marginal: ${message}`)
  })

  it('a book without history says what to import (exit 1)', async () => {
    const book = join(mkdtempSync(join(tmpdir(), 'marginal-var-cli-')), 'book.sqlite')
    const { code, err } = await cli('var', '--book', book, '--book-id', '1')
    expect(code).toBe(1)
    expect(err).toMatch(/^marginal: no daily price history for BTC: import one/)
  })
})
