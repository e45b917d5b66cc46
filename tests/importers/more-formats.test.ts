import { describe, expect, it } from 'vitest'
import { commit, emptyBook, fixture, positionsOf, preview } from '../support/import-book'
import { newYorkTimeUtc } from '../../src-main/engine/instruments/expiry'

describe('Binance USD-M futures transaction history (CRLF)', () => {
  it('imports income rows as cash flows and rejects unknown or empty ones by line', () => {
    const { db, bookId } = emptyBook()
    const file = fixture('binance-usdm-transaction-history.csv')
    const p = preview(db, bookId, file)
    expect(p).toMatchObject({ format: 'binance-usdm-history', accountName: 'Binance USD-M', rejected: 2 })
    expect(p.issues.map((i) => [i.line, i.column, i.reason])).toEqual([
      [7, 'type', "unknown income type 'MYSTERY_BONUS'"],
      [8, 'Amount', 'empty']
    ])
    // COMMISSION and REALIZED_PNL share transaction 900002: two different flows, both kept.
    expect(p.cashFlows.new).toBe(5)
    commit(db, bookId, file, true)
    const rows = db.prepare('SELECT kind, amount FROM cash_flows ORDER BY at_ms, kind').all()
    expect(rows).toEqual([
      { kind: 'funding', amount: -1.23456 },
      { kind: 'fee', amount: -0.512 },
      { kind: 'realised_pnl', amount: 152.37 },
      { kind: 'funding', amount: 0.32 },
      { kind: 'transfer', amount: 1000 }
    ])
    expect(positionsOf(db, 'Binance USD-M')).toEqual({})
  })
})

describe('IBKR Activity Statement CSV (multi-section)', () => {
  it('takes trades, open positions with futures specs, and cash sections; reports what it leaves out', () => {
    const { db, bookId } = emptyBook()
    const file = fixture('ibkr-activity-statement-U7654321.csv')
    const p = preview(db, bookId, file)
    expect(p).toMatchObject({ format: 'ibkr-activity-csv', accountName: 'IBKR U7654321', rejected: 1 })
    expect(p.trades.new).toBe(5)
    expect(p.issues.filter((i) => i.severity === 'rejected').map((i) => [i.line, i.column])).toEqual([[20, 'Quantity']])
    expect(p.issues.filter((i) => i.severity === 'skipped').map((i) => i.line)).toEqual([15, 29])
    commit(db, bookId, file, true)
    expect(positionsOf(db, 'IBKR U7654321')).toEqual({
      'AAPL 21FEB25 180 C': { size: 1, avg: 5.5065, kind: 'option' },
      ESH5: { size: 2, avg: 5950.292, kind: 'future' },
      MBTF5: { size: 2, avg: 97_862.5, kind: 'future' },
      'TSLA 21FEB25 200 P': { size: -2, avg: 3.2435, kind: 'option' }
    })
    const mbt = db.prepare("SELECT contract_size, expiry_ms FROM instruments WHERE symbol = 'MBTF5'").get() as { contract_size: number; expiry_ms: number }
    expect(mbt.contract_size).toBe(0.1)
    expect(new Date(mbt.expiry_ms).toISOString()).toBe('2025-01-31T21:00:00.000Z')
    // 09:45:12 in New York (EST) = 14:45:12 UTC.
    const first = db.prepare("SELECT traded_at_ms FROM trades ORDER BY traded_at_ms LIMIT 1").get() as { traded_at_ms: number }
    expect(new Date(first.traded_at_ms).toISOString()).toBe('2025-01-15T14:45:12.000Z')
    // Trades move cash too (issue 17): options their proceeds and commission, futures their
    // commission and the trade day's MTM P/L; the deposit, fee and interest sections as before.
    // (The service's own opening-balance row, from the Cash Report's Starting Cash, is left out here.)
    expect(db.prepare("SELECT kind, amount FROM cash_flows WHERE kind != 'opening_balance' ORDER BY at_ms, kind").all()).toEqual([
      { kind: 'deposit', amount: 25_000 },
      { kind: 'fee', amount: -10 },
      { kind: 'interest', amount: 12.34 },
      { kind: 'fee', amount: -6.75 },
      { kind: 'variation_margin', amount: 48 },
      { kind: 'fee', amount: -4.2 },
      { kind: 'variation_margin', amount: 1225 },
      { kind: 'fee', amount: -0.65 },
      { kind: 'trade', amount: -550 },
      { kind: 'fee', amount: -1.3 },
      { kind: 'trade', amount: 650 },
      { kind: 'fee', amount: -2.25 },
      { kind: 'variation_margin', amount: -39 }
    ])
  })

  it('New York wall time converts across the DST change', () => {
    expect(new Date(newYorkTimeUtc(2025, 0, 15, 9, 45, 12)).toISOString()).toBe('2025-01-15T14:45:12.000Z')
    expect(new Date(newYorkTimeUtc(2025, 6, 15, 9, 30)).toISOString()).toBe('2025-07-15T13:30:00.000Z')
    expect(new Date(newYorkTimeUtc(2025, 2, 10, 0, 30)).toISOString()).toBe('2025-03-10T04:30:00.000Z')
  })
})

describe('own fixtures for the Binance statement and IBKR Flex XML', () => {
  it('Binance statement: spot holdings from ownership-changing rows, Earn moves excluded, a 6-field row accepted', () => {
    const { db, bookId } = emptyBook()
    const file = fixture('binance-statement-sample.csv')
    const p = preview(db, bookId, file)
    expect(p.issues.map((i) => [i.line, i.column, i.reason])).toEqual([[10, 'Operation', "unknown operation 'Teleport'"]])
    commit(db, bookId, file, true)
    // +0.1 bought − 0.0001 fee + 0.0000025 interest − 0.02 withdrawn; the Earn subscription is still the user's BTC.
    expect(positionsOf(db, 'Binance 42')).toEqual({ BTCUSDT: { size: expect.closeTo(0.0799025, 12), avg: null, kind: 'spot' } })
    expect(db.prepare("SELECT SUM(amount) AS s FROM cash_flows WHERE currency = 'USDT'").get()).toEqual({ s: 5000 - 4300.5 - 1.25 })
  })

  it('IBKR Flex XML: compact dates, futures multiplier and expiry, a bad quantity rejected by its element line', () => {
    const { db, bookId } = emptyBook()
    const file = fixture('ibkr-flex-U7654321.xml')
    const p = preview(db, bookId, file)
    expect(p.issues.map((i) => [i.line, i.column, i.severity])).toEqual([[13, 'quantity', 'rejected']])
    commit(db, bookId, file, true)
    expect(positionsOf(db, 'IBKR U7654321')).toEqual({ MBTG5: { size: 3, avg: 99_600, kind: 'future' } })
    const mbt = db.prepare("SELECT contract_size, expiry_ms FROM instruments WHERE symbol = 'MBTG5'").get() as { contract_size: number; expiry_ms: number }
    expect(mbt).toEqual({ contract_size: 0.1, expiry_ms: Date.parse('2025-02-28T21:00:00Z') })
    // Futures trades move their commission and the trade day's MTM (netCash − commission), not the notional.
    expect(db.prepare("SELECT kind, amount FROM cash_flows WHERE kind != 'opening_balance' ORDER BY at_ms, kind").all()).toEqual([
      { kind: 'fee', amount: -4.5 },
      { kind: 'variation_margin', amount: 40 },
      { kind: 'fee', amount: -2.25 },
      { kind: 'variation_margin', amount: -10 },
      { kind: 'deposit', amount: 50_000 }
    ])
  })

  it('IBKR Flex XML: a blank price, position, amount or commission is rejected by its element line, never read as 0', () => {
    const { db, bookId } = emptyBook()
    const text = fixture('ibkr-flex-U7654321.xml')
      .text.replace('tradePrice="99800"', 'tradePrice=""')
      .replace('ibCommission="-4.50"', 'ibCommission="n/a"')
      .replace(/(<OpenPosition [^>]*?)position="[^"]*"/, '$1position=""')
      .replace(/(<CashTransaction [^>]*?)amount="[^"]*"/, '$1amount=""')
    const p = preview(db, bookId, { fileName: 'ibkr-flex-blanks.xml', text })
    expect(p.issues.map((i) => [i.line, i.column, i.reason])).toEqual([
      [7, 'ibCommission', "'n/a' is not a number"],
      [10, 'tradePrice', "'' is not a number"],
      [13, 'quantity', expect.stringContaining('is not a non-zero number')],
      [18, 'position', "'' is not a number"],
      [22, 'amount', "'' is not a number"]
    ])
  })

  // Element lines come from one pass over the text (a per-element prefix split took 5.2 s for
  // this file); speed is measured by npm run bench, not asserted here (STYLE.md).
  it('IBKR Flex XML: element lines stay exact across 20,000 trades', () => {
    const base = fixture('ibkr-flex-U7654321.xml').text
    const trade = /<Trade [\s\S]*?\/>/.exec(base)![0]
    const many = Array.from({ length: 20_000 }, (_, k) => trade.replace('tradeID="880001"', `tradeID="${k}"`).replace('transactionID="990001"', `transactionID="t${k}"`)).join('\n')
    const text = base.replace(trade, many)
    const { db, bookId } = emptyBook()
    const p = preview(db, bookId, { fileName: 'ibkr-flex-large.xml', text })
    // The rejected trade after the 20,000 copies sits 3 lines per copy further down.
    expect(p.issues.map((i) => [i.line, i.column])).toEqual([[13 + 3 * 19_999, 'quantity']])
  })
})
