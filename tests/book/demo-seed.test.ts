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
import { black76InverseCoin, yearsBetween } from '../../src-main/engine/pricing/black76'

describe('demo book', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'marginal-demo-')), 'book.sqlite')
  const book = openBook(path)
  const demo = listBooks(book.db).find((b) => b.kind === 'demo')
  const positions = pricedPositions(listHeldPositions(book.db, demo!.id))
  const market = loadMarketSnapshot(book.db, demo!.marketSnapshotId!)!

  it('is seeded on first open, labelled as the demo, and only once', () => {
    expect(book.seededDemo).toBe(true)
    expect(demo).toMatchObject({ name: 'Demo book', kind: 'demo', isDemo: true, accountCount: 2 })
    // The trader's own book is apart from the demo, and empty.
    expect(listBooks(book.db).find((b) => b.kind === 'live')).toMatchObject({ name: 'Live book', accountCount: 0, positionCount: 0, marketSnapshotId: null })
    book.db.close()
    const again = openBook(path)
    expect(again.seededDemo).toBe(false)
    expect(listBooks(again.db).map((b) => b.kind)).toEqual(['live', 'demo'])
    again.db.close()
  })

  it('holds 30+ positions across BTC and ETH options, futures, perpetuals and spot at Deribit and OKX', () => {
    expect(positions.length).toBeGreaterThanOrEqual(30)
    expect(new Set(positions.map((p) => p.venue))).toEqual(new Set(['deribit', 'okx']))
    expect(new Set(positions.map((p) => p.instrument.underlying))).toEqual(new Set(['BTC', 'ETH']))
    expect(new Set(positions.map((p) => p.instrument.kind))).toEqual(new Set(['option', 'future', 'perpetual', 'spot']))
    const options = positions.filter((p) => p.instrument.kind === 'option')
    expect(options.some((p) => p.sizeContracts > 0) && options.some((p) => p.sizeContracts < 0)).toBe(true)
    expect(options.every((p) => p.instrument.settlement === 'inverse')).toBe(true)
    expect(new Set(options.map((p) => p.instrument.expiryMs)).size).toBeGreaterThanOrEqual(4)
    expect(options.every((p) => p.instrument.expiryMs! > market.asOfMs)).toBe(true)
  })

  it('marks every position; option marks reprice from their mark IV with Black-76 to one tick', () => {
    for (const p of positions) {
      const mark = market.marks[instrumentKey(p.venue, p.instrument.symbol)]
      expect(mark, p.instrument.symbol).toBeDefined()
      if (p.instrument.kind !== 'option') continue
      const forward = market.forwardsUsd[p.instrument.underlying]![String(p.instrument.expiryMs)]!
      const model = black76InverseCoin({
        forwardUsd: forward,
        strikeUsd: p.instrument.strikeUsd!,
        years: yearsBetween(market.asOfMs, p.instrument.expiryMs!),
        vol: mark!.ivPct! / 100,
        optionType: p.instrument.optionType!
      })
      expect(Math.abs(mark!.price - model), p.instrument.symbol).toBeLessThanOrEqual(p.instrument.tickSize / 2 + 1e-12)
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
