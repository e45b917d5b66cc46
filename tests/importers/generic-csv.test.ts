import { describe, expect, it } from 'vitest'
import { commit, emptyBook, fixture, positionsOf, preview } from '../support/import-book'
import { inspectCsv, type GenericMapping } from '../../src-main/importers/formats/generic-csv'
import { parseStatement } from '../../src-main/importers/registry'
import type { ParsedStatement } from '../../src-main/importers/statement'

const FILE = 'broker-trades-semicolon.csv'
const mapping: GenericMapping = {
  venue: 'deribit', time: 'Zeit', instrument: 'Kontrakt', side: null, size: 'Menge', price: 'Preis', fee: 'Gebühr',
  feeCurrency: 'BTC', id: 'Ref', decimalComma: true, accountName: 'My broker'
}

describe('generic CSV with a column mapping (semicolons, decimal commas, signed sizes)', () => {
  it('inspectCsv shows the header and sample rows the mapper offers', () => {
    const { header, sample, rows } = inspectCsv(fixture(FILE).text, FILE)
    expect(header).toEqual(['Zeit', 'Kontrakt', 'Menge', 'Preis', 'Gebühr', 'Ref'])
    expect(sample[1]).toEqual(['2024-03-01 11:00:00', 'BTC-29MAR24-70000-C', '2,5', '0,0345', '0,0003', 'A2'])
    expect(rows).toBe(4)
  })

  it('imports through the mapping, with the same diagnostics and idempotency as built-in formats', () => {
    const { db, bookId } = emptyBook()
    expect(() => preview(db, bookId, fixture(FILE))).toThrow(/not a statement format Marginal knows/)
    const p = preview(db, bookId, fixture(FILE), { format: 'generic-csv', mapping })
    expect(p).toMatchObject({ format: 'generic-csv', accountName: 'My broker', rejected: 1, trades: { new: 3, duplicate: 0 } })
    expect(p.issues[0]).toMatchObject({ line: 5, column: 'Menge', reason: "'abc' is not a number" })
    commit(db, bookId, fixture(FILE), true, { format: 'generic-csv', mapping })
    expect(positionsOf(db, 'My broker')).toEqual({
      'BTC-29MAR24-70000-C': { size: 2.5, avg: 0.0345, kind: 'option' },
      'BTC-PERPETUAL': { size: 600, avg: 62_000.5, kind: 'perpetual' }
    })
    expect(preview(db, bookId, fixture(FILE), { format: 'generic-csv', mapping }).trades).toEqual({ new: 0, duplicate: 3 })
  })

  it('says which mapped column the file lacks', () => {
    const { db, bookId } = emptyBook()
    expect(() => preview(db, bookId, fixture(FILE), { format: 'generic-csv', mapping: { ...mapping, price: 'Kurs' } })).toThrow(
      /broker-trades-semicolon.csv: the mapping names column\(s\) the file does not have: Kurs/
    )
  })
})

const BALANCES = 'broker-trades-balance.csv'
const withBalance: GenericMapping = {
  venue: 'binance', time: 'Date', instrument: 'Instrument', side: 'Side', size: 'Qty', price: 'Price', fee: 'Fee', feeCurrency: 'USDT', id: 'Ref',
  decimalComma: false, accountName: 'My broker', balance: 'Balance', cashChange: 'Net Amount', balanceCurrency: 'Currency'
}
const parseMapped = (mapping: GenericMapping, text = fixture(BALANCES).text): ParsedStatement => parseStatement(text, BALANCES, 'generic-csv', mapping)
const cashBy = (p: ParsedStatement): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const f of p.cashFlows) if (f.movesCash !== false) out[f.currency] = (out[f.currency] ?? 0) + f.amount
  return out
}

describe('generic CSV with a balance column', () => {
  it('closing is the last row\'s balance by time; opening is the first row\'s balance less its cash change', () => {
    const p = parseMapped(withBalance)
    expect(p.closingBalances).toEqual([{ currency: 'USDT', amount: 10_225.78, atMs: Date.parse('2024-03-02T11:00:00Z'), line: 5, decimals: 2 }])
    expect(p.openingBalances).toEqual([{ currency: 'USDT', amount: 10_000, atMs: Date.parse('2024-03-01T10:00:00Z'), line: 2, decimals: 2 }])
    expect(p.trades).toHaveLength(4)
    expect(p.notes[0]).toMatch(/last row's Balance per currency is the closing balance; the first row's, less its Net Amount, the opening one/)
  })

  it('each row\'s cash change is a flow, and the flows add up to closing − opening', () => {
    const p = parseMapped(withBalance)
    expect(p.cashFlows.map((f) => [f.line, f.kind, f.amount, f.externalId])).toEqual([
      [2, 'trade', -12.4, 'generic-binance:trade:T1:cash'],
      [3, 'trade', -5.44, 'generic-binance:trade:T2:cash'],
      [4, 'trade', 194.96, 'generic-binance:trade:T3:cash'],
      [5, 'trade', 48.66, 'generic-binance:trade:T4:cash']
    ])
    expect(cashBy(p).USDT).toBeCloseTo(10_225.78 - 10_000, 9)
  })

  it('a file listing the newest row first gives the same balances', () => {
    const [header, ...rows] = fixture(BALANCES).text.trimEnd().split('\n')
    const p = parseMapped(withBalance, [header, ...rows.reverse()].join('\n'))
    expect(p.closingBalances.map((b) => [b.amount, b.line])).toEqual([[10_225.78, 2]])
    expect(p.openingBalances.map((b) => [b.amount, b.line])).toEqual([[10_000, 5]])
  })

  it('in a newest-first file, rows of the same second are read bottom-up', () => {
    const text = ['Date,Instrument,Side,Qty,Price,Net Amount,Balance,Currency',
      '2024-03-01 12:00:00,BTCUSDT,Sell,0.1,62100,2.5,1005,USDT',
      '2024-03-01 10:00:00,BTCUSDT,Sell,0.1,62050,2.5,1002.5,USDT',
      '2024-03-01 10:00:00,BTCUSDT,Buy,0.2,62000,-2.5,1000,USDT'].join('\n')
    const p = parseMapped({ ...withBalance, fee: null, id: null }, text)
    expect(p.openingBalances.map((b) => [b.amount, b.line])).toEqual([[1002.5, 4]])
    expect(p.closingBalances.map((b) => [b.amount, b.line])).toEqual([[1005, 2]])
  })

  it('without a cash-change column: a closing balance, no opening, no cash flows, and a note', () => {
    const p = parseMapped({ ...withBalance, cashChange: null })
    expect(p.closingBalances.map((b) => b.amount)).toEqual([10_225.78])
    expect(p.openingBalances).toEqual([])
    expect(p.cashFlows).toEqual([])
    expect(p.notes[0]).toMatch(/no cash-change column, so the ledger holds no cash and there is no opening balance/)
  })

  it('without a currency column the balance is in the fee currency, else USD; old mappings get no balances', () => {
    expect(parseMapped({ ...withBalance, balanceCurrency: null }).closingBalances[0]!.currency).toBe('USDT')
    expect(parseMapped({ ...withBalance, balanceCurrency: null, feeCurrency: null }).closingBalances[0]!.currency).toBe('USD')
    const { balance: _b, cashChange: _c, balanceCurrency: _bc, ...old } = withBalance
    expect(parseMapped(old)).toMatchObject({ closingBalances: [], openingBalances: [], cashFlows: [] })
  })

  it('balances are kept per currency', () => {
    const text = ['Date,Instrument,Side,Qty,Price,Net Amount,Balance,Currency',
      '2024-03-01 10:00:00,BTCUSDT,Buy,0.1,62000,-2.5,997.5,USDT',
      '2024-03-01 11:00:00,BTCUSDC,Buy,0.1,62000,-3,497,USDC',
      '2024-03-01 12:00:00,BTCUSDT,Sell,0.1,62100,7.5,1005,USDT'].join('\n')
    const p = parseMapped({ ...withBalance, fee: null, id: null }, text)
    expect(p.closingBalances.map((b) => [b.currency, b.amount, b.line])).toEqual([['USDT', 1005, 4], ['USDC', 497, 3]])
    expect(p.openingBalances.map((b) => [b.currency, b.amount, b.line])).toEqual([['USDT', 1000, 2], ['USDC', 500, 3]])
  })

  it('a balance or cash change that is not a number, or out of range, is rejected by line and column', () => {
    const text = fixture(BALANCES).text.replace('9982.16', 'abc').replace('194.96', '1e308')
    expect(parseMapped(withBalance, text).issues.map((i) => [i.line, i.column, i.reason])).toEqual([
      [3, 'Balance', "'abc' is not a number"],
      [4, 'Net Amount', "'1e308' is out of range: no cash amount exceeds 10^15"]
    ])
  })
})
