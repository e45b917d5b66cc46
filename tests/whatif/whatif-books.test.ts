/**
 * What-if books: a copy is deep (editing it never changes the parent, row for row), the live book
 * refuses every edit, tickets round to lots and move premium, and a comparison's differences equal
 * the two books' results recomputed independently and subtracted.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import type { BookDb } from '../../src-main/book/database'
import { findBook, listBooks } from '../../src-main/book/books-repository'
import { listHeldPositions } from '../../src-main/book/positions-repository'
import { listBalances } from '../../src-main/book/balances-repository'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import { copyBook, deleteBook, renameBook, BookRefusedError } from '../../src-main/book/whatif-repository'
import { buildMarketView, type MarketView } from '../../src-main/engine/market/market-view'
import { bookMargin } from '../../src-main/services/margin-service'
import { marginParamSets } from '../../src-main/services/margin-params'
import { applyTrades, compareBooks, quoteTrades, resizeTickets, scaleTickets } from '../../src-main/services/whatif/whatif-service'
import { greeksByUnderlying } from '../../src-main/services/whatif/book-diff'
import { stressHistory, stressTest } from '../../src-main/services/stress-service'
import { tradableInstruments } from '../../src-main/services/whatif/trade-ticket'

const P = { params: undefined, paramsSource: 'shipped' }

/** Everything a book holds, by value: accounts, balances, positions. */
function snapshotOf(db: BookDb, bookId: number): unknown {
  return {
    book: findBook(db, bookId),
    positions: listHeldPositions(db, bookId),
    balances: listBalances(db, bookId),
    rows: db.prepare('SELECT p.* FROM positions p JOIN accounts a ON a.id = p.account_id WHERE a.book_id = ? ORDER BY p.id').all(bookId)
  }
}

let db: BookDb
let liveId: number
let view: MarketView

beforeEach(() => {
  const book = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-whatif-')), 'book.sqlite'))
  db = book.db
  liveId = listBooks(db).find((b) => b.kind === 'demo')!.id
  view = buildMarketView(loadMarketSnapshot(db, findBook(db, liveId)!.marketSnapshotId!)!)
})

const deribitMain = (bookId: number): number => (db.prepare("SELECT id FROM accounts WHERE book_id = ? AND name = 'Deribit main'").get(bookId) as { id: number }).id

describe('what-if copies', () => {
  it('copies accounts, balances and positions into new rows under a what-if book', () => {
    const id = copyBook(db, liveId, { name: 'Hedge idea' })
    const copy = findBook(db, id)!
    expect(copy).toMatchObject({ kind: 'whatif', parentId: liveId, name: 'Hedge idea', marketSnapshotId: findBook(db, liveId)!.marketSnapshotId, positionCount: 36, accountCount: 3 })
    const strip = (ps: ReturnType<typeof listHeldPositions>) => ps.map(({ positionId: _p, accountId: _a, ...rest }) => rest)
    expect(strip(listHeldPositions(db, id))).toEqual(strip(listHeldPositions(db, liveId)))
    const liveIds = new Set(listHeldPositions(db, liveId).map((p) => p.positionId))
    expect(listHeldPositions(db, id).some((p) => liveIds.has(p.positionId))).toBe(false)
    const cash = (bookId: number) => listBalances(db, bookId).map((b) => ({ account: b.accountName, currency: b.currency, amount: b.amount + (b.unsettledPnl ?? 0) }))
    expect(cash(id)).toEqual(cash(liveId))
  })

  it('is deep: trades, resizes, scaling, rename and delete of the copy never change the parent', () => {
    const before = snapshotOf(db, liveId)
    const id = copyBook(db, liveId, { name: 'Deep' })
    const account = deribitMain(id)
    applyTrades(db, id, view, [{ accountId: account, symbol: 'BTC-27NOV26-95000-C', side: 'sell', sizeContracts: 2 }])
    applyTrades(db, id, view, [{ accountId: account, symbol: 'BTC-25DEC26-100000-C', side: 'sell', sizeContracts: 1 }])
    const perp = listHeldPositions(db, id).find((p) => p.instrument.symbol === 'BTC-PERPETUAL')!
    applyTrades(db, id, view, resizeTickets(db, id, [{ positionId: perp.positionId, sizeContracts: 0 }]))
    applyTrades(db, id, view, scaleTickets(db, id, 2))
    renameBook(db, id, 'Deep 2')
    expect(listHeldPositions(db, id).find((p) => p.instrument.symbol === 'BTC-PERPETUAL')).toBeUndefined()
    expect(listHeldPositions(db, id).find((p) => p.instrument.symbol === 'BTC-27NOV26-95000-C')!.sizeContracts).toBeCloseTo(-14, 12)
    expect(snapshotOf(db, liveId)).toEqual(before)
    deleteBook(db, id)
    expect(findBook(db, id)).toBeUndefined()
    expect(snapshotOf(db, liveId)).toEqual(before)
  })

  it('a blank copy keeps the accounts and collateral, no positions', () => {
    const id = copyBook(db, liveId, { name: 'Blank', blank: true })
    expect(findBook(db, id)).toMatchObject({ positionCount: 0, accountCount: 3, parentId: liveId })
    expect(listBalances(db, id).length).toBe(listBalances(db, liveId).length)
  })

  it('the demo and the live book refuse every edit, naming why', () => {
    const before = snapshotOf(db, liveId)
    const account = deribitMain(liveId)
    expect(() => applyTrades(db, liveId, view, [{ accountId: account, symbol: 'BTC-PERPETUAL', side: 'buy', sizeContracts: 10 }])).toThrow(/is the demo book: it is a read-only sample/)
    expect(() => renameBook(db, liveId, 'x')).toThrow(BookRefusedError)
    expect(() => deleteBook(db, liveId)).toThrow(BookRefusedError)
    expect(snapshotOf(db, liveId)).toEqual(before)
    const live = listBooks(db).find((b) => b.kind === 'live')!
    expect(() => applyTrades(db, live.id, view, [{ accountId: account, symbol: 'BTC-PERPETUAL', side: 'buy', sizeContracts: 10 }])).toThrow(/is the live book: it changes only by importing statements/)
    expect(() => deleteBook(db, live.id)).toThrow(BookRefusedError)
  })

  it('a failing ticket in a batch books nothing', () => {
    const id = copyBook(db, liveId, { name: 'Atomic' })
    const before = snapshotOf(db, id)
    const account = deribitMain(id)
    expect(() => applyTrades(db, id, view, [
      { accountId: account, symbol: 'BTC-PERPETUAL', side: 'buy', sizeContracts: 10 },
      { accountId: account, symbol: 'BTC-27NOV26-12345-X', side: 'buy', sizeContracts: 1 }
    ])).toThrow(/BTC-27NOV26-12345-X/)
    expect(snapshotOf(db, id)).toEqual(before)
  })
})

describe('the trade ticket', () => {
  it('rounds to the lot, prices at the mark and moves the premium through the balance', () => {
    const id = copyBook(db, liveId, { name: 'Ticket' })
    const account = deribitMain(id)
    const mark = view.snapshot.marks['deribit:BTC-27NOV26-95000-C']!.price
    const btcBefore = listBalances(db, id).find((b) => b.accountName === 'Deribit main' && b.currency === 'BTC')!.amount
    const [t] = applyTrades(db, id, view, [{ accountId: account, symbol: 'BTC-27NOV26-95000-C', side: 'sell', sizeContracts: 1.04 }])
    expect(t!.sizeContracts).toBe(-1) // 1.04 → 10 lots of 0.1
    expect(t!.price).toBe(mark)
    expect(t!.cashAmount).toBeCloseTo(mark, 12) // premium received, coin per coin × 1 BTC
    const btcAfter = listBalances(db, id).find((b) => b.accountName === 'Deribit main' && b.currency === 'BTC')!.amount
    expect(btcAfter - btcBefore).toBeCloseTo(mark, 12)
    expect(() => applyTrades(db, id, view, [{ accountId: account, symbol: 'BTC-27NOV26-95000-C', side: 'sell', sizeContracts: 0.04 }])).toThrow(/less than one lot \(0.1 contracts\)/)
  })

  it('closing a future at the mark realises its P&L into the balance: equity is unchanged', () => {
    const id = copyBook(db, liveId, { name: 'Realise' })
    const account = deribitMain(id)
    const equity = (bookId: number) => bookMargin(listHeldPositions(db, bookId), view, { balances: listBalances(db, bookId), liquidation: false }).health.find((h) => h.pool === 'Deribit main · BTC')!.equity
    const before = equity(id)
    const btc = () => listBalances(db, id).find((b) => b.accountName === 'Deribit main' && b.currency === 'BTC')!.amount
    const cashBefore = btc()
    // −25,000 USD of BTC-PERPETUAL bought at 91,880.5, marked higher: closing it realises a loss.
    const [t] = applyTrades(db, id, view, [{ accountId: account, symbol: 'BTC-PERPETUAL', side: 'buy', sizeContracts: 25000 }])
    expect(t!.cashCurrency).toBe('BTC')
    expect(btc() - cashBefore).toBeCloseTo(t!.cashAmount, 12)
    expect(t!.cashAmount).not.toBe(0)
    expect(equity(id)).toBeCloseTo(before, 9)
    // A partial close of a dated future realises only the closed part, and keeps the average.
    const fut = listHeldPositions(db, id).find((p) => p.instrument.symbol === 'BTC-25DEC26')!
    applyTrades(db, id, view, [{ accountId: account, symbol: 'BTC-25DEC26', side: 'sell', sizeContracts: 2000 }])
    const after = listHeldPositions(db, id).find((p) => p.instrument.symbol === 'BTC-25DEC26')!
    expect(after.sizeContracts).toBe(fut.sizeContracts - 2000)
    expect(after.avgPrice).toBe(fut.avgPrice)
    expect(equity(id)).toBeCloseTo(before, 9)
  })

  it('lists the snapshot instruments with their lot sizes and marks', () => {
    const list = tradableInstruments(db, view)
    expect(list.length).toBe(36)
    const call = list.find((i) => i.symbol === 'BTC-27NOV26-95000-C')!
    expect(call).toMatchObject({ venue: 'deribit', lotSize: 0.1, priceCurrency: 'BTC', priceSource: 'mark', optionType: 'call', strikeUsd: 95000 })
  })

  it('the pre-trade quote is the two books recomputed, and writes nothing', () => {
    const before = snapshotOf(db, liveId)
    const account = deribitMain(liveId)
    const ticket = { accountId: account, symbol: 'BTC-25DEC26-110000-C', side: 'sell' as const, sizeContracts: 5 }
    const q = quoteTrades(db, liveId, view, [ticket], P)
    expect(snapshotOf(db, liveId)).toEqual(before)
    // Book the same ticket in a copy, recompute both books from scratch, subtract.
    const id = copyBook(db, liveId, { name: 'Check' })
    applyTrades(db, id, view, [{ ...ticket, accountId: deribitMain(id) }])
    const opts = { params: undefined, liquidation: false }
    const a = bookMargin(listHeldPositions(db, liveId), view, { ...opts, balances: listBalances(db, liveId) })
    const b = bookMargin(listHeldPositions(db, id), view, { ...opts, balances: listBalances(db, id) })
    const pm = (m: typeof a) => m.accounts.find((g) => g.account === 'Deribit main' && g.currency === 'BTC')!.results.find((r) => r.method === 'deribit-pm')!
    const row = q.diff.margin.find((r) => r.group === 'Deribit main · BTC' && r.method === 'deribit-pm')!
    expect(row.initialMargin.base).toBe(pm(a).initialMargin)
    expect(row.initialMargin.other).toBeCloseTo(pm(b).initialMargin, 9)
    expect(row.initialMargin.change).toBeCloseTo(pm(b).initialMargin - pm(a).initialMargin, 9)
    expect(row.initialMargin.change).toBeGreaterThan(0) // a naked short call adds margin
    const util = q.diff.health.find((h) => h.pool === 'Deribit main · BTC' && h.method === 'deribit-pm')!
    const hb = b.health.find((h) => h.pool === 'Deribit main · BTC')!.byMethod.find((x) => x.method === 'deribit-pm')!
    expect(util.imUtilisation.other).toBeCloseTo(hb.imUtilisation, 9)
  })
})

describe('compare', () => {
  it('every difference equals the two books recomputed and subtracted', async () => {
    const id = copyBook(db, liveId, { name: 'Compare' })
    const account = deribitMain(id)
    applyTrades(db, id, view, [
      { accountId: account, symbol: 'BTC-27NOV26-95000-C', side: 'sell', sizeContracts: 3 },
      { accountId: account, symbol: 'ETH-PERPETUAL', side: 'buy', sizeContracts: 20000 }
    ])
    const library = marginParamSets(undefined).stress
    const c = await compareBooks(db, liveId, id, view, P, library)
    const opts = { liquidation: false }
    const a = bookMargin(listHeldPositions(db, liveId), view, { ...opts, balances: listBalances(db, liveId) })
    const b = bookMargin(listHeldPositions(db, id), view, { ...opts, balances: listBalances(db, id) })
    let checked = 0
    for (const ga of a.accounts) {
      const gb = b.accounts.find((g) => g.account === ga.account && g.currency === ga.currency && g.riskUnit === ga.riskUnit)!
      for (const ra of ga.results) {
        const rb = gb.results.find((r) => r.method === ra.method)!
        const row = c.diff.margin.find((r) => r.account === ga.account && r.currency === ga.currency && r.riskUnit === ga.riskUnit && r.method === ra.method)!
        expect(row.initialMargin.change).toBeCloseTo(rb.initialMargin - ra.initialMargin, 9)
        expect(row.maintenanceMargin.change).toBeCloseTo(rb.maintenanceMargin - ra.maintenanceMargin, 9)
        checked++
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8)
    expect(c.diff.margin.some((r) => r.group === 'Deribit main · BTC' && r.initialMargin.change! > 0)).toBe(true)
    expect(c.diff.margin.filter((r) => r.account === 'OKX portfolio').every((r) => r.initialMargin.change === 0)).toBe(true)

    const ga = greeksByUnderlying(listHeldPositions(db, liveId), view)
    const gb = greeksByUnderlying(listHeldPositions(db, id), view)
    for (const g of c.greeks) {
      const x = ga.find((y) => y.underlying === g.underlying)!
      const y = gb.find((z) => z.underlying === g.underlying)!
      expect(g.deltaCoin.change).toBeCloseTo(y.deltaCoin - x.deltaCoin, 9)
      expect(g.vegaUsdPerPoint.change).toBeCloseTo(y.vegaUsdPerPoint - x.vegaUsdPerPoint, 9)
    }
    // +20,000 USD of ETH perpetual at ~3,070 USD: delta up by ~6.5 ETH.
    expect(c.greeks.find((g) => g.underlying === 'ETH')!.deltaCoin.change).toBeCloseTo(20000 / view.snapshot.marks['deribit:ETH-PERPETUAL']!.price, 6)

    const sa = await stressTest(listHeldPositions(db, liveId), view, stressHistory(db, ['BTC', 'ETH']), library)
    const sb = await stressTest(listHeldPositions(db, id), view, stressHistory(db, ['BTC', 'ETH']), library)
    expect(c.stress.length).toBe(sa.scenarios.length)
    for (const s of c.stress) {
      const x = sa.scenarios.find((y) => y.name === s.scenario)!.pnl
      const y = sb.scenarios.find((z) => z.name === s.scenario)!.pnl
      expect(s.pnlUsd.change).toBeCloseTo(y - x, 6)
    }
  })
})
