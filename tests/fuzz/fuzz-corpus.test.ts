/**
 * Issue 19, acceptance 6: the import fuzz corpus (tests/fixtures/fuzz, made by generate-corpus.ts)
 * replayed through the API exactly as the hosts call it — the file's bytes decoded as the CLI and
 * the renderer decode them, then previewImport, commitImport with allowPartial false, and again
 * with allowPartial true, through dispatch() on a real book file — with 0 crashes and 0 partial
 * writes:
 * - every reply is an envelope; an error carries a known code (never `internal`) and a short
 *   message (< 2,000 characters) that names the file, echoes at most ~200 characters of the input
 *   and is not a runtime error (TypeError, SQLite constraint…);
 * - a preview writes nothing; a refused commit leaves the book as it was (every table, row for row);
 * - an accepted commit adds exactly what its reply says: trades, the file's own ledger rows, the
 *   import-log row, market rows; a second commit of the same file adds nothing;
 * - no stored number is non-finite or beyond 1e15 (the importers' own bound); integrity_check is ok.
 * Files share a book per batch (in name order), so later files meet what earlier ones wrote. Cases
 * the product still fails are listed in KNOWN_FAILURES with their reason; the list should be empty.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import engineWorkerPath from '../../src-main/workers/engine.worker?modulePath'
import { ApiErrorCode, Envelope } from '@contract/common'
import { decodeStatement } from '@contract/text-encoding'
import type { ImportPreview, ImportResult } from '@contract/import-statements'
import { openBook } from '../../src-main/book/open-book'
import { createServices, type Services } from '../../src-main/services/api-service'
import { dispatch } from '../../src-main/services/dispatch'
import { WorkerPool } from '../../src-main/workers/pool'
import { CORPUS_DIR, MAX_CORPUS_BYTES, MAX_FILE_BYTES, requestExtras } from './corpus'

type Kind =
  /** Not an envelope, code internal or unknown, a runtime error's message, or dispatch threw. */
  | 'crash'
  /** An error message that does not name the file. */
  | 'message-no-file'
  /** An error message of 2,000 characters or more. */
  | 'message-too-long'
  /** An error message (or a preview issue, note) repeating more than 200 characters of the input. */
  | 'message-echo'
  /** A preview issue or note that is too long or names another file. */
  | 'issue-message'
  /** A preview that wrote, or a refused commit that left the book changed. */
  | 'partial-write'
  /** An accepted commit whose writes differ from what its reply says. */
  | 'count-mismatch'
  /** The same file committed again wrote something. */
  | 'second-commit-wrote'
  /** The commit added other than its preview said (same book state), or accepted what the preview rejects. */
  | 'preview-mismatch'
  /** A stored number is not finite or beyond 1e15. */
  | 'insane-number'

interface KnownFailure {
  file: string
  kinds: Kind[]
  reason: string
}

/**
 * Corpus files the product still fails, each with what fails and why. Fixing the product makes the
 * test fail with "fixed: remove it from KNOWN_FAILURES" until the entry goes. Keep it empty.
 */
const KNOWN_FAILURES: KnownFailure[] = []

const BATCH_SIZE = 30
const MAX_MESSAGE = 2_000
const MAX_ECHO = 200
/** The importers' bound on any amount, size or price (csv-records MAX_MAGNITUDE): nothing beyond it belongs in a book. */
const MAX_STORED = 1e15
const KNOWN_CODES = new Set<string>(ApiErrorCode.options.filter((c) => c !== 'internal'))
const RUNTIME_ERROR = /TypeError|RangeError|ReferenceError|Cannot read propert|Cannot set propert|is not a function|is not iterable|is not defined|Maximum call stack|Invalid (array|string) length|constraint failed|SQLITE_|SqliteError|out of memory/

const corpus = readdirSync(CORPUS_DIR).filter((f) => !f.startsWith('.')).sort()
const batches: string[][] = []
for (let i = 0; i < corpus.length; i += BATCH_SIZE) batches.push(corpus.slice(i, i + BATCH_SIZE))

// ---------------------------------------------------------------------------------------------
// The book's state: row counts, and a digest of every row of every table

interface BookState {
  counts: Record<string, number>
  /** cash_flows rows from statements (not Marginal's own opening-balance and settlement rows). */
  statementFlows: number
  importIds: Set<number>
  digest: string
}

function bookState(db: Services['db']): BookState {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((t) => t.name)
  const hash = createHash('sha1')
  const counts: Record<string, number> = {}
  for (const t of tables) {
    const rows = (db.prepare(`SELECT * FROM "${t}"`).raw().all() as unknown[][]).map((r) => JSON.stringify(r)).sort()
    counts[t] = rows.length
    hash.update(`${t}\u0000${rows.join('\u0001')}\u0002`)
  }
  const statementFlows = (db.prepare("SELECT COUNT(*) AS n FROM cash_flows WHERE external_id NOT LIKE 'marginal:%'").get() as { n: number }).n
  const importIds = new Set((db.prepare('SELECT id FROM imports').all() as { id: number }[]).map((r) => r.id))
  return { counts, statementFlows, importIds, digest: hash.digest('hex') }
}

const delta = (a: BookState, b: BookState, t: string): number => (b.counts[t] ?? 0) - (a.counts[t] ?? 0)
const changedTables = (a: BookState, b: BookState): string =>
  Object.keys(b.counts).filter((t) => delta(a, b, t) !== 0).map((t) => `${t} ${delta(a, b, t) > 0 ? '+' : ''}${delta(a, b, t)}`).join(', ') || 'row contents only'

/** Stored REAL values that are not finite or beyond MAX_STORED, per table and column. */
function insaneNumbers(db: Services['db']): string[] {
  const found: string[] = []
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((t) => t.name)
  for (const t of tables) {
    const cols = (db.prepare(`PRAGMA table_info("${t}")`).all() as { name: string; type: string }[]).filter((c) => /REAL/i.test(c.type))
    for (const c of cols) {
      const { n } = db.prepare(`SELECT COUNT(*) AS n FROM "${t}" WHERE "${c.name}" IS NOT NULL AND NOT ("${c.name}" BETWEEN ? AND ?)`).get(-MAX_STORED, MAX_STORED) as { n: number }
      if (n) found.push(`${t}.${c.name}: ${n} row(s)`)
    }
  }
  return found
}

/** Length of the longest stretch of `input` that `message` repeats, when over `limit` (0 otherwise). */
function echoed(message: string, input: string, limit = MAX_ECHO): number {
  // A common stretch longer than `limit` holds one of the message's aligned chunks of limit/2 whole.
  const chunk = Math.floor(limit / 2)
  let best = 0
  for (let i = 0; i + chunk <= message.length; i += chunk) {
    let at = input.indexOf(message.slice(i, i + chunk))
    for (let tries = 0; at >= 0 && tries < 20; tries++) {
      let left = 0
      while (i - left > 0 && at - left > 0 && message[i - left - 1] === input[at - left - 1]) left++
      let right = chunk
      while (i + right < message.length && at + right < input.length && message[i + right] === input[at + right]) right++
      best = Math.max(best, left + right)
      at = input.indexOf(message.slice(i, i + chunk), at + 1)
    }
  }
  return best > limit ? best : 0
}

// ---------------------------------------------------------------------------------------------
// One file through the API

interface Violation {
  kind: Kind
  detail: string
}

const outcomes = new Map<string, number>()
const count = (k: string): void => void outcomes.set(k, (outcomes.get(k) ?? 0) + 1)

async function call(services: Services, method: 'previewImport' | 'commitImport', payload: Record<string, unknown>, v: Violation[]): Promise<Envelope | null> {
  let reply: unknown
  try {
    reply = await dispatch(services.handlers, method, payload)
  } catch (e) {
    v.push({ kind: 'crash', detail: `${method}: dispatch threw ${(e as Error).stack ?? String(e)}` })
    return null
  }
  const env = Envelope.safeParse(reply)
  if (!env.success) {
    v.push({ kind: 'crash', detail: `${method}: not an envelope: ${JSON.stringify(reply)?.slice(0, 300)}` })
    return null
  }
  return env.data
}

function checkError(method: string, env: Envelope, fileName: string, text: string, v: Violation[]): void {
  if (env.ok) return
  const { code, message } = env.error
  count(`${method} ${code}`)
  const head = `${method}: ${code}: ${message.slice(0, 300)}`
  if (!KNOWN_CODES.has(code)) v.push({ kind: 'crash', detail: `${head} (code ${code})` })
  else if (RUNTIME_ERROR.test(message)) v.push({ kind: 'crash', detail: `${head} (a runtime error's message)` })
  if (!message.includes(fileName)) v.push({ kind: 'message-no-file', detail: head })
  if (message.length >= MAX_MESSAGE) v.push({ kind: 'message-too-long', detail: `${method}: ${message.length} characters: ${message.slice(0, 200)}…` })
  const echo = echoed(message, text)
  if (echo) v.push({ kind: 'message-echo', detail: `${method}: ${code}: repeats ${echo} characters of the input (message ${message.length} characters): ${message.slice(0, 200)}…` })
}

function checkPreview(env: Envelope, fileName: string, text: string, v: Violation[]): ImportPreview | null {
  if (!env.ok) return null
  count(`previewImport ok`)
  const p = env.value as ImportPreview
  for (const i of p.issues) {
    if (i.file !== fileName) v.push({ kind: 'issue-message', detail: `issue at line ${i.line} names file '${i.file.slice(0, 100)}'` })
    if (i.reason.length >= MAX_MESSAGE) v.push({ kind: 'issue-message', detail: `issue at line ${i.line}: reason of ${i.reason.length} characters` })
    const echo = echoed(i.reason, text)
    if (echo) v.push({ kind: 'message-echo', detail: `preview issue at line ${i.line}, column ${i.column}: repeats ${echo} characters of the input: ${i.reason.slice(0, 160)}…` })
  }
  for (const n of p.notes) {
    if (n.length >= MAX_MESSAGE) v.push({ kind: 'issue-message', detail: `note of ${n.length} characters` })
    const echo = echoed(n, text)
    if (echo) v.push({ kind: 'message-echo', detail: `preview note repeats ${echo} characters of the input: ${n.slice(0, 160)}…` })
  }
  return p
}

/**
 * A commit's reply against what it did to the book. `previewState` is the book the preview saw;
 * `first` is the earlier commit of the same file, when this is the second.
 */
function checkCommit(
  label: string, env: Envelope, before: BookState, after: BookState, preview: ImportPreview | null, previewState: BookState, allowPartial: boolean, first: Envelope | null, v: Violation[]
): void {
  if (!env.ok) {
    if (after.digest !== before.digest) v.push({ kind: 'partial-write', detail: `${label}: refused (${env.error.code}) but the book changed: ${changedTables(before, after)}` })
    return
  }
  count(`${label} ok`)
  const r = env.value as ImportResult
  const mismatch = (what: string): void => void v.push({ kind: 'count-mismatch', detail: `${label}: ${what} (reply ${JSON.stringify({ ...r, cash: undefined })}; changed: ${changedTables(before, after)})` })
  if (first?.ok && after.digest !== before.digest) v.push({ kind: 'second-commit-wrote', detail: `${label}: the file was committed already, yet the book changed: ${changedTables(before, after)}` })
  if (!preview) v.push({ kind: 'preview-mismatch', detail: `${label}: accepted although the preview failed` })
  else if (!allowPartial && preview.rejected > 0) v.push({ kind: 'preview-mismatch', detail: `${label}: accepted with allowPartial false although the preview rejects ${preview.rejected} row(s)` })

  const newImport = r.importId !== null && !before.importIds.has(r.importId)
  if (!newImport) {
    // A chain file the book imported before (same SHA-256: its log row is reused) makes its market
    // current again when the book has moved to another chain since: the snapshot (kept once), the
    // book's pointer and an audit row change, and the reply counts its marks. Nothing else may.
    const others = Object.keys(after.counts).filter((t) => t !== 'market_snapshots' && t !== 'audit_log' && delta(before, after, t) !== 0)
    const chainAgain = preview?.dataset === 'option-chain' && r.importId !== null && r.marketRowsAdded > 0 && others.length === 0 && delta(before, after, 'audit_log') === 1 && delta(before, after, 'market_snapshots') <= 1
    if (chainAgain) return
    if (after.digest !== before.digest) mismatch(`no new import (importId ${r.importId}) yet the book changed`)
    if (r.tradesAdded || r.cashFlowsAdded || r.marketRowsAdded) mismatch('rows reported added without a new import')
    return
  }
  if (delta(before, after, 'imports') !== 1) mismatch(`imports ${delta(before, after, 'imports')}, expected +1`)
  if (delta(before, after, 'trades') !== r.tradesAdded) mismatch(`trades ${delta(before, after, 'trades')}, reply says ${r.tradesAdded}`)
  if (after.statementFlows - before.statementFlows !== r.cashFlowsAdded) mismatch(`statement ledger rows ${after.statementFlows - before.statementFlows}, reply says ${r.cashFlowsAdded}`)
  if (delta(before, after, 'positions') > r.positionsChanged) mismatch(`positions +${delta(before, after, 'positions')}, reply says ${r.positionsChanged} changed`)
  const history = delta(before, after, 'price_history') + delta(before, after, 'vol_index_history') + delta(before, after, 'funding_history')
  const dataset = preview?.dataset
  if (dataset === 'statement' || dataset === undefined) {
    if (history !== 0 || delta(before, after, 'market_snapshots') !== 0 || r.marketRowsAdded !== 0) mismatch(`a statement wrote market data (history ${history}, marketRowsAdded ${r.marketRowsAdded})`)
    if (delta(before, after, 'accounts') > 1) mismatch(`accounts +${delta(before, after, 'accounts')}`)
  } else {
    if (r.tradesAdded || r.cashFlowsAdded || delta(before, after, 'accounts') !== 0 || delta(before, after, 'positions') !== 0) mismatch('a market file wrote statement rows')
    if (dataset === 'option-chain') {
      if (history !== 0 || delta(before, after, 'market_snapshots') > 1) mismatch(`an option chain wrote history ${history}, snapshots ${delta(before, after, 'market_snapshots')}`)
    } else if (history !== r.marketRowsAdded || delta(before, after, 'market_snapshots') !== 0) mismatch(`market history rows ${history}, reply says ${r.marketRowsAdded}`)
  }
  // Same book as the preview saw: the commit adds what the preview announced.
  if (preview && before.digest === previewState.digest) {
    const said = dataset === 'statement' ? { trades: preview.trades.new, flows: preview.cashFlows.new, market: 0 } : { trades: 0, flows: 0, market: preview.series.reduce((n, s) => n + s.new, 0) }
    if (r.tradesAdded !== said.trades || r.cashFlowsAdded !== said.flows || r.marketRowsAdded !== said.market || r.rejected !== preview.rejected) {
      v.push({ kind: 'preview-mismatch', detail: `${label}: preview said ${JSON.stringify({ ...said, rejected: preview.rejected })}, commit added ${JSON.stringify({ trades: r.tradesAdded, flows: r.cashFlowsAdded, market: r.marketRowsAdded, rejected: r.rejected })}` })
    }
  }
}

/** An option chain the reply says it added is the book's market now: one of its underlyings comes from this file. */
async function checkChainLanded(services: Services, bookId: number, fileName: string, label: string, env: Envelope | null, before: BookState, preview: ImportPreview | null, v: Violation[]): Promise<void> {
  if (!env?.ok || preview?.dataset !== 'option-chain') return
  const r = env.value as ImportResult
  if (r.importId === null || before.importIds.has(r.importId) || r.marketRowsAdded === 0) return
  const market = await dispatch(services.handlers, 'currentMarket', { bookId })
  const sources = market.ok ? ((market.value as { snapshot: { underlyings: { source: string }[] } | null }).snapshot?.underlyings.map((u) => u.source) ?? []) : []
  if (!sources.includes(fileName)) {
    v.push({ kind: 'count-mismatch', detail: `${label}: reply says ${r.marketRowsAdded} chain marks added, but the book's market comes from ${JSON.stringify(sources).slice(0, 300)}` })
  }
}

async function replay(services: Services, bookId: number, fileName: string): Promise<Violation[]> {
  const v: Violation[] = []
  const { text } = decodeStatement(readFileSync(join(CORPUS_DIR, fileName)))
  const request = { bookId, fileName, text, ...requestExtras(fileName) }

  const s0 = bookState(services.db)
  const p = await call(services, 'previewImport', request, v)
  const s1 = bookState(services.db)
  if (s1.digest !== s0.digest) v.push({ kind: 'partial-write', detail: `previewImport changed the book: ${changedTables(s0, s1)}` })
  if (p) checkError('previewImport', p, fileName, text, v)
  const preview = p ? checkPreview(p, fileName, text, v) : null

  const strict = await call(services, 'commitImport', { ...request, allowPartial: false }, v)
  const s2 = bookState(services.db)
  if (strict) {
    checkError('commitImport', strict, fileName, text, v)
    checkCommit('commitImport (allowPartial false)', strict, s1, s2, preview, s1, false, null, v)
    await checkChainLanded(services, bookId, fileName, 'commitImport (allowPartial false)', strict, s1, preview, v)
    if (preview && preview.rejected > 0 && strict.ok) v.push({ kind: 'preview-mismatch', detail: 'commit without allowPartial accepted rejected rows' })
  }

  const partial = await call(services, 'commitImport', { ...request, allowPartial: true }, v)
  const s3 = bookState(services.db)
  if (partial) {
    checkError('commitImport', partial, fileName, text, v)
    checkCommit('commitImport (allowPartial true)', partial, s2, s3, preview, s1, true, strict, v)
    await checkChainLanded(services, bookId, fileName, 'commitImport (allowPartial true)', partial, s2, preview, v)
  }

  const insane = insaneNumbers(services.db)
  if (insane.length) v.push({ kind: 'insane-number', detail: `after this file the book stores ${insane.join('; ')}` })
  return v
}

// ---------------------------------------------------------------------------------------------

/** One engine pool for every batch (imports may run there); each batch's services leave it open. */
let pool: WorkerPool
const tempDirs: string[] = []
const started = performance.now()

beforeAll(() => {
  pool = new WorkerPool(engineWorkerPath, 1)
})
afterAll(async () => {
  await pool.close()
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true })
  console.log(
    `fuzz corpus: ${corpus.length} files in ${batches.length} books, ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
      [...outcomes].sort().map(([k, n]) => `${k} ${n}`).join(', ')
  )
})

describe('the fuzz corpus', () => {
  it(`holds a few hundred small files (each ≤ ${MAX_FILE_BYTES} bytes, ≤ ${MAX_CORPUS_BYTES} in all), and every known failure names one of them`, () => {
    const sizes = corpus.map((f) => readFileSync(join(CORPUS_DIR, f)).length)
    expect(corpus.length).toBeGreaterThanOrEqual(250)
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_FILE_BYTES)
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(MAX_CORPUS_BYTES)
    expect(KNOWN_FAILURES.map((k) => k.file).filter((f) => !corpus.includes(f))).toEqual([])
  })
})

batches.forEach((files, b) => {
  describe(`batch ${b + 1} of ${batches.length}: ${files[0]} … ${files.at(-1)}`, () => {
    let services: Services
    let bookId: number

    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'marginal-fuzz-'))
      tempDirs.push(dir)
      // The services close the pool with the book: hand them a view of the shared pool whose close is a no-op.
      const shared = new Proxy(pool, {
        get: (target, prop) => {
          if (prop === 'close') return async () => {}
          const value = Reflect.get(target, prop, target) as unknown
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
        }
      })
      services = createServices({ book: openBook(join(dir, `batch-${b + 1}.sqlite`)), pool: shared, host: 'browser' })
      const books = await dispatch(services.handlers, 'listBooks', {})
      if (!books.ok) throw new Error(books.error.message)
      bookId = (books.value as { id: number; kind: string }[]).find((x) => x.kind === 'live')!.id
      expect(insaneNumbers(services.db)).toEqual([])
    })
    afterAll(async () => {
      await services?.close()
    })

    for (const file of files) {
      it(file, async () => {
        const violations = await replay(services, bookId, file)
        const known = KNOWN_FAILURES.find((k) => k.file === file)
        const show = (vs: Violation[]): string => vs.map((x) => `${x.kind}: ${x.detail}`).join('\n')
        if (!known) {
          expect(violations, show(violations)).toEqual([])
          return
        }
        expect(violations.length, `fixed: remove ${file} from KNOWN_FAILURES (${known.reason})`).toBeGreaterThan(0)
        const unexpected = violations.filter((x) => !known.kinds.includes(x.kind))
        expect(unexpected, show(unexpected)).toEqual([])
      })
    }

    it('leaves the book file intact (PRAGMA integrity_check)', () => {
      expect(services.db.pragma('integrity_check', { simple: true })).toBe('ok')
      expect(services.db.pragma('foreign_key_check')).toEqual([])
    })
  })
})

describe('the replay as a whole', () => {
  it('exercised both the write path and the refusals (the corpus still reaches the importers)', () => {
    const n = (k: string): number => outcomes.get(k) ?? 0
    const accepted = n('commitImport (allowPartial false) ok') + n('commitImport (allowPartial true) ok')
    expect(n('previewImport ok')).toBeGreaterThan(corpus.length / 2)
    expect(n('commitImport (allowPartial false) ok')).toBeGreaterThan(corpus.length / 5)
    expect(accepted).toBeGreaterThan(corpus.length / 2)
    expect(n('commitImport rejected_rows')).toBeGreaterThan(corpus.length / 5)
    expect(n('commitImport unreadable_file')).toBeGreaterThan(corpus.length / 10)
  })
})
