/**
 * Deribit's cash ledger from the transaction log: each row's Change split into its parts, the
 * settlement prices, the balances before and after, over two consecutive statements of one
 * account (the first from its opening). Fixture numbers follow Deribit's arithmetic (research
 * notes §1.3): option trades move the premium and fee, futures trades only the fee, settlements
 * the session P&L with its funding, deliveries the payoff less the delivery fee.
 */
import { describe, expect, it } from 'vitest'
import { parseStatement } from '../../src-main/importers/registry'
import { fixture } from '../support/import-book'

const JANUARY = 'transaction_log-889900-BTC-2025-01-31.csv'
const FEBRUARY = 'transaction_log-889900-BTC-2025-02-02.csv'
const parse = (name: string) => parseStatement(fixture(name).text, name)

describe('a Deribit BTC log from the account\'s opening (current header, "27 Jan 2025 10:00:00" dates, newest first)', () => {
  const p = parse(JANUARY)

  it('books every row\'s Change in its parts, with the futures P&L of a trade as session P&L that moves no cash', () => {
    expect(p.issues).toEqual([])
    const flows = p.cashFlows.map((c) => [c.line, c.kind, c.amount, c.movesCash ?? true, c.instrumentSymbol ?? null])
    expect(flows).toEqual([
      [21, 'deposit', 2, true, null],
      [20, 'fee', -0.00015, true, 'BTC-PERPETUAL'], // perpetual open: Change is the fee; Cash Flow 0
      [19, 'premium', -0.05, true, 'BTC-31JAN25-105000-C'], // 2 calls bought at 0.025
      [19, 'fee', -0.0006, true, 'BTC-31JAN25-105000-C'],
      [18, 'premium', 0.036, true, 'BTC-31JAN25-95000-P'], // 3 puts written at 0.012
      [18, 'fee', -0.0009, true, 'BTC-31JAN25-95000-P'],
      [17, 'settlement', 0.0029703, true, 'BTC-PERPETUAL'], // Cash Flow 0.0029583 includes funding −0.000012
      [17, 'funding', -0.000012, true, 'BTC-PERPETUAL'],
      [16, 'fee', -0.00004902, true, 'BTC-PERPETUAL'],
      [16, 'session_pnl', 0.00097069, false, 'BTC-PERPETUAL'], // booked by line 14's settlement
      [15, 'fee', -0.00024272, true, 'BTC-28MAR25'],
      [14, 'settlement', -0.00001448, true, 'BTC-PERPETUAL'],
      [14, 'funding', 0.000005, true, 'BTC-PERPETUAL'],
      [13, 'settlement', -0.00234511, true, 'BTC-28MAR25'],
      [12, 'premium', 0.03, true, 'BTC-31JAN25-105000-C'], // partial close: 1 of 2
      [12, 'fee', -0.0003, true, 'BTC-31JAN25-105000-C'],
      [11, 'premium', -0.016, true, 'BTC-31JAN25-95000-P'], // partial buy-back: 2 of 3
      [11, 'fee', -0.0006, true, 'BTC-31JAN25-95000-P'],
      [10, 'premium', -0.004, true, 'BTC-31JAN25-95000-P'],
      [10, 'fee', -0.0003, true, 'BTC-31JAN25-95000-P'],
      [9, 'fee', -0.00009615, true, 'BTC-28MAR25'],
      [9, 'session_pnl', -0.00092902, false, 'BTC-28MAR25'],
      [8, 'withdrawal', -0.5002, true, null], // 0.5 sent plus the 0.0002 fee
      [7, 'settlement', 0.00196064, true, 'BTC-PERPETUAL'],
      [7, 'funding', -0.000008, true, 'BTC-PERPETUAL'],
      [6, 'settlement', -0.00370275, true, 'BTC-28MAR25'],
      [5, 'fee', -0.00009434, true, 'BTC-PERPETUAL'],
      [5, 'session_pnl', 0.00836509, false, 'BTC-PERPETUAL'],
      [4, 'settlement', 0.00836509, true, 'BTC-PERPETUAL'], // Side '-': closed in the session, settled anyway
      [4, 'funding', -0.000004, true, 'BTC-PERPETUAL'],
      [3, 'settlement', -0.00930356, true, 'BTC-28MAR25'],
      [2, 'delivery', 0.02325581, true, 'BTC-31JAN25-105000-C'], // (107,500 − 105,000) / 107,500 BTC
      [2, 'fee', -0.00015, true, 'BTC-31JAN25-105000-C'] // the delivery fee
    ])
  })

  it('keeps each part\'s identity: the log id for the main part, fee/funding/session ids for the others', () => {
    const ids = p.cashFlows.filter((c) => c.line === 16 || c.line === 17 || c.line === 19).map((c) => c.externalId)
    expect(ids).toEqual(['deribit:log:5200103', 'deribit:fee:5200103', 'deribit:log:5200105', 'deribit:funding:5200105', 'deribit:fee:5200106', 'deribit:session:5200106'])
  })

  it('lists each settlement of a future or perpetual with its settlement price', () => {
    expect(p.settlements.map((s) => [s.line, s.instrument.symbol, s.price, new Date(s.atMs).toISOString()])).toEqual([
      [17, 'BTC-PERPETUAL', 101_000, '2025-01-28T08:00:00.000Z'],
      [14, 'BTC-PERPETUAL', 100_500, '2025-01-29T08:00:00.000Z'],
      [13, 'BTC-28MAR25', 103_500, '2025-01-29T08:00:00.000Z'],
      [7, 'BTC-PERPETUAL', 101_500, '2025-01-30T08:00:00.000Z'],
      [6, 'BTC-28MAR25', 104_500, '2025-01-30T08:00:00.000Z'],
      [4, 'BTC-PERPETUAL', 107_000, '2025-01-31T08:00:00.000Z'],
      [3, 'BTC-28MAR25', 108_000, '2025-01-31T08:00:00.000Z']
    ])
  })

  it('opens at 0 before the first deposit and closes at the delivery row\'s balance; times are UTC', () => {
    expect(p.openingBalances).toEqual([{ currency: 'BTC', amount: 0, atMs: Date.parse('2025-01-27T09:00:00Z'), line: 21, decimals: 8 }])
    expect(p.closingBalances).toEqual([{ currency: 'BTC', amount: 1.51348471, atMs: Date.parse('2025-01-31T08:00:00Z'), line: 2, decimals: 8 }])
    expect(p.notes).toEqual(['Deribit prints its log times without a zone: taken as UTC (its settlements and deliveries are stamped 08:00, the UTC settlement time).'])
  })

  it('trades: USD-sized futures in $10 contracts, options in coin; the delivered call at its payoff in BTC', () => {
    expect(p.trades.map((t) => [t.line, t.instrument.symbol, t.side, t.sizeContracts, t.price, t.kind])).toEqual([
      [20, 'BTC-PERPETUAL', 'buy', 3000, 100_000, 'trade'],
      [19, 'BTC-31JAN25-105000-C', 'buy', 2, 0.025, 'trade'],
      [18, 'BTC-31JAN25-95000-P', 'sell', 3, 0.012, 'trade'],
      [16, 'BTC-PERPETUAL', 'sell', 1000, 102_000, 'trade'],
      [15, 'BTC-28MAR25', 'sell', 5000, 103_000, 'trade'],
      [12, 'BTC-31JAN25-105000-C', 'sell', 1, 0.03, 'trade'],
      [11, 'BTC-31JAN25-95000-P', 'buy', 2, 0.008, 'trade'],
      [10, 'BTC-31JAN25-95000-P', 'buy', 1, 0.004, 'trade'],
      [9, 'BTC-28MAR25', 'buy', 2000, 104_000, 'trade'],
      [5, 'BTC-PERPETUAL', 'sell', 2000, 106_000, 'trade'],
      [2, 'BTC-31JAN25-105000-C', 'sell', 1, 2500 / 107_500, 'delivery']
    ])
    expect(new Date(p.trades[0]!.tradedAtMs).toISOString()).toBe('2025-01-27T10:00:00.000Z')
    expect(p.reportedPositions!.map((r) => [r.instrument.symbol, r.sizeContracts])).toEqual([
      ['BTC-PERPETUAL', 0], ['BTC-31JAN25-105000-C', 0], ['BTC-31JAN25-95000-P', 0], ['BTC-28MAR25', -3000]
    ])
  })
})

describe('the next statement of the same account (ISO dates, CRLF): it does not start at the opening', () => {
  const p = parse(FEBRUARY)

  it('opens at the balance before its first row, which is where the previous statement closed', () => {
    expect(p.issues).toEqual([])
    expect(p.openingBalances).toMatchObject([{ currency: 'BTC', amount: 1.51348471, line: 8 }])
    expect(p.openingBalances[0]!.amount).toBe(parse(JANUARY).closingBalances[0]!.amount)
    expect(p.closingBalances).toMatchObject([{ currency: 'BTC', amount: 1.79283777, line: 2 }])
    expect(p.notes).toContain("The file starts with a balance of 1.51348471 BTC (before line 8): the account's earlier history is not in it.")
  })

  it('says how much futures P&L is realised but not yet settled into cash at the end of the file', () => {
    // Line 3: the BTC-28MAR25 short bought back at 101,500 after settling at 102,000 on line 5.
    expect(p.cashFlows.filter((c) => c.kind === 'session_pnl').map((c) => [c.line, c.amount])).toEqual([[3, 0.00144886]])
    expect(p.notes).toContain('0.00144886 BTC of futures P&L realised after the last settlement is not cash yet: Deribit books it at the next 08:00 UTC settlement.')
  })

  it('a settlement row without its price is booked, and warned about, but gives no settlement', () => {
    const text = fixture(FEBRUARY).text.replace('settlement,short,,,-30000,104000,', 'settlement,short,,,-30000,,')
    const q = parseStatement(text, FEBRUARY)
    expect(q.settlements.map((s) => s.line)).toEqual([5, 4])
    expect(q.issues).toEqual([{ file: FEBRUARY, line: 8, column: 'Price', severity: 'warning', reason: "a settlement of BTC-28MAR25 without its settlement price: the position's unsettled P&L cannot be measured from it" }])
    expect(q.cashFlows.filter((c) => c.line === 8).map((c) => [c.kind, c.amount])).toEqual([['settlement', 0.01068376]])
  })
})

describe('one currency per file', () => {
  it('takes it from the instruments when the file name does not say it, and says so', () => {
    const p = parseStatement(fixture(FEBRUARY).text, 'deribit-export.csv')
    expect(p.accountName).toBe('Deribit BTC')
    expect(p.closingBalances.map((b) => b.currency)).toEqual(['BTC'])
    expect(p.notes).toContain('Currency BTC taken from the instruments: the file name does not say it (Deribit names its logs transaction_log-<uid>-<CCY>-….csv).')
  })
})
