/**
 * The rule every running-balance statement parser satisfies (Deribit, OKX, Bybit): the cash flows
 * it books add up, per currency, to the closing minus the opening balance the venue prints; the
 * balances are the printed ones; a break in the balance chain and an unreadable cell are named by
 * line and column. Expected balances are read off the fixture files, not produced by the code.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseStatement } from '../../src-main/importers/registry'
import type { ParsedStatement } from '../../src-main/importers/statement'
import { printedDecimals, printedDecimalsByPattern, usableDecimals } from '../../src-main/importers/balance-chain'
import { FIXTURES } from '../support/import-book'

const read = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8')
const parse = (name: string, text = read(name)): ParsedStatement => parseStatement(text, name)

/** [currency, amount, line] as printed: closing = the last row's balance, opening = first balance − its change. */
type Printed = [string, number, number][]
const CASES: { file: string; closing: Printed; opening: Printed; rejectedChange?: Record<string, number> }[] = [
  { file: 'transaction_log-889900-BTC-2025-01-31.csv', closing: [['BTC', 1.51348471, 2]], opening: [['BTC', 0, 21]] },
  { file: 'transaction_log-889900-BTC-2025-02-02.csv', closing: [['BTC', 1.79283777, 2]], opening: [['BTC', 1.51348471, 8]] },
  { file: 'transaction_log-424242-BTC-2024-03-11.csv', closing: [['BTC', 1.94885915, 2]], opening: [['BTC', 0, 6]] },
  { file: 'transaction_log-654321-ETH-2023-05.csv', closing: [['ETH', 9.2627, 5]], opening: [['ETH', 10, 2]] },
  { file: 'transaction_log-777-BTC-2021-01.csv', closing: [['BTC', 0.99959, 4]], opening: [['BTC', 1, 2]] },
  // Line 4 ('abc' amount) is rejected: its −0.000091 is in the balance, not in the ledger.
  { file: 'transaction_log-123456-BTC-2024-03.csv', closing: [['BTC', 1.486941, 2]], opening: [['BTC', 0, 16]], rejectedChange: { BTC: -0.000091 } },
  { file: 'okx-trading-history-utc3.csv', closing: [['BTC', 0.25010511, 8], ['USDT', 3221.15, 3]], opening: [['BTC', 0.2, 14], ['USDT', 0, 19]] },
  { file: 'okx-trading-history-2023.csv', closing: [['USDT', 1999.39536719, 2]], opening: [['USDT', 1236.32721719, 6]] },
  { file: 'okx-bills.csv', closing: [['BTC', 0.50968, 9], ['USDT', 10360.89, 10]], opening: [['BTC', 0.5, 5], ['USDT', 10000, 2]] },
  { file: 'okx-bills-utc8.csv', closing: [['USDT', 999.7, 3]], opening: [['USDT', 1000, 3]] },
  {
    file: 'bybit-uta-account-change-details.csv',
    closing: [['BTC', 0.50583963, 4], ['USDC', 2138.5175, 7], ['USDT', 2595.805, 3]],
    opening: [['BTC', 0.5, 14], ['USDC', 0, 18], ['USDT', 0, 19]]
  },
  { file: 'bybit-uta-transaction-log.csv', closing: [['USDT', 5040.1659, 4]], opening: [['USDT', 5000, 2]] },
  // Line 2 (direction 'Sideways') is rejected: its −1 USDT is in the balance, not in the ledger.
  { file: 'bybit-transaction-log-classic.csv', closing: [['BTC', 0.9999918, 4], ['USDT', 10874.48, 2]], opening: [['BTC', 1, 4], ['USDT', 10000, 7]], rejectedChange: { USDT: -1 } }
]

const printed = (balances: ParsedStatement['closingBalances']): Printed =>
  balances.map((b): [string, number, number] => [b.currency, b.amount, b.line]).sort((a, b) => (a[0] < b[0] ? -1 : 1))
const cashSums = (p: ParsedStatement): Map<string, number> => {
  const sums = new Map<string, number>()
  for (const c of p.cashFlows) if (c.movesCash !== false) sums.set(c.currency, (sums.get(c.currency) ?? 0) + c.amount)
  return sums
}

describe('every cash-moving flow adds up to closing − opening balance, per currency', () => {
  it.each(CASES)('$file', ({ file, closing, opening, rejectedChange = {} }) => {
    const p = parse(file)
    expect(printed(p.closingBalances)).toEqual(closing)
    expect(printed(p.openingBalances)).toEqual(opening)
    expect(p.issues.filter((i) => i.severity === 'warning' && /balance/i.test(i.column ?? ''))).toEqual([])
    const sums = cashSums(p)
    // No cash flow in a currency the statement gives no balance for.
    expect([...sums.keys()].sort()).toEqual(closing.map(([c]) => c))
    for (const close of p.closingBalances) {
      const open = p.openingBalances.find((o) => o.currency === close.currency)!
      const ledger = (sums.get(close.currency) ?? 0) + (rejectedChange[close.currency] ?? 0)
      expect(Math.abs(ledger - (close.amount - open.amount)), close.currency).toBeLessThanOrEqual(10 ** -close.decimals)
    }
  })

  it('states each currency\'s printed precision: the most decimals its balance cells show, within what a double holds', () => {
    const decimals = (file: string): Record<string, number> => Object.fromEntries(parse(file).closingBalances.map((b) => [b.currency, b.decimals]))
    expect(decimals('transaction_log-123456-BTC-2024-03.csv')).toEqual({ BTC: 6 }) // '1.5' beside '1.487932'
    expect(decimals('okx-trading-history-2023.csv')).toEqual({ USDT: 8 })
    // Bybit prints 20 decimals; a double holds 15 significant digits: 4 integer digits leave 11.
    expect(decimals('bybit-uta-account-change-details.csv')).toEqual({ BTC: 15, USDC: 11, USDT: 11 })
  })

  it('printedDecimals: its scan gives what the pattern gives, on every shape of cell', () => {
    // Cells built from the characters a number cell can hold, and a few it should not.
    const alphabet = ['0', '1', '9', '.', '-', '+', 'e', 'E', ' ', ',', 'x']
    let seed = 7
    const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const cells = ['', '.', '-', '+', '1.', '.5', '-0.00001200', '100.27929800', ' 1.5', '1.5 ', '1e5', '2.318E-03']
    for (let k = 0; k < 20_000; k++) cells.push(Array.from({ length: 1 + Math.floor(next() * 9) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''))
    for (const cell of cells) expect([cell, printedDecimals(cell)]).toEqual([cell, printedDecimalsByPattern(cell)])
  })

  it('printedDecimals counts the decimals a cell prints, scientific notation included', () => {
    expect(['1.487932', '1.5', '17', '2.318E-03', '0E-8', '-3.605E-05', '1.0000000000E-8', '0.00000000000000000000', '1E+3'].map(printedDecimals)).toEqual([6, 1, 0, 6, 8, 8, 18, 20, 0])
    expect([usableDecimals(20, 2595.8), usableDecimals(20, 0.5), usableDecimals(8, 1_200_000), usableDecimals(8, 12_000_000)]).toEqual([11, 15, 8, 7])
  })
})

describe('rows in the same second are ordered by the balance chain, not by the file', () => {
  it('OKX: two fills of one order in one second, listed out of balance order, end on the right balance', () => {
    // Without the 18:00 transfer, USDT's last rows are the two 14:00:00 fills (lines 5 and 7): the
    // file lists the later fill (→ 4221.15) below the earlier one (→ 2842.53).
    const lines = read('okx-trading-history-utc3.csv').split('\r\n')
    const p = parse('okx-trading-history-utc3.csv', [...lines.slice(0, 2), ...lines.slice(3)].join('\r\n'))
    expect(p.closingBalances.find((b) => b.currency === 'USDT')).toMatchObject({ amount: 4221.15, line: 6 })
    expect(p.issues).toEqual([])
  })

  it('Bybit: the same for two fills of a close', () => {
    const lines = read('bybit-uta-account-change-details.csv').split('\n')
    const p = parse('bybit-uta-account-change-details.csv', [...lines.slice(0, 2), ...lines.slice(3)].join('\n'))
    expect(p.closingBalances.find((b) => b.currency === 'USDT')).toMatchObject({ amount: 3595.805, line: 5 })
    expect(p.issues).toEqual([])
  })
})

describe('a break in the balance chain is a warning naming the line and both numbers', () => {
  it('Deribit: a balance edited on line 8', () => {
    const text = read('transaction_log-889900-BTC-2025-01-31.csv').replace('-0.50020000,1.49316582,', '-0.50020000,1.49316682,')
    const warnings = parse('transaction_log-889900-BTC-2025-01-31.csv', text).issues.filter((i) => i.severity === 'warning')
    expect(warnings.map((w) => [w.line, w.column])).toEqual([[8, 'Balance'], [7, 'Balance']])
    expect(warnings[0]!.reason).toBe("BTC balance 1.49316682 does not follow from line 9's 1.99336582 and this row's change -0.5002 (1.49316582): a row is missing or the file was edited")
  })

  it('OKX: a missing row (the funding income on line 10)', () => {
    const lines = read('okx-trading-history-utc3.csv').split('\r\n')
    const p = parse('okx-trading-history-utc3.csv', [...lines.slice(0, 9), ...lines.slice(10)].join('\r\n'))
    expect(p.issues).toEqual([{
      file: 'okx-trading-history-utc3.csv', line: 5, column: 'Balance', severity: 'warning',
      reason: "USDT balance 2842.53 does not follow from line 10's 1922.55 and this row's change 919.08 (2841.63): a row is missing or the file was edited"
    }])
  })

  it('Bybit: a wallet balance edited', () => {
    const text = read('bybit-uta-transaction-log.csv').replace('-0.42,4996.2684', '-0.42,4996.2694')
    const warnings = parse('bybit-uta-transaction-log.csv', text).issues
    expect(warnings.map((w) => [w.line, w.column, w.severity])).toEqual([[3, 'Wallet Balance', 'warning'], [4, 'Wallet Balance', 'warning']])
    expect(warnings[0]!.reason).toContain('USDT balance 4996.2694 does not follow from line 2\'s 4996.6884 and this row\'s change -0.42 (4996.2684)')
  })
})

describe('unreadable cells are rejected by line and column, never read as 0', () => {
  it('Deribit: an absurd balance, NaN change, an empty balance; the chain resumes after them', () => {
    let text = read('transaction_log-889900-BTC-2025-01-31.csv')
    text = text.replace('-0.50020000,1.49316582,', '-0.50020000,1e308,').replace('0.02970000,2.01436197,', 'NaN,2.01436197,').replace('-0.00024272,1.98701656,', '-0.00024272,,')
    const p = parse('transaction_log-889900-BTC-2025-01-31.csv', text)
    expect(p.issues.filter((i) => i.severity === 'rejected').map((i) => [i.line, i.column, i.reason])).toEqual([
      [15, 'Balance', 'empty'],
      [12, 'Change', "'NaN' is not a number"],
      [8, 'Balance', "'1e308' is out of range: no cash amount exceeds 10^15"]
    ])
    // The rows after them chain from their own printed balances: no break is reported.
    expect(p.issues.filter((i) => i.column === 'Balance' && i.severity === 'warning')).toEqual([])
    expect(p.closingBalances).toMatchObject([{ currency: 'BTC', amount: 1.51348471, line: 2 }])
  })

  it('Deribit: when the last row\'s balance is unreadable there is no closing balance, and a note says why', () => {
    const text = read('transaction_log-889900-BTC-2025-01-31.csv').replace('0.02310581,1.51348471,', '0.02310581,x,')
    const p = parse('transaction_log-889900-BTC-2025-01-31.csv', text)
    expect(p.closingBalances).toEqual([])
    expect(p.notes).toContain('No closing BTC balance: the last BTC row (line 2) has no readable balance')
  })

  it('OKX: NaN balance change and an absurd balance', () => {
    const text = read('okx-trading-history-utc3.csv').replace('0.90000000,1923.45000000,USDT', 'NaN,1923.45000000,USDT').replace('-4.50000000,5586.50000000,USDT', '-4.50000000,1e308,USDT')
    const p = parse('okx-trading-history-utc3.csv', text)
    expect(p.issues.map((i) => [i.line, i.column, i.reason])).toEqual([
      [10, 'Balance Change', "'NaN' is not a number"],
      [15, 'Balance', "'1e308' is out of range: no cash amount exceeds 10^15"]
    ])
  })

  it('Bybit: an empty wallet balance and an absurd change', () => {
    const text = read('bybit-uta-transaction-log.csv').replace('-0.42,4996.2684', '-0.42,').replace('43.8975,5040.1659', '1e300,5040.1659')
    const p = parse('bybit-uta-transaction-log.csv', text)
    expect(p.issues.map((i) => [i.line, i.column, i.reason])).toEqual([
      [3, 'Wallet Balance', 'empty'],
      [4, 'Change', "'1e300' is out of range: no cash amount exceeds 10^15"]
    ])
  })
})
