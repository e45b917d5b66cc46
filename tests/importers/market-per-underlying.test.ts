/**
 * Issue 17, §4: a chain replaces its underlying's part of the book's market only, each underlying
 * keeps its own as-of time, and a chain without a snapshot time (Deribit tickers with Greeks) is
 * imported only with the time given, never guessed.
 */
import { describe, expect, it } from 'vitest'
import { commit, emptyBook, fileAt, preview } from '../support/import-book'
import { hasSharedData, sharedData } from '../support/shared-data'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import { mergeSnapshots } from '../../src-main/engine/market/merge-snapshots'
import type { MarketSnapshotData } from '../../src-main/engine/market/snapshot'
import { AsOfRequiredError } from '../../src-main/importers/market/deribit-ticker-chain'
import { buildMarketView, underlyingPriceFor, volFor } from '../../src-main/engine/market/market-view'
import { parseSymbol } from '../../src-main/engine/instruments/parse-symbol'

const BTC = 'options/deribit_btc_book_summary_2024-03-12.csv'
const ETH = 'options/deribit_eth_book_summary_2024-01-08.csv'
const GREEKS = 'options/deribit_btc_option_chain_greeks_2026.csv'

const marketOf = (db: ReturnType<typeof emptyBook>['db'], bookId: number): MarketSnapshotData => {
  const { id } = db.prepare('SELECT market_snapshot_id AS id FROM books WHERE id = ?').get(bookId) as { id: string }
  return loadMarketSnapshot(db, id)!
}

describe('mergeSnapshots', () => {
  const snap = (u: string, asOfMs: number, index: number): MarketSnapshotData => ({
    id: `${u}-${asOfMs}`, asOfMs, source: `${u}.csv`, indexUsd: { [u]: index }, forwardsUsd: { [u]: { '9999999999999': index * 1.01 } },
    volQuotes: { [u]: [] }, marks: { [`deribit:${u}-PERPETUAL`]: { price: index, currency: 'USD' } }, fundingRate8h: {}
  })
  const under = (key: string): string => key.split(':')[1]!.split('-')[0]!

  it('replaces the incoming underlyings, keeps the others with their own as-of, values at the newest', () => {
    const a = mergeSnapshots(null, snap('BTC', 1000, 60_000), under, 'm1')
    const b = mergeSnapshots(a, snap('ETH', 500, 3_000), under, 'm2')
    expect(b.asOfByUnderlying).toEqual({ BTC: 1000, ETH: 500 })
    expect(b.asOfMs).toBe(1000)
    expect(Object.keys(b.marks).sort()).toEqual(['deribit:BTC-PERPETUAL', 'deribit:ETH-PERPETUAL'])
    const c = mergeSnapshots(b, snap('BTC', 2000, 70_000), under, 'm3')
    expect(c.indexUsd).toEqual({ BTC: 70_000, ETH: 3_000 })
    expect(c.asOfByUnderlying).toEqual({ BTC: 2000, ETH: 500 })
    expect(c.sourceByUnderlying).toEqual({ BTC: 'BTC.csv', ETH: 'ETH.csv' })
    expect(c.source).toBe('BTC.csv + ETH.csv')
  })
})

describe.skipIf(!hasSharedData(BTC) || !hasSharedData(ETH))('the BTC chain, then the ETH chain, into one live book', () => {
  it('prices BTC and ETH instruments, each underlying keeping its own as-of time', () => {
    const { db, bookId } = emptyBook()
    commit(db, bookId, fileAt(sharedData(BTC)))
    // Two deep in-the-money marks sit below intrinsic value (no implied vol): left out, by line.
    commit(db, bookId, fileAt(sharedData(ETH)), true)
    const m = marketOf(db, bookId)
    expect(Object.keys(m.indexUsd).sort()).toEqual(['BTC', 'ETH'])
    expect(new Date(m.asOfByUnderlying!.BTC!).toISOString()).toBe('2024-03-12T05:57:12.959Z')
    expect(new Date(m.asOfByUnderlying!.ETH!).toISOString()).toBe('2024-01-08T11:19:41.429Z')
    expect(m.asOfMs).toBe(m.asOfByUnderlying!.BTC)
    const view = buildMarketView(m)
    const btc = parseSymbol('deribit', 'BTC-28JUN24-70000-C')
    const eth = parseSymbol('deribit', 'ETH-28JUN24-2500-C')
    expect(underlyingPriceFor(view, btc)).toBeGreaterThan(70_000)
    expect(underlyingPriceFor(view, eth)).toBeGreaterThan(2_000)
    expect(volFor(view, eth, underlyingPriceFor(view, eth))).toBeGreaterThan(0.2)
    // The BTC chain again changes nothing: the book already holds it for BTC.
    expect(preview(db, bookId, fileAt(sharedData(BTC))).series[0]).toMatchObject({ new: 0 })
  })
})

describe.skipIf(!hasSharedData(GREEKS))('a Deribit chain with Greeks (no snapshot time in the file)', () => {
  it('is recognised as a chain and refused without its time; with it, priced from its marks, the index estimated and said so', () => {
    const { db, bookId } = emptyBook()
    const file = fileAt(sharedData(GREEKS))
    expect(() => preview(db, bookId, file)).toThrow(AsOfRequiredError)
    const p = preview(db, bookId, file, { asOf: '2026-03-01T13:49:00Z' })
    expect(p).toMatchObject({ dataset: 'option-chain', format: 'deribit-ticker-chain', rejected: 0 })
    expect(p.issues.find((i) => i.severity === 'warning')!.reason).toMatch(/the file has no index: \d+\.\d{2} USD estimated from the two nearest forwards/)
    commit(db, bookId, file, false, { asOf: '2026-03-01T13:49:00Z' })
    const m = marketOf(db, bookId)
    expect(new Date(m.asOfMs).toISOString()).toBe('2026-03-01T13:49:00.000Z')
    // The research's extrapolation put the index near 66,289 USD: the basis carried back lands there.
    expect(m.indexUsd.BTC).toBeGreaterThan(66_200)
    expect(m.indexUsd.BTC).toBeLessThan(66_400)
    expect(Object.keys(m.forwardsUsd.BTC!)).toHaveLength(8)
  })
})
