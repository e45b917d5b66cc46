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
    expect(db.prepare('SELECT kind, amount FROM cash_flows ORDER BY at_ms, kind').all()).toEqual([
      { kind: 'deposit', amount: 25_000 },
      { kind: 'fee', amount: -10 },
      { kind: 'interest', amount: 12.34 }
    ])
  })

  it('New York wall time converts across the DST change', () => {
    expect(new Date(newYorkTimeUtc(2025, 0, 15, 9, 45, 12)).toISOString()).toBe('2025-01-15T14:45:12.000Z')
    expect(new Date(newYorkTimeUtc(2025, 6, 15, 9, 30)).toISOString()).toBe('2025-07-15T13:30:00.000Z')
    expect(new Date(newYorkTimeUtc(2025, 2, 10, 0, 30)).toISOString()).toBe('2025-03-10T04:30:00.000Z')
  })
})
