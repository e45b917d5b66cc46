/**
 * Issue 20, target 4 (import half): a 1M-row Deribit transaction log imported into a new book file
 * by the command line (`cli import FILE --book NEW`: preview, then the all-or-nothing commit), in
 * a child process so that its peak RSS is its own; beside the same import of a 100k-row log, so
 * that growth with size shows. Each run is checked: the book's trades and cash flows equal the
 * file's (counted from the generator's rows, not from the importer). The 1M-row log is imported in
 * both orders: as the generator writes it (UserSeq order, oldest first, reduced as it is read) and
 * newest first, as Deribit's own exports list it (every row held, then sorted).
 */
import { PEAK_RSS_KB_SOURCE } from './peak-rss'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openBookDatabase, type BookDb } from '../book/database'
import { multiRowInserter, TRADE_COLUMNS } from '../book/trades-repository'
import { LEDGER_COLUMNS } from '../book/import-repository'
import { syntheticDeribitRows, writeSyntheticDeribitLog, type LogOrder } from './synthetic-statement'

export interface ImportScaleRun {
  rows: number
  /** The order the file lists its rows in. */
  order: LogOrder
  megabytes: number
  /** Wall time of the whole `cli import` run (start, read, preview, commit), in seconds. */
  seconds: number
  rowsPerSecond: number
  /** The child's user + system CPU time: less sensitive than wall time to a loaded machine. */
  cpuSeconds: number
  peakRssMb: number
  trades: number
  cashFlows: number
  /** The book holds exactly the file's trades and cash flows. */
  correct: boolean
  /**
   * The same file previewed alone first (`cli import --dry-run` into another new book: read, parse,
   * plan, the cash preview; nothing written), where asked: the part of the import that must finish
   * before its first write, since the plan needs every row (a newest-first log is held and sorted).
   */
  dryRun?: { seconds: number; cpuSeconds: number }
}

/**
 * What the generator's rows make: a trade per trade row; cash flows per non-zero part (option
 * trade: premium and fee; perpetual trade: the fee, its Cash Flow is 0; settlement: settlement and
 * funding). Counted from the rows the generator writes, independently of the importer.
 */
export function expectedCounts(rows: number, seed = 11): { trades: number; cashFlows: number } {
  let trades = 0
  let cashFlows = 0
  for (const row of syntheticDeribitRows(rows, seed)) {
    const [, , , symbol, type, , , , , , , , cashFlow, funding, , , , change] = row as string[]
    if (type === 'settlement') {
      cashFlows += (Number(change) - Number(funding) !== 0 ? 1 : 0) + (Number(funding) !== 0 ? 1 : 0)
      continue
    }
    trades++
    const perp = String(symbol).endsWith('PERPETUAL')
    cashFlows += perp ? 1 : (Number(cashFlow) !== 0 ? 1 : 0) + (Number(change) - Number(cashFlow) !== 0 ? 1 : 0)
  }
  return { trades, cashFlows }
}

/** Prints the child's peak RSS (its own: peak-rss.ts) and CPU time as it exits (an --import hook: the CLI itself is unchanged). */
const EXIT_REPORT =
  'data:text/javascript,process.on("exit",()=>{const u=process.resourceUsage();process.stderr.write(`\\nIMPORT-SCALE maxRSS=${' +
  PEAK_RSS_KB_SOURCE +
  '} cpuUs=${u.userCPUTime+u.systemCPUTime}\\n`)})'

function run(cliPath: string, args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string; seconds: number }> {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, ['--import', EXIT_REPORT, cliPath, ...args], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ code, stdout, stderr, seconds: (performance.now() - t0) / 1000 }))
  })
}

/** One log of `rows` rows imported into a new book by `cli import`, timed and checked. */
const cliReport = (r: { code: number | null; stderr: string }, what: string): RegExpExecArray => {
  const report = /IMPORT-SCALE maxRSS=(\d+) cpuUs=(\d+)/.exec(r.stderr)
  if (r.code !== 0 || !report) throw new Error(`${what} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`)
  return report
}

export async function importScaleRun(cliPath: string, dir: string, rows: number, order: LogOrder = 'oldest-first', opts: { dryRunFirst?: boolean } = {}): Promise<ImportScaleRun> {
  const file = join(dir, `transaction_log-1-BTC-scale-${rows}-${order}.csv`)
  const book = join(dir, `scale-${rows}-${order}.sqlite`)
  writeSyntheticDeribitLog(file, rows, 11, order)
  const megabytes = statSync(file).size / 1e6
  let dryRun: ImportScaleRun['dryRun']
  if (opts.dryRunFirst) {
    const d = await run(cliPath, ['import', file, '--book', join(dir, `scale-${rows}-${order}-dry-run.sqlite`), '--dry-run'])
    dryRun = { seconds: d.seconds, cpuSeconds: Number(cliReport(d, `cli import --dry-run of ${rows} rows`)[2]) / 1e6 }
  }
  const r = await run(cliPath, ['import', file, '--book', book])
  const report = cliReport(r, `cli import of ${rows} rows`)
  const { db } = openBookDatabase(book)
  let trades: number
  let cashFlows: number
  try {
    trades = (db.prepare('SELECT COUNT(*) AS n FROM trades').get() as { n: number }).n
    // The opening-balance row the import adds (the log starts at a balance of 100 BTC) is not a row of the file.
    cashFlows = (db.prepare("SELECT COUNT(*) AS n FROM cash_flows WHERE kind != 'opening_balance'").get() as { n: number }).n
  } finally {
    db.close()
  }
  const expected = expectedCounts(rows)
  rmSync(file, { force: true })
  return {
    rows,
    order,
    megabytes,
    seconds: r.seconds,
    rowsPerSecond: rows / r.seconds,
    cpuSeconds: Number(report[2]) / 1e6,
    peakRssMb: Number(report[1]) / 1024,
    trades,
    cashFlows,
    correct: trades === expected.trades && cashFlows === expected.cashFlows,
    dryRun
  }
}

/**
 * The writes alone: what the rows an import made cost to write, with nothing parsed or planned.
 * The trades and ledger rows of an imported book are written again into an empty book of the same
 * schema (its accounts, instruments and imports copied first), in one transaction each way:
 * - by the import's own inserter (multiRowInserter, ROWS_PER_INSERT rows a statement), the rows
 *   read back from the imported book as they are written (`readSeconds`: that reading alone);
 * - by SQLite alone, INSERT … SELECT from the imported book: no JavaScript, no binding.
 * Both through the schema's indexes and committed: the floor under the import's own rate.
 */
export interface WriteFloor {
  trades: number
  cashFlows: number
  inserterSeconds: number
  readSeconds: number
  sqliteSeconds: number
}

export function writeFloor(sourceBook: string, dir: string): WriteFloor {
  const fresh = (name: string): BookDb => {
    const { db } = openBookDatabase(join(dir, name))
    db.prepare('ATTACH DATABASE ? AS src').run(sourceBook)
    // What the rows refer to, copied as it is (the books' market snapshots left out); foreign keys
    // are checked again for the rows the floor times.
    db.pragma('foreign_keys = OFF')
    db.transaction(() => {
      for (const t of ['books', 'accounts', 'instruments', 'imports']) db.exec(`INSERT OR IGNORE INTO main.${t} SELECT * FROM src.${t}`)
    })()
    db.pragma('foreign_keys = ON')
    return db
  }
  const tables = [
    { table: 'trades', columns: TRADE_COLUMNS },
    { table: 'cash_flows', columns: LEDGER_COLUMNS }
  ] as const
  // Its own connection: the rows are read from it while the other one writes.
  const source = openBookDatabase(sourceBook).db
  try {
    const rowsOf = (table: string, columns: readonly string[]): IterableIterator<unknown[]> =>
      source.prepare(`SELECT ${columns.join(', ')} FROM ${table} ORDER BY id`).raw().iterate() as IterableIterator<unknown[]>
    // The reading alone, twice: the second pass, warm as the inserter's own reading is, is the one
    // taken (the first, cold, would make the writes alone look faster than they are).
    const readPass = (): number => {
      const t = performance.now()
      for (const { table, columns } of tables) for (const row of rowsOf(table, columns)) void row
      return (performance.now() - t) / 1000
    }
    readPass()
    const readSeconds = readPass()
    let t0: number
    const byInserter = fresh('floor-inserter.sqlite')
    const counts = { trades: 0, cashFlows: 0 }
    t0 = performance.now()
    byInserter.transaction(() => {
      for (const { table, columns } of tables) {
        const insert = multiRowInserter(byInserter, table, columns)
        let n = 0
        for (const row of rowsOf(table, columns)) n += insert.add(row)
        n += insert.flush()
        if (table === 'trades') counts.trades = n
        else counts.cashFlows = n
      }
    }).immediate()
    const inserterSeconds = (performance.now() - t0) / 1000
    byInserter.close()
    const bySqlite = fresh('floor-sqlite.sqlite')
    t0 = performance.now()
    bySqlite.transaction(() => {
      for (const { table, columns } of tables) {
        const list = columns.join(', ')
        bySqlite.exec(`INSERT INTO main.${table} (${list}) SELECT ${list} FROM src.${table} ORDER BY id`)
      }
    }).immediate()
    const sqliteSeconds = (performance.now() - t0) / 1000
    bySqlite.close()
    return { ...counts, inserterSeconds, readSeconds, sqliteSeconds }
  } finally {
    source.close()
  }
}

/**
 * The bench's import-scale lines: 100k rows, then 1M, each oldest first, then each of
 * `newestFirstSizes` newest first; each a fresh book in a temp dir (removed after).
 * `cliPath`: the built CLI (out/main/cli.js; from bench.ts, `join(import.meta.dirname, 'cli.js')`).
 */
export async function importScaleBench(
  cliPath: string,
  sizes: readonly number[] = [100_000, 1_000_000],
  newestFirstSizes: readonly number[] = [1_000_000]
): Promise<{ runs: ImportScaleRun[]; floor: WriteFloor & { rows: number } }> {
  const dir = mkdtempSync(join(tmpdir(), 'marginal-import-scale-'))
  try {
    const runs: ImportScaleRun[] = []
    const largest = Math.max(...sizes)
    for (const rows of sizes) runs.push(await importScaleRun(cliPath, dir, rows, 'oldest-first', { dryRunFirst: rows === largest }))
    for (const rows of newestFirstSizes) runs.push(await importScaleRun(cliPath, dir, rows, 'newest-first', { dryRunFirst: rows === largest }))
    // The floor under the largest oldest-first run: its book's rows written again, nothing parsed.
    const floor = { rows: largest, ...writeFloor(join(dir, `scale-${largest}-oldest-first.sqlite`), dir) }
    return { runs, floor }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** One line per run, then the writes' floor, as bench.ts prints its results. */
export const describeImportScale = ({ runs, floor }: { runs: readonly ImportScaleRun[]; floor: WriteFloor & { rows: number } }): string => {
  const run = runs.find((r) => r.rows === floor.rows && r.order === 'oldest-first')
  const written = (floor.trades + floor.cashFlows).toLocaleString('en-US')
  const floorLine =
    `import at scale, the writes alone: the ${floor.rows.toLocaleString('en-US')}-row log's ${floor.trades.toLocaleString('en-US')} trades and ${floor.cashFlows.toLocaleString('en-US')} ledger rows (${written}) ` +
    `written again into an empty book, nothing parsed or planned: by the import's inserter ${floor.inserterSeconds.toFixed(1)} s (reading them back ${floor.readSeconds.toFixed(1)} s of it), ` +
    `by SQLite alone (INSERT … SELECT) ${floor.sqliteSeconds.toFixed(1)} s` +
    (run ? `; the whole import took ${run.seconds.toFixed(1)} s. At 100,000 rows/s the import has ${(floor.rows / 100_000).toFixed(1)} s for everything` : '')
  // What must come before the first write (the plan needs every row), then the writes: a sequential import's floor.
  const sequential = runs
    .filter((r) => r.rows === floor.rows && r.dryRun)
    .map(
      (r) =>
        `import at scale, before the first write: the ${r.rows.toLocaleString('en-US')}-row log ${r.order} previewed alone (cli import --dry-run: read, parse, plan; nothing written; the process's start and a new book's creation included) ${r.dryRun!.seconds.toFixed(1)} s (CPU ${r.dryRun!.cpuSeconds.toFixed(1)} s). ` +
        `Preview alone + writes alone (the inserter less its reading back, ${(floor.inserterSeconds - floor.readSeconds).toFixed(1)} s) = ${(r.dryRun!.seconds + floor.inserterSeconds - floor.readSeconds).toFixed(1)} s, ` +
        `the floor of an import that plans before it writes; this import took ${r.seconds.toFixed(1)} s, and ${(r.rows / 100_000).toFixed(1)} s is 100,000 rows/s`
    )
  return [describeRuns(runs), floorLine, ...sequential].join('\n')
}

const describeRuns = (runs: readonly ImportScaleRun[]): string =>
  runs
    .map(
      (r) =>
        `import at scale: ${r.rows.toLocaleString('en-US')}-row Deribit log, ${r.order} (${r.megabytes.toFixed(0)} MB), by cli import into a new book: ` +
        `${r.seconds.toFixed(1)} s (${Math.round(r.rowsPerSecond).toLocaleString('en-US')} rows/s; CPU ${r.cpuSeconds.toFixed(1)} s), peak RSS ${r.peakRssMb.toFixed(0)} MB, ` +
        `${r.trades} trades and ${r.cashFlows} cash flows ${r.correct ? 'equal to the file' : 'NOT EQUAL TO THE FILE'} (target ≥ 100,000 rows/s, ≤ 600 MB at 1M)`
    )
    .join('\n')
