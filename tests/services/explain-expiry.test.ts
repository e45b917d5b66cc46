/**
 * The P&L explain over an expiry: the demo book's 27 November 2026 options expire between its own
 * market (20 November) and the `to` market eight days later. Without a settlement price they are
 * listed as not explained; with the venue's delivery price they run to their payoff, whether the book
 * still holds them or has settled them (settle-expired.ts), and their P&L is in every total.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { listHeldPositions } from '../../src-main/book/positions-repository'
import { deliveryPriceRecorder } from '../../src-main/book/expiry-repository'
import { setBookMarketSnapshot } from '../../src-main/book/books-repository'
import { listAccounts } from '../../src-main/book/accounts-repository'
import { upsertInstrument } from '../../src-main/book/instruments-repository'
import { insertTrades } from '../../src-main/book/trades-repository'
import { ledgerRowInserter } from '../../src-main/book/import-repository'
import { parseSymbol } from '../../src-main/engine/instruments/parse-symbol'
import { isPriced, type Instrument } from '../../src-main/engine/instruments/instrument'
import { valuePosition } from '../../src-main/engine/valuation/position-valuation'
import { explainBook } from '../../src-main/services/explain/explain-service'
import { notExplainedByReason } from '../../src-preload/contract/explain'
import { settleExpired, settlementCash } from '../../src-main/services/expiry/settle-expired'
import { DAY_MS, demoWithMovedMarket, type DemoPair } from '../engine/explain/demo-fixture'

const open: DemoPair[] = []
afterEach(() => {
  for (const t of open.splice(0)) t.close()
})

const EXPIRY_MS = Date.parse('2026-11-27T08:00:00Z')
const DELIVERY_USD: Record<string, number> = { BTC: 93_000, ETH: 3_300 }

/** The demo book with a `to` market eight days on (2 % up, +1 vol point): past the 27 November expiry. */
function overTheExpiry(): DemoPair & { expiring: { account: string; instrument: Instrument; sizeContracts: number }[] } {
  const t = demoWithMovedMarket(0.02, 1, 8 * DAY_MS)
  open.push(t)
  const expiring = listHeldPositions(t.db, t.bookId)
    .filter((p) => isPriced(p.instrument) && p.instrument.expiryMs === EXPIRY_MS)
    .map((p) => ({ account: p.accountName, instrument: p.instrument as Instrument, sizeContracts: p.sizeContracts }))
  return { ...t, expiring }
}

const deliver = (t: DemoPair): void => {
  const record = deliveryPriceRecorder(t.db)
  for (const [underlying, priceUsd] of Object.entries(DELIVERY_USD)) record({ venue: 'deribit', underlying, expiryMs: EXPIRY_MS, priceUsd, source: "the venue's delivery price", importId: null })
}

/** Independently: the settlement cash the book books at expiry (settle-expired.ts) less the position's value at the `from` market (valuation module). */
const expectedRevaluation = (t: DemoPair, p: { instrument: Instrument; sizeContracts: number }): number =>
  settlementCash(p.instrument, p.sizeContracts, DELIVERY_USD[p.instrument.underlying]!, null)! - valuePosition(p.instrument, p.sizeContracts, 1, t.from).valueSettle

describe('P&L explain over an expiry (demo book, 20 → 28 November 2026)', () => {
  it('without a settlement price, the expired options are listed as not explained, naming what to import', () => {
    const t = overTheExpiry()
    expect(t.expiring.map((p) => p.instrument.symbol).sort()).toEqual(['BTC-27NOV26-90000-P', 'BTC-27NOV26-95000-C', 'ETH-27NOV26-3200-C'])
    const e = explainBook(t.db, { bookId: t.bookId, fromUtc: t.fromUtc, toUtc: t.toUtc })
    expect(e.notExplained.map((n) => n.symbol).sort()).toEqual(['BTC-27NOV26-90000-P', 'BTC-27NOV26-95000-C', 'ETH-27NOV26-3200-C'])
    for (const n of e.notExplained) expect(n.reason).toMatch(/expired between the two instants and no settlement price is known: .*import the venue's statement with its delivery/)
    // The reason names the expiry and what to import, not the position (its row does): one line per
    // underlying and expiry in the CLI and the report, however many positions wait on it.
    expect(notExplainedByReason(e.notExplained).map((g) => [g.count, g.reason])).toEqual([
      [2, "expired between the two instants and no settlement price is known: expired 2026-11-27 08:00 UTC, awaiting its settlement price (import the venue's statement with its delivery, or daily BTC history covering the expiry)"],
      [1, "expired between the two instants and no settlement price is known: expired 2026-11-27 08:00 UTC, awaiting its settlement price (import the venue's statement with its delivery, or daily ETH history covering the expiry)"]
    ])
  })

  it("with the venue's delivery price they run to their payoff, and the totals hold their P&L", () => {
    const t = overTheExpiry()
    deliver(t)
    const e = explainBook(t.db, { bookId: t.bookId, fromUtc: t.fromUtc, toUtc: t.toUtc })
    expect(e.notExplained).toEqual([])
    for (const p of t.expiring) {
      const r = e.rows.find((row) => row.symbol === p.instrument.symbol)!
      expect(r.settle.revaluation, p.instrument.symbol).toBeCloseTo(expectedRevaluation(t, p), 9)
      expect(r.notes[0]).toBe(`expired 2026-11-27 08:00 UTC, before the "to" instant: valued at its settlement price, ${DELIVERY_USD[p.instrument.underlying]} USD (the venue's delivery price)`)
    }
    // Where the prices come from is said with the totals, not only on the rows.
    const taylor = 'their Taylor terms run to the expiry (theta over the life they had left, not the days between the markets) and what second order misses of the payoff is in their residual'
    expect(e.notes).toContain(`2 positions expired before the "to" instant, valued at the deribit BTC settlement price of 2026-11-27 08:00 UTC: 93000 USD (the venue's delivery price); ${taylor}`)
    expect(e.notes).toContain(`1 position expired before the "to" instant, valued at the deribit ETH settlement price of 2026-11-27 08:00 UTC: 3300 USD (the venue's delivery price); ${taylor}`)
    // In USD: the payoff's coins at the "to" index, less the value at "from" at the "from" index.
    const btcCall = t.expiring.find((p) => p.instrument.symbol === 'BTC-27NOV26-95000-C')!
    const call = e.rows.find((r) => r.symbol === btcCall.instrument.symbol)!
    const [x0, x1] = [t.market.indexUsd.BTC!, t.moved.indexUsd.BTC!]
    expect(call.usd.total).toBeCloseTo(settlementCash(btcCall.instrument, btcCall.sizeContracts, 93_000, null)! * x1 - valuePosition(btcCall.instrument, btcCall.sizeContracts, 1, t.from).valueSettle * x0, 6)
  })

  it('settled by the book in the window, they are explained exactly as while still held', () => {
    const held = overTheExpiry()
    deliver(held)
    const before = explainBook(held.db, { bookId: held.bookId, fromUtc: held.fromUtc, toUtc: held.toUtc })
    // The book moves to the later market: its expired positions settle at the delivery price and leave the open book.
    setBookMarketSnapshot(held.db, held.bookId, held.moved.id)
    expect(settleExpired(held.db, held.bookId)).toEqual({ settled: 3, awaiting: 0 })
    expect(listHeldPositions(held.db, held.bookId).filter((p) => isPriced(p.instrument) && p.instrument.expiryMs === EXPIRY_MS)).toEqual([])
    const after = explainBook(held.db, { bookId: held.bookId, fromUtc: held.fromUtc, toUtc: held.toUtc })
    expect(after.notExplained).toEqual([])
    for (const p of held.expiring) {
      const a = after.rows.find((r) => r.symbol === p.instrument.symbol)!
      const b = before.rows.find((r) => r.symbol === p.instrument.symbol)!
      expect(a.sizeToContracts).toBe(0)
      expect(a.settle.revaluation).toBeCloseTo(b.settle.revaluation, 12)
      expect(a.notes[1]).toBe(`${p.sizeContracts > 0 ? 'long' : 'short'} ${Math.abs(p.sizeContracts)} contracts settled at expiry`)
    }
    expect(after.book.usd.revaluation).toBeCloseTo(before.book.usd.revaluation, 6)
  })

  it("closed by the venue's settlement row (the position deleted), it is rebuilt from its trades: no phantom, no loss", () => {
    const t = overTheExpiry()
    deliver(t)
    const account = listAccounts(t.db, t.bookId).find((a) => a.venue === 'deribit')!
    const fromMs = t.market.asOfMs
    // Two calls the demo does not hold: one bought before the window, one inside it; both settled by
    // the venue's delivery rows, which closed (deleted) their positions, as closeSettledByVenue does.
    const before = parseSymbol('deribit', 'BTC-27NOV26-100000-C') as Instrument
    const inside = parseSymbol('deribit', 'BTC-27NOV26-90000-C') as Instrument
    const fills = [
      { instrument: before, atMs: fromMs - 2 * DAY_MS, size: 2, price: 0.01 },
      { instrument: inside, atMs: fromMs + DAY_MS, size: 3, price: 0.04 }
    ]
    insertTrades(t.db, fills.map((f, k) => ({ accountId: account.id, instrumentId: upsertInstrument(t.db, f.instrument), importId: null, externalId: `test:${k}`, tradedAtMs: f.atMs, side: 'buy', sizeContracts: f.size, price: f.price, fee: 0, feeCurrency: null })))
    const ledger = ledgerRowInserter(t.db)
    for (const f of fills) ledger.add({ accountId: account.id, importId: null, externalId: `test:delivery:${f.instrument.symbol}`, atMs: EXPIRY_MS, kind: 'delivery', currency: 'BTC', amount: settlementCash(f.instrument, f.size, 93_000, null)!, instrumentSymbol: f.instrument.symbol, note: null, movesCash: true })
    ledger.flush()
    const e = explainBook(t.db, { bookId: t.bookId, fromUtc: t.fromUtc, toUtc: t.toUtc })
    expect(e.notExplained).toEqual([])
    const held = e.rows.find((r) => r.symbol === before.symbol)!
    expect([held.sizeFromContracts, held.sizeToContracts]).toEqual([2, 0])
    expect(held.settle.revaluation).toBeCloseTo(expectedRevaluation(t, { instrument: before, sizeContracts: 2 }), 9)
    // Bought inside the window: no short at "from" (its trade is after it), the payoff less its price.
    const bought = e.rows.find((r) => r.symbol === inside.symbol)!
    expect([bought.sizeFromContracts, bought.sizeToContracts]).toEqual([0, 0])
    expect(bought.settle.newTrades).toBeCloseTo(settlementCash(inside, 3, 93_000, null)! - 3 * 0.04, 12)
    expect(bought.settle.revaluation).toBe(bought.settle.newTrades)
  })

  it("a snapshot position (no trades) the venue's settlement row closed is listed, not left out", () => {
    const t = overTheExpiry()
    deliver(t)
    // What closeSettledByVenue does on a statement's delivery row: the position row goes.
    const call = t.expiring.find((p) => p.instrument.symbol === 'BTC-27NOV26-95000-C')!
    const account = listAccounts(t.db, t.bookId).find((a) => a.name === call.account)!
    t.db.prepare('DELETE FROM positions WHERE account_id = ? AND instrument_id = (SELECT id FROM instruments WHERE venue = ? AND symbol = ?)').run(account.id, 'deribit', call.instrument.symbol)
    const ledger = ledgerRowInserter(t.db)
    ledger.add({ accountId: account.id, importId: null, externalId: 'test:delivery', atMs: EXPIRY_MS, kind: 'delivery', currency: 'BTC', amount: 0, instrumentSymbol: call.instrument.symbol, note: null, movesCash: true })
    ledger.flush()
    const e = explainBook(t.db, { bookId: t.bookId, fromUtc: t.fromUtc, toUtc: t.toUtc })
    expect(e.rows.find((r) => r.symbol === call.instrument.symbol)).toBeUndefined()
    expect(e.notExplained).toEqual([
      {
        account: call.account,
        symbol: call.instrument.symbol,
        reason: "closed by the venue's settlement or delivery row, and entered without trades (a statement's position snapshot): what was held before is not in the book, so its P&L to the expiry is not explained"
      }
    ])
  })
})
