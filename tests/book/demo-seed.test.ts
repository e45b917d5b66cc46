import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { listBooks } from '../../src-main/book/books-repository'
import { listHeldPositions } from '../../src-main/book/positions-repository'
import { pricedPositions } from '../support/priced'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import { instrumentKey } from '../../src-main/engine/instruments/instrument'
import { parseSymbol } from '../../src-main/engine/instruments/parse-symbol'
import { black76InverseCoin, black76PriceUsd, yearsBetween } from '../../src-main/engine/pricing/black76'
import { sviVol } from '../../src-main/engine/margin/derive-pmrm2/svi'

describe('demo book', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'marginal-demo-')), 'book.sqlite')
  const book = openBook(path)
  const demo = listBooks(book.db).find((b) => b.kind === 'demo')
  const positions = pricedPositions(listHeldPositions(book.db, demo!.id))
  const market = loadMarketSnapshot(book.db, demo!.marketSnapshotId!)!

  it('is seeded on first open, labelled as the demo, and only once', () => {
    expect(book.seededDemo).toBe(true)
    expect(demo).toMatchObject({ name: 'Demo book', kind: 'demo', isDemo: true, accountCount: 3 })
    // The trader's own book is apart from the demo, and empty.
    expect(listBooks(book.db).find((b) => b.kind === 'live')).toMatchObject({ name: 'Live book', accountCount: 0, positionCount: 0, marketSnapshotId: null })
    book.db.close()
    const again = openBook(path)
    expect(again.seededDemo).toBe(false)
    expect(listBooks(again.db).map((b) => b.kind)).toEqual(['live', 'demo'])
    again.db.close()
  })

  it('holds 30+ positions across BTC and ETH options, futures, perpetuals and spot at Deribit, OKX and Derive', () => {
    expect(positions.length).toBeGreaterThanOrEqual(30)
    expect(new Set(positions.map((p) => p.venue))).toEqual(new Set(['deribit', 'okx', 'derive']))
    expect(new Set(positions.map((p) => p.instrument.underlying))).toEqual(new Set(['BTC', 'ETH']))
    expect(new Set(positions.map((p) => p.instrument.kind))).toEqual(new Set(['option', 'future', 'perpetual', 'spot']))
    const options = positions.filter((p) => p.instrument.kind === 'option')
    expect(options.some((p) => p.sizeContracts > 0) && options.some((p) => p.sizeContracts < 0)).toBe(true)
    // Deribit's and OKX's options are coin-settled; Derive's settle in USDC.
    expect(options.every((p) => p.instrument.settlement === (p.venue === 'derive' ? 'linear' : 'inverse'))).toBe(true)
    expect(new Set(options.map((p) => p.instrument.expiryMs)).size).toBeGreaterThanOrEqual(4)
    expect(options.every((p) => p.instrument.expiryMs! > market.asOfMs)).toBe(true)
  })

  it('marks every position; option marks reprice from their mark IV with Black-76 to one tick', () => {
    for (const p of positions) {
      const mark = market.marks[instrumentKey(p.venue, p.instrument.symbol)]
      expect(mark, p.instrument.symbol).toBeDefined()
      if (p.instrument.kind !== 'option') continue
      const forward = market.forwardsUsd[p.instrument.underlying]![String(p.instrument.expiryMs)]!
      const input = { forwardUsd: forward, strikeUsd: p.instrument.strikeUsd!, years: yearsBetween(market.asOfMs, p.instrument.expiryMs!), vol: mark!.ivPct! / 100, optionType: p.instrument.optionType! }
      // Inverse options are quoted in coin per coin; Derive's linear ones in USDC.
      const model = p.instrument.settlement === 'inverse' ? black76InverseCoin(input) : black76PriceUsd(input)
      expect(Math.abs(mark!.price - model), p.instrument.symbol).toBeLessThanOrEqual(p.instrument.tickSize / 2 + 1e-12)
    }
  })

  it("the Derive account's mark IVs are its SVI feeds' vols, so the book's marks and Derive's replica agree", () => {
    const feeds = market.deriveFeeds!.ETH!
    const derive = positions.filter((p) => p.venue === 'derive' && p.instrument.kind === 'option')
    expect(derive.length).toBeGreaterThan(0)
    for (const p of derive) {
      const f = feeds.expiries.find((e) => e.expiryMs === p.instrument.expiryMs)!
      const vol = sviVol(p.instrument.strikeUsd!, { ...f.svi, forwardUsd: f.forwardUsd, years: yearsBetween(market.asOfMs, f.expiryMs) })
      // The demo file keeps the IV to 4 decimals of a percent.
      expect(Math.abs(market.marks[instrumentKey('derive', p.instrument.symbol)]!.ivPct! - vol * 100), p.instrument.symbol).toBeLessThan(5e-5)
    }
  })

  it('describes every instrument as its venue symbol means it', () => {
    for (const p of positions) {
      const { venue, symbol, kind, settlement, underlying, settleCurrency, contractSize, contractUnit, expiryMs, strikeUsd, optionType } = parseSymbol(
        p.venue,
        p.instrument.symbol,
        { product: p.instrument.kind === 'spot' ? 'spot' : 'derivative' }
      )
      expect(p.instrument, symbol).toMatchObject({ venue, kind, settlement, underlying, settleCurrency, contractSize, contractUnit, expiryMs, strikeUsd, optionType })
    }
  })

  it('keeps an audit trail of what the seed created', () => {
    const again = openBook(path)
    const { n } = again.db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'position' AND action = 'create'").get() as { n: number }
    expect(n).toBe(positions.length)
    again.db.close()
  })
})
