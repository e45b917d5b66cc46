import { describe, expect, it } from 'vitest'
import { commit, emptyBook, fixture, positionsOf, preview } from '../support/import-book'

describe('Bybit transaction log', () => {
  it('classic export: positions from trades in the contract unit (coin linear, USD inverse); cash from Change', () => {
    const { db, bookId } = emptyBook()
    const file = fixture('bybit-transaction-log-classic.csv')
    const p = preview(db, bookId, file)
    expect(p).toMatchObject({ format: 'bybit-transaction-log', rejected: 1 })
    expect(p.issues[0]).toMatchObject({ line: 7, column: 'Direction', severity: 'rejected' })
    commit(db, bookId, file, true)
    expect(positionsOf(db, 'Bybit')).toEqual({
      BTCUSD: { size: -1000, avg: 61_000, kind: 'perpetual' },
      BTCUSDT: { size: 0.3, avg: 60_000, kind: 'perpetual' }
    })
    const flows = db.prepare('SELECT kind, currency, SUM(amount) AS total FROM cash_flows GROUP BY kind, currency ORDER BY kind, currency').all()
    expect(flows).toEqual([
      { kind: 'funding', currency: 'USDT', total: -1.2 },
      { kind: 'trade_pnl', currency: 'BTC', total: -0.0000082 },
      { kind: 'trade_pnl', currency: 'USDT', total: expect.closeTo(376.68, 9) },
      { kind: 'transfer', currency: 'USDT', total: 500 }
    ])
  })

  it('UTA export (Time(UTC), BUY/SELL, negative fees): the same meaning through Change', () => {
    const { db, bookId } = emptyBook()
    commit(db, bookId, fixture('bybit-uta-transaction-log.csv'))
    expect(positionsOf(db, 'Bybit')).toEqual({ ETHUSDT: { size: 1.5, avg: 3010.5, kind: 'perpetual' } })
    expect(db.prepare("SELECT SUM(amount) AS s FROM cash_flows WHERE kind = 'funding'").get()).toEqual({ s: -0.42 })
  })
})

