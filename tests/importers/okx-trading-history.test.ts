/**
 * OKX "Trading account history" as downloaded since 2023: the 17-column layout after a
 * `UID:…,Account Type:…,Time Zone:UTC+3` line (a byte-order mark before each of its cells), and
 * the 2023 19-column layout (research notes §1.1–1.3; its spot rows follow the shape of a real 2023 export, with our own numbers).
 */
import { describe, expect, it } from 'vitest'
import { parseStatement } from '../../src-main/importers/registry'
import { commit, emptyBook, fixture, positionsOf } from '../support/import-book'

const CURRENT = 'okx-trading-history-utc3.csv'
const Y2023 = 'okx-trading-history-2023.csv'
const parse = (name: string) => parseStatement(fixture(name).text, name)

describe('OKX trading history, current 17 columns, UTC+3', () => {
  const p = parse(CURRENT)

  it('is detected after its preamble line and reads its times in the zone the preamble names', () => {
    expect(p).toMatchObject({ format: 'okx-bills', formatLabel: 'OKX trading history (bills, current layout)', issues: [] })
    expect(p.notes[0]).toBe("Times are in UTC+3, as the file's first line says: converted to UTC.")
    // Line 18: 2025-03-03 10:05:12 in UTC+3.
    expect(new Date(p.trades.find((t) => t.line === 18)!.tradedAtMs).toISOString()).toBe('2025-03-03T07:05:12.000Z')
  })

  it('fills: contracts at the Filled Price, the fee as paid', () => {
    expect(p.trades.map((t) => [t.line, t.instrument.symbol, t.side, t.sizeContracts, t.price, t.fee, t.feeCurrency])).toEqual([
      [8, 'BTC-USD-SWAP', 'buy', 20, 90_000, 0.00001111, 'BTC'],
      [9, 'BTC-USD-250328-100000-C', 'buy', 2, 0.015, 0.000006, 'BTC'],
      [11, 'BTC-USDT-SWAP', 'sell', 30, 93_000, 13.95, 'USDT'],
      [14, 'BTC-USD-SWAP', 'sell', 20, 92_000, 0.00001087, 'BTC'],
      [18, 'BTC-USDT-SWAP', 'buy', 50, 90_000, 9, 'USDT']
    ])
  })

  it('books each Balance Change in its parts: realised P&L, fee, option premium, funding, spot legs, transfers', () => {
    const flows = p.cashFlows.map((c) => [c.line, c.kind, c.currency, c.amount, c.movesCash ?? true, c.positionEffect?.instrument.symbol ?? null])
    expect(flows).toEqual([
      [3, 'internal_transfer', 'USDT', -1000, true, null],
      [4, 'trade', 'ETH', -0.6, false, 'ETH-USDT'],
      [5, 'trade', 'USDT', 920, true, null],
      [5, 'fee', 'USDT', -0.92, true, null],
      [6, 'trade', 'ETH', -0.4, false, 'ETH-USDT'],
      [7, 'trade', 'USDT', 1380, true, null],
      [7, 'fee', 'USDT', -1.38, true, null],
      [8, 'realised_pnl', 'BTC', 0.00048309, true, null],
      [8, 'fee', 'BTC', -0.00001111, true, null],
      [9, 'fee', 'BTC', -0.000006, true, null],
      [9, 'premium', 'BTC', -0.0003, true, null], // Balance Change −0.000306 less PnL 0 and fee
      [10, 'funding', 'USDT', 0.9, true, null],
      [11, 'realised_pnl', 'USDT', 900, true, null],
      [11, 'fee', 'USDT', -13.95, true, null],
      [12, 'trade', 'USDT', -4550, true, null],
      [13, 'trade', 'BTC', 0.05, true, null], // BTC margins BTC-USD-SWAP here: bought BTC is collateral
      [13, 'fee', 'BTC', -0.00005, true, null],
      [14, 'fee', 'BTC', -0.00001087, true, null],
      [15, 'funding', 'USDT', -4.5, true, null],
      [16, 'trade', 'ETH', 2, false, 'ETH-USDT'],
      [16, 'fee', 'ETH', -0.002, false, 'ETH-USDT'],
      [17, 'trade', 'USDT', -4400, true, null],
      [18, 'fee', 'USDT', -9, true, null],
      [19, 'internal_transfer', 'USDT', 10000, true, null]
    ])
  })

  it('reports cash balances for USDT and the margin coin BTC; ETH, only ever bought and sold spot, is a holding', () => {
    expect(p.closingBalances.map((b) => [b.currency, b.amount, b.line])).toEqual([['USDT', 3221.15, 3], ['BTC', 0.25010511, 8]])
    expect(p.openingBalances.map((b) => [b.currency, b.amount, b.line])).toEqual([['USDT', 0, 19], ['BTC', 0.2, 14]])
    expect(p.notes).toContain('ETH appears only on spot and transfer rows: it is held as the ETH-USDT spot position, not cash (its Balance after line 4 is 0.998).')
  })

  it('committed: positions in contracts, and the ETH holding is 2 bought − 0.002 fee − 1 sold', () => {
    const { db, bookId } = emptyBook()
    commit(db, bookId, fixture(CURRENT))
    expect(positionsOf(db, 'OKX')).toMatchObject({
      'BTC-USD-250328-100000-C': { size: 2, kind: 'option' },
      'BTC-USDT-SWAP': { size: 20, avg: 90_000, kind: 'perpetual' },
      'ETH-USDT': { size: expect.closeTo(0.998, 12), kind: 'spot' }
    })
  })

  it('a derivative Amount not in contracts is rejected, naming the column', () => {
    const text = fixture(CURRENT).text.replace('Close long,30.00000000,cont,', 'Close long,0.30000000,BTC,')
    expect(parseStatement(text, CURRENT).issues).toEqual([
      { file: CURRENT, line: 11, column: 'Trading Unit', reason: "Amount is in 'BTC', not contracts: export the history with contract units", severity: 'rejected' }
    ])
  })

  it('the zone may be UTC−5:30 or plain UTC', () => {
    const at = (zone: string): number => parseStatement(fixture(CURRENT).text.replace('Time Zone:UTC+3', `Time Zone:${zone}`), CURRENT).trades.find((t) => t.line === 18)!.tradedAtMs
    expect(new Date(at('UTC-5:30')).toISOString()).toBe('2025-03-03T15:35:12.000Z')
    expect(new Date(at('UTC')).toISOString()).toBe('2025-03-03T10:05:12.000Z')
  })
})

describe('OKX trading history, 2023 19 columns (0E-8 zeros, no preamble)', () => {
  const p = parse(Y2023)

  it('USDT perpetual fills, funding and a spot sale of BTC held as a coin', () => {
    expect(p).toMatchObject({ formatLabel: 'OKX trading history (bills, 2023 layout)', issues: [] })
    expect(p.trades.map((t) => [t.line, t.instrument.symbol, t.side, t.sizeContracts, t.price])).toEqual([
      [2, 'ETH-USDT-SWAP', 'buy', 10, 1860],
      [6, 'ETH-USDT-SWAP', 'sell', 10, 1870.5]
    ])
    expect(p.cashFlows.map((c) => [c.line, c.kind, c.currency, c.amount, c.movesCash ?? true])).toEqual([
      [2, 'realised_pnl', 'USDT', 10.5, true],
      [2, 'fee', 'USDT', -0.93, true],
      [3, 'trade', 'USDT', 755, true],
      [3, 'fee', 'USDT', -0.604, true],
      [4, 'trade', 'BTC', -0.025, false],
      [5, 'funding', 'USDT', 0.0374, true],
      [6, 'fee', 'USDT', -0.93525, true]
    ])
    expect(p.closingBalances.map((b) => b.currency)).toEqual(['USDT'])
    expect(p.notes).toEqual([
      'Times taken as UTC: the file does not say its zone (newer OKX exports name it in a first line, "UID:…,Time Zone:UTC+8").',
      'BTC appears only on spot and transfer rows: it is held as the BTC-USDT spot position, not cash (its Balance after line 4 is 0).'
    ])
  })
})
