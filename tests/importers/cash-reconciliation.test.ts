/**
 * Issue 17, acceptance 2: per format, a statement imported into a fresh live book leaves the book's
 * cash equal to the statement's own balance (to 1e-8, or the statement's printed precision) with a
 * reconciliation line of zero; a file that does not start at the account's opening gets the
 * opening-balance prompt, and a missing row shows as a difference, never absorbed.
 */
import { describe, expect, it } from 'vitest'
import { commit, emptyBook, fixture, preview } from '../support/import-book'
import { listBalances } from '../../src-main/book/balances-repository'
import type { GenericMapping } from '../../src-main/importers/formats/generic-csv'
import type { CashLine } from '../../src-main/services/import-cash'
import type { BookDb } from '../../src-main/book/database'

const cashOf = (db: BookDb, bookId: number): Record<string, number> =>
  Object.fromEntries(listBalances(db, bookId).map((b) => [`${b.accountName} ${b.currency}`, b.amount]))
const lineOf = (cash: readonly CashLine[], currency: string): CashLine => cash.find((c) => c.currency === currency)!

/** Statements that carry the venue's running balance: file, account, and its closing balance per currency as printed. */
const RUNNING: [string, string, Record<string, number>, Record<string, number>][] = [
  // [fixture, account, closing balances, opening balances (non-zero: the file does not start at opening)]
  ['transaction_log-889900-BTC-2025-01-31.csv', 'Deribit 889900', { BTC: 1.51348471 }, {}],
  ['transaction_log-555777-BTC-2024-03-12.csv', 'Deribit 555777', { BTC: 2.1770908 }, {}],
  ['okx-trading-history-utc3.csv', 'OKX', { USDT: 3221.15, BTC: 0.25010511 }, { BTC: 0.2 }],
  ['okx-trading-history-2023.csv', 'OKX', { USDT: 1999.39536719 }, { USDT: 1236.32721719 }],
  ['bybit-uta-account-change-details.csv', 'Bybit', { USDT: 2595.805, BTC: 0.50583963, USDC: 2138.5175 }, { BTC: 0.5 }],
  ['bybit-uta-transaction-log.csv', 'Bybit', { USDT: 5040.1659 }, { USDT: 5000 }],
  ['ibkr-flex-cashreport-U2345678.xml', 'IBKR U2345678', { USD: 105157.24, EUR: 2032.5 }, { USD: 100000, EUR: 2000 }]
]

describe('statements with the venue\'s running balance', () => {
  for (const [file, account, closing, opening] of RUNNING) {
    it(`${file}: book cash = the statement's balance, reconciliation 0${Object.keys(opening).length ? ', opening balance asked for and booked' : ''}`, () => {
      const { db, bookId } = emptyBook()
      const p = preview(db, bookId, fixture(file))
      expect(p.rejected).toBe(0)
      for (const [ccy, amount] of Object.entries(opening)) {
        expect(lineOf(p.cash, ccy).opening, ccy).toMatchObject({ statementBalance: amount, ledgerBefore: 0, missing: expect.closeTo(amount, 8), booked: true })
      }
      // Exactly the currencies given an opening balance above have one; every other stays without.
      expect(Object.keys(closing).filter((ccy) => lineOf(p.cash, ccy).opening !== null).sort()).toEqual(Object.keys(opening).sort())
      const r = commit(db, bookId, fixture(file))
      const cash = cashOf(db, bookId)
      for (const [ccy, amount] of Object.entries(closing)) {
        expect(cash[`${account} ${ccy}`], ccy).toBeCloseTo(amount, 8)
        expect(lineOf(r.cash, ccy), ccy).toMatchObject({ statementBalance: amount, difference: expect.closeTo(0, 8), warning: false, cashSource: 'statement' })
      }
    })
  }
})

describe('Deribit: the next statement of the same account, and the opening-balance choice', () => {
  const JAN = 'transaction_log-889900-BTC-2025-01-31.csv'
  const FEB = 'transaction_log-889900-BTC-2025-02-02.csv'

  it('after the first statement, the second starts where the book\'s ledger is: no prompt, reconciliation 0', () => {
    const { db, bookId } = emptyBook()
    commit(db, bookId, fixture(JAN))
    const p = preview(db, bookId, fixture(FEB))
    expect(lineOf(p.cash, 'BTC')).toMatchObject({ opening: null, difference: expect.closeTo(0, 8), cashBefore: expect.closeTo(1.51348471, 8), cashAfter: expect.closeTo(1.79283777, 8) })
    commit(db, bookId, fixture(FEB))
    expect(cashOf(db, bookId)['Deribit 889900 BTC']).toBeCloseTo(1.79283777, 8)
  })

  it('alone, it is asked for its opening balance; declined, the difference shows as a warning, the cash still the statement\'s', () => {
    const { db, bookId } = emptyBook()
    const r = commit(db, bookId, fixture(FEB), false, { openingBalance: 'skip' })
    expect(lineOf(r.cash, 'BTC')).toMatchObject({
      opening: { statementBalance: 1.51348471, missing: expect.closeTo(1.51348471, 8), booked: false },
      difference: expect.closeTo(1.51348471, 8),
      warning: true,
      cashAfter: expect.closeTo(1.79283777, 8)
    })
    // Importing the first statement afterwards fills the gap: the ledger then reconciles.
    commit(db, bookId, fixture(JAN))
    expect(lineOf(preview(db, bookId, fixture(FEB)).cash, 'BTC')).toMatchObject({ difference: expect.closeTo(0, 8), warning: false })
  })
})

describe('Bybit classic: a rejected row leaves a difference, shown, never absorbed; without it the log reconciles', () => {
  it('the "Sideways" row\'s change is missing from the ledger: a 1 USDT warning', () => {
    const { db, bookId } = emptyBook()
    const r = commit(db, bookId, fixture('bybit-transaction-log-classic.csv'), true)
    expect(lineOf(r.cash, 'USDT')).toMatchObject({ statementBalance: 10874.48, difference: expect.closeTo(-1, 8), warning: true, cashAfter: expect.closeTo(10874.48, 8) })
    expect(lineOf(r.cash, 'BTC')).toMatchObject({ statementBalance: 0.9999918, difference: expect.closeTo(0, 10), warning: false })
  })

  it('the same log ending before that row: reconciliation 0 in both currencies', () => {
    const { db, bookId } = emptyBook()
    const { fileName, text } = fixture('bybit-transaction-log-classic.csv')
    const clean = text.split('\n').filter((l) => !l.includes('Sideways')).join('\n')
    const r = commit(db, bookId, { fileName, text: clean })
    expect(lineOf(r.cash, 'USDT')).toMatchObject({ statementBalance: 10875.48, difference: expect.closeTo(0, 8), warning: false })
    expect(cashOf(db, bookId)).toMatchObject({ 'Bybit USDT': expect.closeTo(10875.48, 8), 'Bybit BTC': expect.closeTo(0.9999918, 10) })
  })
})

describe('statements that carry flows only (Binance): the cash is the ledger', () => {
  const STATEMENT = 'binance-transaction-history-202611011200(UTC+3)-part1-of1.csv'
  const USDM = 'binance-futures-transaction-history-202611011200(UTC+3)-part1-of1.csv'

  /** Σ Change per coin over the rows that are cash, read straight from the CSV (no parser). */
  function flowsFromCsv(text: string, isCash: (account: string, coin: string, operation: string) => boolean, cols: { account: number | null; operation?: number; coin: number; change: number }): Record<string, number> {
    const out: Record<string, number> = {}
    for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/).slice(1)) {
      const c = line.split(',')
      if (c.length < 3 || !c[cols.change]) continue
      const account = cols.account === null ? 'USD-M Futures' : c[cols.account]!
      if (!isCash(account, c[cols.coin]!, cols.operation === undefined ? '' : c[cols.operation]!)) continue
      out[c[cols.coin]!] = (out[c[cols.coin]!] ?? 0) + Number(c[cols.change])
    }
    return out
  }

  it('"generate all statements": stablecoins and futures-wallet rows are cash (a move into Earn keeps the coin the user\'s); a coin in the spot wallet is a position', () => {
    const { db, bookId } = emptyBook()
    const file = fixture(STATEMENT)
    const p = preview(db, bookId, file)
    expect(p.notes.join(' ')).toMatch(/flows only/)
    expect(p.cash.every((c) => c.statementBalance === null && c.difference === null)).toBe(true)
    commit(db, bookId, file)
    const expected = flowsFromCsv(
      file.text,
      (account, coin, operation) => !/Earn Flexible (Subscription|Redemption)/.test(operation) && (/futures/i.test(account) || ['USDT', 'USDC', 'FDUSD', 'BUSD', 'USD', 'EUR'].includes(coin)),
      { account: 2, operation: 3, coin: 4, change: 5 }
    )
    const account = listBalances(db, bookId)[0]!.accountName
    for (const [coin, amount] of Object.entries(expected)) expect(cashOf(db, bookId)[`${account} ${coin}`], coin).toBeCloseTo(amount, 8)
  })

  it('USD-M transaction history: every row is cash; an opening balance the trader gives is booked', () => {
    const { db, bookId } = emptyBook()
    const file = fixture(USDM)
    const given = [{ currency: 'USDT', amount: 2500 }]
    const r = commit(db, bookId, file, false, { openingBalances: given })
    const expected = flowsFromCsv(file.text, () => true, { account: null, coin: 3, change: 2 })
    const usdt = lineOf(r.cash, 'USDT')
    expect(usdt.opening).toMatchObject({ statementBalance: 2500, booked: true })
    expect(usdt.cashAfter).toBeCloseTo(2500 + expected.USDT!, 8)
  })
})

describe('generic mapper with a balance column', () => {
  it('the last row\'s balance is the cash; the cash changes reconcile with it', () => {
    const { db, bookId } = emptyBook()
    const mapping: GenericMapping = {
      venue: 'binance', time: 'Date', instrument: 'Instrument', side: 'Side', size: 'Qty', price: 'Price', fee: 'Fee', feeCurrency: 'USDT', id: 'Ref',
      decimalComma: false, accountName: 'My broker', balance: 'Balance', cashChange: 'Net Amount', balanceCurrency: 'Currency'
    }
    const r = commit(db, bookId, fixture('broker-trades-balance.csv'), false, { format: 'generic-csv', mapping })
    expect(lineOf(r.cash, 'USDT')).toMatchObject({ statementBalance: 10225.78, difference: expect.closeTo(0, 8), opening: { statementBalance: 10000, booked: true } })
    expect(cashOf(db, bookId)['My broker USDT']).toBeCloseTo(10225.78, 8)
  })
})
