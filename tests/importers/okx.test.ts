import { describe, expect, it } from 'vitest'
import { commit, emptyBook, fixture, positionsOf, preview } from '../support/import-book'

describe('OKX exports', () => {
  it('bills: a row without its currency (both Unit columns empty) is rejected by line, not booked in ""', () => {
    const { db, bookId } = emptyBook()
    const text = fixture('okx-bills.csv').text.replace('12.14,10011.64,USDT', '12.14,10011.64,')
    const p = preview(db, bookId, { fileName: 'okx-bills-no-unit.csv', text })
    expect(p.issues.filter((i) => i.column === 'Unit (2)').map((i) => [i.line, i.reason, i.severity])).toEqual([[3, 'empty: the currency of the balance change', 'rejected']])
  })

  it('bills (BOM, CRLF): derivatives change positions by contracts, spot legs move holdings, funding and fees are cash', () => {
    const { db, bookId } = emptyBook()
    const file = fixture('okx-bills.csv')
    const p = preview(db, bookId, file)
    expect(p).toMatchObject({ format: 'okx-bills', accountName: 'OKX', rejected: 1, warnings: 1 })
    expect(p.issues.map((i) => [i.line, i.column, i.severity])).toEqual([
      [1, 'Time', 'warning'],
      [10, 'Type', 'rejected']
    ])
    commit(db, bookId, file, true)
    expect(positionsOf(db, 'OKX')).toEqual({
      'BTC-USD-240628': { size: -20, avg: null, kind: 'future' },
      'BTC-USD-240628-70000-C': { size: 10, avg: null, kind: 'option' },
      'BTC-USDT': { size: expect.closeTo(0.00999, 12), avg: null, kind: 'spot' },
      'BTC-USDT-SWAP': { size: 100, avg: null, kind: 'perpetual' }
    })
    const flows = db.prepare("SELECT kind, SUM(amount) AS total FROM cash_flows GROUP BY kind ORDER BY kind").all()
    expect(flows).toEqual([
      { kind: 'fee', total: expect.closeTo(-0.70031, 9) },
      { kind: 'funding', total: -0.75 },
      { kind: 'internal_transfer', total: 1000 },
      { kind: 'realised_pnl', total: 12.34 },
      { kind: 'trade', total: expect.closeTo(-649.99001, 9) }
    ])
  })

  it('bills with a "Time Zone:UTC+8" first line: times converted, no warning', () => {
    const { db, bookId } = emptyBook()
    const p = preview(db, bookId, fixture('okx-bills-utc8.csv'))
    expect(p.issues).toEqual([])
    commit(db, bookId, fixture('okx-bills-utc8.csv'))
    const t = db.prepare('SELECT traded_at_ms FROM trades').get() as { traded_at_ms: number }
    expect(new Date(t.traded_at_ms).toISOString()).toBe('2024-04-01T10:00:00.000Z')
    expect(positionsOf(db, 'OKX')).toEqual({ 'ETH-USDT-SWAP': { size: -30, avg: null, kind: 'perpetual' } })
  })

  it('funding account: deposits and withdrawals move holdings, moves to the trading account do not', () => {
    const { db, bookId } = emptyBook()
    const p = preview(db, bookId, fixture('okx-funding.csv'))
    expect(p.issues.filter((i) => i.severity === 'rejected').map((i) => [i.line, i.reason])).toEqual([[6, "unknown funding type 'Airdrop'"]])
    commit(db, bookId, fixture('okx-funding.csv'), true)
    expect(positionsOf(db, 'OKX')).toEqual({
      'BTC-USDT': { size: 0.5, avg: null, kind: 'spot' },
      'ETH-USDT': { size: expect.closeTo(-0.099, 12), avg: null, kind: 'spot' }
    })
  })
})

