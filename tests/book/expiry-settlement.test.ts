/**
 * Issue 17, §5 (acceptance 3): positions past the market's as-of leave the open book at their
 * settlement — the venue's delivery price, else the index at expiry from imported history (ours),
 * else flagged "awaiting settlement price" — with a ledger row moving the payoff into cash; the
 * venue's own delivery rows, imported later, replace Marginal's settlement.
 */
import { describe, expect, it } from 'vitest'
import { commit, emptyBook, fileAt, fixture } from '../support/import-book'
import { hasSharedData, sharedData } from '../support/shared-data'
import { saveMarketSnapshot } from '../../src-main/book/market-repository'
import { listHeldPositions } from '../../src-main/book/positions-repository'
import { listBalances } from '../../src-main/book/balances-repository'
import { findBook } from '../../src-main/book/books-repository'
import { settleExpired } from '../../src-main/services/expiry/settle-expired'
import { settledPositions } from '../../src-main/services/expiry/settled-positions'
import type { BookDb } from '../../src-main/book/database'

const LOG = 'transaction_log-424242-BTC-2024-03-11.csv'
const MAR29 = Date.parse('2024-03-29T08:00:00Z')
const APR26 = Date.parse('2024-04-26T08:00:00Z')

/** The book's market moved to 2026 (a chain of a later date): every 2024 option has expired. */
function marketIn2026(db: BookDb, bookId: number): void {
  saveMarketSnapshot(db, { id: 'test-2026', asOfMs: Date.parse('2026-03-01T13:49:00Z'), source: 'test', indexUsd: { BTC: 66_300 }, forwardsUsd: {}, marks: {}, fundingRate8h: {} })
  db.prepare("UPDATE books SET market_snapshot_id = 'test-2026' WHERE id = ?").run(bookId)
}
const bar = (db: BookDb, day: string, close: number): void => {
  db.prepare("INSERT INTO price_history (underlying, quote_currency, source, day, close) VALUES ('BTC', 'USD', 'test', ?, ?)").run(day, close)
}
const symbols = (db: BookDb, bookId: number): string[] => listHeldPositions(db, bookId).map((p) => p.instrument.symbol).sort()
const btcCash = (db: BookDb, bookId: number): number => listBalances(db, bookId).find((b) => b.currency === 'BTC')!.amount

describe('expired positions settle at their payoff', () => {
  it('without a price they wait, flagged, out of every figure; with the index history they settle, each with a ledger row', () => {
    const { db, bookId } = emptyBook()
    commit(db, bookId, fixture(LOG))
    const cashBefore = btcCash(db, bookId)
    expect(cashBefore).toBeCloseTo(1.94885915, 8)
    marketIn2026(db, bookId)
    expect(settleExpired(db, bookId)).toEqual({ settled: 0, awaiting: 3 })
    expect(findBook(db, bookId)!.awaitingSettlement).toBe(3)
    expect(settledPositions(db, bookId).map((p) => [p.symbol, p.state])).toEqual([
      ['BTC-29MAR24-60000-P', 'awaiting settlement price'],
      ['BTC-29MAR24-80000-C', 'awaiting settlement price'],
      ['BTC-26APR24-70000-P', 'awaiting settlement price']
    ])

    // Daily closes of the days before each expiry (the bar ending at 00:00 UTC, 8 h before 08:00).
    bar(db, '2024-03-28', 70_744.95)
    bar(db, '2024-04-25', 64_481.71)
    expect(settleExpired(db, bookId)).toEqual({ settled: 3, awaiting: 0 })
    expect(symbols(db, bookId)).toEqual(['BTC-PERPETUAL'])
    expect(findBook(db, bookId)).toMatchObject({ positionCount: 1, awaitingSettlement: 0 })

    // The 70,000 put, long 2, finishes in the money: 2 × (70,000 − D) / D BTC; the March options expire worthless.
    const payoff = (2 * (70_000 - 64_481.71)) / 64_481.71
    const flows = db.prepare("SELECT instrument_symbol AS symbol, at_ms, amount, currency FROM cash_flows WHERE kind = 'expiry_settlement' ORDER BY at_ms, symbol").all()
    expect(flows).toEqual([
      { symbol: 'BTC-29MAR24-60000-P', at_ms: MAR29, amount: 0, currency: 'BTC' },
      { symbol: 'BTC-29MAR24-80000-C', at_ms: MAR29, amount: 0, currency: 'BTC' },
      { symbol: 'BTC-26APR24-70000-P', at_ms: APR26, amount: expect.closeTo(payoff, 12), currency: 'BTC' }
    ])
    expect(btcCash(db, bookId)).toBeCloseTo(cashBefore + payoff, 12)
    const put = settledPositions(db, bookId).find((p) => p.symbol === 'BTC-26APR24-70000-P')!
    expect(put).toMatchObject({ state: 'settled', settlementPriceUsd: 64_481.71, cash: expect.closeTo(payoff, 12) })
    expect(put.priceSource).toMatch(/daily close of 2024-04-25 \(test\).*an approximation of ours/)
    // Settling again changes nothing.
    expect(settleExpired(db, bookId)).toEqual({ settled: 0, awaiting: 0 })
  })

  it("the venue's delivery price beats the history, and the venue's delivery row replaces Marginal's settlement", () => {
    const { db, bookId } = emptyBook()
    commit(db, bookId, fixture(LOG))
    marketIn2026(db, bookId)
    bar(db, '2024-03-28', 70_744.95)
    bar(db, '2024-04-25', 64_481.71)
    db.prepare("INSERT INTO delivery_prices (venue, underlying, expiry_ms, price_usd, source) VALUES ('deribit', 'BTC', ?, 63000, 'the venue''s delivery price, test line 9')").run(APR26)
    settleExpired(db, bookId)
    const put = settledPositions(db, bookId).find((p) => p.symbol === 'BTC-26APR24-70000-P')!
    expect(put).toMatchObject({ settlementPriceUsd: 63_000, priceSource: "the venue's delivery price, test line 9", cash: expect.closeTo((2 * 7_000) / 63_000, 12) })

    // The next month's log: the venue's own delivery of the put (payoff at its delivery price).
    const header = 'ID,UserSeq,Date,Instrument,Type,Side,Amount,Base Amount,Position,Price,Mark Price,Index Price,Cash Flow,Funding,Fee Rate,Fee Charged,Fee Balance,Change,Balance,Equity,Trade ID,Order ID,Info,Note'
    const payoff = (2 * 7_000) / 63_000
    const text = [header, `4206,6,2024-04-26 08:00:00,BTC-26APR24-70000-P,delivery,close sell,2,2,0,63000,,63000,${payoff.toFixed(8)},0,,0,0.003,${payoff.toFixed(8)},${(1.94885915 + payoff).toFixed(8)},${(1.94885915 + payoff).toFixed(8)},,,,`].join('\n')
    const r = commit(db, bookId, { fileName: 'transaction_log-424242-BTC-2024-04-26.csv', text })
    expect(r.positionsChanged).toBe(1)
    // Marginal's own row for the put is gone; the venue's delivery row is the ledger's.
    const kinds = db.prepare("SELECT kind FROM cash_flows WHERE instrument_symbol = 'BTC-26APR24-70000-P' ORDER BY kind").all()
    expect(kinds).toEqual([{ kind: 'delivery' }, { kind: 'fee' }, { kind: 'premium' }])
    expect(btcCash(db, bookId)).toBeCloseTo(1.94885915 + payoff, 8)
    expect(db.prepare("SELECT COUNT(*) AS n FROM positions p JOIN instruments i ON i.id = p.instrument_id WHERE i.symbol = 'BTC-26APR24-70000-P'").get()).toEqual({ n: 0 })
  })
})

describe.skipIf(!hasSharedData('options/deribit_btc_option_chain_greeks_2026.csv') || !hasSharedData('prices/yahoo_BTC-USD_daily.csv'))(
  'the 2024 positions on a 2026 market, through imports only',
  () => {
    it('importing the 2026 chain settles them on the imported Yahoo history; the positions grid never prices them off 2026', () => {
      const { db, bookId } = emptyBook()
      commit(db, bookId, fixture(LOG))
      commit(db, bookId, fileAt(sharedData('prices/yahoo_BTC-USD_daily.csv')), true)
      commit(db, bookId, fileAt(sharedData('options/deribit_btc_option_chain_greeks_2026.csv')), false, { asOf: '2026-03-01T13:49:00Z' })
      expect(symbols(db, bookId)).toEqual(['BTC-PERPETUAL'])
      const put = settledPositions(db, bookId).find((p) => p.symbol === 'BTC-26APR24-70000-P')!
      // Yahoo's BTC-USD close of 2024-04-25.
      expect(put.settlementPriceUsd).toBeCloseTo(64_481.70703125, 6)
      expect(put.cash).toBeCloseTo((2 * (70_000 - 64_481.70703125)) / 64_481.70703125, 12)
    })
  }
)

describe("the venue's delivery price, arriving after Marginal settled on its approximation", () => {
  it("settles the position again at the venue's price (another account's delivery row of the same expiry)", () => {
    const { db, bookId } = emptyBook()
    commit(db, bookId, fixture(LOG))
    marketIn2026(db, bookId)
    bar(db, '2024-03-28', 70_744.95)
    bar(db, '2024-04-25', 64_481.71)
    settleExpired(db, bookId)
    expect(settledPositions(db, bookId).find((p) => p.symbol === 'BTC-26APR24-70000-P')!.settlementPriceUsd).toBe(64_481.71)
    const header = 'ID,UserSeq,Date,Instrument,Type,Side,Amount,Base Amount,Position,Price,Mark Price,Index Price,Cash Flow,Funding,Fee Rate,Fee Charged,Fee Balance,Change,Balance,Equity,Trade ID,Order ID,Info,Note'
    const other = [
      header,
      '3,3,2024-04-26 08:00:00,BTC-26APR24-60000-P,delivery,close sell,1,1,0,63000,,63000,0,0,,0,0,0,0.99,0.99,,,,',
      '2,2,2024-04-01 10:00:00,BTC-26APR24-60000-P,trade,open buy,1,1,1,0.01,0.01,70000,-0.01000000,0,0.0003,0,0,-0.01000000,0.99,0.99,9002,5002,,',
      '1,1,2024-04-01 09:00:00,,deposit,-,,,,,,,1,0,0,0,0,1,1,1,,,,'
    ].join('\n')
    commit(db, bookId, { fileName: 'transaction_log-31337-BTC-2024-04-26.csv', text: other })
    const put = settledPositions(db, bookId).find((p) => p.symbol === 'BTC-26APR24-70000-P')!
    expect(put).toMatchObject({ state: 'settled', settlementPriceUsd: 63_000, cash: expect.closeTo((2 * 7_000) / 63_000, 12) })
    expect(put.priceSource).toBe("the venue's delivery price, transaction_log-31337-BTC-2024-04-26.csv line 2")
    expect(db.prepare("SELECT COUNT(*) AS n FROM cash_flows WHERE kind = 'expiry_settlement' AND instrument_symbol = 'BTC-26APR24-70000-P'").get()).toEqual({ n: 1 })
  })
})
