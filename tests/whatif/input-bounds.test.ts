/**
 * Input bounds (docs/METHODOLOGY.md §9) at the API's entry points: the trade ticket, position
 * edits, the scenario editor, hedge requests and opening balances refuse 1e308, -1e308, NaN and
 * Infinity by field; a ticket or a held position whose USD notional is beyond any market is
 * refused before margin, so no figure prints Infinity or NaN. The contract repeats the engine's
 * numbers (it imports nothing but zod): they must stay equal.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { apiMethods } from '../../src-preload/contract/api'
import { BOUND_MAX } from '../../src-preload/contract/bounds'
import { INPUT_BOUNDS, boundProblem, clipMessage, MAX_REASON_CHARS, quoteInput } from '../../src-main/engine/instruments/bounds'
import { parseSymbol } from '../../src-main/engine/instruments/parse-symbol'
import { resolvePosition } from '../../src-main/engine/positions/resolve-position'
import { openBook } from '../../src-main/book/open-book'
import type { BookDb } from '../../src-main/book/database'
import { findBook, listBooks } from '../../src-main/book/books-repository'
import { listHeldPositions } from '../../src-main/book/positions-repository'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import { copyBook } from '../../src-main/book/whatif-repository'
import { buildMarketView, type MarketView } from '../../src-main/engine/market/market-view'
import { bookMargin } from '../../src-main/services/margin-service'
import { marginView } from '../../src-main/services/margin-view'
import { resolveTicket, TicketError } from '../../src-main/services/whatif/trade-ticket'

const NOT_FINITE_OR_HUGE = [1e308, -1e308, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]

/** The field paths a request schema refuses `payload` on, [] when it accepts it. */
function refusedFields(method: keyof typeof apiMethods, payload: unknown): string[] {
  const r = apiMethods[method].request.safeParse(payload)
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'))
}

describe('the bounds module', () => {
  it('states every bound with a reason; the contract repeats the same numbers', () => {
    for (const [kind, b] of Object.entries(INPUT_BOUNDS)) {
      expect(b.max, kind).toBeGreaterThan(0)
      expect(b.why.length, kind).toBeGreaterThan(20)
    }
    for (const [kind, max] of Object.entries(BOUND_MAX)) expect(max, kind).toBe(INPUT_BOUNDS[kind as keyof typeof INPUT_BOUNDS].max)
  })

  it('boundProblem: NaN is not a number; Infinity and 1e308 are out of range; the bound itself is accepted', () => {
    expect(boundProblem('price', Number.NaN)).toBe('is not a number')
    expect(boundProblem('price', Number.POSITIVE_INFINITY)).toBe('is out of range: no price exceeds 10^9')
    expect(boundProblem('sizeContracts', -1e308)).toBe('is out of range: no size exceeds 10^14')
    expect(boundProblem('price', 1e9)).toBeNull()
    expect(boundProblem('fundingRate8h', -0.03)).toBeNull()
  })

  it('quoteInput clips at 40 characters and says how long the input was; clipMessage bounds a whole message', () => {
    expect(quoteInput('1e308')).toBe("'1e308'")
    expect(quoteInput('x'.repeat(10 * 1024 * 1024))).toBe(`'${'x'.repeat(40)}…' (10,485,760 characters)`)
    expect(quoteInput('ab', '"')).toBe('"ab"')
    expect(clipMessage('y'.repeat(5000))).toHaveLength(MAX_REASON_CHARS + ' (message clipped: 5,000 characters)'.length + 1)
  })

  it('symbols: a strike or contract size beyond its bound is a SymbolError, and the symbol is clipped in it', () => {
    expect(() => parseSymbol('deribit', `BTC-28JUN24-${'9'.repeat(400)}-C`)).toThrow(/^deribit symbol "BTC-28JUN24-9{28}…" \(414 characters\): strike Infinity is out of range: no strike exceeds 10\^9$/)
    expect(() => parseSymbol('ibkr', 'ESH5', { contractSize: 1e300, expiryMs: Date.UTC(2025, 2, 21) })).toThrow('ibkr symbol "ESH5": contract size 1e+300 is out of range: no contract size exceeds 10^9')
    expect(parseSymbol('okx', 'BTC-USDT-SWAP').contractSize).toBe(0.01)
  })
})

describe('request schemas refuse non-finite and implausible numbers, by field', () => {
  const ticket = { accountId: 1, symbol: 'BTC-PERPETUAL', side: 'buy', sizeContracts: 10 }

  it.each(NOT_FINITE_OR_HUGE)('%s', (x) => {
    expect(refusedFields('quoteTrades', { bookId: 1, tickets: [{ ...ticket, sizeContracts: x }] })).toEqual(['tickets.0.sizeContracts'])
    expect(refusedFields('applyTrades', { bookId: 1, tickets: [{ ...ticket, price: x }] })).toEqual(['tickets.0.price'])
    expect(refusedFields('editPositions', { bookId: 1, resize: [{ positionId: 1, sizeContracts: x }] })).toEqual(['resize.0.sizeContracts'])
    expect(refusedFields('runScenario', { bookId: 1, scenario: { days: 0, underlyings: { BTC: { priceMode: 'value', priceAmount: x, volMode: 'abs', volAmount: 0, termResponse: false } } } })).toEqual([
      'scenario.underlyings.BTC.priceAmount'
    ])
    const group = { bookId: 1, account: 'a', currency: 'BTC', riskUnit: null, method: 'deribit-pm' }
    expect(refusedFields('suggestHedge', { ...group, deltaBand: [-1, x] })).toContain('deltaBand.1')
    expect(refusedFields('suggestHedge', { ...group, moneyness: [0.5, x] }).length).toBeGreaterThan(0)
    expect(refusedFields('greekHedge', { bookId: 1, account: 'a', underlying: 'BTC', mode: 'targets', bands: { vega: [x, 1] } })).toContain('bands.vega.0')
    expect(refusedFields('esHedge', { bookId: 1, account: 'a', moneyness: [x, 2] }).length).toBeGreaterThan(0)
  })

  it('normal values pass; the bounds are generous', () => {
    expect(refusedFields('quoteTrades', { bookId: 1, tickets: [{ ...ticket, sizeContracts: 5_000_000, price: 250_000 }] })).toEqual([])
    expect(refusedFields('editPositions', { bookId: 1, resize: [{ positionId: 1, sizeContracts: -1e12 }] })).toEqual([])
    expect(refusedFields('greekHedge', { bookId: 1, account: 'a', underlying: 'BTC', mode: 'targets', bands: { delta: [-50, 50], vega: [-1e6, 1e6] } })).toEqual([])
  })

  it('opening balances: the cash bound, as the cash contract states it', async () => {
    const { OpeningBalanceChoice } = await import('../../src-preload/contract/cash')
    for (const amount of NOT_FINITE_OR_HUGE) expect(OpeningBalanceChoice.safeParse({ currency: 'BTC', amount }).success, String(amount)).toBe(false)
    expect(OpeningBalanceChoice.safeParse({ currency: 'BTC', amount: -2e15 }).error?.issues[0]?.message).toBe('not a plausible balance (no cash amount exceeds 10^15)')
    expect(OpeningBalanceChoice.safeParse({ currency: 'SHIB', amount: 9e14 }).success).toBe(true)
  })
})

describe('a notional beyond any market is refused before margin', () => {
  let db: BookDb
  let liveId: number
  let view: MarketView
  beforeAll(() => {
    db = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-bounds-')), 'book.sqlite')).db
    liveId = listBooks(db).find((b) => b.kind === 'demo')!.id
    view = buildMarketView(loadMarketSnapshot(db, findBook(db, liveId)!.marketSnapshotId!)!)
  })
  const deribitMain = (bookId: number): number => (db.prepare("SELECT id FROM accounts WHERE book_id = ? AND name = 'Deribit main'").get(bookId) as { id: number }).id

  it('the ticket: 10^14 BTC-PERPETUAL contracts ($10 each) is refused on sizeContracts; 10^6 is priced', () => {
    const id = copyBook(db, liveId, { name: 'Big idea' })
    const ticket = { accountId: deribitMain(id), symbol: 'BTC-PERPETUAL', side: 'buy' as const, sizeContracts: 1e14 }
    let refused: unknown
    try {
      resolveTicket(db, id, view, ticket)
    } catch (e) {
      refused = e
    }
    expect(refused).toBeInstanceOf(TicketError)
    expect(refused).toMatchObject({ field: 'sizeContracts', message: '100000000000000 contracts of BTC-PERPETUAL is 1.00e+15 USD of notional: out of range: no USD notional exceeds 10^13 USD' })
    expect(resolveTicket(db, id, view, { ...ticket, sizeContracts: 1e6 }).notionalUsd).toBeCloseTo(1e7, 0)
  })

  it('a held position of 1e308 contracts is not covered, with the reason; every other figure stays finite', () => {
    const held = listHeldPositions(db, liveId)
    const perp = held.find((p) => p.instrument.symbol === 'BTC-PERPETUAL')!
    const huge = held.map((p) => (p === perp ? { ...p, sizeContracts: 1e308 } : p))
    expect(resolvePosition(perp.instrument, 1e308, view)).toMatchObject({ ok: false, reason: 'implausible' })
    const m = marginView(bookMargin(huge, view, { addOns: true }))
    expect(m.notCovered).toContainEqual({ account: perp.accountName, symbol: 'BTC-PERPETUAL', reason: expect.stringMatching(/^deribit:BTC-PERPETUAL: its size 1e\+308 contracts is out of range: no size exceeds 10\^14 \(docs\/METHODOLOGY\.md §9\): check the position$/) })
    const numbers = JSON.stringify(m).match(/-?\d[\d.e+-]*|null|NaN|Infinity/g) ?? []
    expect(numbers).not.toContain('NaN')
    expect(JSON.stringify(m)).not.toMatch(/Infinity|NaN/)
    for (const a of m.accounts) for (const r of a.results) expect(Number.isFinite(r.initialMargin), `${a.account} ${r.method}`).toBe(true)
  })
})
