/**
 * The PDF margin report, end to end over the browser host's API: printed by the system Chromium,
 * read back with poppler (pdftotext, pdfinfo, pdftoppm). Headline numbers must equal the engine's
 * MarginResults (bookMargin) to the printed precision; the VaR, backtest and hedge sections must
 * equal runVar, runBacktest and suggestHedge; the same inputs give the same text.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import engineWorkerPath from '../../src-main/workers/engine.worker?modulePath'
import type { MarginalApi, ResponseOf } from '@contract/api'
import { createHttpApi } from '../../src-renderer/src/api/http-api'
import { startTestHost, type TestHost } from '../support/backend'
import { writeBinanceDaily } from '../support/synthetic-history'
import { findChromium } from '../../src-main/reports/pdf/chromium-printer'
import { METHOD_LABELS } from '../../src-main/reports/margin-report/report-html'

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
if (missing.length) console.warn(`margin report tests skipped: ${missing.join(' and ')} not installed (apt-get install chromium poppler-utils)`)

let t: TestHost
let api: MarginalApi

beforeAll(async () => {
  if (missing.length) return
  t = await startTestHost(engineWorkerPath)
  api = createHttpApi(`http://127.0.0.1:${t.host.port}`, t.host.token)
  mkdirSync(OUT, { recursive: true })
})
afterAll(async () => {
  await t?.close()
})

type Pdf = { file: string; text: string; info: Record<string, string> }

async function report(req: Parameters<MarginalApi['marginReport']>[0], name: string): Promise<Pdf & { res: ResponseOf<'marginReport'> }> {
  const res = await api.marginReport(req)
  const file = join(OUT, `${name}.pdf`)
  writeFileSync(file, Buffer.from(res.base64, 'base64'))
  const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout
  const info = Object.fromEntries(
    spawnSync('pdfinfo', [file], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()])
  )
  return { file, text, info, res }
}

/** The printed figures (en-US, true minus) back to numbers. */
const parse = (s: string): number => Number(s.replace(/,/g, '').replace('−', '-'))
const decimals = (currency: string): number => (/^(USD|USDT|USDC)$/.test(currency) ? 2 : 4)
/** Equal to the printed precision: within half a unit of the last printed digit. */
function expectPrinted(printed: string, value: number, currency: string): void {
  expect(Math.abs(parse(printed) - value), `${printed} vs ${value} ${currency}`).toBeLessThanOrEqual(0.5 * 10 ** -decimals(currency) + 1e-9)
}
const NUM = '(−?[\\d,]+\\.\\d+)'
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** The text from a heading to the next numbered heading (or the end). */
const section = (text: string, heading: string): string => {
  const start = text.indexOf(heading)
  expect(start, `section "${heading}"`).toBeGreaterThanOrEqual(0)
  const rest = text.slice(start + heading.length)
  const next = rest.search(/\n\s*(\d\.|Appendix [AB]\.) [A-Z]/)
  return next < 0 ? rest : rest.slice(0, next)
}

describe.skipIf(missing.length > 0)('PDF margin report (system Chromium, read back with poppler)', () => {
  it('the demo book: summary and margin-by-method figures equal bookMargin; A4 with page numbers; page 1 rendered to PNG', async () => {
    const progress: { done: number; total: number }[] = []
    const off = t.services.events.on((e) => {
      if (e.type === 'task.progress' && e.taskId === 'report-1') progress.push({ done: e.done, total: e.total })
    })
    const { file, text, info, res } = await report({ bookId: 1, taskId: 'report-1', pageSize: 'A4', statistics: true, hedges: false }, 'demo-report')
    off()
    expect(res.fileName).toBe('margin-report-Demo-book-2026-11-20.pdf')
    expect(res.bytes).toBe(statSync(file).size)
    expect(info['Page size']).toContain('(A4)')
    const pages = Number(info.Pages)
    expect(pages).toBeGreaterThanOrEqual(5)
    expect(text).toContain(`Page 1 of ${pages}`)
    expect(text).toContain(`Page ${pages} of ${pages}`)
    // Progress: every step reported, the last one complete.
    expect(progress.length).toBeGreaterThanOrEqual(5)
    expect(progress.at(-1)).toEqual({ done: progress.at(-1)!.total, total: progress.at(-1)!.total })

    const margin = await api.bookMargin({ bookId: 1 })
    const params = await api.marginParams({})
    const page1 = text.slice(0, text.indexOf('\f')).replace(/\s+/g, ' ')
    expect(page1).toContain('Margin report')
    expect(page1).toContain(`Market snapshot ${margin.marketId}`)
    for (const p of params) expect(page1).toContain(p.activeId)
    // The demo's Derive account: its set is named, and its pool is margined by Derive's own replica.
    expect(page1).toContain('derive-pmrm2-mainnet-2026-01')
    expect(margin.health.find((h) => h.venue === 'derive')?.method).toBe('derive-pm')

    // 1. Summary: each pool's equity, IM, MM and utilisation.
    const summary = section(text, '1. Summary')
    expect(margin.health.length).toBe(4)
    for (const h of margin.health) {
      const m = new RegExp(`^${esc(h.account)}\\s+${esc(h.venue)}\\s+${esc(h.currency)}\\s+${esc(METHOD_LABELS[h.method]!)}\\s+${NUM}\\s+${NUM}\\s+${NUM}\\s+${NUM} %\\s+${NUM} %\\s+${esc(h.status)}`, 'm').exec(summary)
      expect(m, `summary row of ${h.pool}`).not.toBeNull()
      expectPrinted(m![1]!, h.equity, h.currency)
      expectPrinted(m![2]!, h.initialMargin, h.currency)
      expectPrinted(m![3]!, h.maintenanceMargin, h.currency)
      expect(Math.abs(parse(m![4]!) - h.imUtilisation! * 100)).toBeLessThanOrEqual(0.05 + 1e-9)
      expect(Math.abs(parse(m![5]!) - h.mmUtilisation! * 100)).toBeLessThanOrEqual(0.05 + 1e-9)
    }

    // 2. Margin by method: every group, every method's IM and MM, and the determining scenario.
    const byMethod = section(text, '2. Margin by method')
    for (const g of margin.accounts) {
      const title = [g.account, g.currency, g.riskUnit].filter(Boolean).join(' · ')
      const block = byMethod.slice(byMethod.indexOf(`${title} (${g.venue}`))
      const end = block.indexOf('House add-ons')
      for (const r of g.results) {
        const row = new RegExp(`^${esc(METHOD_LABELS[r.method]!)}(?:\\s+venue)?\\s+${NUM}\\s+${NUM}(.*)$`, 'm').exec(block.slice(0, end))
        expect(row, `${title} ${r.method}`).not.toBeNull()
        expectPrinted(row![1]!, r.initialMargin, g.currency)
        expectPrinted(row![2]!, r.maintenanceMargin, g.currency)
        // A scenario method names its determining scenario; the others print a dash there.
        expect(row![3]).toContain(r.determiningScenario ? r.determiningScenario.label : '—')
      }
    }

    // Appendix B cites a document the reader can open: the repository's, by section, never ../shared.
    const appendix = text.slice(text.indexOf('Appendix B. Methodology and approximations')).replace(/\s+/g, ' ')
    expect(appendix).toContain("set out in docs/METHODOLOGY.md, shipped in Marginal's source repository; the § numbers below are its sections")
    for (const topic of ['Valuation (docs/METHODOLOGY.md §1–3)', 'Scenarios (docs/METHODOLOGY.md §4)', 'Account health (docs/METHODOLOGY.md §5.11)', 'Hedge suggestions (docs/METHODOLOGY.md §6)']) expect(appendix).toContain(topic)
    expect(text).not.toMatch(/shared\/(METHODOLOGY|ARCHITECTURE)/)

    // Page 1 as a picture, for a person to look at (path in the closing note).
    const png = join(OUT, 'demo-report-page1')
    expect(spawnSync('pdftoppm', ['-r', '80', '-f', '1', '-l', '1', '-png', '-singlefile', file, png]).status).toBe(0)
    expect(statSync(`${png}.png`).size).toBeGreaterThan(20_000)
  }, 60_000)

  it('the same inputs give the same text (apart from the generation time); Letter pages on request', async () => {
    const a = await report({ bookId: 1, pageSize: 'A4', statistics: true, hedges: false }, 'repeat-a')
    const b = await report({ bookId: 1, pageSize: 'A4', statistics: true, hedges: false }, 'repeat-b')
    // The cover's table row spaces it out ("Generated      2026-…"); the footers do not.
    const stamp = /Generated\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/g
    expect(a.text.match(stamp)!.length).toBeGreaterThan(1)
    expect(b.text.replace(stamp, 'Generated ‹time›')).toBe(a.text.replace(stamp, 'Generated ‹time›'))
    const letter = await report({ bookId: 1, pageSize: 'Letter', statistics: false, hedges: false }, 'letter')
    expect(letter.info['Page size']).toContain('612 x 792 pts (letter)')
    expect(letter.text).not.toContain('7. VaR')
  }, 60_000)

  it('without daily history the VaR and backtest section says why; with it, its figures equal runVar and runBacktest', async () => {
    const before = await report({ bookId: 1, pageSize: 'A4', statistics: true, hedges: false }, 'no-history')
    expect(section(before.text, '7. VaR').replace(/\s+/g, ' ')).toContain('Not available: no daily price history for BTC')

    const dir = mkdtempSync(join(tmpdir(), 'marginal-report-history-'))
    for (const [pair, lastClose, dailyVol, seed] of [['BTCUSDT', 92_000, 0.03, 21], ['ETHUSDT', 3_050, 0.04, 22]] as const) {
      const f = writeBinanceDaily(dir, pair, { days: 600, lastDay: '2026-11-19', lastClose, dailyVol, seed })
      // Market files go to the live book (2); history is the file's, so the demo's VaR reads it too.
      expect((await api.commitImport({ bookId: 2, fileName: basename(f), text: readFileSync(f, 'utf8'), allowPartial: false })).rejected).toBe(0)
    }
    const { text } = await report({ bookId: 1, pageSize: 'A4', statistics: true, hedges: false }, 'with-history')
    const stats = section(text, '7. VaR')
    const v = await api.runVar({ taskId: 'report-var', bookId: 1, method: 'historical', horizonDays: 1 })
    for (const l of v.levels) {
      const row = new RegExp(`^\\s*${esc((l.confidence * 100).toFixed(1))} %\\s+${NUM}\\s+${NUM}`, 'm').exec(stats)
      expect(row, `VaR row ${l.confidence}`).not.toBeNull()
      expectPrinted(row![1]!, l.valueAtRisk, 'USD')
      expectPrinted(row![2]!, l.expectedShortfall, 'USD')
    }
    // The window the VaR ran over, cut at the market's as-of (2026-11-20 09:00 UTC: closes to 2026-11-19), as runVar states it.
    // Whitespace as one space; a line may break after a hyphen ("as-|of").
    const flat = (x: string): string => x.replace(/-\s+/g, '-').replace(/\s+/g, ' ')
    expect(v.window.lastWindow).toEqual({ from: '2026-11-18', to: '2026-11-19' })
    expect(flat(stats)).toContain(flat(`Windows: ${v.window.text}.`))
    const bt = await api.runBacktest({ taskId: 'report-bt', bookId: 1, method: 'hs-var', horizonDays: 1 })
    expect(flat(stats)).toContain(flat(`Period: ${bt.window.text}.`))
    const row = /^\s*(\d+)\s+(\d+)\s+[\d.]+ %/m.exec(stats.slice(stats.indexOf('Backtest')))
    expect(row).not.toBeNull()
    expect(Number(row![1])).toBe(bt.stats.days)
    expect(Number(row![2])).toBe(bt.stats.exceptions)
  }, 120_000)

  it('one account, with hedges: only its pools; each hedge equals suggestHedge; names are printed as text, never as markup', async () => {
    const copy = await api.copyBook({ bookId: 1, name: 'Desk <b>&"A"</b>' })
    const { text } = await report({ bookId: copy.id, account: 'Deribit main', pageSize: 'A4', statistics: false, hedges: true }, 'account-hedges')
    expect(text).toContain('Desk <b>&"A"</b> · Deribit main')
    const summary = section(text, '1. Summary')
    expect(summary).toContain('Deribit main')
    expect(summary).not.toContain('OKX portfolio')
    const hedges = section(text, '8. Hedge suggestions')
    for (const currency of ['BTC', 'ETH']) {
      const s = await api.suggestHedge({ bookId: copy.id, account: 'Deribit main', currency, riskUnit: null, method: 'deribit-pm' })
      const m = new RegExp(`Deribit main · ${currency} · Deribit PM\\s+IM ${NUM} → ${NUM} ${currency}`).exec(hedges)
      expect(m, `hedge of ${currency}`).not.toBeNull()
      expectPrinted(m![1]!, s.before.initialMargin, currency)
      expectPrinted(m![2]!, s.after.initialMargin, currency)
      for (const trade of s.trades) expect(hedges).toMatch(new RegExp(`${esc(trade.symbol)}\\s+${trade.side}`))
      // What the hedge makes worse leads its review; the cost is reconciled with the pool's equity.
      const block = hedges.slice(hedges.indexOf(`Deribit main · ${currency} · Deribit PM`))
      expect(block).toMatch(/Makes worse \(\d+\):|Makes nothing worse/)
      // Margins are per account: the whole-book suggestion and the account's report agree on every method made worse.
      for (const w of s.worsens.filter((x) => x.kind === 'method')) {
        const m = new RegExp(`${w.measure}\\s+${esc(w.name)}\\s+${esc(METHOD_LABELS[w.method!] ?? w.method!)}\\s+${NUM} ${currency}\\s+${NUM} ${currency}`).exec(block)
        expect(m, `${w.name} ${w.method} ${w.measure} made worse`).not.toBeNull()
        expectPrinted(m![1]!, w.before, currency)
        expectPrinted(m![2]!, w.after!, currency)
      }
      const pool = s.reconciliation.find((p) => p.pool === `Deribit main · ${currency}`)!
      const equity = new RegExp(`Deribit main · ${currency}: equity ${NUM} → ${NUM} ${currency}`).exec(block)
      expect(equity, `equity line of ${currency}`).not.toBeNull()
      expectPrinted(equity![1]!, pool.equityBefore, currency)
      expectPrinted(equity![2]!, pool.equityAfter, currency)
    }
  }, 120_000)

  it('refuses what it cannot report, naming it: an unknown account, a book without a market snapshot', async () => {
    await expect(api.marginReport({ bookId: 1, account: 'Nope', pageSize: 'A4', statistics: false, hedges: false })).rejects.toThrow(/account "Nope" has no positions or balances in book "Demo book" \(accounts: Deribit main, Derive ETH, OKX portfolio\)/)
    const blank = await api.copyBook({ bookId: 1, name: 'no market', blank: true })
    t.services.db.prepare('UPDATE books SET market_snapshot_id = NULL WHERE id = ?').run(blank.id)
    await expect(api.marginReport({ bookId: blank.id, pageSize: 'A4', statistics: false, hedges: false })).rejects.toThrow('book "no market" has no market snapshot: import an option chain first')
  })
})
