import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import { buildSnapshotFromDeribitChain } from '../../src-main/engine/market/chain-snapshot'
import { parseSymbol } from '../../src-main/engine/instruments/parse-symbol'
import { black76PriceUsd } from '../../src-main/engine/pricing/black76'
import {
  buildPortfolioArrays,
  emptyPortfolioArrays,
  ROW_INVERSE,
  ROW_LINEAR,
  ROW_OPTION_INVERSE,
  ROW_OPTION_LINEAR,
  type HeldInstrument,
  type PortfolioArrays
} from '../../src-main/engine/scenarios/portfolio-arrays'
import { priceVolGrid, type ScenarioSet } from '../../src-main/engine/scenarios/scenario-set'
import { precomputeScenarios, revalueRows, revalueRowsJs, wasmKernelActive } from '../../src-main/engine/scenarios/revalue'
import { kernel, kernelExp, revalueRowsWasm } from '../../src-main/engine/scenarios/revalue-wasm'
import { parseDeribitBookSummary } from '../../src-main/importers/market/deribit-book-summary'
import { syntheticBook } from '../../src-main/bench/synthetic-book'
import { hasSharedData, sharedData } from '../support/shared-data'

/**
 * The WebAssembly kernel against its JS twin. The contract is 1e-12 relative; in fact the twins do
 * the same IEEE operations in the same order (the kernel's exp is fdlibm's, V8's Math.exp), so they
 * agree bit for bit, and the worker pool's "bit for bit as one thread" holds whichever runs where.
 */
interface Comparison {
  cells: number
  differing: number
  worstRelative: number
}

function compareTwins(a: PortfolioArrays, s: ScenarioSet, rowStart = 0, rowEnd = a.count, rowOffset = rowStart): Comparison {
  const pre = precomputeScenarios(s)
  const cells = (rowEnd - rowOffset) * s.count
  const js = new Float64Array(cells).fill(Number.NaN)
  const wasm = new Float64Array(cells).fill(Number.NaN)
  const either = new Float64Array(cells).fill(Number.NaN)
  revalueRowsJs(a, s, pre, rowStart, rowEnd, js, rowOffset)
  expect(revalueRowsWasm(kernel()!, a, s, pre, rowStart, rowEnd, wasm, rowOffset)).toBe(true)
  // revalueRows picks one of the two by the call's size: the same numbers.
  revalueRows(a, s, pre, rowStart, rowEnd, either, rowOffset)
  expect(either).toEqual(js)
  let differing = 0
  let worstRelative = 0
  for (let i = 0; i < cells; i++) {
    if (Object.is(js[i], wasm[i])) continue
    differing++
    worstRelative = Math.max(worstRelative, Math.abs(js[i]! - wasm[i]!) / Math.abs(js[i]!) || Infinity)
  }
  return { cells, differing, worstRelative }
}

const expectTwins = (c: Comparison): void => {
  expect(c.cells).toBeGreaterThan(0)
  expect(c.worstRelative).toBeLessThanOrEqual(1e-12)
  expect(c.differing).toBe(0)
}

/** Every row kind, call and put, at and around the edges of the pricing formula. */
function edgeRows(): PortfolioArrays {
  const rows: { kind: number; u: number; units: number; f: number; k?: number; years?: number; vol?: number; call?: boolean; up?: number; down?: number }[] = [
    { kind: ROW_LINEAR, u: 0, units: 2.5, f: 92_000 },
    { kind: ROW_INVERSE, u: 1, units: -250_000, f: 3_100 },
    { kind: ROW_LINEAR, u: 1, units: -40, f: 3_100 }
  ]
  const strikes = [0.2, 0.7, 0.95, 1, 1.05, 1.5, 5] // deep ITM to deep OTM, as multiples of the forward
  const years = [1e-9, 0.5 / 365, 1 / 365, 2 / 365, 7 / 365, 0.25, 1, 4] // expiring inside the time shift, to long-dated
  const vols = [1e-4, 0.01, 0.2, 0.8, 3]
  let n = 0
  for (const m of strikes) {
    for (const t of years) {
      for (const vol of vols) {
        const f = n % 2 ? 3_100 : 92_000
        rows.push({
          kind: n % 3 ? ROW_OPTION_INVERSE : ROW_OPTION_LINEAR,
          u: n % 2,
          units: n % 5 ? 1.5 : -3,
          f,
          k: f * m,
          years: t,
          vol,
          call: n % 4 < 2,
          up: n % 7 ? -0.12 : 0,
          down: n % 7 ? 0.2 : 0
        })
        n++
      }
    }
  }
  const a = emptyPortfolioArrays(rows.length, ['USD', 'BTC', 'ETH'])
  rows.forEach((row, r) => {
    a.kind[r] = row.kind
    a.underlyingIndex[r] = row.u
    a.units[r] = row.units
    a.forward[r] = row.f
    if (row.k === undefined) return
    a.strike[r] = row.k
    a.years[r] = row.years!
    a.vol[r] = row.vol!
    a.isCall[r] = row.call ? 1 : 0
    const usd = black76PriceUsd({ forwardUsd: row.f, strikeUsd: row.k, years: row.years!, vol: row.vol!, optionType: row.call ? 'call' : 'put' })
    a.baseValue[r] = row.kind === ROW_OPTION_INVERSE ? usd / row.f : usd
    a.volSkewUp[r] = row.up!
    a.volSkewDown[r] = row.down!
  })
  return a
}

/** Price moves from −99 % to ×20, vol shifts down to below the minimum vol and up, decay of 0 to 30 days. */
function edgeScenarios(opts: { timeShiftDays: number; sticky: boolean; term: boolean; odd: boolean }): ScenarioSet {
  const moves = [-0.99, -0.6, -0.3, -0.05, -1e-9, 0, 1e-9, 0.05, 0.3, 1, 4, 19]
  const s = priceVolGrid({
    id: 'edges',
    underlyings: ['BTC', 'ETH'],
    priceMoves: opts.odd ? moves.slice(1) : moves,
    volShiftsAbs: opts.odd ? [-2, 0, 0.5] : [-2, -0.15, 0, 0.5],
    timeShiftDays: opts.timeShiftDays,
    volTerm: opts.term ? { refDays: 30, power: 0.5 } : null
  })
  // Relative vol moves and per-scenario time shifts too (priceVolGrid sets neither).
  for (let j = 0; j < s.count; j++) {
    s.volRel[j] = ((j % 5) - 2) * 0.2
    s.timeShiftYears[j] = (opts.timeShiftDays * (1 + (j % 3))) / 365
  }
  s.stickyMoneyness = opts.sticky
  return s
}

describe('the WebAssembly revaluation kernel and its JS twin', () => {
  it('loads in Node', () => {
    expect(wasmKernelActive()).toBe(true)
  })

  it('computes e^x bit for bit as Math.exp for x ≤ 0, every branch of fdlibm', () => {
    const xs: number[] = [0, -0, -1e-300, -(2 ** -29), -(2 ** -28), -0.1, -0.34657359027997264, -0.3465735902799727, -0.5, -1, -1.0397207708399179,
      -1.04, -2, -10, -100, -700, -708.39, -708.4, -709.78, -720, -745.13, -745.1332191019411, -745.14, -800, -1e300, -Infinity, Number.NaN]
    let seed = 7
    const rand = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647
    for (let i = 0; i < 100_000; i++) xs.push(-rand() * 760, -rand() * 2, -rand() * 1e-7, -0.5 * (rand() * 40) ** 2)
    const got = kernelExp(kernel()!, Float64Array.from(xs))
    const wrong = xs.filter((x, i) => !Object.is(got[i], Math.exp(x)))
    expect(wrong).toEqual([])
  })

  it.each([
    { timeShiftDays: 1, sticky: false, term: false, odd: false },
    { timeShiftDays: 1, sticky: true, term: true, odd: true },
    { timeShiftDays: 0, sticky: true, term: false, odd: false },
    { timeShiftDays: 30, sticky: false, term: true, odd: true }
  ])('agree on every row kind and edge (decay $timeShiftDays d, sticky $sticky, term $term, odd count $odd)', (opts) => {
    expectTwins(compareTwins(edgeRows(), edgeScenarios(opts)))
  })

  it('agree on a slice of rows written at rowOffset, and on one scenario', () => {
    const a = edgeRows()
    const s = edgeScenarios({ timeShiftDays: 1, sticky: true, term: true, odd: true })
    expectTwins(compareTwins(a, s, 17, 211, 17))
    expectTwins(compareTwins(a, s, 40, 41, 0))
    const one = priceVolGrid({ id: 'one', underlyings: ['BTC', 'ETH'], priceMoves: [-0.2] })
    expectTwins(compareTwins(a, one))
  })

  it('agree across the kernel’s row chunks (1,001 scenarios: three chunks of rows)', () => {
    const a = edgeRows()
    const count = 1001
    let seed = 3
    const rand = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647
    const s: ScenarioSet = {
      id: 'many',
      underlyings: ['BTC', 'ETH'],
      count,
      priceMoves: Float64Array.from({ length: 2 * count }, () => Math.exp((rand() - 0.5) * 2) - 1),
      volAbs: Float64Array.from({ length: count }, () => (rand() - 0.5) * 0.6),
      volRel: Float64Array.from({ length: count }, () => (rand() - 0.5) * 0.4),
      timeShiftYears: Float64Array.from({ length: count }, () => (rand() * 10) / 365),
      volTerm: { refDays: 30, power: 0.2 },
      labels: [],
      stickyMoneyness: true
    }
    expect(a.count * count).toBeGreaterThan(2 * (1 << 17))
    expectTwins(compareTwins(a, s))
    expectTwins(compareTwins(a, s, 100, a.count, 60))
  })

  it('writes only its rows, and nothing for an empty range', () => {
    const a = edgeRows()
    const s = edgeScenarios({ timeShiftDays: 1, sticky: false, term: false, odd: false })
    const out = new Float64Array(10 * s.count).fill(7)
    revalueRows(a, s, precomputeScenarios(s), 5, 5, out)
    revalueRows(a, s, precomputeScenarios(s), 50, 52, out, 47)
    expect(out.subarray(0, 3 * s.count).every((v) => v === 7)).toBe(true)
    expect(out.subarray(5 * s.count).every((v) => v === 7)).toBe(true)
    expect(out.subarray(3 * s.count, 5 * s.count).some((v) => v !== 7)).toBe(true)
  })

  it('agree on the synthetic book of the demo market (3,000 positions, sticky moneyness and sticky strike)', () => {
    const book = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-kernel-')), 'book.sqlite'))
    try {
      const market = loadMarketSnapshot(book.db, 'demo-2026-11-20T09:00Z')!
      const a = buildPortfolioArrays(syntheticBook(market, 3000, 11), buildMarketView(market), ['BTC', 'ETH'])
      for (const sticky of [false, true]) {
        const s = priceVolGrid({
          id: 'grid',
          underlyings: ['BTC', 'ETH'],
          priceMoves: [-0.5, -0.3, -0.16, -0.08, -0.04, 0, 0.04, 0.08, 0.16, 0.3, 0.5, 1],
          volShiftsAbs: [-0.15, 0, 0.15],
          timeShiftDays: 1,
          volTerm: { refDays: 30, power: 0.13 }
        })
        s.stickyMoneyness = sticky
        expectTwins(compareTwins(a, s))
      }
    } finally {
      book.db.close()
    }
  })
})

const SUMMARIES = ['options/deribit_btc_book_summary_2024-03-12.csv', 'options/deribit_eth_book_summary_2024-01-08.csv']
const GREEKS = 'options/deribit_btc_option_chain_greeks_2026.csv'

describe('the twins on the shared option chains', () => {
  for (const file of SUMMARIES) {
    if (!hasSharedData(file)) console.log(`skipped: ../shared/data/${file} is not on this machine`)
    it.skipIf(!hasSharedData(file))(`agree on every option of ${file}, long and short, through 0–60 days of decay`, () => {
      const parsed = parseDeribitBookSummary(readFileSync(sharedData(file), 'utf8'), file)
      const { snapshot } = buildSnapshotFromDeribitChain(parsed.rows, file)
      const view = buildMarketView(snapshot)
      const underlying = file.includes('_btc_') ? 'BTC' : 'ETH'
      const held: HeldInstrument[] = parsed.rows
        .map((row) => parseSymbol('deribit', row.instrumentName))
        .filter((i) => i.kind === 'option' && i.expiryMs! > snapshot.asOfMs)
        .map((instrument, n) => ({ instrument, sizeContracts: n % 2 ? 1 : -2 }))
      const a = buildPortfolioArrays(held, view, [underlying])
      expect(a.count).toBeGreaterThan(500)
      for (const [timeShiftDays, sticky] of [[0, true], [1, false], [60, true]] as const) {
        const s = priceVolGrid({
          id: 'chain',
          underlyings: [underlying],
          priceMoves: [-0.7, -0.4, -0.2, -0.1, -0.03, 0, 0.03, 0.1, 0.2, 0.4, 1, 3],
          volShiftsAbs: [-0.3, 0, 0.3],
          timeShiftDays,
          volTerm: { refDays: 30, power: 0.3 }
        })
        s.stickyMoneyness = sticky
        expectTwins(compareTwins(a, s))
      }
    })
  }

  if (!hasSharedData(GREEKS)) console.log(`skipped: ../shared/data/${GREEKS} is not on this machine`)
  it.skipIf(!hasSharedData(GREEKS))(`agree on every option of ${GREEKS} at its mark vols`, () => {
    const [header, ...lines] = readFileSync(sharedData(GREEKS), 'utf8').trim().split('\n')
    const col = Object.fromEntries(header!.split(',').map((name, i) => [name, i]))
    const rows = lines.map((line) => line.split(',')).filter((c) => Number(c[col.mark_iv!]) > 0)
    const a = emptyPortfolioArrays(rows.length, ['BTC'])
    rows.forEach((c, r) => {
      const f = Number(c[col.underlying_price!])
      const k = Number(c[col.strike!])
      const years = (Number(c[col.expiration_timestamp!]) - Number(c[col.creation_timestamp!])) / (365 * 86_400_000)
      const vol = Number(c[col.mark_iv!]) / 100
      const call = c[col.type!] === 'call'
      a.kind[r] = ROW_OPTION_INVERSE
      a.units[r] = r % 3 ? 1 : -5
      a.forward[r] = f
      a.strike[r] = k
      a.years[r] = years
      a.vol[r] = vol
      a.isCall[r] = call ? 1 : 0
      a.baseValue[r] = black76PriceUsd({ forwardUsd: f, strikeUsd: k, years, vol, optionType: call ? 'call' : 'put' }) / f
    })
    expect(a.count).toBeGreaterThan(100)
    const s = priceVolGrid({ id: 'greeks', underlyings: ['BTC'], priceMoves: [-0.5, -0.2, -0.05, 0, 0.05, 0.2, 0.5], volShiftsAbs: [-0.2, 0, 0.2], timeShiftDays: 7 })
    expectTwins(compareTwins(a, s))
  })
})

describe('hosts without the WebAssembly kernel', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.resetModules()
  })

  it('fall back to the JS twin where WebAssembly is missing', async () => {
    vi.resetModules()
    vi.stubGlobal('WebAssembly', undefined)
    const fresh = await import('../../src-main/engine/scenarios/revalue')
    expect(fresh.wasmKernelActive()).toBe(false)
    const a = edgeRows()
    const s = edgeScenarios({ timeShiftDays: 1, sticky: true, term: true, odd: false })
    const pre = fresh.precomputeScenarios(s)
    const out = new Float64Array(a.count * s.count)
    const js = new Float64Array(a.count * s.count)
    fresh.revalueRows(a, s, pre, 0, a.count, out)
    fresh.revalueRowsJs(a, s, pre, 0, a.count, js)
    expect(out).toEqual(js)
    expect(await fresh.prepareKernel()).toBe(false)
  })

  it('load it with prepareKernel where synchronous compiles are refused (a browser main thread)', async () => {
    const real = WebAssembly
    vi.resetModules()
    // Chromium's main thread: `new WebAssembly.Module` over 4 KB throws; the async API works.
    vi.stubGlobal('WebAssembly', {
      Module: function () {
        throw new RangeError('WebAssembly.Module(): Wasm code generation disallowed by embedder')
      },
      Instance: real.Instance,
      compile: real.compile.bind(real),
      instantiate: real.instantiate.bind(real)
    })
    const fresh = await import('../../src-main/engine/scenarios/revalue')
    expect(fresh.wasmKernelActive()).toBe(false)
    expect(await fresh.prepareKernel()).toBe(true)
    expect(fresh.wasmKernelActive()).toBe(true)
  })
})
