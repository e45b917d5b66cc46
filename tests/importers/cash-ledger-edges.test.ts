/**
 * Cash ledger edges found in review: money counted twice (a delivered future's session P&L, a
 * venue's settlement row next to Marginal's, Binance's two exports of the futures wallet),
 * accounts merged (two Deribit users), and an older statement imported after a newer one.
 */
import { describe, expect, it } from 'vitest'
import { commit, emptyBook, fixture, preview } from '../support/import-book'
import { listBalances } from '../../src-main/book/balances-repository'
import { listHeldPositions } from '../../src-main/book/positions-repository'
import { saveMarketSnapshot } from '../../src-main/book/market-repository'
import { settledPositions } from '../../src-main/services/expiry/settled-positions'
import type { BookDb } from '../../src-main/book/database'

const DERIBIT_HEADER = 'ID,UserSeq,Date,Instrument,Type,Side,Amount,Base Amount,Position,Price,Mark Price,Index Price,Cash Flow,Funding,Fee Rate,Fee Charged,Fee Balance,Change,Balance,Equity,Trade ID,Order ID,Info,Note'
const cash = (db: BookDb, bookId: number) => listBalances(db, bookId).map((b) => ({ account: b.accountName, currency: b.currency, amount: b.amount, unsettled: b.unsettledPnl ?? 0 }))

describe('a delivered Deribit future', () => {
  it('its session P&L realised before the delivery is in the delivery row: nothing stays "unsettled"', () => {
    const { db, bookId } = emptyBook()
    const text = [
      DERIBIT_HEADER,
      '4,4,2025-01-31 08:00:00,BTC-31JAN25,delivery,close sell,5000,,0,104000,104000,104000,0.00243670,0,0,0,0,0.00243670,1.00236220,1.00236220,,,,',
      '3,3,2025-01-31 07:00:00,BTC-31JAN25,trade,close sell,5000,0.04807692,5000,104000,104000,104000,0.00098039,0,0.0005,0.00002404,0,-0.00002404,0.99992550,0.99992550,9003,5003,,',
      '2,2,2025-01-30 10:00:00,BTC-31JAN25,trade,open buy,10000,0.1,10000,100000,100000,100000,0,0,0.0005,0.00005000,0,-0.00005000,0.99995000,0.99995000,9002,5002,,',
      '1,1,2025-01-30 09:00:00,,deposit,-,,,,,,,1,0,0,0,0,1.00000000,1.00000000,1.00000000,,,,'
    ].join('\n')
    commit(db, bookId, { fileName: 'transaction_log-999111-BTC-2025-01-31.csv', text })
    expect(cash(db, bookId)).toEqual([{ account: 'Deribit 999111', currency: 'BTC', amount: expect.closeTo(1.0023622, 8), unsettled: 0 }])
  })
})

describe('two Deribit users', () => {
  it('their logs stay two accounts (the user id is in the file name), never merged', () => {
    const { db, bookId } = emptyBook()
    commit(db, bookId, fixture('transaction_log-123456-BTC-2024-03.csv'), true)
    commit(db, bookId, fixture('transaction_log-889900-BTC-2025-01-31.csv'))
    expect(cash(db, bookId).map((c) => [c.account, c.currency, Number(c.amount.toFixed(8))])).toEqual([
      ['Deribit 123456', 'BTC', 1.486941],
      ['Deribit 889900', 'BTC', 1.51348471]
    ])
    expect(db.prepare("SELECT COUNT(*) AS n FROM cash_flows WHERE kind = 'opening_balance'").get()).toEqual({ n: 0 })
  })
})

describe('an older statement imported after a newer one', () => {
  it("fills what the newer one's opening balance stood for: the row goes, the ledger reconciles, the next statement books no fake opening", () => {
    const { db, bookId } = emptyBook()
    commit(db, bookId, fixture('transaction_log-889900-BTC-2025-02-02.csv'))
    expect(db.prepare("SELECT amount FROM cash_flows WHERE kind = 'opening_balance'").all()).toEqual([{ amount: expect.closeTo(1.51348471, 8) }])
    commit(db, bookId, fixture('transaction_log-889900-BTC-2025-01-31.csv'))
    expect(db.prepare("SELECT COUNT(*) AS n FROM cash_flows WHERE kind = 'opening_balance'").get()).toEqual({ n: 0 })
    const [balance] = listBalances(db, bookId)
    const ledger = (db.prepare("SELECT SUM(amount) AS s FROM cash_flows WHERE moves_cash = 1").get() as { s: number }).s
    expect(balance!.amount).toBeCloseTo(1.79283777, 8)
    expect(ledger).toBeCloseTo(1.79283777, 8)
    // A preview of the newer file again: its first row follows the book's ledger.
    expect(preview(db, bookId, fixture('transaction_log-889900-BTC-2025-02-02.csv')).cash[0]).toMatchObject({ opening: null, difference: expect.closeTo(0, 8) })
  })
})

describe('Binance: positions from the trade history, cash from the statement or the futures transaction history', () => {
  const TRADES = [
    'Uid,Time,Symbol,Side,Price,Quantity,Amount,Fee,Realized Profit,Buyer,Maker,Trade ID,Order ID',
    '862706699,2024-03-01 10:00:00,BTCUSDT_240329,BUY,60000,0.1,6000,2.4USDT,0,true,false,701,801'
  ].join('\r\n')
  const HISTORY = (rows: string[]): string => ['Date(UTC),type,Amount,Asset,Symbol,Transaction ID', ...rows].join('\r\n')

  it("the venue's settlement of an expired future replaces Marginal's and closes the position", () => {
    const { db, bookId } = emptyBook()
    commit(db, bookId, { fileName: 'Binance-Futures-Trade-History-202404011200(UTC+0)-part1-of1.csv', text: TRADES })
    commit(db, bookId, { fileName: 'Binance-Futures-Transaction-History-202403011200(UTC+0).csv', text: HISTORY(['2024-03-01 09:00:00,TRANSFER,10000,USDT,,1']) })
    saveMarketSnapshot(db, { id: 't-2026', asOfMs: Date.parse('2026-01-05T08:00:00Z'), source: 'test', indexUsd: { BTC: 90_000 }, forwardsUsd: {}, marks: {}, fundingRate8h: {} })
    db.prepare("UPDATE books SET market_snapshot_id = 't-2026' WHERE id = ?").run(bookId)
    db.prepare("INSERT INTO price_history (underlying, quote_currency, source, day, close) VALUES ('BTC', 'USDT', 'test', '2024-03-28', 70780.6)").run()
    commit(db, bookId, { fileName: 'binance_BTCUSDT_daily.csv', text: 'Date,Open,High,Low,Close,Volume\n2024-03-27,69000,70000,68000,69500,1\n' })
    expect(settledPositions(db, bookId)).toMatchObject([{ symbol: 'BTCUSDT_240329', state: 'settled', cash: expect.closeTo(0.1 * (70780.6 - 60000), 9) }])
    // The venue's own delivery settlement arrives: 800 USDT at its delivery price.
    commit(db, bookId, { fileName: 'Binance-Futures-Transaction-History-202404011200(UTC+0).csv', text: HISTORY(['2024-03-29 08:00:00,DELIVERED_SETTELMENT,800,USDT,BTCUSDT_240329,2']) })
    expect(db.prepare("SELECT COUNT(*) AS n FROM cash_flows WHERE kind = 'expiry_settlement'").get()).toEqual({ n: 0 })
    expect(listHeldPositions(db, bookId)).toEqual([])
    expect(cash(db, bookId).find((c) => c.currency === 'USDT')!.amount).toBeCloseTo(10_000 + 800, 9)
  })

  it('the same futures-wallet money from the statement and from the transaction history is counted once', () => {
    const { db, bookId } = emptyBook()
    const statement = fixture('binance-transaction-history-202611011200(UTC+3)-part1-of1.csv')
    commit(db, bookId, statement)
    const before = cash(db, bookId).find((c) => c.currency === 'USDT')!.amount
    const history = HISTORY([
      // The statement's USD-M rows (times there in UTC+3): fees, funding and realised P&L.
      '2026-10-01 07:15:02,COMMISSION,-0.245002,USDT,BTCUSDT,11',
      '2026-10-01 08:00:00,FUNDING_FEE,-0.18375,USDT,BTCUSDT,12',
      '2026-10-02 06:00:00,REALIZED_PNL,4.496,USDT,BTCUSDT,13',
      // And one the statement does not have.
      '2026-10-06 06:00:00,REALIZED_PNL,10,USDT,BTCUSDT,14'
    ])
    const p = preview(db, bookId, { fileName: 'Binance-Futures-Transaction-History-202611011200(UTC+0).csv', text: history })
    expect(p.accountName).toMatch(/^Binance 862706699$/)
    expect(p.issues.filter((i) => i.severity === 'skipped').map((i) => i.line)).toEqual([2, 3, 4])
    commit(db, bookId, { fileName: 'Binance-Futures-Transaction-History-202611011200(UTC+0).csv', text: history })
    expect(cash(db, bookId).find((c) => c.currency === 'USDT')!.amount).toBeCloseTo(before + 10, 9)
  })
})

describe('IBKR futures settle into cash every night', () => {
  it("the open future's P&L runs from the statement's mark, not its open price: the cash holds the rest already", () => {
    const { db, bookId } = emptyBook()
    commit(db, bookId, fixture('ibkr-flex-cashreport-U2345678.xml'))
    const es = listHeldPositions(db, bookId).find((p) => p.instrument.symbol === 'ESH5')!
    expect(es).toMatchObject({ sizeContracts: 1, avgPrice: 5950.25, sessionPrice: 5962.5 })
    const spy = listHeldPositions(db, bookId).find((p) => p.instrument.kind === 'option')!
    expect(spy.sessionPrice).toBeNull()
  })
})

describe('a statement of hundreds of thousands of rows', () => {
  it('plans its cash without spreading every row into one call (which overflows the stack)', async () => {
    const { previewCash } = await import('../../src-main/services/import-cash')
    const { db } = emptyBook()
    const flows = Array.from({ length: 300_000 }, (_, i) => ({ line: i + 2, externalId: `x${i}`, atMs: 1_700_000_000_000 + i, kind: 'fee', currency: 'BTC', amount: -1e-8 }))
    const parsed = { file: 'big.csv', cashFlows: flows, trades: [], closingBalances: [], openingBalances: [], settlements: [], notes: [], issues: [] } as unknown as Parameters<typeof previewCash>[3]
    const plan = { newCashFlows: flows } as unknown as Parameters<typeof previewCash>[4]
    const { lines } = previewCash(db, null, 'Big', parsed, plan, { openingBalances: [{ currency: 'BTC', amount: 1 }] }, { file: 'big.csv', sha256: 'x'.repeat(64) })
    expect(lines[0]).toMatchObject({ currency: 'BTC', cashAfter: expect.closeTo(1 - 0.003, 9), opening: { statementBalance: 1, booked: true } })
  })
})
