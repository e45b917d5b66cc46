/**
 * Bybit Unified Trading Account "Account Change Details" as exported: a `UID: …,Company Name: ,Country: `
 * line, 20-decimal numbers, `--` for not applicable, newest first (research notes §2.1). The
 * fixture holds a USDT linear perpetual, an inverse perpetual margined in BTC, a USDC perpetual
 * with its 8-hourly session settlement, spot legs and transfers.
 */
import { describe, expect, it } from 'vitest'
import { parseStatement } from '../../src-main/importers/registry'
import { commit, emptyBook, fixture, positionsOf } from '../support/import-book'

const FILE = 'bybit-uta-account-change-details.csv'
const HEADER = 'Uid,Currency,Contract,Type,Direction,Quantity,Position,Filled Price,Funding,Fee Paid,Cash Flow,Change,Wallet Balance,Action,Time(UTC)'

describe('Bybit UTA transaction log with its preamble line', () => {
  const p = parseStatement(fixture(FILE).text, FILE)

  it('is detected after the preamble; fills in the contract\'s unit at the Filled Price', () => {
    expect(p).toMatchObject({ format: 'bybit-transaction-log', formatLabel: 'Bybit transaction log (Unified Trading Account)', issues: [] })
    expect(p.trades.map((t) => [t.line, t.instrument.symbol, t.side, t.sizeContracts, t.price, t.fee])).toEqual([
      [4, 'BTCUSD', 'buy', 20_000, 80_000, 0.000125],
      [5, 'ETHUSDT', 'sell', 1.2, 1850, 1.221],
      [6, 'ETHUSDT', 'sell', 0.8, 1850, 0.814],
      [7, 'BTCPERP', 'sell', 0.1, 96_500, 5.3075],
      [11, 'BTCPERP', 'buy', 0.1, 95_000, 5.225],
      [14, 'BTCUSD', 'sell', 20_000, 82_000, 0.00013415],
      [17, 'ETHUSDT', 'buy', 2, 1800, 1.98]
    ])
  })

  it('books Change = Cash Flow + Funding + Fee Paid in those parts; USDT and inverse settlements are funding only', () => {
    expect(p.cashFlows.map((c) => [c.line, c.kind, c.currency, c.amount])).toEqual([
      [3, 'transfer', 'USDT', -1000],
      [4, 'trade_pnl', 'BTC', 0.00609756], // 20,000 × (1/80,000 − 1/82,000)
      [4, 'fee', 'BTC', -0.000125],
      [5, 'trade_pnl', 'USDT', 60],
      [5, 'fee', 'USDT', -1.221],
      [6, 'trade_pnl', 'USDT', 40],
      [6, 'fee', 'USDT', -0.814],
      [7, 'trade_pnl', 'USDC', 50],
      [7, 'fee', 'USDC', -5.3075],
      [8, 'funding', 'USDT', 0.18],
      [9, 'funding', 'BTC', -0.00000122],
      [10, 'settlement', 'USDC', 100], // the USDC perpetual's session P&L, 0.1 × (96,000 − 95,000)
      [10, 'funding', 'USDC', -0.95],
      [11, 'fee', 'USDC', -5.225],
      [12, 'funding', 'USDT', -0.36],
      [13, 'funding', 'BTC', 0.00000244],
      [14, 'fee', 'BTC', -0.00013415],
      [15, 'trade', 'SOL', 10],
      [15, 'fee', 'SOL', -0.01],
      [16, 'trade', 'USDT', -1500],
      [17, 'fee', 'USDT', -1.98],
      [18, 'transfer', 'USDC', 2000],
      [19, 'transfer', 'USDT', 5000]
    ])
  })

  it('only the USDC perpetual\'s settlement, which prints a price, is a settlement', () => {
    expect(p.settlements).toEqual([{ line: 10, atMs: Date.parse('2025-04-02T00:00:00Z'), instrument: { venue: 'bybit', symbol: 'BTCPERP' }, price: 96_000 }])
  })

  it('a spot coin the file margins nothing in (SOL) is a holding: its legs move SOLUSDT spot, not cash', () => {
    const sol = p.cashFlows.filter((c) => c.currency === 'SOL')
    expect(sol.map((c) => [c.movesCash, c.positionEffect])).toEqual([
      [false, { instrument: { venue: 'bybit', symbol: 'SOLUSDT', hints: { product: 'spot' } }, deltaContracts: 10 }],
      [false, { instrument: { venue: 'bybit', symbol: 'SOLUSDT', hints: { product: 'spot' } }, deltaContracts: -0.01 }]
    ])
    expect(p.closingBalances.map((b) => b.currency)).toEqual(['USDT', 'BTC', 'USDC'])
    expect(p.notes).toEqual(['SOL appears only on spot and transfer rows: it is held as the SOLUSDT spot position, not cash (its Wallet Balance after line 15 is 9.99).'])
    const { db, bookId } = emptyBook()
    commit(db, bookId, fixture(FILE))
    expect(positionsOf(db, 'Bybit').SOLUSDT).toEqual({ size: 9.99, avg: null, kind: 'spot' })
  })
})

describe('Bybit UTA rows whose Change does not carry the Cash Flow', () => {
  const log = (rows: string[]): ReturnType<typeof parseStatement> => parseStatement([HEADER, ...rows].join('\n') + '\n', 'uta.csv')

  it('a USDC perpetual\'s close whose P&L waits for the session settlement: session P&L that moves no cash', () => {
    const p = log([
      '1,USDC,BTCPERP,TRADE,SELL,0.1,0,96500,0,-5.3075,50,-5.3075,994.6925,CLOSE,2025-04-02 03:10:00',
      '1,USDC,,TRANSFER_IN,--,0,0,0,0,0,1000,1000,1000,--,2025-04-02 03:00:00'
    ])
    expect(p.issues).toEqual([])
    expect(p.cashFlows.filter((c) => c.line === 2).map((c) => [c.kind, c.amount, c.movesCash ?? true])).toEqual([['fee', -5.3075, true], ['session_pnl', 50, false]])
  })

  it('elsewhere a warning naming the numbers, and the ledger follows Change', () => {
    const p = log(['1,USDT,ETHUSDT,TRADE,SELL,1,0,1850,0,-1,60,58.9,1058.9,CLOSE,2025-04-02 05:00:00'])
    expect(p.issues).toEqual([{ file: 'uta.csv', line: 2, column: 'Change', severity: 'warning', reason: 'Change 58.9 is not Cash Flow 60 plus funding 0 and fee -1 (59): booked as Change says' }])
    expect(p.cashFlows.map((c) => [c.kind, c.amount])).toEqual([['trade_pnl', 59.9], ['fee', -1]])
  })
})

describe('Bybit EU spot legs, two rows in the shape of a real export (20 decimals, "--" Action; research notes §2.1), our own numbers', () => {
  const text = [
    'UID: 1234567,Company Name: ,Country: ',
    HEADER,
    '1234567,BTC,BTCEUR,TRADE,SELL,-0.00004000000000000000,0.00000000000000000000,52000.00000000000000000000,0.00000000000000000000,0.00000000000000000000,-0.00004000000000000000,-0.00004000000000000000,0.00010000000000000000,--,2026-06-05 08:22:50',
    '1234567,EUR,BTCEUR,TRADE,SELL,2.08000000000000000000,0.00000000000000000000,52000.00000000000000000000,0.00000000000000000000,-0.00520000000000000000,2.08000000000000000000,2.07480000000000000000,12.07480000000000000000,--,2026-06-05 08:22:50',
    ''
  ].join('\n')

  it('a sale of BTC for EUR: the EUR leg is cash with its fee, the BTC leg the BTC holding; no trade of a contract', () => {
    const p = parseStatement(text, 'AssetChangeDetails_uta_1234567_20260605_20260605_0.csv')
    expect(p.issues).toEqual([])
    expect(p.trades).toEqual([])
    expect(p.cashFlows.map((c) => [c.line, c.kind, c.currency, c.amount, c.movesCash ?? true, c.positionEffect?.instrument.symbol ?? null])).toEqual([
      [3, 'trade', 'BTC', -0.00004, false, 'BTCUSDT'],
      [4, 'trade', 'EUR', 2.08, true, null],
      [4, 'fee', 'EUR', -0.0052, true, null]
    ])
    expect(p.closingBalances.map((b) => [b.currency, b.amount])).toEqual([['EUR', 12.0748]])
    expect(p.openingBalances.map((b) => [b.currency, b.amount])).toEqual([['EUR', 10]])
  })
})
