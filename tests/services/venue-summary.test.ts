/**
 * The replica against the venue (issue 22 §4, acceptance 4): a venue's own summary imported into a
 * real SQLite book and compared with the replica. Expected values are the venue's numbers read
 * from the fixture files (and, for the pools, the book's own bookMargin reply), never the engine's
 * output for the venue side.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import btcSimulate from '../fixtures/venues/deribit/pme-simulate-btc-2024-06-17.json'
import ethSimulate from '../fixtures/venues/deribit/pme-simulate-eth-2026-02-15.json'
import { openBook } from '../../src-main/book/open-book'
import { demoBook } from '../../src-main/book/books-repository'
import { accountsAtVenue } from '../../src-main/book/accounts-repository'
import { bookContexts } from '../../src-main/services/book-context'
import { bookMarginView, marginHandlers } from '../../src-main/services/margin/handlers'
import type { ServiceContext } from '../../src-main/services/service-context'
import { venueSummaryHandlers } from '../../src-main/services/venue-summary/handlers'
import { VenueComparisonResponse, ImportVenueSummaryResponse, type VenueComparisonResponse as VenueComparison } from '../../src-preload/contract/venue-summary'

const FIXTURES = join(import.meta.dirname, '../fixtures/venues')
const text = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8')

function freshBook() {
  const { db } = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-venue-summary-')), 'book.sqlite'))
  const contexts = bookContexts(db)
  const ctx = { db, bookContext: contexts } as unknown as ServiceContext
  // Wired as api-service wires it: the comparison reads the margin handlers' memoised bookMargin.
  const margin = marginHandlers(ctx)
  const handlers = venueSummaryHandlers(ctx, { margin: (bookId) => margin.bookMargin({ bookId }) })
  const demo = demoBook(db)!
  const count = (): number => (db.prepare('SELECT COUNT(*) AS n FROM venue_summaries').get() as { n: number }).n
  const audits = (): number => (db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'venue_summary'").get() as { n: number }).n
  return { db, contexts, handlers, demo, count, audits }
}

const within = (actual: number | null, expected: number, tol = 1e-9): void => {
  expect(actual, `replica missing where the venue says ${expected}`).not.toBeNull()
  expect(Math.abs(actual! - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol)
}

describe('acceptance 4: Deribit\'s published pme/simulate example imported as a venue summary', () => {
  const book = freshBook()
  const { handlers, demo, count } = book
  const imported = handlers.importVenueSummary({ bookId: demo.id, fileName: 'pme-simulate-btc-2024-06-17.json', text: text('deribit/pme-simulate-btc-2024-06-17.json') })
  let sim: VenueComparison['simulations'][number]
  beforeAll(async () => {
    const comparison = VenueComparisonResponse.parse(await handlers.venueComparison({ bookId: demo.id }))
    sim = comparison.simulations.find((s) => s.fileName === 'pme-simulate-btc-2024-06-17.json' && s.currency === 'BTC')!
  })

  it('is read as a Deribit simulation of BTC, matched to the demo book\'s only Deribit account, one row stored', () => {
    expect(ImportVenueSummaryResponse.parse(imported)).toMatchObject({ venue: 'deribit', kind: 'deribit-pme-simulate', duplicate: false, account: { name: 'Deribit main' } })
    expect(imported.entries.map((e) => [e.currency, e.initialMargin, e.maintenanceMargin])).toEqual([['BTC', btcSimulate.result.margins.btc.initial_margin, btcSimulate.result.margins.btc.maintenance_margin]])
    expect(imported.entries[0]!.asOfUtc).toBe('2024-06-17T10:22:20.501Z')
    expect(count()).toBe(1)
  })

  it('replica = venue to 1e-9 BTC in every aggregated_risk_vectors entry', () => {
    const venue = btcSimulate.result.aggregated_risk_vectors.btc_btc
    const rows = sim.vectors.filter((v) => v.vector === 'aggregated_risk_vectors.btc_btc')
    expect(rows).toHaveLength(venue.standard.length + venue.extended.length)
    venue.standard.forEach((x, i) => {
      const row = rows.find((r) => r.part === 'standard' && r.index === i)!
      expect(row.venue).toBe(x)
      within(row.replica, x)
    })
    venue.extended.forEach((x, i) => within(rows.find((r) => r.part === 'extended' && r.index === i)!.replica, x))
  })

  it('replica = venue to 1e-9 BTC in every initial_risk_vectors entry of each instrument', () => {
    for (const [name, venue] of Object.entries(btcSimulate.result.initial_risk_vectors)) {
      const rows = sim.vectors.filter((v) => v.vector === `initial_risk_vectors.${name}`)
      expect(rows, name).toHaveLength(venue.standard.length + venue.extended.length)
      venue.standard.forEach((x, i) => within(rows.find((r) => r.part === 'standard' && r.index === i)!.replica, x))
      venue.extended.forEach((x, i) => within(rows.find((r) => r.part === 'extended' && r.index === i)!.replica, x))
    }
    // Every entry has a replica, so the largest difference is stated, and it is within 1e-9.
    expect(sim.vectors).toHaveLength(3 * 35)
    expect(sim.maxVectorDifference).not.toBeNull()
    expect(sim.maxVectorDifference!).toBeLessThanOrEqual(1e-9)
  })

  it('worst case, roll shock, delta shock, risk-matrix margin and MM as the venue\'s, to 1e-9 BTC; labels say which scenario', () => {
    const details = btcSimulate.result.margins.btc.initial_margin_details
    const figure = (key: string) => sim.figures.find((f) => f.key === `result.margins.btc.${key}`)!
    within(figure('initial_margin_details.risk_matrix_margin_details.worst_case').replica, details.risk_matrix_margin_details.worst_case)
    within(figure('initial_margin_details.risk_matrix_margin_details.roll_shock').replica, details.risk_matrix_margin_details.roll_shock)
    within(figure('initial_margin_details.risk_matrix_margin_details.delta_shock').replica, details.risk_matrix_margin_details.delta_shock)
    within(figure('initial_margin_details.risk_matrix_margin').replica, details.risk_matrix_margin)
    within(sim.figures.find((f) => f.name === 'maintenance margin')!.replica, btcSimulate.result.margins.btc.maintenance_margin)
    // The venue's total IM holds MMP and open orders, which are not positions: shown, not replicated.
    const total = sim.figures.find((f) => f.name === 'initial margin (venue total)')!
    expect(total).toMatchObject({ venue: btcSimulate.result.margins.btc.initial_margin, replica: null })
    expect(total.note).toContain('mmp_margin 0.06')
    // The roll shock rests on our time function: labelled.
    expect(figure('initial_margin_details.risk_matrix_margin_details.roll_shock').published).toBe(false)
    // So is the sum it enters, and the note says which part is ours.
    expect(figure('initial_margin_details.risk_matrix_margin')).toMatchObject({ published: false, note: 'sums the components; roll shock: ours (see its row)' })
    expect(sim.vectors.find((v) => v.vector === 'aggregated_risk_vectors.btc_btc' && v.index === 1)!.scenario).toBe('price −16.0 %, vol unchanged')
  })

  it('the book holds that account: the book\'s replica MM of Deribit main · BTC beside the venue\'s, from the book\'s own bookMargin', () => {
    const pool = bookMarginView(book.contexts(demo.id)).health.find((h) => h.pool === 'Deribit main · BTC')!
    const row = sim.figures.find((f) => f.name.startsWith('maintenance margin: the book\'s replica'))!
    expect(row.name).toContain('Deribit main · BTC')
    expect(row.venue).toBe(btcSimulate.result.margins.btc.maintenance_margin)
    expect(row.replica).toBe(pool.byMethod.find((b) => b.method === 'deribit-pm')!.maintenanceMargin)
    // Two different portfolios: set side by side, never subtracted.
    expect(row.difference).toBeNull()
    expect(row.differencePct).toBeNull()
  })
})

describe('a live ETH pme/simulate response: pre-aggregated and aggregated vectors, venue = replica to 1e-9 ETH', () => {
  it('every entry', async () => {
    const { handlers, demo } = freshBook()
    handlers.importVenueSummary({ bookId: demo.id, fileName: 'eth.json', text: text('deribit/pme-simulate-eth-2026-02-15.json') })
    const sim = (await handlers.venueComparison({ bookId: demo.id })).simulations.find((s) => s.currency === 'ETH')!
    for (const [block, venue] of [['aggregated_risk_vectors', ethSimulate.result.aggregated_risk_vectors.eth_eth], ['pre_aggregated_risk_vectors', ethSimulate.result.pre_aggregated_risk_vectors.eth_eth]] as const) {
      const rows = sim.vectors.filter((v) => v.vector === `${block}.eth_eth`)
      venue.standard.forEach((x, i) => within(rows.find((r) => r.part === 'standard' && r.index === i)!.replica, x))
      venue.extended.forEach((x, i) => within(rows.find((r) => r.part === 'extended' && r.index === i)!.replica, x))
    }
    within(sim.figures.find((f) => f.name === 'maintenance margin')!.replica, ethSimulate.result.margins.eth.maintenance_margin)
  })
})

describe('a pme/simulate portfolio the replica cannot value', () => {
  it('an option without mark_iv in its ticker: the currency is not replicated, said so, and no vector entry claims a replica', async () => {
    const { handlers, demo } = freshBook()
    const doc = structuredClone(btcSimulate) as Record<string, any>
    doc.result.portfolio.position['BTC-28JUN24-70000-C'] = 1
    doc.result.ticker['BTC-28JUN24-70000-C'] = { mark_price: 0.01, index_price: 65666.19 }
    handlers.importVenueSummary({ bookId: demo.id, fileName: 'opt.json', text: JSON.stringify(doc) })
    const sim = (await handlers.venueComparison({ bookId: demo.id })).simulations.find((s) => s.fileName === 'opt.json')!
    expect(sim.notes).toContain('BTC not replicated: BTC-28JUN24-70000-C is an option and its ticker has no mark_iv: the replica cannot value it')
    expect(sim.vectors.every((v) => v.replica === null && v.difference === null)).toBe(true)
    expect(sim.maxVectorDifference).toBeNull()
    expect(sim.figures.find((f) => f.name === 'risk-matrix margin (replica IM)')!.replica).toBeNull()
  })
})

describe('Deribit get_account_summary matched to the demo book\'s Deribit account', () => {
  const { handlers, demo, contexts, db } = freshBook()
  const summary = JSON.parse(text('deribit/account-summary-btc-2026-11-20.json')) as { result: { equity: number; initial_margin: number; maintenance_margin: number } }

  it('venue beside replica per pool, the difference replica − venue from the venue\'s numbers and the book\'s bookMargin', async () => {
    const imported = handlers.importVenueSummary({ bookId: demo.id, fileName: 'account-summary-btc-2026-11-20.json', text: text('deribit/account-summary-btc-2026-11-20.json') })
    expect(imported.accountNote).toBe('matched to Deribit main, the book\'s only Deribit account')
    expect(imported.entries[0]).toMatchObject({ currency: 'BTC', marginModel: 'pm', asOfUtc: '2026-11-20T09:00:05.000Z' })
    const margin = bookMarginView(contexts(demo.id))
    const pool = margin.health.find((h) => h.pool === 'Deribit main · BTC')!
    const c = VenueComparisonResponse.parse(await handlers.venueComparison({ bookId: demo.id }))
    const row = c.pools.find((p) => p.pool === 'Deribit main · BTC')!
    expect(row).toMatchObject({ status: 'compared', method: 'deribit-pm', currency: 'BTC', kind: 'deribit-account-summary', accountId: accountsAtVenue(db, demo.id, 'deribit')[0]!.id })
    expect(row.venueInitialMargin).toBe(summary.result.initial_margin)
    expect(row.venueMaintenanceMargin).toBe(summary.result.maintenance_margin)
    expect(row.venueEquity).toBe(summary.result.equity)
    expect(row.replicaInitialMargin).toBe(pool.initialMargin)
    expect(row.replicaMaintenanceMargin).toBe(pool.maintenanceMargin)
    expect(row.initialMarginDifference).toBeCloseTo(pool.initialMargin - summary.result.initial_margin, 12)
    expect(row.initialMarginDifferencePct).toBeCloseTo(((pool.initialMargin - summary.result.initial_margin) / summary.result.initial_margin) * 100, 10)
    expect(row.maintenanceMarginDifference).toBeCloseTo(pool.maintenanceMargin - summary.result.maintenance_margin, 12)
    expect(row.equityDifference).toBeCloseTo(pool.equity - summary.result.equity, 12)
    // The other pools are listed too, plainly without a venue figure.
    expect(c.pools.find((p) => p.pool === 'Deribit main · ETH')).toMatchObject({ status: 'no venue summary', venueInitialMargin: null, initialMarginDifference: null })
  })

  it('a newer file with BTC and ETH (get_account_summaries) takes over both pools; the older BTC file is listed as superseded', async () => {
    handlers.importVenueSummary({ bookId: demo.id, fileName: 'summaries.json', text: text('deribit/account-summary-btc-eth-2026-11-20.json') })
    const c = await handlers.venueComparison({ bookId: demo.id })
    expect(c.pools.find((p) => p.pool === 'Deribit main · ETH')).toMatchObject({ status: 'compared', fileName: 'summaries.json', venueMaintenanceMargin: 8.1684 })
    expect(c.pools.find((p) => p.pool === 'Deribit main · BTC')!.fileName).toBe('summaries.json')
    expect(c.unmatched).toEqual([expect.objectContaining({ fileName: 'account-summary-btc-2026-11-20.json', reason: 'a newer summary of Deribit main · BTC is compared' })])
  })

  it('standard margin at the venue is compared with the replica\'s standard method', async () => {
    const doc = JSON.parse(text('deribit/account-summary-btc-2026-11-20.json'))
    doc.result.margin_model = 'segregated_sm'
    doc.result.portfolio_margining_enabled = false
    doc.usOut += 60_000_000
    handlers.importVenueSummary({ bookId: demo.id, fileName: 'sm.json', text: JSON.stringify(doc) })
    const row = (await handlers.venueComparison({ bookId: demo.id })).pools.find((p) => p.pool === 'Deribit main · BTC')!
    const standard = bookMarginView(contexts(demo.id)).health.find((h) => h.pool === 'Deribit main · BTC')!.byMethod.find((b) => b.method === 'standard')!
    expect(row).toMatchObject({ fileName: 'sm.json', method: 'standard', replicaInitialMargin: standard.initialMargin })
    expect(row.notes.join(' ')).toContain('standard margin')
  })
})

describe('OKX files', () => {
  it('account/balance: adjEq, imr and mmr read from the decimal strings, compared with the OKX pool in USD', async () => {
    const { handlers, demo, contexts } = freshBook()
    const imported = handlers.importVenueSummary({ bookId: demo.id, fileName: 'balance.json', text: text('okx/account-balance-2026-11-20.json') })
    expect(imported.entries).toEqual([expect.objectContaining({ currency: 'USD', equity: 129150.42, initialMargin: 35120.5, maintenanceMargin: 27015.8, marginModel: 'pm', asOfUtc: '2026-11-20T09:00:04.000Z' })])
    expect(imported.entries[0]!.figures).toContainEqual({ key: 'data[0].totalEq', value: 129160.11, unit: 'USD' })
    expect(imported.entries[0]!.figures).toContainEqual({ key: 'data[0].details[0].cashBal (USDT)', value: 20000, unit: 'USDT' })
    const pool = bookMarginView(contexts(demo.id)).health.find((h) => h.venue === 'okx')!
    const row = (await handlers.venueComparison({ bookId: demo.id })).pools.find((p) => p.venue === 'okx')!
    expect(row).toMatchObject({ status: 'compared', currency: 'USD', method: 'okx-pm', venueInitialMargin: 35120.5, venueMaintenanceMargin: 27015.8 })
    expect(row.maintenanceMarginDifference).toBeCloseTo(pool.maintenanceMargin - 27015.8, 9)
  })

  it('position-builder: each risk unit\'s IMR, MMR and MR as OKX states them; the demo account holds no LTC unit, said so', async () => {
    const { handlers, demo } = freshBook()
    const imported = handlers.importVenueSummary({ bookId: demo.id, fileName: 'builder.json', text: text('okx/position-builder-2025-01-15.json') })
    expect(imported.entries[0]!.riskUnits.map((u) => [u.riskUnit, u.initialMargin, u.maintenanceMargin, u.components.mr6])).toEqual([
      ['BTC', 1538.9669514070802, 1183.8207318516002, 1164.4109244720003],
      ['LTC', 249.16186679436, 191.6629744572, 183.5067280572]
    ])
    expect(imported.entries[0]!.riskUnits[0]!.components.mr8).toBeNull()
    const sim = (await handlers.venueComparison({ bookId: demo.id })).simulations.find((s) => s.kind === 'okx-position-builder')!
    expect(sim.figures.find((f) => f.name === 'BTC MMR')).toMatchObject({ venue: 1183.8207318516002 })
    expect(sim.figures.find((f) => f.name === 'BTC MMR')!.replica).not.toBeNull()
    expect(sim.figures.find((f) => f.name === 'LTC MMR')!.replica).toBeNull()
    expect(sim.notes).toContain('OKX portfolio has no OKX PM group for LTC in this book')
  })
})

describe('malformed files and duplicates', () => {
  it('a mistyped or missing key: the error names the file and the key path, and nothing is written', () => {
    const { handlers, demo, count, audits } = freshBook()
    const bad = JSON.parse(text('deribit/account-summary-btc-eth-2026-11-20.json'))
    bad.result.summaries[1].maintenance_margin = '8.1684'
    expect(() => handlers.importVenueSummary({ bookId: demo.id, fileName: 'bad.json', text: JSON.stringify(bad) })).toThrow('bad.json: result.summaries[1].maintenance_margin: expected a number')
    const okx = JSON.parse(text('okx/account-balance-2026-11-20.json'))
    okx.data[0].imr = '35,120.5'
    expect(() => handlers.importVenueSummary({ bookId: demo.id, fileName: 'okx.json', text: JSON.stringify(okx) })).toThrow('okx.json: data[0].imr: "35,120.5" is not a decimal number')
    const sim = structuredClone(btcSimulate) as Record<string, any>
    sim.result.aggregated_risk_vectors.btc_btc.standard.pop()
    expect(() => handlers.importVenueSummary({ bookId: demo.id, fileName: 'sim.json', text: JSON.stringify(sim) })).toThrow('sim.json: result.aggregated_risk_vectors.btc_btc.standard: 26 entries (expected 27')
    expect(() => handlers.importVenueSummary({ bookId: demo.id, fileName: 'x.json', text: '{"jsonrpc":"2.0","result":{"foo":1}}' })).toThrow('x.json: (top level): not a venue summary this workstation reads')
    expect(() => handlers.importVenueSummary({ bookId: demo.id, fileName: 'y.json', text: '{"currency": ' })).toThrow('y.json: not JSON')
    expect(() => handlers.importVenueSummary({ bookId: demo.id, fileName: 'z.json', text: '{"code":"50113","msg":"Invalid Sign","data":[]}' })).toThrow('z.json: code: OKX refused the request (code 50113: Invalid Sign)')
    expect(count()).toBe(0)
    expect(audits()).toBe(0)
  })

  it('an account of another venue is refused; the same file again is reported as a duplicate, nothing written, one audit row', () => {
    const { handlers, demo, count, audits, db } = freshBook()
    const okxAccount = accountsAtVenue(db, demo.id, 'okx')[0]!
    expect(() => handlers.importVenueSummary({ bookId: demo.id, fileName: 'a.json', text: text('deribit/account-summary-btc-eth-2026-11-20.json'), accountId: okxAccount.id })).toThrow('a.json: a Deribit file, but account OKX portfolio')
    expect(count()).toBe(0)
    const first = handlers.importVenueSummary({ bookId: demo.id, fileName: 'a.json', text: text('deribit/account-summary-btc-eth-2026-11-20.json') })
    expect(first.duplicate).toBe(false)
    expect(count()).toBe(2)
    const again = handlers.importVenueSummary({ bookId: demo.id, fileName: 'a-copy.json', text: text('deribit/account-summary-btc-eth-2026-11-20.json') })
    expect(again.duplicate).toBe(true)
    expect(again.entries.map((e) => [e.currency, e.duplicate, e.id])).toEqual(first.entries.map((e) => [e.currency, true, e.id]))
    expect(again.message).toMatch(/^a-copy\.json: already imported into this book on .* \(same file, BTC, ETH\): nothing written$/)
    expect(count()).toBe(2)
    expect(audits()).toBe(1)
    expect(handlers.listVenueSummaries({ bookId: demo.id }).map((r) => [r.fileName, r.currency, r.account])).toEqual([['a.json', 'ETH', 'Deribit main'], ['a.json', 'BTC', 'Deribit main']])
  })

  it('a book without an account of the venue keeps the summary unmatched and says so; a pme/simulate still compares with its own replica', async () => {
    const { handlers, db } = freshBook()
    const live = (db.prepare("SELECT id FROM books WHERE kind = 'live'").get() as { id: number }).id
    const r = handlers.importVenueSummary({ bookId: live, fileName: 'a.json', text: text('deribit/account-summary-btc-2026-11-20.json') })
    expect(r.account).toBeNull()
    expect(r.accountNote).toContain('the book has no Deribit account')
    const s = handlers.importVenueSummary({ bookId: live, fileName: 'sim.json', text: text('deribit/pme-simulate-btc-2024-06-17.json') })
    expect(s.account).toBeNull()
    const c = await handlers.venueComparison({ bookId: live })
    expect(c.unmatched.map((u) => [u.fileName, u.reason])).toContainEqual(['a.json', 'no deribit account in this book when it was imported: import it again naming the account'])
    expect(c.simulations[0]!.maxVectorDifference!).toBeLessThanOrEqual(1e-9)
  })
})
