/** IBKR classic Activity Statement CSV at the parser level: its Cash Report and the trades' cash. */
import { describe, expect, it } from 'vitest'
import { fixture } from '../support/import-book'
import { parseStatement } from '../../src-main/importers/registry'
import type { ParsedStatement } from '../../src-main/importers/statement'

const FILE = 'ibkr-activity-statement-U7654321.csv'
const TEXT = fixture(FILE).text
const parse = (text = TEXT): ParsedStatement => parseStatement(text, FILE)
const cashBy = (p: ParsedStatement): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const f of p.cashFlows) if (f.movesCash !== false) out[f.currency] = (out[f.currency] ?? 0) + f.amount
  return out
}

describe('IBKR Activity Statement CSV: Cash Report', () => {
  it('Ending Cash per currency is the closing balance at the end of the period in New York; Starting Cash the opening one', () => {
    const p = parse()
    expect(p.closingBalances).toEqual([{ currency: 'USD', amount: 126_321.19, atMs: Date.parse('2025-01-16T05:00:00Z'), line: 45, decimals: 2 }])
    expect(p.openingBalances).toEqual([{ currency: 'USD', amount: 100_000, atMs: Date.parse('2025-01-15T05:00:00Z'), line: 37, decimals: 0 }])
  })

  it('the ledger closes: Σ cash flows = Ending Cash − Starting Cash, with no warning', () => {
    const p = parse()
    expect(cashBy(p)).toEqual({ USD: expect.closeTo(126_321.19 - 100_000, 9) })
    expect(p.issues.filter((i) => i.severity === 'warning')).toEqual([])
  })

  it('futures trades move their commission and MTM P/L, options their proceeds and commission', () => {
    const p = parse()
    expect(p.cashFlows.filter((f) => f.line === 13 || f.line === 18).map((f) => [f.line, f.kind, f.amount])).toEqual([
      [13, 'fee', -6.75],
      [13, 'variation_margin', 48],
      [18, 'fee', -0.65],
      [18, 'trade', -550]
    ])
  })

  it('a mismatch is a warning on the Ending Cash line naming the Cash Report line item that differs', () => {
    const p = parse(TEXT.replace('Interest,Data,USD,2025-01-15,USD Credit Interest for Dec-2024,12.34', 'Interest,Data,USD,2025-01-15,USD Credit Interest for Dec-2024,12.00'))
    const warnings = p.issues.filter((i) => i.severity === 'warning')
    expect(warnings.map((i) => [i.line, i.column])).toEqual([[45, 'endingCash']])
    expect(warnings[0]!.reason).toMatch(/difference 0\.34\); brokerInterest 12\.34 in the Cash Report, 12 in the ledger/)
  })

  it('an Ending Cash that is not a number is rejected by line and column, and that currency has no closing balance', () => {
    const p = parse(TEXT.replace('Cash Report,Data,Ending Cash,USD,126321.19', 'Cash Report,Data,Ending Cash,USD,n/a'))
    expect(p.issues.filter((i) => i.severity === 'rejected').map((i) => [i.line, i.column, i.reason])).toEqual([
      [20, 'Quantity', "'abc' is not a number"],
      [45, 'Total', "'n/a' is not a usable Ending Cash"]
    ])
    expect(p.closingBalances).toEqual([])
  })

  it('without a Cash Report section: no balances, and a note says so', () => {
    const p = parse(TEXT.split('\n').filter((l) => !l.startsWith('Cash Report,')).join('\n'))
    expect(p.closingBalances).toEqual([])
    expect(p.openingBalances).toEqual([])
    expect(p.notes.join(' ')).toMatch(/no Cash Report section/)
  })
})
