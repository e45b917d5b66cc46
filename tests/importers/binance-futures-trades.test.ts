/** Binance USD-M futures Trade History CSV: fills → trades; fees and realised P&L recorded, no cash. */
import { describe, expect, it } from 'vitest'
import { fixture } from '../support/import-book'
import { parseStatement } from '../../src-main/importers/registry'
import { planImport, resolveInstrument } from '../../src-main/importers/plan'
import { parseFeeCell } from '../../src-main/importers/formats/binance-futures-trades'
import type { ParsedStatement } from '../../src-main/importers/statement'

const FILE = 'binance-futures-trade-history-202611011200(UTC+3)-part1-of1.csv'
const parse = (name = FILE, text = fixture(FILE).text): ParsedStatement => parseStatement(text, name)
const iso = (ms: number): string => new Date(ms).toISOString()
/** Σ of the flows that move cash, per currency: what the statement does to the account's cash. */
const cashBy = (p: ParsedStatement): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const f of p.cashFlows) if (f.movesCash !== false) out[f.currency] = (out[f.currency] ?? 0) + f.amount
  return out
}

describe('Binance USD-M futures trade history', () => {
  it('is detected by its header (UTF-8 BOM, CRLF) and names the account by its Uid', () => {
    const { text } = fixture(FILE)
    expect(text.charCodeAt(0)).toBe(0xfeff)
    expect(text).toContain('\r\n')
    expect(parse()).toMatchObject({ format: 'binance-futures-trades', venue: 'binance', accountName: 'Binance 862706699', positions: null, issues: [] })
  })

  it('books each fill in the zone the file name states, two-digit years included', () => {
    const p = parse()
    expect(p.trades.map((t) => [t.line, t.instrument.symbol, t.side, t.sizeContracts, t.price, t.fee, t.feeCurrency, iso(t.tradedAtMs)])).toEqual([
      [2, 'BTCUSDT', 'buy', 0.01, 61250.5, 0.245002, 'USDT', '2026-10-01T07:15:02.000Z'],
      [3, 'BTCUSDT', 'buy', 0.005, 61251, 0.122502, 'USDT', '2026-10-01T07:15:02.000Z'],
      [4, 'BTCUSDT', 'sell', 0.006, 62000, 0.1488, 'USDT', '2026-10-02T06:00:00.000Z'],
      [5, 'ETHUSDT_261225', 'sell', 0.5, 2650.25, 0.265025, 'USDT', '2026-10-02T11:30:10.000Z'],
      [6, 'ETHUSDT_261225', 'buy', 0.2, 2640, 0.0004224, 'BNB', '2026-10-03T06:12:45.000Z']
    ])
    // Trade ids are per symbol at Binance: the symbol is part of the identity.
    expect(p.trades[0]!.externalId).toBe('binance:usdm-trade:BTCUSDT:5120000001')
  })

  it('BTCUSDT is the USD-M perpetual and BTCUSDT_261225 the dated future; quantities are coin', () => {
    const [perp, dated] = [parse().trades[0]!, parse().trades[3]!].map((t) => resolveInstrument(t.instrument))
    expect(perp).toMatchObject({ kind: 'perpetual', settlement: 'linear', contractSize: 1, settleCurrency: 'USDT' })
    expect(dated).toMatchObject({ kind: 'future', settlement: 'linear', contractSize: 1 })
    expect(iso((dated as { expiryMs: number }).expiryMs)).toBe('2026-12-25T08:00:00.000Z')
    const changes = planImport(parse(), new Map(), new Set(), new Set()).changes
    expect(changes.map((c) => [c.key, c.after.sizeContracts, c.after.avgPrice])).toEqual([
      ['binance:BTCUSDT', expect.closeTo(0.009, 12), expect.closeTo((0.01 * 61250.5 + 0.005 * 61251) / 0.015, 9)],
      ['binance:ETHUSDT_261225', expect.closeTo(-0.3, 12), 2650.25]
    ])
  })

  it('fees and realised P&L are recorded with ids of their own but move no cash; a note says where cash comes from', () => {
    const p = parse()
    expect(p.cashFlows.map((f) => [f.line, f.kind, f.currency, f.amount, f.movesCash, f.externalId])).toEqual([
      [2, 'fee', 'USDT', -0.245002, false, 'binance:usdm-trade:BTCUSDT:5120000001:fee'],
      [3, 'fee', 'USDT', -0.122502, false, 'binance:usdm-trade:BTCUSDT:5120000002:fee'],
      [4, 'fee', 'USDT', -0.1488, false, 'binance:usdm-trade:BTCUSDT:5120000107:fee'],
      [4, 'realised_pnl', 'USDT', 4.496, false, 'binance:usdm-trade:BTCUSDT:5120000107:pnl'],
      [5, 'fee', 'USDT', -0.265025, false, 'binance:usdm-trade:ETHUSDT_261225:310000021:fee'],
      [6, 'fee', 'BNB', -0.0004224, false, 'binance:usdm-trade:ETHUSDT_261225:310000022:fee'],
      [6, 'realised_pnl', 'USDT', 2.05, false, 'binance:usdm-trade:ETHUSDT_261225:310000022:pnl']
    ])
    expect(cashBy(p)).toEqual({})
    expect(p.closingBalances).toEqual([])
    expect(p.openingBalances).toEqual([])
    expect(p.notes[0]).toMatch(/move no cash.*COMMISSION and REALIZED_PNL rows of the futures Transaction History/)
  })

  it('an empty period ("No data matches the criteria.") has no trades and no issues, and says so', () => {
    const name = 'binance-futures-trade-history-202612010900(UTC+3)-part1-of1.csv'
    const p = parse(name, fixture(name).text)
    expect(p).toMatchObject({ format: 'binance-futures-trades', trades: [], cashFlows: [], issues: [], rowsTotal: 0 })
    expect(p.notes).toContain("The export says 'No data matches the criteria.': it holds no rows for its period.")
  })

  it('the legacy header (Time(UTC), Position Side, Trade Id) is read as UTC, and hedge mode is noted', () => {
    const name = 'binance-futures-trade-history-legacy.csv'
    const p = parse(name, fixture(name).text)
    expect(p.trades.map((t) => [t.side, t.sizeContracts, iso(t.tradedAtMs), t.externalId])).toEqual([
      ['buy', 0.02, '2024-05-01T09:12:30.000Z', 'binance:usdm-trade:BTCUSDT:4100000001'],
      ['sell', 0.01, '2024-05-01T09:40:00.000Z', 'binance:usdm-trade:BTCUSDT:4100000002']
    ])
    expect(p.notes.join(' ')).toMatch(/hedge mode/)
  })

  it('a current file without a zone in its name is read as UTC, with a note', () => {
    const p = parse('trades.csv')
    expect(iso(p.trades[0]!.tradedAtMs)).toBe('2026-10-01T10:15:02.000Z')
    expect(p.notes.join(' ')).toMatch(/does not state a time zone.*read as UTC/)
  })

  it('bad cells are rejected by line and column, never read as 0', () => {
    const text = fixture(FILE)
      .text.replace(',61250.5,0.010,', ',abc,0.010,')
      .replace(',61251,0.005,', ',61251,1e308,')
      .replace('0.14880000 USDT', 'lots')
      .replace('SELL,2650.25', 'HOLD,2650.25')
      .replace('2026-10-03 09:12:45,ETHUSDT_261225', '2026-13-03 09:12:45,BTCUSD_PERP')
    const p = parse(FILE, text)
    expect(p.trades).toEqual([])
    expect(p.issues.map((i) => [i.line, i.column, i.reason, i.severity])).toEqual([
      [2, 'Price', "'abc' is not a number", 'rejected'],
      [3, 'Quantity', "'1e308' is out of range: no size exceeds 10^14", 'rejected'],
      [4, 'Fee', "'lots' is not a fee with its asset, like 0.03682290USDT", 'rejected'],
      [5, 'Side', "'HOLD' is neither BUY nor SELL", 'rejected'],
      [6, 'Time', "'2026-13-03 09:12:45' is not a date and time like 2026-05-29 18:25:01", 'rejected'],
      [6, 'Symbol', "'BTCUSD_PERP' is not a USD-M futures symbol like BTCUSDT or BTCUSDT_250627", 'rejected']
    ])
  })

  it('fee cells carry their asset with or without a space; a bare number is in the margin asset', () => {
    expect(parseFeeCell('0.03682290USDT', 'USDT')).toEqual({ amount: 0.0368229, asset: 'USDT' })
    expect(parseFeeCell('0.29 USDT', 'USDT')).toEqual({ amount: 0.29, asset: 'USDT' })
    expect(parseFeeCell('-0.01 BNB', 'USDT')).toEqual({ amount: -0.01, asset: 'BNB' })
    expect(parseFeeCell('0.5', 'USDC')).toEqual({ amount: 0.5, asset: 'USDC' })
    expect(parseFeeCell('NaN USDT', 'USDT')).toBeNull()
    expect(parseFeeCell('1e308USDT', 'USDT')).toBeNull()
  })
})
