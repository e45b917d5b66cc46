/**
 * The explain service's choices (dates, markets, refusals), its handler and `cli explain`'s output,
 * on the demo book with a moved market stored beside its own.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { saveMarketSnapshot } from '../../src-main/book/market-repository'
import { bookContexts } from '../../src-main/services/book-context'
import type { ServiceContext } from '../../src-main/services/service-context'
import { explainBook, explainInstant } from '../../src-main/services/explain/explain-service'
import { explainHandlers } from '../../src-main/services/explain/handlers'
import { InvalidDocumentError, MissingDataError, NotFoundError } from '../../src-main/services/errors'
import { explainCommand, explainUsageError } from '../../src-main/cli/explain-command'
import { ExplainPnlRequest, ExplainPnlResponse } from '../../src-preload/contract/explain'
import { DAY_MS, demoWithMovedMarket, type DemoPair } from '../engine/explain/demo-fixture'

const open: DemoPair[] = []
afterEach(() => {
  for (const t of open.splice(0)) t.close()
})
const pair = (move: number, volPoints: number): DemoPair => {
  const t = demoWithMovedMarket(move, volPoints)
  open.push(t)
  return t
}

describe('explain service: instants and markets', () => {
  it('a date means its end-of-day instant, 08:00 UTC unless told; an instant needs its zone', () => {
    expect(new Date(explainInstant('2026-11-21', '08:00', 'fromUtc')).toISOString()).toBe('2026-11-21T08:00:00.000Z')
    expect(new Date(explainInstant('2026-11-21', '16:30', 'fromUtc')).toISOString()).toBe('2026-11-21T16:30:00.000Z')
    expect(explainInstant('2026-11-21T09:15:00+01:00', '08:00', 'toUtc')).toBe(Date.parse('2026-11-21T08:15:00Z'))
    expect(() => explainInstant('2026-11-21T09:15:00', '08:00', 'toUtc')).toThrow(InvalidDocumentError)
    expect(() => explainInstant('yesterday', '08:00', 'toUtc')).toThrow(/neither a date/)
  })

  it('each date takes the newest market at or before its end of day', () => {
    // The demo market is as of 2026-11-20 09:00 UTC, the moved one a day later: the EODs of the 21st and 22nd.
    const t = pair(0.01, 0)
    const e = explainBook(t.db, { bookId: t.bookId, fromUtc: '2026-11-21', toUtc: '2026-11-22' })
    expect(e.fromMarket.id).toBe(t.market.id)
    expect(e.toMarket.id).toBe(t.moved.id)
    expect(new Date(e.window.fromMs).toISOString()).toBe('2026-11-21T08:00:00.000Z')
    expect(e.elapsedYears * 365).toBeCloseTo(1, 9)
    // The demo's positions are seeded, not traded: the one assumption that leaves is said.
    expect(e.notes).toEqual([
      "36 of 36 positions are not wholly accounted for by the book's trades (a statement's position snapshot, a hand edit, the demo's seed): the part no trade explains is taken as held throughout the window (ours); import the trades of the window to explain them exactly"
    ])
  })

  it('a newer market that lacks an underlying held is passed over for one that prices the whole book', () => {
    const t = pair(0.01, 0)
    const btcOnly = { ...t.moved, id: 'btc-only', asOfMs: t.moved.asOfMs + 3600_000, indexUsd: { BTC: t.moved.indexUsd.BTC! }, forwardsUsd: { BTC: t.moved.forwardsUsd.BTC! } }
    saveMarketSnapshot(t.db, btcOnly)
    const e = explainBook(t.db, { bookId: t.bookId, fromUtc: t.fromUtc, toUtc: new Date(btcOnly.asOfMs + 1).toISOString() })
    expect(e.toMarket.id).toBe(t.moved.id)
    expect(e.notExplained).toEqual([])
  })

  it('one market for both instants is said, not hidden', () => {
    const t = pair(0.01, 0)
    const e = explainBook(t.db, { bookId: t.bookId, fromUtc: t.fromUtc, toUtc: new Date(Date.parse(t.fromUtc) + 3600_000).toISOString() })
    expect(e.fromMarket.id).toBe(e.toMarket.id)
    expect(e.notes.join(' ')).toMatch(/same market snapshot/)
    expect(Math.abs(e.book.usd.delta)).toBe(0)
  })

  it('refuses what it cannot explain, naming why', () => {
    const t = pair(0.01, 0)
    expect(() => explainBook(t.db, { bookId: t.bookId, fromUtc: '2020-01-01', toUtc: '2026-11-22' })).toThrow(MissingDataError)
    expect(() => explainBook(t.db, { bookId: t.bookId, fromUtc: '2026-11-22', toUtc: '2026-11-21' })).toThrow(/must be after/)
    expect(() => explainBook(t.db, { bookId: 999, fromUtc: '2026-11-21', toUtc: '2026-11-22' })).toThrow(NotFoundError)
  })
})

describe('explainPnl handler and cli explain', () => {
  const handlerOf = (t: DemoPair) => explainHandlers({ db: t.db, bookContext: bookContexts(t.db) } as unknown as ServiceContext).explainPnl
  const fetchOf = (t: DemoPair) => async (req: ExplainPnlRequest) => ExplainPnlResponse.parse(handlerOf(t)(ExplainPnlRequest.parse(req)))

  it('the reply fits the contract, its components in waterfall order, the book total their sum', () => {
    const t = pair(0.05, 3)
    const reply = ExplainPnlResponse.parse(handlerOf(t)(ExplainPnlRequest.parse({ bookId: t.bookId, fromUtc: t.fromUtc, toUtc: t.toUtc })))
    expect(reply.components.map((c) => c.name)).toEqual(['delta', 'gamma', 'vega', 'theta', 'vanna', 'volga', 'charm', 'veta', 'newTrades', 'closes', 'funding', 'fees', 'currency', 'residual'])
    expect(reply.components.filter((c) => !c.published).map((c) => c.name)).toEqual(['newTrades', 'closes', 'funding', 'currency'])
    const waterfall = reply.components.reduce((s, c) => s + reply.book.usd[c.name], 0)
    expect(Math.abs(waterfall - reply.book.usd.total)).toBeLessThan(1e-9)
    expect(reply.elapsedDays).toBeCloseTo(1, 9)
    expect(() => ExplainPnlRequest.parse({ bookId: t.bookId, fromUtc: t.fromUtc, toUtc: t.toUtc, eodUtc: '8am' })).toThrow()
  })

  it('prints per account and underlying, in the settlement currency and USD, with the residual and the total', async () => {
    const t = pair(0.05, 3)
    const lines: string[] = []
    const code = await explainCommand(fetchOf(t), { out: (s) => lines.push(s) }, { bookId: t.bookId, from: t.fromUtc, to: t.toUtc, json: false })
    const text = lines.join('\n')
    expect(code).toBe(0)
    expect(text).toMatch(/P&L explain 2026-11-20 09:00 UTC → 2026-11-21 09:00 UTC/)
    expect(text).toMatch(/Deribit main \(deribit\)/)
    expect(text).toMatch(/Underlying\s+Unit\s+Delta\s+Gamma\s+Vega\s+Theta\s+Vanna\s+Volga\s+Charm\s+Veta\s+New trades\s+Closes\s+Funding\s+Fees\s+Currency\s+Residual\s+Total/)
    expect(text).toMatch(/^BTC\s+BTC\s+-?\d/m)
    expect(text).toMatch(/^ETH\s+USDC\s+-?\d/m)
    expect(text).toMatch(/^Book\s+-?\d/m)
    expect(text).toMatch(/Residual \(full revaluation minus the explained parts\): -?\d+\.\d\d USD \(\d+\.\d\d % of the P&L\)/)
    expect(text).toMatch(/New trades, Closes, Funding, Currency: our documented rule/)
  })

  it('--json prints the reply itself', async () => {
    const t = pair(0.01, 0)
    const lines: string[] = []
    await explainCommand(fetchOf(t), { out: (s) => lines.push(s) }, { bookId: t.bookId, from: '2026-11-21', to: '2026-11-22', json: true })
    const reply = ExplainPnlResponse.parse(JSON.parse(lines.join('\n')))
    expect(reply.fromUtc).toBe('2026-11-21T08:00:00.000Z')
    expect(reply.rows.length).toBeGreaterThan(36)
  })

  it('an empty book says there is nothing to explain', async () => {
    const t = pair(0.01, 0)
    const live = t.db.prepare("SELECT id FROM books WHERE kind = 'live'").get() as { id: number }
    const lines: string[] = []
    await explainCommand(fetchOf(t), { out: (s) => lines.push(s) }, { bookId: live.id, from: t.fromUtc, to: t.toUtc, json: false })
    expect(lines.join('\n')).toMatch(/Nothing to explain/)
  })

  it('says what the arguments lack', () => {
    expect(explainUsageError({ from: '2026-11-21', to: undefined })).toMatch(/--to DATE/)
    expect(explainUsageError({ from: '2026-11-21', to: '2026-11-22', eod: '25:00' })).toMatch(/--eod/)
    expect(explainUsageError({ from: '2026-11-21', to: '2026-11-22' })).toBeNull()
    // A day the calendar has not is refused, never rolled over (Date.parse makes 2026-02-30 the 2nd of March).
    expect(explainUsageError({ from: '2026-02-30', to: '2026-03-02' })).toBe('--from "2026-02-30": 2026-02-30 is not a day of the calendar')
    expect(explainUsageError({ from: '2026-02-27', to: '2026-02-29T08:00:00Z' })).toBe('--to "2026-02-29T08:00:00Z": 2026-02-29 is not a day of the calendar')
    expect(explainUsageError({ from: '2028-02-29', to: '2028-03-01' })).toBeNull()
    expect(explainUsageError({ from: 'yesterday', to: '2026-11-22' })).toMatch(/--from "yesterday" is neither a date/)
    expect(DAY_MS).toBe(86_400_000)
  })
})
