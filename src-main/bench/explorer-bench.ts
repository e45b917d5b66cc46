/**
 * The P&L explorer at desk scale (issue 20, target 3: a redraw ≤ 8 ms at 10,000 legs): a seeded
 * synthetic book written as `cli synthetic-book` writes it (a strike ladder ten times finer than
 * Deribit's, so thousands of instruments), prepared as the host sends it to the explorer, and one
 * underlying's curve evaluated as a slider move asks: the collapsed rows (pnl-profile.ts) beside
 * every leg through the kernel (pnl-profile-reference.ts), the baseline, in the same run.
 * explorerRedrawInBrowser measures the whole redraw (kernel, chart, tables) in Chromium through
 * the browser host, as the e2e test prints it.
 */
import { rmSync } from 'node:fs'
import { openBook } from '../book/open-book'
import { liveBook } from '../book/books-repository'
import { loadMarketSnapshot } from '../book/market-repository'
import { listHeldPositions } from '../book/positions-repository'
import { buildMarketView } from '../engine/market/market-view'
import { evaluateProfile, PROFILE_MOVES, profileEvaluator } from '../engine/profile/pnl-profile'
import { evaluateProfileByLegs } from '../engine/profile/pnl-profile-reference'
import { startHost, stopHost, syntheticBookFile } from './served-book'
import { profileModel } from '../services/whatif/explorer-service'

export interface ExplorerBenchResult {
  positions: number
  underlying: string
  /** The underlying's legs, and the rows they collapse to. */
  legs: number
  rows: number
  prices: number
  /** Best-of-N ms per date move (one curve), collapsed rows and every leg. */
  dateMoveMs: number
  referenceDateMoveMs: number
  /** Largest |collapsed − every leg| over the swept curves, relative to each curve's largest |P&L|. */
  maxRelativeDifference: number
}

const best = (fn: () => void, rounds: number, reps: number): number => {
  let ms = Infinity
  for (let k = 0; k < rounds; k++) {
    const t0 = performance.now()
    for (let i = 0; i < reps; i++) fn()
    ms = Math.min(ms, (performance.now() - t0) / reps)
  }
  return ms
}

export function explorerBench(opts: { positions?: number; underlying?: string; bookPath?: string } = {}): ExplorerBenchResult {
  const positions = opts.positions ?? 10_000
  const made = opts.bookPath ? null : syntheticBookFile(positions)
  const book = openBook(opts.bookPath ?? made!.path)
  try {
    const live = liveBook(book.db)
    const view = buildMarketView(loadMarketSnapshot(book.db, live.marketSnapshotId!)!)
    const { book: profile } = profileModel(listHeldPositions(book.db, live.id), view)
    const underlying = opts.underlying ?? 'BTC'
    const ev = profileEvaluator(profile, underlying, PROFILE_MOVES)
    const u = profile.underlyings.indexOf(underlying)
    const out = new Float64Array(PROFILE_MOVES.length)
    const ref = new Float64Array(PROFILE_MOVES.length)
    const scratch = new Float64Array((profile.rowEnd[u]! - profile.rowStart[u]!) * PROFILE_MOVES.length)
    // A drag across the date slider at a vol shift: every move is a new date.
    let k = 0
    const at = () => ({ days: (k++ % 240) / 4, volShiftPts: (k % 21) - 10 })
    let maxRelativeDifference = 0
    for (let i = 0; i < 40; i++) {
      const a = at()
      evaluateProfile(ev, a, out)
      evaluateProfileByLegs(ev, a, ref, scratch)
      const scale = Math.max(...Array.from(ref, Math.abs))
      for (let j = 0; j < out.length; j++) if (scale > 0) maxRelativeDifference = Math.max(maxRelativeDifference, Math.abs(out[j]! - ref[j]!) / scale)
    }
    const dateMoveMs = best(() => evaluateProfile(ev, at(), out), 7, 20)
    const referenceDateMoveMs = best(() => evaluateProfileByLegs(ev, at(), ref, scratch), 5, 5)
    return { positions: made ? positions : live.positionCount, underlying, legs: profile.rowEnd[u]! - profile.rowStart[u]!, rows: ev.rows.count, prices: PROFILE_MOVES.length, dateMoveMs, referenceDateMoveMs, maxRelativeDifference }
  } finally {
    book.db.close()
    if (made) rmSync(made.dir, { recursive: true, force: true })
  }
}

export interface ExplorerBrowserResult {
  /** The underlying's legs the explorer draws. */
  legs: number
  /** Whole redraws timed by the explorer itself (input → pixels, tables included) during a date-slider drag. */
  redraws: number
  medianMs: number
  /** The explorer's own line, as the e2e test prints it. */
  text: string
}


/**
 * The explorer's whole redraw in Chromium (the system one, headless) on a book file's live book
 * through the browser host (`out/main/serve.js`: run `npm run build` first): the date slider
 * dragged across with the mouse, 40 steps, as tests/e2e/whatif.spec.ts does; the explorer times
 * each redraw itself (PnlExplorer.vue) and the median of the drag is read from its readout.
 */
export async function explorerRedrawInBrowser(opts: { positions?: number; bookPath?: string; steps?: number } = {}): Promise<ExplorerBrowserResult> {
  const { chromium } = await import('playwright-core')
  const made = opts.bookPath ? null : syntheticBookFile(opts.positions ?? 10_000)
  const { child, url } = await startHost(opts.bookPath ?? made!.path)
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] })
  try {
    const page = await browser.newPage({ viewport: { width: 1500, height: 1100 } })
    await page.goto(url)
    await page.locator('.ag-row.position-row').first().waitFor({ timeout: 120_000 })
    await page.keyboard.press('Alt+9')
    const readout = page.getByTestId('redraw-ms')
    // Polled through the locator (the page's CSP refuses evaluated strings; this file has no DOM types).
    const text = async (): Promise<string> => ((await readout.textContent()) ?? '—').trim()
    for (let waited = 0; (await text()) === '—'; waited += 100) {
      if (waited > 120_000) throw new Error('the explorer drew nothing in 2 minutes')
      await page.waitForTimeout(100)
    }
    const before = Number(/of (\d+)/.exec((await readout.textContent()) ?? '')?.[1] ?? 0)
    const slider = page.getByTestId('date-slider')
    await slider.scrollIntoViewIfNeeded()
    const box = (await slider.boundingBox())!
    const steps = opts.steps ?? 40
    await page.mouse.move(box.x + 4, box.y + box.height / 2)
    await page.mouse.down()
    for (let s = 1; s <= steps; s++) {
      await page.mouse.move(box.x + 4 + ((box.width - 8) * s) / steps, box.y + box.height / 2)
      await page.waitForTimeout(30)
    }
    await page.mouse.up()
    await page.waitForTimeout(200)
    // The readout's median covers the last 200 redraws: the drag's, after the few at opening.
    const redrawsMs = await text()
    const m = /median ([\d.,]+) ms of (\d+)/.exec(redrawsMs)
    const legs = await page.getByTestId('explorer-legs').locator('tbody tr').evaluateAll((rows) => rows.reduce((n, r) => n + Number(/^(\d+) legs/.exec(r.textContent?.trim() ?? '')?.[1] ?? 1), 0))
    return { legs, redraws: m ? Number(m[2]) - before : 0, medianMs: m ? Number(m[1]!.replace(/,/g, '')) : NaN, text: redrawsMs }
  } finally {
    await browser.close()
    await stopHost(child)
    if (made) rmSync(made.dir, { recursive: true, force: true })
  }
}
