import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseDeribitBookSummary } from '../../src-main/importers/market/deribit-book-summary'
import { buildSnapshotFromDeribitChain } from '../../src-main/engine/market/chain-snapshot'
import { buildMarketView, volFor } from '../../src-main/engine/market/market-view'
import { forwardAt } from '../../src-main/engine/market/forward-curve'
import { parseSymbol } from '../../src-main/engine/instruments/parse-symbol'
import { black76InverseCoin, yearsBetween } from '../../src-main/engine/pricing/black76'
import { hasSharedData, sharedData } from '../support/shared-data'

const BTC_FILE = 'options/deribit_btc_book_summary_2024-03-12.csv'
const ETH_FILE = 'options/deribit_eth_book_summary_2024-01-08.csv'
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!

describe.skipIf(!hasSharedData(BTC_FILE))(`Deribit BTC book summary (${BTC_FILE})`, () => {
  // Loaded in beforeAll: a skipped describe still runs its body to collect tests.
  let parsed: ReturnType<typeof parseDeribitBookSummary>
  let snapshot: ReturnType<typeof buildSnapshotFromDeribitChain>['snapshot']
  let problems: ReturnType<typeof buildSnapshotFromDeribitChain>['problems']
  let view: ReturnType<typeof buildMarketView>
  beforeAll(() => {
    parsed = parseDeribitBookSummary(readFileSync(sharedData(BTC_FILE), 'utf8'), BTC_FILE)
    ;({ snapshot, problems } = buildSnapshotFromDeribitChain(parsed.rows, BTC_FILE))
    view = buildMarketView(snapshot)
  })

  it('builds a snapshot with 12 expiries, the index and every option marked', () => {
    expect(parsed.problems).toEqual([])
    expect(problems).toEqual([])
    expect(parsed.rows).toHaveLength(1198)
    expect(Object.keys(snapshot.forwardsUsd.BTC!)).toHaveLength(12)
    expect(snapshot.indexUsd.BTC).toBeCloseTo(72_011.29, 2)
    // creation_timestamp differs by milliseconds across rows (05:57:12.940–.959): the latest is as-of.
    expect(new Date(snapshot.asOfMs).toISOString()).toMatch(/^2024-03-12T05:57:12\.9\d\dZ$/)
    expect(Object.keys(snapshot.marks)).toHaveLength(1198)
    expect(view.surfaces.get('BTC')!.slices).toHaveLength(12)
  })

  it('reprices every option from its mark IV to its mark_price (median |error| ≤ 1e-3 BTC)', () => {
    const rowErrors: number[] = []
    const snapshotErrors: number[] = []
    for (const row of parsed.rows) {
      const inst = parseSymbol('deribit', row.instrumentName)
      const base = { strikeUsd: inst.strikeUsd!, optionType: inst.optionType!, vol: row.markIvPct! / 100 }
      // (1) each row on its own forward and timestamp, as Deribit marked it;
      rowErrors.push(Math.abs(black76InverseCoin({ ...base, forwardUsd: row.forwardUsd, years: yearsBetween(row.timestampMs, inst.expiryMs!) }) - row.markPrice))
      // (2) on the snapshot: one forward per expiry from the curve, the surface vol at the strike.
      const forward = forwardAt(view.curves.get('BTC')!, inst.expiryMs!)
      snapshotErrors.push(Math.abs(black76InverseCoin({ ...base, vol: volFor(view, inst, forward), forwardUsd: forward, years: yearsBetween(snapshot.asOfMs, inst.expiryMs!) }) - row.markPrice))
    }
    console.log(
      `Deribit BTC 2024-03-12 repricing: median |error| ${median(rowErrors).toExponential(2)} BTC per row, ` +
        `${median(snapshotErrors).toExponential(2)} BTC on the snapshot; max ${Math.max(...rowErrors).toExponential(2)} / ${Math.max(...snapshotErrors).toExponential(2)}`
    )
    expect(median(rowErrors)).toBeLessThanOrEqual(1e-3)
    expect(median(snapshotErrors)).toBeLessThanOrEqual(1e-3)
  })

  it('finds the marks were struck 14 h 40 min before creation_timestamp; aligned, they reprice to 1e-5 BTC', () => {
    // The errors above are all one sign and largest for the shortest expiries: too little time
    // value. Solving each liquid mark for its time to expiry gives one offset for every expiry,
    // so the marks are from ≈ 2024-03-11 15:17 UTC, not 05:57 on the 12th.
    const offsetsHours: number[] = []
    for (const row of parsed.rows) {
      if (row.markPrice < 0.002) continue
      const inst = parseSymbol('deribit', row.instrumentName)
      const gap = (years: number): number =>
        black76InverseCoin({ forwardUsd: row.forwardUsd, strikeUsd: inst.strikeUsd!, years, vol: row.markIvPct! / 100, optionType: inst.optionType! }) - row.markPrice
      let lo = 1e-7
      let hi = 2
      if (gap(lo) > 0 || gap(hi) < 0) continue
      for (let n = 0; n < 60; n++) {
        const mid = (lo + hi) / 2
        if (gap(mid) > 0) hi = mid
        else lo = mid
      }
      offsetsHours.push((lo - yearsBetween(row.timestampMs, inst.expiryMs!)) * 365 * 24)
    }
    const offset = median(offsetsHours)
    expect(offset).toBeGreaterThan(14.6)
    expect(offset).toBeLessThan(14.75)
    const aligned = parsed.rows.map((row) => {
      const inst = parseSymbol('deribit', row.instrumentName)
      const years = yearsBetween(row.timestampMs - offset * 3_600_000, inst.expiryMs!)
      return Math.abs(black76InverseCoin({ forwardUsd: row.forwardUsd, strikeUsd: inst.strikeUsd!, years, vol: row.markIvPct! / 100, optionType: inst.optionType! }) - row.markPrice)
    })
    console.log(`Deribit BTC 2024-03-12: marks struck ${offset.toFixed(3)} h before creation_timestamp; aligned median |error| ${median(aligned).toExponential(2)} BTC`)
    // What remains is mark_iv's rounding to 0.01 vol points (± 0.005 × vega ≈ a few 1e-6 BTC).
    expect(median(aligned)).toBeLessThanOrEqual(1e-5)
  })
})

describe.skipIf(!hasSharedData(ETH_FILE))(`Deribit ETH book summary without mark_iv (${ETH_FILE})`, () => {
  it('solves each implied vol from the mark and builds 11 expiries', () => {
    const text = readFileSync(sharedData(ETH_FILE), 'utf8')
    const parsed = parseDeribitBookSummary(text, ETH_FILE)
    const { snapshot, problems } = buildSnapshotFromDeribitChain(parsed.rows, ETH_FILE)
    expect(Object.keys(snapshot.forwardsUsd.ETH!)).toHaveLength(11)
    expect(snapshot.indexUsd.ETH).toBeCloseTo(2222.19, 2)
    // Deep out-of-the-money marks at the minimum tick sit below any model value: listed, not dropped.
    expect(problems.length).toBeGreaterThan(0)
    for (const p of problems) expect(p.message).toMatch(/no implied vol from mark/)
    const withIv = Object.values(snapshot.marks).filter((m) => m.ivPct !== undefined).length
    expect(withIv + problems.length).toBe(parsed.rows.length)
    expect(withIv / parsed.rows.length).toBeGreaterThan(0.8)
  })
})

if (!hasSharedData(BTC_FILE)) console.log(`skipped: ../shared/data/${BTC_FILE} is not on this machine`)

describe('book summary diagnostics', () => {
  it('names file, line and column of a bad number, and refuses a file that is not a book summary', () => {
    const header = 'instrument_name,mark_price,mark_iv,underlying_price,creation_timestamp,estimated_delivery_price'
    const text = `${header}\nBTC-29MAR24-70000-C,0.08,55,72000,1710223032940,72011\nBTC-29MAR24-80000-C,abc,55,72000,1710223032940,72011\n`
    const parsed = parseDeribitBookSummary(text, 'chain.csv')
    expect(parsed.rows).toHaveLength(1)
    expect(parsed.problems).toEqual([
      { file: 'chain.csv', line: 3, field: 'mark_price', message: "chain.csv, line 3, column mark_price: 'abc' is not a number" }
    ])
    expect(() => parseDeribitBookSummary('date,open,close\n2024-01-01,1,2\n', 'prices.csv')).toThrow(/prices.csv: not a Deribit book summary: missing column\(s\) instrument_name/)
  })
})

describe.skipIf(!hasSharedData(BTC_FILE))(`Deribit BTC book summary quotes and the liquidity add-on (${BTC_FILE})`, () => {
  it('keeps two-sided quotes on the marks, and the add-on charges the quoted half spread', async () => {
    const { toMarginPosition } = await import('../../src-main/services/margin-service')
    const { liquidityCharge } = await import('../../src-main/engine/margin/add-ons')
    const { marginParamSets } = await import('../../src-main/services/margin-params')
    const parsed = parseDeribitBookSummary(readFileSync(sharedData(BTC_FILE), 'utf8'), BTC_FILE)
    const { snapshot } = buildSnapshotFromDeribitChain(parsed.rows, BTC_FILE)
    const twoSided = parsed.rows.filter((r) => r.bid != null && r.ask != null && r.bid > 0 && r.ask >= r.bid)
    expect(twoSided.length).toBeGreaterThan(100)
    expect(Object.values(snapshot.marks).filter((m) => m.bid !== undefined)).toHaveLength(twoSided.length)
    const view = buildMarketView(snapshot)
    const row = twoSided.find((r) => r.instrumentName === 'BTC-29MAR24-80000-C') ?? twoSided[0]!
    const inst = parseSymbol('deribit', row.instrumentName)
    const pos = toMarginPosition(inst, -20, view)
    const forward = forwardAt(view.curves.get('BTC')!, inst.expiryMs!)
    const halfSpreadUsd = ((row.ask! - row.bid!) / 2) * forward
    expect(pos.halfSpreadUsd).toBeCloseTo(halfSpreadUsd, 9)
    const p = marginParamSets().addOns
    const l = liquidityCharge(pos, p.liquidity, p.id)
    const multiplier = Math.min(Math.max(Math.sqrt((20 * snapshot.indexUsd.BTC!) / p.liquidity.depthUsd.BTC!.option), 1), p.liquidity.maxMultiplier)
    expect(l.quoted).toBe(true)
    expect(l.chargeUsd).toBeCloseTo(halfSpreadUsd * 20 * multiplier, 6)
    console.log(`${row.instrumentName}: bid ${row.bid} ask ${row.ask} BTC → half spread ${halfSpreadUsd.toFixed(2)} USD per coin; 20 short → liquidity add-on ${l.chargeUsd.toFixed(2)} USD (multiplier ${multiplier.toFixed(3)})`)
  })
})
