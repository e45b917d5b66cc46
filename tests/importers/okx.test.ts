import { describe, expect, it } from 'vitest'
import { commit, emptyBook, fixture, positionsOf, preview } from '../support/import-book'
import { parseStatement } from '../../src-main/importers/registry'

describe('OKX exports', () => {
  it('bills: a row without its currency (both Unit columns empty) is rejected by line, not booked in ""', () => {
    const { db, bookId } = emptyBook()
    const text = fixture('okx-bills.csv').text.replace('12.14,10011.64,USDT', '12.14,10011.64,')
    const p = preview(db, bookId, { fileName: 'okx-bills-no-unit.csv', text })
    expect(p.issues.filter((i) => i.column === 'Unit (2)').map((i) => [i.line, i.reason, i.severity])).toEqual([[3, 'empty: the currency of the balance change', 'rejected']])
  })

  it('bills (BOM, CRLF, no zone): derivatives change positions by contracts; BTC margins the coin futures, so its spot leg is cash', () => {
    const { db, bookId } = emptyBook()
    const file = fixture('okx-bills.csv')
    const p = preview(db, bookId, file)
    expect(p).toMatchObject({ format: 'okx-bills', accountName: 'OKX', rejected: 1, warnings: 0 })
    expect(p.issues.map((i) => [i.line, i.column, i.severity])).toEqual([[10, 'Type', 'rejected']])
    expect(p.notes[0]).toBe('Times taken as UTC: the file does not say its zone (newer OKX exports name it in a first line, "UID:…,Time Zone:UTC+8").')
    commit(db, bookId, file, true)
    expect(positionsOf(db, 'OKX')).toEqual({
      'BTC-USD-240628': { size: -20, avg: null, kind: 'future' },
      'BTC-USD-240628-70000-C': { size: 10, avg: null, kind: 'option' },
      'BTC-USDT-SWAP': { size: 100, avg: null, kind: 'perpetual' }
    })
    // The parts of each row's Balance Change; the spot BTC leg (line 5) is 0.01 bought less its fee.
    const flows = parseStatement(file.text, file.fileName).cashFlows.map((c) => [c.line, c.kind, c.currency, c.amount, c.movesCash ?? true])
    expect(flows).toEqual([
      [2, 'fee', 'USDT', -0.5, true],
      [3, 'realised_pnl', 'USDT', 12.34, true],
      [3, 'fee', 'USDT', -0.2, true],
      [4, 'funding', 'USDT', -0.75, true],
      [5, 'trade', 'BTC', 0.01, true],
      [5, 'fee', 'BTC', -0.00001, true],
      [6, 'trade', 'USDT', -650, true],
      [7, 'fee', 'BTC', -0.00001, true],
      [8, 'internal_transfer', 'USDT', 1000, true],
      [9, 'fee', 'BTC', -0.0003, true]
    ])
  })

  it('bills with a "Time Zone:UTC+8" first line: times converted, no warning', () => {
    const { db, bookId } = emptyBook()
    const p = preview(db, bookId, fixture('okx-bills-utc8.csv'))
    expect(p.issues).toEqual([])
    expect(p.notes[0]).toBe("Times are in UTC+8, as the file's first line says: converted to UTC.")
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

