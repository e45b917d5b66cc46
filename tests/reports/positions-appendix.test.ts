/**
 * Appendix A of the margin report (issue 20): a summary by default — by underlying, expiry and
 * account, and the top margin consumers — whose figures add up to the positions and margin results
 * they summarise; the full list, when asked for, has every position exactly once. The model is
 * built by the report service on a seeded synthetic book on the demo market; the HTML is read as
 * text (the PDF tests print it).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { findBook } from '../../src-main/book/books-repository'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import type { HeldPosition } from '../../src-main/book/positions-repository'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import { parseSymbol } from '../../src-main/engine/instruments/parse-symbol'
import { syntheticBook } from '../../src-main/bench/synthetic-book'
import { marginReportModel, printMarginReport, type ReportInputs } from '../../src-main/services/report-service'
import type { PdfPrinter, PrintOptions } from '../../src-main/reports/pdf/pdf-printer'
import { FULL_LIST_WHERE, reportHtml } from '../../src-main/reports/margin-report/report-html'
import { TOP_CONSUMERS, venueResult } from '../../src-main/reports/margin-report/positions-summary'
import type { MarginReportModel } from '../../src-main/reports/margin-report/report-model'
import { pdfPages } from '../../src-main/bench/report-bench'

const POSITIONS = 400
const ACCOUNTS = ['desk-a', 'desk-b']
let inputs: ReportInputs
let summary: MarginReportModel
let full: MarginReportModel

beforeAll(async () => {
  const book = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-appendix-')), 'book.sqlite'))
  const market = loadMarketSnapshot(book.db, findBook(book.db, 1)!.marketSnapshotId!)!
  const view = buildMarketView(market)
  const held: HeldPosition[] = syntheticBook(market, POSITIONS, 7).map((p, i) => ({
    positionId: 1000 + i,
    accountId: 1 + (i % 2),
    accountName: ACCOUNTS[i % 2]!,
    venue: 'deribit',
    instrument: p.instrument,
    sizeContracts: p.sizeContracts,
    avgPrice: null
  }))
  // One the market cannot value (an expiry not in the snapshot) and one no parser knows.
  held.push({ positionId: 5000, accountId: 1, accountName: 'desk-a', venue: 'deribit', instrument: parseSymbol('deribit', 'BTC-1JAN21-30000-C'), sizeContracts: 1, avgPrice: null })
  held.push({ positionId: 5001, accountId: 2, accountName: 'desk-b', venue: 'deribit', instrument: { venue: 'deribit', symbol: 'NOT-A-SYMBOL', kind: 'unknown', parseError: 'not a Deribit instrument name' }, sizeContracts: 2, avgPrice: null })
  inputs = { db: book.db, book: { id: 1, name: 'appendix', kind: 'live' }, held, view, balances: [], params: undefined, paramsSource: 'shipped', paramSets: [], appVersion: 'test', now: new Date('2026-11-20T10:00:00Z') }
  summary = await marginReportModel(inputs, { pageSize: 'A4', statistics: false, hedges: false })
  full = await marginReportModel(inputs, { pageSize: 'A4', statistics: false, hedges: false, positionsAppendix: 'full' })
}, 60_000)

const close = (a: number, b: number): void => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a), Math.abs(b)))

describe('positions appendix', () => {
  it('is a summary unless the full list is asked for', () => {
    expect(summary.positionsAppendix).toBe('summary')
    expect(full.positionsAppendix).toBe('full')
    expect(full.positionsSummary).toEqual(summary.positionsSummary)
  })

  it('counts every position once in each table, and its sums equal the positions’ own figures', () => {
    const s = summary.positionsSummary
    const positions = summary.positions
    expect(s.positions).toBe(POSITIONS + 2)
    for (const rows of [s.byUnderlying, s.byExpiry, s.byAccount]) expect(rows.reduce((n, r) => n + r.positions, 0)).toBe(POSITIONS + 2)
    expect(s.notValued).toBe(positions.filter((p) => !p.valuation).length)
    expect(s.notValued).toBeGreaterThanOrEqual(2)
    expect(s.byAccount.map((a) => a.label)).toEqual(ACCOUNTS)
    for (const u of ['BTC', 'ETH']) {
      const row = s.byUnderlying.find((r) => r.label === u)!
      const mine = positions.filter((p) => p.underlying === u && p.valuation)
      close(row.netDeltaCoin!, mine.reduce((x, p) => x + p.valuation!.deltaCoin, 0))
      close(row.deltaUsd, mine.reduce((x, p) => x + p.valuation!.deltaCoin * p.valuation!.underlyingUsd, 0))
      close(row.vegaUsdPerPoint, mine.reduce((x, p) => x + p.valuation!.vegaUsdPerPoint, 0))
      close(row.thetaUsdPerDay, mine.reduce((x, p) => x + p.valuation!.thetaUsdPerDay, 0))
      close(row.valueUsd, mine.reduce((x, p) => x + p.valuation!.valueUsd, 0))
      // The expiry rows of one underlying add up to its row.
      const expiries = s.byExpiry.filter((r) => r.underlying === u)
      close(expiries.reduce((x, r) => x + r.netDeltaCoin!, 0), row.netDeltaCoin!)
      close(expiries.reduce((x, r) => x + r.incrementalImUsd!, 0), row.incrementalImUsd!)
    }
    // Dated expiries in date order, then perpetuals, then what could not be priced.
    const labels = s.byExpiry.map((r) => r.label)
    const dated = labels.filter((l) => /^\d{4}-\d{2}-\d{2}$/.test(l))
    expect(dated).toEqual([...dated].sort())
    expect(labels.slice(0, dated.length)).toEqual(dated)
    expect(labels.at(-1)).toBe('(not priced)')
    // Accounts mix underlyings: no coin delta there.
    for (const a of s.byAccount) expect(a.netDeltaCoin).toBeNull()
  })

  it('margin consumed is the incremental IM of the venue method in USD; the top consumers are the largest of them, N stated', () => {
    const m = summary.margin
    const indexUsd = inputs.view.snapshot.indexUsd
    const all: { id: number; usd: number }[] = []
    for (const g of m.accounts) {
      const r = venueResult(m, g)!
      const fx = g.currency === 'USDC' || g.currency === 'USD' || g.currency === 'USDT' ? 1 : indexUsd[g.currency]!
      g.positionIds.forEach((id, k) => all.push({ id, usd: r.incremental[k]! * fx }))
    }
    const s = summary.positionsSummary
    expect(s.topConsumers.n).toBe(TOP_CONSUMERS)
    expect(s.topConsumers.of).toBe(all.length)
    const top = [...all].sort((a, b) => b.usd - a.usd || a.id - b.id).slice(0, TOP_CONSUMERS)
    expect(s.topConsumers.rows.map((r) => r.positionId)).toEqual(top.map((x) => x.id))
    s.topConsumers.rows.forEach((r, k) => close(r.incrementalImUsd, top[k]!.usd))
    const byAccount = (name: string) => all.filter((x) => summary.positions.find((p) => p.positionId === x.id)!.accountName === name).reduce((t, x) => t + x.usd, 0)
    for (const a of s.byAccount) close(a.incrementalImUsd!, byAccount(a.label))
  })

  it('the summary says it is one and where the full list is; it lists no position line by line', () => {
    const html = reportHtml(summary)
    expect(html).toContain('Appendix A. Positions summary')
    expect(html).toContain(`This appendix summarises the book’s ${POSITIONS + 2} positions; it does not list them.`)
    expect(html).toContain(FULL_LIST_WHERE)
    expect(FULL_LIST_WHERE).toContain('--full-positions')
    expect(FULL_LIST_WHERE).toContain('Excel export')
    expect(html).toContain(`Top ${TOP_CONSUMERS} margin consumers`)
    expect(html).not.toContain('class="list"')
    // A position neither in the top consumers nor section 5 does not appear.
    const shown = new Set(summary.positionsSummary.topConsumers.rows.map((r) => r.symbol))
    const hidden = summary.positions.filter((p) => !shown.has(p.symbol) && !html.includes(`>${p.symbol}<`))
    expect(hidden.length).toBeGreaterThan(POSITIONS / 2)
  })

  it('the full list has every position exactly once, in the book’s order, with the reason where it is not valued', () => {
    const html = reportHtml(full)
    expect(html).toContain('Every position is listed after these tables.')
    const list = html.slice(html.indexOf('Appendix A (continued). Every position'), html.indexOf('Appendix B.'))
    const rows = [...list.matchAll(/<tr><td>([^<]*)<\/td><td>([^<]*)<\/td>/g)].map((m) => m[2]!)
    expect(rows).toEqual(full.positions.map((p) => p.symbol.replace(/&/g, '&amp;')))
    expect(rows.length).toBe(POSITIONS + 2)
    expect(list.split('<td colspan="6" class="err">').length - 1).toBe(full.positions.filter((x) => !x.valuation).length)
    for (const p of full.positions.filter((x) => !x.valuation)) expect(list).toContain(`class="err">${p.valuationError!.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</td>`)
    expect(list).toContain('NOT-A-SYMBOL')
  })

  it('is printed tagged, except the full list (a structure element per cell: 38 MB for 10,000 positions)', async () => {
    const asked: (PrintOptions | undefined)[] = []
    const printer: PdfPrinter = { print: (_html, o) => (asked.push(o), Promise.resolve(new Uint8Array(1))), close: () => Promise.resolve() }
    await printMarginReport(summary, printer)
    await printMarginReport(full, printer)
    expect(asked).toEqual([{ tagged: true }, { tagged: false }])
  })

  it('the bench counts pages from the PDF itself when poppler is absent', () => {
    const pdf = new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Type /Pages /Kids [2 0 R 3 0 R] >>\n2 0 obj << /Type /Page >>\n3 0 obj <</Type/Page/Parent 1 0 R>>\n')
    expect(pdfPages('/nonexistent.pdf', pdf)).toBe(2)
  })
})
