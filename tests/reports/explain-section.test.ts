/**
 * Section 9 of the margin report, the P&L explain (issue 22 §2): the demo book between its market and
 * that market moved (+5 %, +3 vol points, a day later), printed by the system Chromium and read back
 * with poppler. Every printed component — each account in its settlement currency, the book in USD —
 * equals the `explainPnl` reply to the printed precision; the residual, both markets and our
 * approximations are named; without dates the section explains the last day.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listHeldPositions } from '../../src-main/book/positions-repository'
import { listBalances } from '../../src-main/book/balances-repository'
import { findBook } from '../../src-main/book/books-repository'
import { explainBook } from '../../src-main/services/explain/explain-service'
import { explainView } from '../../src-main/services/explain/explain-view'
import { marginReportModel, printMarginReport, reportExplainDates, type ReportInputs } from '../../src-main/services/report-service'
import { chromiumPrinter, findChromium } from '../../src-main/reports/pdf/chromium-printer'
import { decimalsOf } from '../../src-main/reports/margin-report/format'
import { reportExplain, type ReportExplain } from '../../src-main/reports/margin-report/explain-section'
import { notExplainedByReason } from '../../src-preload/contract/explain'
import { reportExplainArgs } from '../../src-main/cli/report-command'
import { demoWithMovedMarket, type DemoPair } from '../engine/explain/demo-fixture'

const OUT = resolve(import.meta.dirname, '../../reports/pdf')
const tool = (name: string): boolean => spawnSync(name, ['-v']).status === 0
const chromium = (() => {
  try {
    return findChromium()
  } catch {
    return null
  }
})()
const missing = [chromium ? null : 'Chromium', tool('pdftotext') ? null : 'poppler-utils (pdftotext)'].filter(Boolean)
if (missing.length) console.warn(`explain section PDF test skipped: ${missing.join(' and ')} not installed (apt-get install chromium poppler-utils)`)

let t: DemoPair
let inputs: ReportInputs
beforeAll(() => {
  t = demoWithMovedMarket(0.05, 3)
  const book = findBook(t.db, t.bookId)!
  inputs = {
    db: t.db,
    book: { id: book.id, name: book.name, kind: book.kind },
    held: listHeldPositions(t.db, t.bookId),
    view: t.to,
    balances: listBalances(t.db, t.bookId),
    params: undefined,
    paramsSource: 'shipped',
    paramSets: [],
    appVersion: 'test',
    now: new Date('2026-11-22T10:00:00Z')
  }
})
afterAll(() => t?.close())

const parse = (s: string): number => Number(s.replace(/,/g, '').replace('−', '-'))
const NUM = /−?[\d,]+\.\d+/g
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

describe('the report\'s P&L explain section', () => {
  it('explains the asked dates with the explainPnl reply\'s own numbers; the last day without dates', async () => {
    const reply = explainView(explainBook(t.db, { bookId: t.bookId, fromUtc: t.fromUtc, toUtc: t.toUtc }), false)
    const model = await marginReportModel(inputs, { pageSize: 'A4', statistics: false, hedges: false, explain: { fromUtc: t.fromUtc, toUtc: t.toUtc } })
    const x = model.explain as ReportExplain
    expect(x.reply).toEqual(reply)
    expect(x.usd).toEqual(reply.book.usd)
    // One column per account and settlement currency; each the sum of that account's groups.
    for (const c of x.columns) {
      const groups = reply.groups.filter((g) => g.account === c.account && g.settleCurrency === c.currency)
      expect(c.amounts.total).toBeCloseTo(groups.reduce((s, g) => s + g.settle.total, 0), 9)
    }
    expect(x.columns.length).toBe(new Set(reply.groups.map((g) => `${g.account}/${g.settleCurrency}`)).size)

    // No dates: the end of day at or after the report's market, and the day before.
    const asOf = t.moved.asOfMs
    const d = reportExplainDates({}, asOf, '08:00')
    const toMs = Date.parse(`${d.toUtc}T08:00:00Z`)
    expect(toMs).toBeGreaterThanOrEqual(asOf)
    expect(toMs - asOf).toBeLessThan(24 * 3600 * 1000)
    expect(Date.parse(d.fromUtc)).toBe(toMs - 24 * 3600 * 1000)
    const lastDay = await marginReportModel(inputs, { pageSize: 'A4', statistics: false, hedges: false, explain: {} })
    expect((lastDay.explain as ReportExplain).reply.toMarket.id).toBe(t.moved.id)
    // A scoped report: that account's columns and its USD.
    const scoped = await marginReportModel(inputs, { pageSize: 'A4', account: 'Deribit main', statistics: false, hedges: false, explain: { fromUtc: t.fromUtc, toUtc: t.toUtc } })
    const s = scoped.explain as ReportExplain
    expect(new Set(s.columns.map((c) => c.account))).toEqual(new Set(['Deribit main']))
    expect(s.usd).toEqual(reply.byAccount.find((a) => a.account === 'Deribit main')!.usd)
    // ... and names no other account's positions among those not explained.
    const mixed = { ...reply, notExplained: [{ account: 'Deribit main', symbol: 'BTC-X', reason: 'no BTC price' }, { account: 'OKX portfolio', symbol: 'ETH-Y', reason: 'no ETH price' }] }
    expect(reportExplain(mixed, 'Deribit main').reply.notExplained).toEqual([mixed.notExplained[0]])
    expect(reportExplain(mixed, null).reply.notExplained).toEqual(mixed.notExplained)
  }, 60_000)

  it('what was not explained is summarised by reason with its first positions, however many there are', () => {
    const rows = [
      ...Array.from({ length: 9_000 }, (_, k) => ({ account: 'A', symbol: `SOL-${k}`, reason: 'no SOL price in the from market' })),
      { account: 'B', symbol: 'ETH-1', reason: 'expired between the two instants' }
    ]
    expect(notExplainedByReason(rows, 3)).toEqual([
      { reason: 'no SOL price in the from market', count: 9_000, first: ['A SOL-0', 'A SOL-1', 'A SOL-2'] },
      { reason: 'expired between the two instants', count: 1, first: ['B ETH-1'] }
    ])
  })

  it('without a market before the from instant the section says why, and the report still prints the rest', async () => {
    const model = await marginReportModel(inputs, { pageSize: 'A4', statistics: false, hedges: false, explain: { fromUtc: '2020-01-01', toUtc: '2020-01-02' } })
    expect(model.explain).toEqual({ unavailable: expect.stringContaining('no market snapshot') })
    expect(model.margin.health.length).toBeGreaterThan(0)
  }, 60_000)

  it('reads the report options from the command line', () => {
    expect(reportExplainArgs({})).toBeNull()
    expect(reportExplainArgs({ explain: true })).toEqual({ from: undefined, to: undefined, eod: undefined })
    expect(reportExplainArgs({ 'explain-from': '2026-11-20', 'explain-to': '2026-11-21', eod: '09:00' })).toEqual({ from: '2026-11-20', to: '2026-11-21', eod: '09:00' })
    expect(reportExplainArgs({ 'explain-from': 'yesterday' })).toMatch(/neither a date/)
    expect(reportExplainArgs({ 'explain-from': '2026-11-20', 'explain-to': '2026-11-31' })).toMatch(/2026-11-31 is not a day of the calendar/)
    expect(reportExplainArgs({ 'explain-from': '2026-11-20 and more Z' })).toMatch(/neither a date/)
    expect(reportExplainArgs({ explain: true, eod: '8am' })).toMatch(/not a UTC time/)
    expect(reportExplainArgs({ eod: '08:00' })).toMatch(/--eod is for explain/)
  })

  it.skipIf(missing.length > 0)('prints the section: every component per account and for the book equals the reply; markets, residual and ours named', async () => {
    const reply = explainView(explainBook(t.db, { bookId: t.bookId, fromUtc: t.fromUtc, toUtc: t.toUtc }), false)
    const model = await marginReportModel(inputs, { pageSize: 'A4', statistics: false, hedges: false, explain: { fromUtc: t.fromUtc, toUtc: t.toUtc } })
    const x = model.explain as ReportExplain
    const printer = chromiumPrinter(chromium!)
    const { pdf } = await printMarginReport(model, printer).finally(() => printer.close())
    mkdirSync(OUT, { recursive: true })
    const file = join(OUT, 'margin-report-explain.pdf')
    writeFileSync(file, pdf)
    const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout
    const pages = text.split('\f')
    const page = pages.findIndex((p) => p.includes('9. P&L explain'))
    expect(page, 'the section is printed').toBeGreaterThanOrEqual(0)
    // The section's page as PNG, for a look (reports/pdf/margin-report-explain-<page>.png).
    spawnSync('pdftoppm', ['-png', '-r', '60', '-f', String(page + 1), '-l', String(page + 1), file, join(OUT, 'margin-report-explain')])
    const start = text.indexOf('9. P&L explain')
    const section = text.slice(start, text.indexOf('Waterfall:', start))
    expect(section).toContain(reply.fromMarket.id)
    expect(section).toContain(reply.toMarket.id)
    expect(section).toMatch(/Residual \(full revaluation minus the explained parts\)/)

    for (const c of reply.components) {
      const m = new RegExp(`^\\s*${esc(c.label)}${c.published ? '' : ' \\(ours\\)'}\\s+(.*)$`, 'm').exec(section)
      expect(m, `the ${c.label} row`).not.toBeNull()
      const printed = m![1]!.match(NUM)!.map(parse)
      // The currency term is USD only: a dash in every settlement column.
      expect(printed, c.label).toHaveLength(c.name === 'currency' ? 1 : x.columns.length + 1)
      if (c.name !== 'currency') x.columns.forEach((col, k) => {
        expect(Math.abs(printed[k]! - col.amounts[c.name]), `${c.label} ${col.account} ${col.currency}`).toBeLessThanOrEqual(0.5 * 10 ** -decimalsOf(col.currency) + 1e-9)
      })
      expect(Math.abs(printed.at(-1)! - reply.book.usd[c.name]), `${c.label} USD`).toBeLessThanOrEqual(0.005 + 1e-9)
    }
    const total = /^\s*Total\s+(.*)$/m.exec(section)![1]!.match(NUM)!.map(parse)
    expect(Math.abs(total.at(-1)! - reply.book.usd.total)).toBeLessThanOrEqual(0.005 + 1e-9)
    const residual = new RegExp(`explained parts\\):\\s+(${NUM.source}) USD`).exec(section.replace(/\s+/g, ' '))!
    expect(Math.abs(parse(residual[1]!) - reply.book.usd.residual)).toBeLessThanOrEqual(0.005 + 1e-9)
    // What each component is, ours marked (later on the page, after the chart).
    const after = text.slice(text.indexOf('What each component is'))
    expect(after).toMatch(/New trades \(ours\)/)
    expect(after).not.toMatch(/Delta \(ours\)/)
  }, 120_000)
})
