/** ../shared/data/statements as acceptance inputs: read in place, skipped with a line when absent. */
import { describe, expect, it } from 'vitest'
import { hasSharedData, sharedData } from '../support/shared-data'
import { commit, emptyBook, fileAt, positionsOf, preview, snapshotBook } from '../support/import-book'
import { ImportRefusedError } from '../../src-main/services/import-service'
import { parseStatement } from '../../src-main/importers/registry'
import type { StatementCashFlow } from '../../src-main/importers/statement'

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
    // Each trade's proceeds and commission (netCash split), the assignment's netCash 0 moving
    // nothing, and the file's two cash transactions (its 'Broker Interest Paid' +650 is synthetic).
    const flows = db.prepare("SELECT kind, amount FROM cash_flows WHERE kind != 'opening_balance' ORDER BY kind, amount").all()
    expect(flows).toEqual([
      { kind: 'fee', amount: -5.2 },
      { kind: 'fee', amount: -3.25 },
      { kind: 'fee', amount: -1.3 },
      { kind: 'fee', amount: -0.65 },
      { kind: 'interest', amount: 650 },
      { kind: 'trade', amount: -625 },
      { kind: 'trade', amount: -550 },
      { kind: 'trade', amount: 650 }
    ])
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

describe.skipIf(!hasSharedData(BINANCE))('Binance statement sample, parsed (flows only)', () => {
  const p = hasSharedData(BINANCE) ? parseStatement(fileAt(sharedData(BINANCE)).text, 'binance_transaction_history_statement.csv') : null
  const at = (line: number): StatementCashFlow => p!.cashFlows.find((f) => f.line === line)!

  it('states no balances and says the book\'s cash is the sum of the flows', () => {
    expect(p!.closingBalances).toEqual([])
    expect(p!.openingBalances).toEqual([])
    expect(p!.notes.join(' ')).toMatch(/flows only, no balances: the book's cash per coin is the sum of these flows/)
  })

  it('cash coins and futures-wallet rows move cash; other Spot coins move the holding, not cash; Earn moves nothing', () => {
    expect(at(3)).toMatchObject({ kind: 'deposit', currency: 'EUR', amount: 245.25, movesCash: true })
    expect(at(3).positionEffect).toBeUndefined()
    expect(at(12)).toMatchObject({ currency: 'ETH', movesCash: false, positionEffect: { instrument: { symbol: 'ETHUSDT' }, deltaContracts: 0.03605 } })
    expect(at(80)).toMatchObject({ kind: 'funding', currency: 'USDT', amount: -0.07779065, movesCash: true, note: 'USD-MFutures: Funding Fee' })
    expect(at(61)).toMatchObject({ kind: 'internal_transfer', currency: 'BUSD', movesCash: false })
    expect(at(61).positionEffect).toBeUndefined()
  })

  it('transfers between the user\'s own wallets net to zero in one book account', () => {
    const transfers = p!.cashFlows.filter((f) => f.note!.includes('Transfer Between') && f.movesCash !== false)
    expect(transfers.map((f) => f.line)).toEqual([51, 52, 53, 54, 55, 56, 57, 58])
    expect(transfers.reduce((sum, f) => sum + f.amount, 0)).toBeCloseTo(0, 9)
  })
})
