/** ../shared/data/statements as acceptance inputs: read in place, skipped with a line when absent. */
import { describe, expect, it } from 'vitest'
import { hasSharedData, sharedData } from '../support/shared-data'
import { commit, emptyBook, fileAt, positionsOf, preview, snapshotBook } from '../support/import-book'
import { ImportRefusedError } from '../../src-main/services/import-service'

const BINANCE = 'statements/binance_transaction_history_statement.csv'
const IBKR_OPTIONS = 'statements/ibkr_flex_activity_options_synthetic.xml'
const IBKR_FUTURES = 'statements/ibkr_flex_activity_futures_synthetic.xml'

for (const f of [BINANCE, IBKR_OPTIONS, IBKR_FUTURES]) if (!hasSharedData(f)) console.log(`skipped: ../shared/data/${f} is not on this machine`)

describe.skipIf(!hasSharedData(BINANCE))('Binance statement sample', () => {
  it('reports the malformed rows by line and column, and refuses until a partial import is confirmed', () => {
    const { db, bookId } = emptyBook()
    const file = fileAt(sharedData(BINANCE))
    const p = preview(db, bookId, file)
    expect(p.format).toBe('binance-statement')
    expect(p.rowsTotal).toBe(230)
    const rejected = p.issues.filter((i) => i.severity === 'rejected').map((i) => [i.line, i.column, i.reason])
    expect(rejected).toEqual([
      [5, 'UTC_Time', 'empty'],
      [6, 'Coin', 'empty'],
      [6, 'Change', 'empty'],
      [42, 'Operation', "unknown operation 'ABC'"]
    ])
    expect(p.cashFlows.new).toBe(227)
    const before = snapshotBook(db)
    expect(() => commit(db, bookId, file)).toThrow(ImportRefusedError)
    expect(snapshotBook(db)).toBe(before)
    expect(commit(db, bookId, file, true)).toMatchObject({ cashFlowsAdded: 227, rejected: 3 })
    // Spot holdings follow the ownership-changing rows; fiat and stablecoins stay cash.
    const positions = positionsOf(db, 'Binance 1')
    expect(Object.keys(positions).every((s) => s.endsWith('USDT') && !['USDTUSDT', 'EURUSDT'].includes(s))).toBe(true)
    const ethRows = db
      .prepare("SELECT SUM(amount) AS s FROM cash_flows WHERE currency = 'ETH' AND kind NOT IN ('internal_transfer') AND (note LIKE 'Spot:%' OR note LIKE 'Funding:%')")
      .get() as { s: number }
    expect(positions.ETHUSDT!.size).toBeCloseTo(ethRows.s, 9)
    expect(commit(db, bookId, file, true)).toMatchObject({ cashFlowsAdded: 0 }) // idempotent
  })
})

describe.skipIf(!hasSharedData(IBKR_OPTIONS))('IBKR Flex XML samples', () => {
  it('options: trades kept, open positions taken as the closing positions', () => {
    const { db, bookId } = emptyBook()
    const file = fileAt(sharedData(IBKR_OPTIONS))
    const p = preview(db, bookId, file)
    expect(p).toMatchObject({ format: 'ibkr-flex-xml', accountName: 'IBKR U1234567', rejected: 0 })
    expect(p.trades.new).toBe(4)
    commit(db, bookId, file)
    expect(positionsOf(db, 'IBKR U1234567')).toEqual({
      'AAPL  250221C00180000': { size: 1, avg: 5.506, kind: 'option' },
      'TSLA  250221P00200000': { size: -2, avg: 3.24, kind: 'option' }
    })
    const flows = db.prepare('SELECT kind, amount FROM cash_flows ORDER BY id').all() as { kind: string; amount: number }[]
    expect(flows).toHaveLength(2)
  })

  it.skipIf(!hasSharedData(IBKR_FUTURES))('futures: multipliers and expiries from the statement; the element lines are reported', () => {
    const { db, bookId } = emptyBook()
    const file = fileAt(sharedData(IBKR_FUTURES))
    commit(db, bookId, file)
    const positions = positionsOf(db, 'IBKR U1234567')
    expect(positions).toMatchObject({ ESH5: { size: 2, kind: 'future' }, NQH5: { size: -1, kind: 'future' }, GCG5: { size: 1, kind: 'future' } })
    expect(positions.CLG5).toBeUndefined() // traded in the file, not among the open positions
    const es = db.prepare("SELECT contract_size, expiry_ms FROM instruments WHERE symbol = 'ESH5'").get() as { contract_size: number; expiry_ms: number }
    expect(es.contract_size).toBe(50)
    expect(new Date(es.expiry_ms).toISOString()).toBe('2025-03-21T20:00:00.000Z')
    expect(preview(db, bookId, file).trades).toEqual({ new: 0, duplicate: 4 })
  })
})
