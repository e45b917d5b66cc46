import { describe, expect, it } from 'vitest'
import { commit, emptyBook, fixture, positionsOf, preview, snapshotBook } from '../support/import-book'
import { ImportRefusedError } from '../../src-main/services/import-service'
import { parseStatement } from '../../src-main/importers/registry'

const CURRENT = 'transaction_log-123456-BTC-2024-03.csv'
const MIDDLE = 'transaction_log-654321-ETH-2023-05.csv'
const OLDEST = 'transaction_log-777-BTC-2021-01.csv'

describe('Deribit transaction log, current header (BOM, CRLF, newest first, empty line)', () => {
  it('previews trades, cash flows, positions and every unusable row with its line and column', () => {
    const { db, bookId } = emptyBook()
    const p = preview(db, bookId, fixture(CURRENT))
    expect(p).toMatchObject({ format: 'deribit-transaction-log', venue: 'deribit', accountName: 'Deribit 123456', accountExists: false, rowsTotal: 14 })
    expect(p.trades).toEqual({ new: 9, duplicate: 0 })
    expect(p.cashFlows).toEqual({ new: 14, duplicate: 0 })
    expect(p.issues).toEqual([
      { file: CURRENT, line: 6, column: 'Amount', reason: 'a trade of size 0 changes nothing', severity: 'skipped' },
      { file: CURRENT, line: 4, column: 'Amount', reason: "'abc' is not a number", severity: 'rejected' },
      { file: CURRENT, line: 3, column: 'Type', reason: "unknown transaction type 'mystery'", severity: 'rejected' }
    ])
    expect(p.rejected).toBe(2)
    const unknown = p.positionChanges.find((c) => c.symbol === 'BTC-FUTURE-X')!
    expect(unknown).toMatchObject({ priced: false, afterContracts: 100 })
    expect(unknown.notPricedReason).toMatch(/deribit symbol "BTC-FUTURE-X"/)
    expect(snapshotBook(db)).toBe(snapshotBook(emptyBook().db)) // a preview writes nothing
  })

  it('refuses to commit with rejected rows and writes nothing; with a partial import keeps the good rows', () => {
    const { db, bookId } = emptyBook()
    const before = snapshotBook(db)
    expect(() => commit(db, bookId, fixture(CURRENT))).toThrow(ImportRefusedError)
    expect(() => commit(db, bookId, fixture(CURRENT))).toThrow(/2 rejected row\(s\), first at line 3, column Type: unknown transaction type 'mystery'. Nothing was written/)
    expect(snapshotBook(db)).toBe(before)

    const result = commit(db, bookId, fixture(CURRENT), true)
    expect(result).toMatchObject({ tradesAdded: 9, cashFlowsAdded: 14, rejected: 2 })
    const positions = positionsOf(db, 'Deribit 123456')
    // Inverse perpetual: $20,000 at 62,000 + $10,000 at 64,000, then $5,000 sold: the average is
    // the harmonic one, USD notional over the coin it bought; a reduction keeps it.
    expect(positions['BTC-PERPETUAL']!.size).toBe(2500)
    expect(positions['BTC-PERPETUAL']!.avg).toBeCloseTo(30_000 / (20_000 / 62_000 + 10_000 / 64_000), 9)
    expect(positions['BTC-29MAR24-70000-C']).toEqual({ size: 1.5, avg: 0.0345, kind: 'option' })
    expect(positions['BTC-28JUN24']).toEqual({ size: -1200, avg: 66_000.5, kind: 'future' })
    expect(positions['BTC-FUTURE-X']).toEqual({ size: 100, avg: 1, kind: 'unknown' })
    expect(positions['BTC-15MAR24-60000-P']).toBeUndefined() // delivered at expiry
    // Every row's Change, in its parts: trade fees, option premiums, the settlement net of its
    // funding; the perpetual's P&L realised on line 12 is session P&L, not cash until 08:00.
    const flows = db.prepare('SELECT kind, amount, moves_cash FROM cash_flows ORDER BY at_ms, kind').all()
    expect(flows).toEqual([
      { kind: 'deposit', amount: 1.5, moves_cash: 1 },
      { kind: 'fee', amount: -0.000161, moves_cash: 1 },
      { kind: 'fee', amount: -0.000078, moves_cash: 1 },
      { kind: 'funding', amount: -0.00002, moves_cash: 1 },
      { kind: 'settlement', amount: 0.00312, moves_cash: 1 },
      { kind: 'fee', amount: -0.000038, moves_cash: 1 },
      { kind: 'session_pnl', amount: 0.0009, moves_cash: 0 },
      { kind: 'fee', amount: -0.00075, moves_cash: 1 },
      { kind: 'premium', amount: -0.08625, moves_cash: 1 },
      { kind: 'fee', amount: -0.0003, moves_cash: 1 },
      { kind: 'premium', amount: 0.05, moves_cash: 1 },
      { kind: 'fee', amount: -0.0009, moves_cash: 1 },
      { kind: 'premium', amount: 0.0225, moves_cash: 1 },
      { kind: 'fee', amount: -0.000091, moves_cash: 1 }
    ])
    expect(db.prepare('SELECT format, rows_total, rows_imported, rows_skipped, rows_rejected FROM imports').get()).toEqual({
      // rows_imported counts what was written: 9 trades and 14 cash flows (from 11 lines).
      format: 'deribit-transaction-log', rows_total: 14, rows_imported: 23, rows_skipped: 1, rows_rejected: 2
    })
  })

  it('is idempotent: the same file again adds nothing and logs nothing', () => {
    const { db, bookId } = emptyBook()
    commit(db, bookId, fixture(CURRENT), true)
    const once = snapshotBook(db)
    const again = preview(db, bookId, fixture(CURRENT))
    expect(again.alreadyImportedAt).not.toBeNull()
    expect(again.trades).toEqual({ new: 0, duplicate: 9 })
    expect(again.positionChanges).toEqual([])
    expect(commit(db, bookId, fixture(CURRENT), true)).toMatchObject({ tradesAdded: 0, cashFlowsAdded: 0, positionsChanged: 0 })
    expect(snapshotBook(db)).toBe(once)
  })

  it('an overlapping later statement adds only its new rows', () => {
    const { db, bookId } = emptyBook()
    const full = fixture(CURRENT)
    const lines = full.text.split('\r\n')
    // The first statement: header plus the five oldest rows (the file lists newest first).
    const early = { fileName: 'transaction_log-123456-BTC-early.csv', text: [lines[0], ...lines.slice(11, 16), ''].join('\r\n') }
    commit(db, bookId, early)
    expect(positionsOf(db, 'Deribit 123456')['BTC-PERPETUAL']!.size).toBe(2500)
    const later = preview(db, bookId, full)
    expect(later.trades).toEqual({ new: 6, duplicate: 3 })
    commit(db, bookId, full, true)
    const fresh = emptyBook()
    commit(fresh.db, fresh.bookId, full, true)
    expect(positionsOf(db, 'Deribit 123456')).toEqual(positionsOf(fresh.db, 'Deribit 123456'))
  })
})

describe('Deribit transaction log, older header generations', () => {
  it('middle generation (Base Amount, Fee Charged): ETH perpetual and options, a withdrawal', () => {
    const { db, bookId } = emptyBook()
    expect(commit(db, bookId, fixture(MIDDLE))).toMatchObject({ tradesAdded: 3, cashFlowsAdded: 6, rejected: 0 })
    expect(positionsOf(db, 'Deribit 654321')).toEqual({
      'ETH-30JUN23-2000-C': { size: 12, avg: 0.021, kind: 'option' },
      'ETH-PERPETUAL': { size: -20_000, avg: 1850.25, kind: 'perpetual' } // $1 contracts; a buy-back keeps the short's average
    })
    // Line 3's Change (0.0274) is its Cash Flow less its fee, not the fee alone: that P&L reached
    // cash with the trade, so it is realised_pnl, not session P&L.
    expect(parseStatement(fixture(MIDDLE).text, MIDDLE).cashFlows.map(({ kind, currency, amount }) => ({ kind, currency, amount }))).toEqual([
      { kind: 'fee', currency: 'ETH', amount: -0.0081 },
      { kind: 'fee', currency: 'ETH', amount: -0.0027 },
      { kind: 'realised_pnl', currency: 'ETH', amount: 0.0301 },
      { kind: 'premium', currency: 'ETH', amount: -0.252 },
      { kind: 'fee', currency: 'ETH', amount: -0.0036 },
      { kind: 'withdrawal', currency: 'ETH', amount: -0.501 }
    ])
  })

  it('oldest generation (Size, Fee Paid, a trailing extra column): a flip from long to short', () => {
    const { db, bookId } = emptyBook()
    const p = preview(db, bookId, fixture(OLDEST))
    expect(p.formatLabel).toBe('Deribit transaction log (oldest header)')
    expect(p.issues).toEqual([])
    commit(db, bookId, fixture(OLDEST))
    // +$5,000 @ 32,000, +$3,000 @ 34,000, −$10,000 @ 33,000: short $2,000 opened at 33,000.
    expect(positionsOf(db, 'Deribit 777')).toEqual({ 'BTC-PERPETUAL': { size: -200, avg: 33_000, kind: 'perpetual' } })
  })
})

describe('Deribit positions reconciled with the file\'s Position column', () => {
  it('warns, naming the line, when the book would not end where the file says (an earlier statement missing)', () => {
    const { db, bookId } = emptyBook()
    const full = fixture(CURRENT)
    const lines = full.text.split('\r\n')
    // The newest rows only: the file's Position column carries the history this file lacks.
    const late = { fileName: 'transaction_log-123456-BTC-late.csv', text: [lines[0], ...lines.slice(1, 10), ''].join('\r\n') } // lines 2–10
    const p = preview(db, bookId, late)
    const warnings = p.issues.filter((i) => i.severity === 'warning')
    expect(warnings).toHaveLength(1)
    // The option was opened (2.5) before this file starts; here it is only reduced by 1.
    expect(warnings[0]).toMatchObject({ line: 10, column: 'Position', reason: expect.stringContaining('BTC-29MAR24-70000-C is 1.5 contracts after this row, the book would hold -1') })
    // With the earlier rows in the book first, the same file reconciles cleanly.
    commit(db, bookId, { fileName: 'transaction_log-123456-BTC-early.csv', text: [lines[0], ...lines.slice(10, 16), ''].join('\r\n') })
    expect(preview(db, bookId, late).issues.filter((i) => i.severity === 'warning')).toEqual([])
  })
})

describe('Deribit position moves', () => {
  it('a move without a price changes the size and keeps the average price (never averaged with 0)', () => {
    const header = 'ID,UserSeq,Date,Instrument,Type,Side,Amount,Base Amount,Position,Price,Mark Price,Index Price,Cash Flow,Funding,Fee Rate,Fee Charged,Fee Balance,Change,Balance,Equity,Trade ID,Order ID,Info,Note'
    const text = [
      header,
      '2,2,2024-03-05 11:00:00,BTC-PERPETUAL,position move,buy,500,,1500,,,,0,0,,0,0,0,1,1,,,,',
      '1,1,2024-03-05 10:00:00,BTC-PERPETUAL,trade,open buy,1000,,1000,60000,60000,60000,0,0,0,0,0,0,1,1,70001,50001,,'
    ].join('\n')
    const { db, bookId } = emptyBook()
    const file = { fileName: 'transaction_log-1-BTC-2024-03.csv', text }
    expect(preview(db, bookId, file).issues).toEqual([])
    commit(db, bookId, file)
    expect(positionsOf(db, 'Deribit 1')).toEqual({ 'BTC-PERPETUAL': { size: 150, avg: 60_000, kind: 'perpetual' } })
  })
})
