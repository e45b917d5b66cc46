import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { listHeldPositions } from '../../src-main/book/positions-repository'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import { runCli } from '../../src-main/cli/main'
import { readMarginInputs } from '../../src-main/cli/margin-command'
import { exportMarketFile, readMarketFile } from '../../src-main/services/portfolio-files/market-file'
import { exportPortfolioFile, heldPositions, readPortfolioFile } from '../../src-main/services/portfolio-files/portfolio-file'

const FIXTURES = join(import.meta.dirname, '../fixtures/portfolio')
const goldenPortfolio = join(FIXTURES, 'deribit-pm-example.portfolio.json')
const goldenMarket = join(FIXTURES, 'deribit-pm-example.market.json')
const dir = mkdtempSync(join(tmpdir(), 'marginal-files-'))

/** runCli in-process: exit code, stdout and stderr. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

const write = (name: string, text: string): string => {
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}

const within = (actual: number, expected: number, tolerance: number): void => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance)

describe('cli margin on files: Deribit\'s published portfolio-margin example (2024-06-17, METHODOLOGY §5.3)', () => {
  it('reproduces worst case, roll shock and MM to 1e-9 BTC from a portfolio file in coin and a market file', async () => {
    const { code, out, err } = await cli('margin', '--portfolio', goldenPortfolio, '--market', goldenMarket, '--method', 'deribit-pm', '--json')
    expect(err).toBe('')
    expect(code).toBe(0)
    const pm = (JSON.parse(out) as { results: { method: string; [k: string]: any }[] }).results.find((r) => r.method === 'deribit-pm')!
    expect(pm).toMatchObject({ account: 'Deribit PM example', currency: 'BTC', paramsId: 'deribit-pm-2024-06', marketId: 'file:deribit-pm-example.market.json@2024-06-17T08:00:00.000Z' })
    within(pm.components['worst case'], 0.05968587238, 1e-9)
    within(pm.components['roll shock'], 0.00315725898, 1e-9)
    expect(pm.worstScenario.label).toMatch(/^price −16\.0 %/)
    within(pm.worstScenario.pnl, -0.0596858724, 1e-9)
    // The published MM has no extended-scenario or delta-shock charge (unpublished formulas, ours
    // are extra components): MM on the published components alone is MM × their share of IM.
    const total = Object.values(pm.components as Record<string, number>).reduce((a, b) => a + b, 0)
    within(pm.initialMargin, total, 1e-12)
    within((pm.maintenanceMargin * (pm.components['worst case'] + pm.components['roll shock'])) / total, 0.050274504784, 1e-9)
  })

  it('prints a table by default, opening no book', async () => {
    const { code, out } = await cli('margin', '--portfolio', goldenPortfolio, '--market', goldenMarket, '--book', join(dir, 'never-created', 'book.sqlite'))
    expect(code).toBe(0)
    expect(out).toMatch(/^Account\s+Risk unit\s+Currency\s+Method\s+IM\s+MM/)
    expect(out).toMatch(/Deribit PM example\s+—\s+BTC\s+deribit-pm\s+0\.0628\d+\s+0\.0502\d+\s+price −16\.0 %/)
  })

  it('adds account health when the portfolio file has collateral', async () => {
    const portfolio = join(dir, 'with-collateral.json')
    writeFileSync(portfolio, JSON.stringify({ ...JSON.parse(readFileSync(goldenPortfolio, 'utf8')), collateral: [{ account: 'Deribit PM example', currency: 'btc', amount: 1 }] }))
    const json = await cli('margin', '--portfolio', portfolio, '--market', goldenMarket, '--json')
    const health = (JSON.parse(json.out) as { health: { account: string; currency: string; collateral: number; status: string }[] }).health
    expect(health).toEqual([expect.objectContaining({ account: 'Deribit PM example', currency: 'BTC', collateral: 1, status: 'ok' })])
    const table = await cli('margin', '--portfolio', portfolio, '--market', goldenMarket)
    expect(table.out).toMatch(/Account\s+Currency\s+Method\s+Equity\s+IM used\s+MM used\s+Status\s+Nearest liquidation\n[- ]+\nDeribit PM example\s+BTC\s+deribit-pm\s+1(?:\.\d+)?\s+6\.\d %\s+5\.\d %\s+ok\s+BTC \d+\.\d\d USD/)
  })

  it('passes --method and --params through to the margin service; --params replaces the market file\'s own', () => {
    const params = join(dir, 'params.json')
    writeFileSync(params, '{"id": "my-set"}')
    const inputs = readMarginInputs({ portfolio: goldenPortfolio, market: goldenMarket, params, method: 'standard' })
    expect(inputs.options).toEqual({ methods: ['standard'], params: { id: 'my-set' }, paramsSource: params })
    expect(readMarginInputs({ portfolio: goldenPortfolio, market: goldenMarket, method: 'all' }).options).toEqual({})
    const market = join(dir, 'market-with-params.json')
    writeFileSync(market, JSON.stringify({ ...JSON.parse(readFileSync(goldenMarket, 'utf8')), params: { id: 'from-market' } }))
    expect(readMarginInputs({ portfolio: goldenPortfolio, market, method: 'all' }).options).toEqual({ params: { id: 'from-market' }, paramsSource: market })
  })

  it('--method computes that method only; --params parameter sets are used and named in the results', async () => {
    const standard = await cli('margin', '--portfolio', goldenPortfolio, '--market', goldenMarket, '--method', 'standard', '--json')
    expect((JSON.parse(standard.out) as { results: { method: string }[] }).results.map((r) => r.method)).toEqual(['standard'])
    const wider = JSON.parse(readFileSync(join(import.meta.dirname, '../../resources/params/deribit-pm-2024-06.json'), 'utf8'))
    wider.id = 'deribit-pm-wider-range'
    wider.currencies.BTC.range = 0.2
    const params = join(dir, 'wider.params.json')
    writeFileSync(params, JSON.stringify({ 'deribit-pm': wider }))
    const { code, out } = await cli('margin', '--portfolio', goldenPortfolio, '--market', goldenMarket, '--method', 'deribit-pm', '--params', params, '--json')
    expect(code).toBe(0)
    const pm = (JSON.parse(out) as { results: { paramsId: string; worstScenario: { label: string } }[] }).results[0]!
    expect(pm.paramsId).toBe('deribit-pm-wider-range')
    expect(pm.worstScenario.label).toMatch(/^price −20\.0 %/)
  })

  it('converts coin and USD quantities at the price margin converts back with', () => {
    const portfolio = readPortfolioFile(readFileSync(goldenPortfolio, 'utf8'), goldenPortfolio)
    const held = heldPositions(portfolio, buildMarketView(readMarketFile(readFileSync(goldenMarket, 'utf8'), goldenMarket).snapshot))
    // Deribit BTC futures are $10 contracts: 0.314538364 BTC at the perpetual's mark 65,910.57.
    expect(held.map((p) => [p.accountName, p.instrument.symbol, p.sizeContracts])).toEqual([
      ['Deribit PM example', 'BTC-PERPETUAL', expect.closeTo((0.314538364 * 65_910.57) / 10, 9)],
      ['Deribit PM example', 'BTC-28JUN24', expect.closeTo((-0.001187534 * 67_371.75) / 10, 9)]
    ])
  })
})

describe('cli export: a book as portfolio and market files, read back', () => {
  const bookPath = join(dir, 'book.sqlite')
  const book = openBook(bookPath)
  afterAll(() => book.db.close())
  const portfolioOut = join(dir, 'demo.portfolio.json')
  const marketOut = join(dir, 'demo.market.json')

  it('writes both files and says what it wrote', async () => {
    const { code, out, err } = await cli('export', '--book', bookPath, '--book-id', '1', '--portfolio', portfolioOut, '--market', marketOut)
    expect(err).toBe('')
    expect(code).toBe(0)
    expect(out).toContain(`${portfolioOut}: 36 positions of book 1, as of 2026-11-20T09:00:00.000Z`)
    expect(out).toContain(`${marketOut}: market of book 1 as of 2026-11-20T09:00:00.000Z`)
    const portfolio = JSON.parse(readFileSync(portfolioOut, 'utf8'))
    expect(portfolio.positions).toContainEqual({ instrument: 'BTC-PERPETUAL', venue: 'deribit', quantity: -250_000, unit: 'usd', account: 'Deribit main', avgPrice: 91_880.5 })
  })

  it('reads back the same positions: symbol, account and contracts', () => {
    const snapshot = readMarketFile(JSON.stringify(exportMarketFile(book.db, 1)), 'demo.market.json').snapshot
    const again = heldPositions(readPortfolioFile(JSON.stringify(exportPortfolioFile(book.db, 1).file), 'demo.portfolio.json'), buildMarketView(snapshot))
    const key = (p: { accountName: string; instrument: { venue: string; symbol: string } }): string => `${p.accountName} ${p.instrument.venue}:${p.instrument.symbol}`
    const original = listHeldPositions(book.db, 1)
    expect(again.map(key)).toEqual(original.map(key))
    again.forEach((p, n) => expect(p.sizeContracts).toBeCloseTo(original[n]!.sizeContracts, 9))
  })

  it('margins the same as the book, for every account, currency and method, health included, and for the book on the exported market', async () => {
    const margin = async (...argv: string[]): Promise<{ results: Record<string, unknown>[]; health: unknown[] }> => {
      const { code, out, err } = await cli('margin', ...argv, '--json')
      expect(err).toBe('')
      expect(code).toBe(0)
      const m = JSON.parse(out) as { results: Record<string, unknown>[]; health: unknown[] }
      return { results: m.results.map(({ marketId: _marketId, ...r }) => r), health: m.health }
    }
    const fromBook = await margin('--book', bookPath, '--book-id', '1')
    expect(fromBook.results.length).toBeGreaterThanOrEqual(4)
    expect(fromBook.health.length).toBeGreaterThan(0)
    const close = JSON.parse(JSON.stringify(fromBook), (_k, v) => (typeof v === 'number' ? expect.closeTo(v, 9) : v))
    expect(await margin('--portfolio', portfolioOut, '--market', marketOut)).toEqual(close)
    expect(await margin('--book', bookPath, '--book-id', '1', '--market', marketOut)).toEqual(close)
    // A portfolio without --market is valued on the live book's snapshot: a new file's live book has none yet.
    const bare = await cli('margin', '--book', bookPath, '--portfolio', portfolioOut, '--json')
    expect(bare.code).toBe(1)
    expect(bare.err).toMatch(/no market snapshot/)
  })
})

describe('bad files: the message names the file, the JSON path and the problem', () => {
  const golden = JSON.parse(readFileSync(goldenPortfolio, 'utf8'))
  const withPosition = (name: string, patch: Record<string, unknown>): string =>
    write(name, JSON.stringify({ ...golden, positions: [golden.positions[0], { ...golden.positions[1], ...patch }] }, null, 2))
  const failure = async (portfolio: string, market = goldenMarket): Promise<string> => {
    const { code, err } = await cli('margin', '--portfolio', portfolio, '--market', market)
    expect(code).toBe(1)
    return err
  }

  it('malformed JSON', async () => {
    const file = write('malformed.json', '{"asOf": "2024-06-17T08:00:00Z", "positions": [}')
    expect(await failure(file)).toMatch(new RegExp(`^marginal: ${file}: not valid JSON: `))
  })

  it('NaN quantity, as Python\'s json module writes it, and a quantity that is text', async () => {
    const nan = write('nan.json', readFileSync(goldenPortfolio, 'utf8').replace('-0.001187534', 'NaN'))
    expect(await failure(nan)).toBe(`marginal: ${nan}: positions[1].quantity: NaN is not a number`)
    const text = withPosition('text.json', { quantity: '1,5' })
    expect(await failure(text)).toBe(`marginal: ${text}: positions[1].quantity: "1,5" is not a number`)
  })

  it('unknown instrument symbol and unknown venue', async () => {
    const file = withPosition('unknown-instrument.json', { instrument: 'BTC-28JUNE24' })
    expect(await failure(file)).toMatch(new RegExp(`^marginal: ${file}: positions\\[1\\]\\.instrument: unknown instrument: deribit symbol "BTC-28JUNE24": `))
    const venue = withPosition('unknown-venue.json', { venue: 'ftx' })
    expect(await failure(venue)).toBe(`marginal: ${venue}: positions[1].venue: unknown venue "ftx" (expected "deribit", "okx", "bybit", "binance", "ibkr", "derive")`)
  })

  it('unknown unit and unknown field', async () => {
    const file = withPosition('unknown-unit.json', { unit: 'lots' })
    expect(await failure(file)).toBe(`marginal: ${file}: positions[1].unit: unknown unit "lots" (expected "coin", "usd", "contracts")`)
    const typo = withPosition('typo.json', { acount: 'x' })
    expect(await failure(typo)).toBe(`marginal: ${typo}: positions[1]: unknown field "acount"`)
  })

  it('an option expired relative to the file\'s asOf, and relative to the market\'s', async () => {
    const file = withPosition('expired.json', { instrument: 'BTC-14JUN24-70000-C' })
    expect(await failure(file)).toBe(`marginal: ${file}: positions[1].instrument: BTC-14JUN24-70000-C expired at 2024-06-14T08:00:00.000Z, not after asOf 2024-06-17T08:00:00.000Z: settle or remove it`)
    const later = write('later.market.json', JSON.stringify({ asOf: '2024-06-30T00:00:00Z', index: { BTC: 61_000 } }))
    expect(await failure(goldenPortfolio, later)).toBe(
      `marginal: ${goldenPortfolio}: positions[1].instrument: BTC-28JUN24 expired at 2024-06-28T08:00:00.000Z, not after the market's asOf 2024-06-30T00:00:00.000Z`
    )
  })

  it('market files: asOf without a time zone, a mark without an index, an IV in percent', async () => {
    const noZone = write('no-zone.market.json', '{"asOf": "2024-06-17", "index": {"BTC": 65666.19}}')
    expect(await failure(goldenPortfolio, noZone)).toBe(`marginal: ${noZone}: asOf: "2024-06-17" is not an ISO-8601 date-time with a time zone, e.g. 2024-06-17T08:00:00Z`)
    const noIndex = write('no-index.market.json', '{"asOf": "2024-06-17T08:00:00Z", "index": {"BTC": 65666.19}, "marks": {"ETH-PERPETUAL": 3500}}')
    expect(await failure(goldenPortfolio, noIndex)).toBe(`marginal: ${noIndex}: marks["ETH-PERPETUAL"]: no ETH index: add "ETH" to "index"`)
    const percent = write('percent.market.json', '{"asOf": "2024-06-17T08:00:00Z", "index": {"BTC": 65666.19}, "markIv": {"BTC-28JUN24-70000-C": 55}}')
    expect(await failure(goldenPortfolio, percent)).toBe(`marginal: ${percent}: markIv["BTC-28JUN24-70000-C"]: 55 is not a volatility as a fraction (0.55 = 55 %): no implied vol exceeds 1,000 %`)
  })

  it('quotes: a crossed quote and a quote without a mark name the entry', async () => {
    const crossed = write('crossed.market.json', '{"asOf": "2024-06-17T08:00:00Z", "index": {"BTC": 65666.19}, "marks": {"BTC-PERPETUAL": 65910.57}, "quotes": {"BTC-PERPETUAL": {"bid": 65911, "ask": 65910}}}')
    expect(await failure(goldenPortfolio, crossed)).toBe(`marginal: ${crossed}: quotes["BTC-PERPETUAL"].ask: ask is below bid (a crossed quote)`)
    const unmarked = write('unmarked.market.json', '{"asOf": "2024-06-17T08:00:00Z", "index": {"BTC": 65666.19}, "marks": {"BTC-PERPETUAL": 65910.57}, "quotes": {"BTC-28JUN24": {"bid": 67370, "ask": 67373}}}')
    expect(await failure(goldenPortfolio, unmarked)).toBe(`marginal: ${unmarked}: quotes["BTC-28JUN24"]: BTC-28JUN24 has a quote but no mark: add it to "marks"`)
  })

  it('--params that is not JSON names the file; a missing file names it too', async () => {
    const params = write('params.txt', 'range = 0.16')
    const { code, err } = await cli('margin', '--portfolio', goldenPortfolio, '--market', goldenMarket, '--params', params)
    expect(code).toBe(1)
    expect(err).toMatch(new RegExp(`^marginal: ${params}: not valid JSON: `))
    expect(await failure(join(dir, 'missing.json'))).toMatch(new RegExp(`^marginal: cannot read ${dir}/missing\\.json: ENOENT`))
  })
})

describe('numbers out of bounds (METHODOLOGY §9): refused by file and JSON path, never margined as Infinity or NaN', () => {
  const goldenText = readFileSync(goldenPortfolio, 'utf8')
  const TEN_MB = '9'.repeat(10 * 1024 * 1024)
  const refused = async (portfolio: string, market = goldenMarket): Promise<string> => {
    const { code, out, err } = await cli('margin', '--portfolio', portfolio, '--market', market)
    expect(code).toBe(1)
    expect(out).toBe('')
    expect(err.length).toBeLessThan(300)
    return err
  }

  it.each([
    ['1e308', '1e+308 is out of range: no size exceeds 10^14'],
    ['-1e308', '-1e+308 is out of range: no size exceeds 10^14'],
    ['NaN', 'NaN is not a number'],
    ['Infinity', 'Infinity is not a number'],
    ['-Infinity', '-Infinity is not a number'],
    ['1e999', 'Infinity is not a number'],
    ['""', '"" is not a number'],
    [`"${TEN_MB}"`, `"${'9'.repeat(40)}…" (10,485,760 characters) is not a number`]
  ])('quantity %#: the portfolio file is refused at positions[1].quantity', async (literal, problem) => {
    const file = write('bad-quantity.json', goldenText.replace('-0.001187534', literal))
    expect(await refused(file)).toBe(`marginal: ${file}: positions[1].quantity: ${problem}`)
  })

  it('a quantity within the schema whose USD notional is beyond any market is refused before margin', async () => {
    const file = write('huge-notional.json', goldenText.replace('0.314538364', '1e9'))
    expect(await refused(file)).toBe(`marginal: ${file}: positions[0].quantity: 1000000000 coin is 6.59e+13 USD of notional: out of range: no USD notional exceeds 10^13 USD`)
    // In contracts ($10 each), 10^13 coin is beyond the size bound itself.
    const contracts = write('huge-contracts.json', goldenText.replace('0.314538364', '1e13'))
    expect(await refused(contracts)).toBe(`marginal: ${contracts}: positions[0].quantity: 10000000000000 coin is 6.59e+16 contracts: out of range: no size exceeds 10^14`)
    // The largest plausible position still margins, with finite figures.
    const big = write('big-notional.json', goldenText.replace('0.314538364', '1e7'))
    const { code, out } = await cli('margin', '--portfolio', big, '--market', goldenMarket)
    expect(code).toBe(0)
    expect(out).not.toMatch(/Infinity|NaN/)
  })

  it('collateral, avgPrice, index, marks, funding rates and instrument keys have their bounds', async () => {
    const golden = JSON.parse(goldenText)
    const collateral = write('huge-collateral.json', JSON.stringify({ ...golden, collateral: [{ currency: 'BTC', amount: -1e308 }] }))
    expect(await refused(collateral)).toBe(`marginal: ${collateral}: collateral[0].amount: -1e+308 is out of range: no cash amount exceeds 10^15`)
    const avg = write('huge-avg.json', JSON.stringify({ ...golden, positions: [{ ...golden.positions[0], avgPrice: 1e10 }] }))
    expect(await refused(avg)).toBe(`marginal: ${avg}: positions[0].avgPrice: 10000000000 is out of range: no price exceeds 10^9`)
    const market = JSON.parse(readFileSync(goldenMarket, 'utf8'))
    const index = write('huge-index.market.json', JSON.stringify({ ...market, index: { BTC: 1e308 } }))
    expect(await refused(goldenPortfolio, index)).toBe(`marginal: ${index}: index.BTC: 1e+308 is out of range: no price exceeds 10^9`)
    const mark = write('huge-mark.market.json', JSON.stringify({ ...market, marks: { ...market.marks, 'BTC-28JUN24': 2e9 } }))
    expect(await refused(goldenPortfolio, mark)).toBe(`marginal: ${mark}: marks["BTC-28JUN24"]: 2000000000 is out of range: no price exceeds 10^9`)
    const funding = write('huge-funding.market.json', JSON.stringify({ ...market, fundingRate8h: { 'BTC-PERPETUAL': 3 } }))
    expect(await refused(goldenPortfolio, funding)).toBe(`marginal: ${funding}: fundingRate8h["BTC-PERPETUAL"]: 3 is out of range: no funding rate exceeds 1 (100 % per 8 hours)`)
    const key = write('long-key.market.json', JSON.stringify({ ...market, marks: { ...market.marks, [`BTC-${TEN_MB}`]: 1 } }))
    expect(await refused(goldenPortfolio, key)).toMatch(/: marks\["BTC-9{36}…" \(10,485,764 characters\)\]: key "BTC-9{36}…" \(10,485,764 characters\) is longer than any venue:symbol key$/)
  })
})

describe('cli margin: house add-ons beside the methods', () => {
  it('--json lists add-ons apart from results; the quoted spread is charged, converted to coin', async () => {
    const market = write('quoted.market.json', JSON.stringify({ ...JSON.parse(readFileSync(goldenMarket, 'utf8')), quotes: { 'BTC-PERPETUAL': { bid: 65905.57, ask: 65915.57 } } }))
    const { code, out } = await cli('margin', '--portfolio', goldenPortfolio, '--market', market, '--method', 'deribit-pm', '--json')
    expect(code).toBe(0)
    const json = JSON.parse(out) as { results: { method: string }[]; addOns: { method: string; currency: string; components: Record<string, number>; unpublishedComponents: { name: string }[] }[] }
    expect(json.results.map((r) => r.method)).toEqual(['deribit-pm'])
    expect(json.addOns).toHaveLength(1)
    const a = json.addOns[0]!
    expect(a).toMatchObject({ method: 'add-ons', currency: 'BTC' })
    // Perpetual: half spread 5 USD × 0.314538364 BTC; future (unquoted): 1 bp of its mark × 0.001187534 BTC; in BTC at the index.
    const expected = (5 * 0.314538364 + 0.0001 * 67371.75 * 0.001187534) / 65666.19
    within(a.components.liquidity!, expected, 1e-12)
    expect(a.components.concentration).toBe(0)
    expect(a.unpublishedComponents.map((c) => c.name)).toEqual(['liquidity', 'concentration'])
  })

  it('the table shows the add-ons under their own heading', async () => {
    const { code, out } = await cli('margin', '--portfolio', goldenPortfolio, '--market', goldenMarket)
    expect(code).toBe(0)
    expect(out).toMatch(/House add-ons \(docs\/METHODOLOGY\.md §5\.9; no venue charges them/)
    expect(out).toMatch(/Liquidity +Concentration +Add-ons +Parameters/)
    expect(out).toContain('add-ons-house-2026')
  })
})

describe('cli usage errors (exit 2)', () => {
  it.each([
    [['margin', '--book-id', '1', '--portfolio', goldenPortfolio], 'margin takes --book-id or --portfolio, not both'],
    [['margin', '--method', 'var'], '--method "var" is not a margin method (all, standard, span, deribit-pm, okx-pm, derive-pm, greeks)'],
    [['export', '--book-id', '1'], 'export needs --portfolio OUT.json, --market OUT.json, --xlsx OUT.xlsx or --csv OUT.csv'],
    [['schema', 'positions'], 'schema needs "portfolio" or "market"']
  ])('%j', async (argv, message) => {
    const { code, err } = await cli(...argv)
    expect(code).toBe(2)
    expect(err).toContain(`marginal: ${message}`)
    expect(err).toContain('usage: npm run cli')
  })
})
