/**
 * The PDF margin report of a desk-scale book (issue 20, target 7: ≤ 10 s for 10,000 positions):
 * a seeded synthetic book on the demo market, gathered through the report service as the host
 * does, turned into HTML and printed by the system Chromium, once with the positions appendix as a
 * summary (the default) and once with the full list. Each run says where its time went (gather,
 * HTML, print), how many pages it made and how large the PDF is.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BookDb } from '../book/database'
import { openBook } from '../book/open-book'
import { findBook } from '../book/books-repository'
import { loadMarketSnapshot } from '../book/market-repository'
import type { HeldPosition } from '../book/positions-repository'
import { buildMarketView, type MarketView } from '../engine/market/market-view'
import { reportHtml } from '../reports/margin-report/report-html'
import type { PositionsAppendix } from '../reports/margin-report/report-model'
import { chromiumPrinter } from '../reports/pdf/chromium-printer'
import type { PdfPrinter } from '../reports/pdf/pdf-printer'
import { marginReportModel, reportPrintOptions } from '../services/report-service'
import { syntheticBook } from './synthetic-book'

export interface ReportBenchRun {
  /** 'baseline': the full list printed as before issue 20 — one table, tagged PDF. */
  appendix: PositionsAppendix | 'baseline'
  gatherSeconds: number
  htmlSeconds: number
  printSeconds: number
  /** gather + HTML + print: what a trader waits for once the browser is up. */
  totalSeconds: number
  htmlKb: number
  pages: number
  pdfKb: number
}

export interface ReportBenchResult {
  positions: number
  accounts: number
  /** Starting the system Chromium (a one-page print), paid once per host or CLI run. */
  browserStartSeconds: number
  runs: ReportBenchRun[]
}

export interface ReportBenchOptions {
  /**
   * An open book file (stress history is read from it; the synthetic book is not written) and its
   * demo market's view, as bench.ts (i) has them; without them a new book file is made in a
   * temporary folder (created, migrated and seeded with the demo book) and its demo market used.
   */
  db?: BookDb
  view?: MarketView
  positions?: number
  seed?: number
  /** The appendices to print, in order (default: the summary, then the full list). */
  appendices?: PositionsAppendix[]
  /** A printer to use (default: the system Chromium, started here and closed at the end). */
  printer?: PdfPrinter
  /**
   * Also print the full list the way the report did before issue 20 (every position in one table,
   * a tagged PDF), as the baseline beside the new paths in the same run (about 1–2 min more).
   */
  baseline?: boolean
  /** Keep each PDF here as report-<appendix>.pdf (to look at its pages); a temporary folder otherwise. */
  outDir?: string
}

/** Accounts the synthetic positions are dealt over, so the by-account tables have rows to show. */
const ACCOUNTS = ['desk-a', 'desk-b', 'desk-c']

const seconds = async <T>(fn: () => T | Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now()
  const value = await fn()
  return [value, (performance.now() - t0) / 1000]
}

/** The full list's short tables joined into one, as the report printed it before issue 20. */
const oneTable = (html: string): string => html.replace(/<\/tbody><\/table><table class="list">.*?<tbody>/g, '')

/** Pages by pdfinfo when poppler is installed, else by counting the PDF's page objects. */
export function pdfPages(file: string, pdf: Uint8Array): number {
  const info = spawnSync('pdfinfo', [file], { encoding: 'utf8' })
  const m = info.status === 0 ? /^Pages:\s+(\d+)/m.exec(info.stdout) : null
  if (m) return Number(m[1])
  return (Buffer.from(pdf).toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length
}

/**
 * The 10,000-position report, summary then full list (by default), each gathered, turned into HTML
 * and printed on a browser already started (its start is timed apart: the host overlaps it with the
 * gathering). Throws PdfUnavailableError without Chromium.
 */
export async function reportBench(o: ReportBenchOptions = {}): Promise<ReportBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'marginal-report-bench-'))
  const own = o.db ? null : openBook(join(dir, 'book.sqlite'))
  try {
    const db = o.db ?? own!.db
    const view = o.view ?? buildMarketView(loadMarketSnapshot(db, findBook(db, 1)!.marketSnapshotId!)!)
    return await run(db, view, o, o.outDir ?? dir)
  } finally {
    own?.db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function run(db: BookDb, view: MarketView, o: ReportBenchOptions, outDir: string): Promise<ReportBenchResult> {
  const positions = o.positions ?? 10_000
  const held: HeldPosition[] = syntheticBook(view.snapshot, positions, o.seed ?? 20).map((p, i) => ({
    positionId: i + 1,
    accountId: 1 + (i % ACCOUNTS.length),
    accountName: ACCOUNTS[i % ACCOUNTS.length]!,
    venue: 'deribit',
    instrument: p.instrument,
    sizeContracts: p.sizeContracts,
    avgPrice: null
  }))
  const inputs = { db, book: { id: 1, name: 'bench', kind: 'live' as const }, held, view, balances: [], params: undefined, paramsSource: 'shipped', paramSets: [], appVersion: 'bench', now: new Date() }
  const printer = o.printer ?? chromiumPrinter()
  try {
    const [, browserStartSeconds] = await seconds(() => printer.print('<!doctype html><p>start</p>'))
    const runs: ReportBenchRun[] = []
    for (const appendix of o.appendices ?? ['summary', 'full']) {
      const [model, gatherSeconds] = await seconds(() => marginReportModel(inputs, { pageSize: 'A4', statistics: false, hedges: false, positionsAppendix: appendix }))
      const [html, htmlSeconds] = await seconds(() => reportHtml(model))
      const [pdf, printSeconds] = await seconds(() => printer.print(html, reportPrintOptions(model)))
      const file = join(outDir, `report-${appendix}.pdf`)
      writeFileSync(file, pdf)
      runs.push({ appendix, gatherSeconds, htmlSeconds, printSeconds, totalSeconds: gatherSeconds + htmlSeconds + printSeconds, htmlKb: html.length / 1024, pages: pdfPages(file, pdf), pdfKb: pdf.byteLength / 1024 })
    }
    if (o.baseline) {
      const [model, gatherSeconds] = await seconds(() => marginReportModel(inputs, { pageSize: 'A4', statistics: false, hedges: false, positionsAppendix: 'full' }))
      const [html, htmlSeconds] = await seconds(() => oneTable(reportHtml(model)))
      const [pdf, printSeconds] = await seconds(() => printer.print(html, { tagged: true }))
      const file = join(outDir, 'report-baseline.pdf')
      writeFileSync(file, pdf)
      runs.push({ appendix: 'baseline', gatherSeconds, htmlSeconds, printSeconds, totalSeconds: gatherSeconds + htmlSeconds + printSeconds, htmlKb: html.length / 1024, pages: pdfPages(file, pdf), pdfKb: pdf.byteLength / 1024 })
    }
    return { positions, accounts: ACCOUNTS.length, browserStartSeconds, runs }
  } finally {
    if (!o.printer) await printer.close()
  }
}
