/** Binance "generate all statements" and USD-M futures Transaction History: flows only, cash by coin and wallet. */
import { describe, expect, it } from 'vitest'
import { fixture } from '../support/import-book'
import { parseStatement } from '../../src-main/importers/registry'
import { planImport } from '../../src-main/importers/plan'
import { binanceTime, zoneFromFileName } from '../../src-main/importers/formats/binance-common'
import type { ParsedStatement } from '../../src-main/importers/statement'

const STATEMENT = 'binance-transaction-history-202611011200(UTC+3)-part1-of1.csv'
const USDM = 'binance-futures-transaction-history-202611011200(UTC+3)-part1-of1.csv'
const parse = (name: string, text = fixture(name).text): ParsedStatement => parseStatement(text, name)
const iso = (ms: number): string => new Date(ms).toISOString()
const cashBy = (p: ParsedStatement): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const f of p.cashFlows) if (f.movesCash !== false) out[f.currency] = (out[f.currency] ?? 0) + f.amount
  return out
}

describe('Binance statement, current layout (User ID,Time,…; zone in the file name)', () => {
  it('reads two- and four-digit years in the file name\'s zone (UTC+3)', () => {
    const p = parse(STATEMENT)
    expect(p).toMatchObject({ format: 'binance-statement', accountName: 'Binance 862706699', rowsTotal: 16, issues: [] })
    expect(iso(p.cashFlows[0]!.atMs)).toBe('2026-09-30T09:00:00.000Z')
    expect(iso(p.cashFlows.at(-1)!.atMs)).toBe('2026-10-05T07:00:00.000Z')
  })

  it('cash coins and every futures-wallet row move cash; the ledger sums per coin to the statement\'s cash change', () => {
    const p = parse(STATEMENT)
    // USDT: deposit, the spot purchase, the two transfer legs (net 0), futures fees, funding and
    // realised P&L, Earn interest; the Earn subscription stays the user's. BTC: the Coin-M wallet's margin.
    expect(cashBy(p)).toEqual({
      USDT: expect.closeTo(10_000 - 3062.5 - 5000 + 5000 - 0.245002 - 0.122502 - 0.18375 - 0.1488 + 4.496 + 0.12, 9),
      BTC: 0.01,
      EUR: 500
    })
    const byLine = (line: number) => p.cashFlows.find((f) => f.line === line)!
    expect(byLine(7)).toMatchObject({ kind: 'internal_transfer', currency: 'USDT', amount: 5000, movesCash: true, note: 'USD-M Futures: Transfer Between Spot Account and UM Futures Account' })
    expect(byLine(15)).toMatchObject({ kind: 'internal_transfer', currency: 'USDT', amount: -1000, movesCash: false })
  })

  it('other coins in the Spot wallet are a holding: bought, fee, and the part moved to Coin-M futures', () => {
    const p = parse(STATEMENT)
    expect(p.cashFlows.filter((f) => f.currency === 'BTC').map((f) => [f.line, f.movesCash, f.positionEffect?.deltaContracts ?? null])).toEqual([
      [4, false, 0.05],
      [5, false, -0.00005],
      [13, false, -0.01],
      [14, true, null]
    ])
    const changes = planImport(p, new Map(), new Set(), new Set()).changes
    expect(changes.map((c) => [c.key, c.after.sizeContracts])).toEqual([['binance:BTCUSDT', expect.closeTo(0.03995, 12)]])
  })

  it('states no balances: closing and opening are empty, and a note says the cash is the sum of the flows', () => {
    const p = parse(STATEMENT)
    expect(p.closingBalances).toEqual([])
    expect(p.openingBalances).toEqual([])
    expect(p.notes[0]).toMatch(/^Binance statements carry flows only, no balances: the book's cash per coin is the sum of these flows/)
  })

  it('bad rows are rejected by line and column: unknown operation, out-of-range change, impossible time', () => {
    const text = fixture(STATEMENT)
      .text.replace('Spot,Deposit,USDT,10000', 'Spot,Teleport,USDT,10000')
      .replace('Spot,Transaction Spend,USDT,-3062.5', 'Spot,Transaction Spend,USDT,1e308')
      .replace('26-09-30 12:05:00,Spot,Transaction Buy', '26-02-30 12:05:00,Spot,Transaction Buy')
      .replace('Transaction Fee,BTC,-0.00005', 'Transaction Fee,BTC,NaN')
    expect(parse(STATEMENT, text).issues.map((i) => [i.line, i.column, i.reason])).toEqual([
      [2, 'Operation', "unknown operation 'Teleport'"],
      [3, 'Change', "'1e308' is out of range: no cash amount exceeds 10^15"],
      [4, 'Time', "'26-02-30 12:05:00' is not a date and time like 2026-05-29 18:25:01"],
      [5, 'Change', "'NaN' is not a number"]
    ])
  })

  it('the older UTC_Time layout is UTC whatever the file name says, and Earn moves of a coin move nothing', () => {
    const p = parse('binance-statement-sample.csv')
    expect(iso(p.cashFlows[0]!.atMs)).toBe('2024-02-01T09:00:00.000Z')
    expect(p.cashFlows.find((f) => f.line === 6)).toMatchObject({ kind: 'internal_transfer', currency: 'BTC', movesCash: false })
    expect(p.cashFlows.find((f) => f.line === 6)!.positionEffect).toBeUndefined()
    expect(cashBy(p)).toEqual({ USDT: 5000 - 4300.5 - 1.25 })
  })

  it('the oldest layout, UTC_Time without User_ID, is read too, under a plain Binance account', () => {
    const text = fixture('binance-statement-sample.csv').text.split('\n').map((l) => l.replace(/^[^,]*,/, '')).join('\n')
    const p = parse('binance-statement-sample.csv', text)
    expect(p).toMatchObject({ format: 'binance-statement', accountName: 'Binance' })
    expect(cashBy(p)).toEqual({ USDT: 5000 - 4300.5 - 1.25 })
  })
})

describe('Binance USD-M futures transaction history', () => {
  it('the newer Time,Type,… header takes the file name\'s zone; every row is futures-wallet cash', () => {
    const p = parse(USDM)
    expect(p).toMatchObject({ format: 'binance-usdm-history', issues: [], closingBalances: [], openingBalances: [] })
    expect(p.cashFlows.map((f) => [f.line, f.kind, f.amount, iso(f.atMs), f.externalId])).toEqual([
      [2, 'transfer', 5000, '2026-09-30T09:10:00.000Z', 'binance:usdm:9100000001:TRANSFER'],
      [3, 'fee', -0.245002, '2026-10-01T07:15:02.000Z', 'binance:usdm:9100000002:COMMISSION'],
      [4, 'fee', -0.122502, '2026-10-01T07:15:02.000Z', 'binance:usdm:9100000003:COMMISSION'],
      [5, 'funding', -0.18375, '2026-10-01T08:00:00.000Z', 'binance:usdm:9100000004:FUNDING_FEE'],
      [6, 'fee', -0.1488, '2026-10-02T06:00:00.000Z', 'binance:usdm:9100000005:COMMISSION'],
      [7, 'realised_pnl', 4.496, '2026-10-02T06:00:00.000Z', 'binance:usdm:9100000005:REALIZED_PNL']
    ])
    expect(cashBy(p)).toEqual({ USDT: expect.closeTo(5000 - 0.245002 - 0.122502 - 0.18375 - 0.1488 + 4.496, 9) })
    expect(p.notes[0]).toMatch(/flows only, no balances: the book's cash per asset is the sum of these flows/)
  })

  it('the old Date(UTC),type,… header keeps its ids and rejects bad rows by line and column', () => {
    const p = parse('binance-usdm-transaction-history.csv')
    expect(p.cashFlows[0]).toMatchObject({ externalId: 'binance:usdm:900001:FUNDING_FEE', amount: -1.23456, atMs: Date.parse('2024-05-01T08:00:00Z') })
    expect(p.issues.map((i) => [i.line, i.column, i.reason])).toEqual([
      [7, 'type', "unknown income type 'MYSTERY_BONUS'"],
      [8, 'Amount', 'empty']
    ])
  })
})

describe('Binance file-name time zones and times', () => {
  it('reads the zone Binance writes into file names', () => {
    expect(zoneFromFileName('Binance-Futures-Trade-History-202611011200(UTC+3)-part1-of1.csv')).toBe(180)
    expect(zoneFromFileName('/home/me/Binance-Transaction-History-202611011200(UTC-6)-part1-of1.csv')).toBe(-360)
    expect(zoneFromFileName('Binance-Futures-Trade-History-202611011200(UTC--6)-part1-of1.csv')).toBe(-360)
    expect(zoneFromFileName('x(UTC+5:30).csv')).toBe(330)
    expect(zoneFromFileName('x(UTC).csv')).toBe(0)
    expect(zoneFromFileName('statement.csv')).toBeNull()
  })

  it('two-digit years are 20yy; impossible dates are null', () => {
    expect(iso(binanceTime('23-09-20 18:46:46', 0)!)).toBe('2023-09-20T18:46:46.000Z')
    expect(iso(binanceTime('2023-09-20 18:46:46', 180)!)).toBe('2023-09-20T15:46:46.000Z')
    expect(binanceTime('2023-02-29 10:00:00', 0)).toBeNull()
    expect(binanceTime('2023-09-20 24:00:00', 0)).toBeNull()
  })
})
