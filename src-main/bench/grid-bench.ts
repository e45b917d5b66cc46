/**
 * The positions grid at desk scale (issue 20, targets 1 and 2), measured the way a trader meets it:
 * a synthetic book file of N positions, the real browser host (`out/main/serve.js`, so run
 * `npm run build` first), headless Chromium through playwright-core. Figures, not a test.
 *
 * - first row: ms from navigation start (the page's own clock) to the first position row in the
 *   DOM, recorded by a MutationObserver installed before any page script runs;
 * - scrolling: the grid's body scrolled a fixed step every animation frame for ~150 frames; frame
 *   times are the gaps between requestAnimationFrame timestamps (p50/p95/max, frames over 16.7 ms);
 * - DOM size: elements in the document before and after the scroll (virtualised rows and columns
 *   keep it bounded).
 * - baselines of the same run: the pre-issue-20 grouping sort (a locale date string and
 *   localeCompare per comparison, kept here as REFERENCE_GROUPING) timed in the same page on the
 *   book's first rows, beside the store's own 'positions.group' measure; and idle frames (no scroll)
 *   as this browser's frame floor on this machine. `serveJs` runs an older build for a before/after.
 */
import { rmSync } from 'node:fs'
import { startHost, stopHost, syntheticBookFile } from './served-book'

export interface GridFigures {
  positions: number
  /** Navigation start to the first position row in the DOM, ms (page clock). */
  firstRowMs: number
  /** The page's load event (navigation timing loadEventEnd), ms from navigation start: first row − this = after the page loads. */
  loadEventMs: number
  /** Bytes of the listPositions reply as the browser received it. */
  listPositionsBytes: number | null
  /** Through the whole book in ~150 frames (a fling: every frame a new screen of rows). */
  scrollToEnd: ScrollFigures
  /** 150 frames at 100 px a frame (4 rows, 6,000 px/s: a fast wheel), from the top. */
  scrollSteady: ScrollFigures
  /**
   * The steady scroll run twice more, right after the one above (each from the top): frame gaps are quantised
   * to vsync, so one late frame in twenty moves p95 from 16.7 to 33.3 ms; three runs show whether a
   * p95 is the page's or a moment of load on the machine.
   */
  scrollSteadyAgain: ScrollFigures[]
  /** 150 frames at 0 px: the frame floor of this browser on this machine, the baseline beside the two above. */
  idleFrames: ScrollFigures
  /**
   * The steady scroll again, traced: the renderer main thread's CPU time per frame, split by kind of
   * work. Frame gaps are wall time, quantised to vsync and moved by any other load on the machine;
   * thread time is what the page itself costs (null when the trace has no renderer main thread).
   */
  steadyMainThread: MainThreadFigures | null
  domNodes: { beforeScroll: number; afterScroll: number }
  /** Grouping the rows in the page: the store's own measure, and the pre-issue-20 sort beside it. */
  grouping: GroupingFigures
}

export interface ScrollFigures {
  frames: number
  p50Ms: number
  p95Ms: number
  maxMs: number
  over16_7: number
  reachedEnd: boolean
}

export interface GroupingFigures {
  /** buildGroupedRows as the store ran it for the first rows (performance.measure 'positions.group'). */
  currentMs: number | null
  /**
   * The pre-issue-20 sort alone (locale date and localeCompare per comparison), same page, on the
   * book's first `referenceRows` rows (the whole 10k book takes minutes in Chromium: 181 s once).
   */
  referenceSortMs: number | null
  referenceRows: number
  /** referenceSortMs scaled to the whole book by n·log n: an estimate, said so. */
  referenceSortMsScaled: number | null
}

export interface MainThreadFigures {
  frames: number
  /** Thread (CPU) time of the renderer main thread per frame, ms (Chrome trace events' `tdur`). */
  cpuMsPerFrame: number
  /** The same by kind: script, style, layout, paint, layerize (PaintArtifactCompositor), gc, other. */
  byKindMsPerFrame: Record<string, number>
}

const FRAMES = 150

// Page-side code, as source text: the bench is type-checked for Node, without the DOM.
/** Installed before any page script: the page-clock time the first position row enters the DOM. */
const FIRST_ROW_PROBE = `(() => {
  const seen = () => document.querySelector('.ag-row.position-row') !== null
  new MutationObserver((_, obs) => {
    if (window.__firstRowMs === undefined && seen()) window.__firstRowMs = performance.now()
    if (window.__firstRowMs !== undefined) obs.disconnect()
  }).observe(document, { childList: true, subtree: true })
})()`
const DOM_NODES = `document.getElementsByTagName('*').length`
/** Scroll the grid body `px` a frame (or through the whole book in `frames`) and time the frames. */
const SCROLL = `async (frames, px) => {
  // ag-grid 36 scrolls rows in .ag-grid-viewport (.ag-body-viewport before) beside its own vertical
  // scroll bar; both move together, as dragging the bar does (moved alone, the grid pulls it back).
  const grid = '[data-testid="positions-grid"] '
  const viewport = document.querySelector(grid + '.ag-grid-viewport, ' + grid + '.ag-body-viewport')
  if (!viewport) throw new Error('no grid viewport')
  const bar = document.querySelector(grid + '.ag-body-vertical-scroll-viewport')
  const moveTo = (top) => {
    viewport.scrollTop = top
    if (bar) bar.scrollTop = top
  }
  moveTo(0)
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
  const step = px !== null ? px : Math.max(1, Math.ceil((viewport.scrollHeight - viewport.clientHeight) / frames))
  const stamps = []
  await new Promise((done) => {
    const tick = (t) => {
      stamps.push(t)
      if (stamps.length > frames) return done()
      moveTo(viewport.scrollTop + step)
      requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  })
  return { gaps: stamps.slice(1).map((t, i) => t - stamps[i]), reachedEnd: viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - 2 }
}`
/**
 * The grouping sort before issue 20, the baseline, run in the page on the rows the grid got: a
 * locale date string per bucket and localeCompare per field per comparison (git cc5024b^,
 * position-groups.ts). The current grouping is timed by the store itself (performance.measure
 * 'positions.group', use-positions-store.ts).
 */
const REFERENCE_GROUPING = `async ([callUrl, token, bookId, limit]) => {
  // The browser host's call route and token header (src-preload/contract/channels.ts).
  const res = await fetch(callUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-marginal-token': token }, body: JSON.stringify({ bookId }) })
  const rows = (await res.json()).value.rows.slice(0, limit)
  const rank = (r) => {
    if (r.kind === 'unknown') return '3'
    if (r.kind === 'spot') return '0'
    if (r.expiryUtc === null) return '1'
    new Date(r.expiryUtc).toLocaleDateString('en-GB', { day: '2-digit', month: 'short', year: 'numeric', timeZone: 'UTC' })
    return '2' + r.expiryUtc
  }
  const t0 = performance.now()
  ;[...rows].sort((a, b) =>
    a.accountName.localeCompare(b.accountName) ||
    (a.underlying || '\\uffff').localeCompare(b.underlying || '\\uffff') ||
    rank(a).localeCompare(rank(b)) ||
    a.kind.localeCompare(b.kind) ||
    (a.strikeUsd ?? 0) - (b.strikeUsd ?? 0) ||
    a.symbol.localeCompare(b.symbol))
  return performance.now() - t0
}`
// Trace event names → kind of work (Chromium's devtools.timeline names).
const KINDS: [string, RegExp][] = [
  ['gc', /GC|Scavenge/i],
  ['script', /FunctionCall|EvaluateScript|TimerFire|FireAnimationFrame|EventDispatch|RunMicrotasks|AsyncTask|^V8\.|^v8\./],
  ['style', /Style|UpdateLayoutTree|rebuildLayoutTree/i],
  ['layout', /Layout|Shape|InlineNode/i],
  ['layerize', /PaintArtifactCompositor|Layeriz/],
  ['paint', /Paint/]
]
const kindOf = (name: string): string => KINDS.find(([, re]) => re.test(name))?.[0] ?? 'other'

interface TraceEvent {
  name: string
  ph: string
  pid: number
  tid: number
  ts: number
  dur?: number
  tdur?: number
  args?: { name?: string }
}

/**
 * CPU time of the renderer main thread in a Chrome trace, per frame, by kind: each complete event's
 * own thread time (its `tdur` less its children's), so nested events are counted once.
 */
export function mainThreadFigures(trace: { traceEvents?: TraceEvent[] } | TraceEvent[], frames: number): MainThreadFigures | null {
  const events = Array.isArray(trace) ? trace : (trace.traceEvents ?? [])
  const threads = events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
  const complete = (t: TraceEvent) => events.filter((e) => e.pid === t.pid && e.tid === t.tid && e.ph === 'X' && e.dur !== undefined)
  // The page's renderer is the busiest one (an extension or spare renderer may exist beside it).
  const mine = threads.map(complete).sort((a, b) => b.length - a.length)[0]
  if (!mine || frames <= 0) return null
  mine.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!)
  const self = new Map<string, number>()
  const open: TraceEvent[] = []
  let total = 0
  for (const e of mine) {
    while (open.length && open[open.length - 1]!.ts + open[open.length - 1]!.dur! <= e.ts) open.pop()
    const cpu = e.tdur ?? e.dur!
    const parent = open[open.length - 1]
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - cpu)
    else total += cpu
    self.set(e.name, (self.get(e.name) ?? 0) + cpu)
    open.push(e)
  }
  const byKindMsPerFrame: Record<string, number> = {}
  for (const [name, us] of self) byKindMsPerFrame[kindOf(name)] = (byKindMsPerFrame[kindOf(name)] ?? 0) + us / 1000 / frames
  return { frames, cpuMsPerFrame: total / 1000 / frames, byKindMsPerFrame }
}

const percentile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN

/** Open a book file in the browser host and measure the grid (see the file comment). */
export interface GridBenchOptions {
  /** Rows the pre-issue-20 sort is timed on (default 2,000). */
  referenceRows?: number
  /** Another build's browser host (e.g. an older commit's out/main/serve.js) to compare with. */
  serveJs?: string
}

export async function measureGridOnBook(bookPath: string, positions: number, opts: GridBenchOptions = {}): Promise<GridFigures> {
  const referenceRows = Math.min(positions, opts.referenceRows ?? 2_000)
  // Loaded lazily, as reports/ loads it, so the other benches never pay for it.
  const { chromium } = await import('playwright-core')
  const { child, url } = await startHost(bookPath, opts.serveJs)
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] })
  try {
    // The page's CSP forbids eval: the probes here are source text (see above), so bypass it.
    const page = await (await browser.newContext({ viewport: { width: 1600, height: 1000 }, bypassCSP: true })).newPage()
    await page.addInitScript({ content: FIRST_ROW_PROBE })
    let listPositionsBytes: number | null = null
    let listPositions: { url: string; body: string } | null = null
    page.on('response', (r) => {
      // The grid loads its rows as columns (listPositionColumns); the baseline sort asks listPositions for the same rows as objects.
      if (!/\/listPosition(s|Columns)$/.test(new URL(r.url()).pathname)) return
      listPositions = { url: r.url().replace(/\/listPositionColumns$/, '/listPositions'), body: r.request().postData() ?? '{}' }
      void r.body().then((b) => (listPositionsBytes = Math.max(listPositionsBytes ?? 0, b.length)), () => undefined)
    })
    await page.goto(url)
    await page.waitForFunction('window.__firstRowMs !== undefined', undefined, { timeout: 600_000, polling: 100 })
    const firstRowMs = (await page.evaluate('window.__firstRowMs')) as number
    const loadEventMs = (await page.evaluate(`performance.getEntriesByType('navigation')[0]?.loadEventEnd ?? NaN`)) as number
    // Let the first render and whatever else the page started (margin) settle before scrolling.
    await page.waitForTimeout(1000)
    const beforeScroll = (await page.evaluate(DOM_NODES)) as number
    const scroll = async (pxPerFrame: number | null): Promise<ScrollFigures> => {
      const r = (await page.evaluate(`(${SCROLL})(${FRAMES}, ${JSON.stringify(pxPerFrame)})`)) as { gaps: number[]; reachedEnd: boolean }
      const sorted = [...r.gaps].sort((a, b) => a - b)
      return {
        frames: sorted.length,
        p50Ms: percentile(sorted, 0.5),
        p95Ms: percentile(sorted, 0.95),
        maxMs: sorted[sorted.length - 1] ?? NaN,
        over16_7: sorted.filter((g) => g > 16.7).length,
        reachedEnd: r.reachedEnd
      }
    }
    const idleFrames = await scroll(0)
    const scrollSteady = await scroll(100)
    // The same scroll twice more, as the first: each from the top, before the fling to the end.
    const scrollSteadyAgain = [await scroll(100), await scroll(100)]
    const scrollToEnd = await scroll(null)
    await page.waitForTimeout(300)
    const afterScroll = (await page.evaluate(DOM_NODES)) as number
    // Traced apart from the timed runs above (tracing slows the page).
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute'] })
    await scroll(100)
    const steadyMainThread = mainThreadFigures(JSON.parse((await browser.stopTracing()).toString('utf8')) as TraceEvent[], FRAMES)
    // The store's grouping of the book's rows (not of the empty list it starts with).
    const currentMs = (await page.evaluate(`performance.getEntriesByName('positions.group').find((e) => e.detail?.positions > 0)?.duration ?? null`)) as number | null
    let referenceSortMs: number | null = null
    const call = listPositions as { url: string; body: string } | null
    if (call && referenceRows > 1) {
      const bookId = (JSON.parse(call.body) as { bookId: number }).bookId
      referenceSortMs = (await page.evaluate(`(${REFERENCE_GROUPING})(${JSON.stringify([call.url, new URL(url).searchParams.get('token'), bookId, referenceRows])})`)) as number
    }
    const nLogN = (n: number): number => n * Math.log2(n)
    return {
      positions,
      firstRowMs,
      loadEventMs,
      listPositionsBytes,
      scrollToEnd,
      scrollSteady,
      scrollSteadyAgain,
      idleFrames,
      steadyMainThread,
      domNodes: { beforeScroll, afterScroll },
      grouping: { currentMs, referenceSortMs, referenceRows, referenceSortMsScaled: referenceSortMs === null ? null : (referenceSortMs * nLogN(positions)) / nLogN(referenceRows) }
    }
  } finally {
    await browser.close()
    await stopHost(child)
  }
}

/** Make a synthetic book of `positions`, open it in the browser host, and measure the grid. */
export async function measureGrid(opts: { positions: number } & GridBenchOptions): Promise<GridFigures> {
  const { dir, path: bookPath } = syntheticBookFile(opts.positions)
  try {
    return await measureGridOnBook(bookPath, opts.positions, opts)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

