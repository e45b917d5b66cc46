import { describe, expect, it } from 'vitest'
import { commit, emptyBook, fixture, positionsOf, preview } from '../support/import-book'
import { parseStatement } from '../../src-main/importers/registry'

describe('Bybit transaction log', () => {
  it('classic export (newest first, costs positive): positions in the contract unit (coin linear, USD inverse); Change in its parts', () => {
    const { db, bookId } = emptyBook()
    const file = fixture('bybit-transaction-log-classic.csv')
    const p = preview(db, bookId, file)
    expect(p).toMatchObject({ format: 'bybit-transaction-log', formatLabel: 'Bybit transaction log (classic)', rejected: 1 })
    expect(p.issues[0]).toMatchObject({ line: 2, column: 'Direction', severity: 'rejected' })
    expect(p.notes).toEqual(['Times taken as UTC: the classic Bybit log does not say its zone.'])
    commit(db, bookId, file, true)
    expect(positionsOf(db, 'Bybit')).toEqual({
      BTCUSD: { size: -1000, avg: 61_000, kind: 'perpetual' },
      BTCUSDT: { size: 0.3, avg: 60_000, kind: 'perpetual' }
    })
    // Change = Cash Flow − Funding − Fee Paid: the fee and funding paid are booked negative.
    const flows = parseStatement(file.text, file.fileName).cashFlows.map((c) => [c.line, c.kind, c.currency, c.amount, c.externalId])
    expect(flows).toEqual([
      [3, 'transfer', 'USDT', 500, expect.stringMatching(/^bybit:transferin:h:/)],
      [4, 'fee', 'BTC', -0.0000082, 'bybit:trade:t-3:fee'],
      [5, 'trade_pnl', 'USDT', 400, 'bybit:trade:t-2:pnl'],
      [5, 'fee', 'USDT', -6.82, 'bybit:trade:t-2:fee'],
      [6, 'funding', 'USDT', -1.2, expect.stringMatching(/^bybit:funding:h:[0-9a-f]{24}:1$/)],
      [7, 'fee', 'USDT', -16.5, 'bybit:trade:t-1:fee']
    ])
  })

  it('UTA export (Time(UTC), BUY/SELL, negative fees): the same meaning through Change', () => {
    const { db, bookId } = emptyBook()
    commit(db, bookId, fixture('bybit-uta-transaction-log.csv'))
    expect(positionsOf(db, 'Bybit')).toEqual({ ETHUSDT: { size: 1.5, avg: 3010.5, kind: 'perpetual' } })
    expect(db.prepare("SELECT SUM(amount) AS s FROM cash_flows WHERE kind = 'funding'").get()).toEqual({ s: -0.42 })
  })
})

