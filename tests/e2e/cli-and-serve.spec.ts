/**
 * The built command-line programs as a user runs them: no browser, real processes, real book files.
 */
import { spawnSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect, test } from '@playwright/test'
import Database from 'better-sqlite3'

const ROOT = resolve(import.meta.dirname, '../..')
const NODE = join(ROOT, 'node_modules/.bin/node')
const run = (script: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync(NODE, [join(ROOT, 'out/main', script), ...args], { encoding: 'utf8', env: { ...process.env, ...env } })
const tempBook = (): string => join(mkdtempSync(join(tmpdir(), 'marginal-cli-e2e-')), 'book.sqlite')

test('cli books and positions read the book named by --book or MARGINAL_BOOK', () => {
  const book = tempBook()
  const books = run('cli.js', ['books', '--book', book])
  expect(books.status).toBe(0)
  expect(books.stdout).toMatch(/Live book\s+live/)
  expect(books.stdout).toMatch(/Demo book \(demo\)\s+demo/)
  const positions = run('cli.js', ['positions', '--book-id', '1', '--json'], { MARGINAL_BOOK: book })
  expect(positions.status).toBe(0)
  const parsed = JSON.parse(positions.stdout) as { rows: { symbol: string; sizeContracts: number }[] }
  expect(parsed.rows).toHaveLength(36)
  expect(parsed.rows.find((r) => r.symbol === 'ETH-PERPETUAL')?.sizeContracts).toBe(-60_000)
})

test('cli commands other than report and export load neither Chromium\'s driver, ExcelJS nor ECharts', () => {
  // Those three cost ~1.4 s of module loading: loaded on first use (services/lazy-modules.ts).
  const book = tempBook()
  const loaded = (args: string[]): string[] => {
    const r = spawnSync(NODE, ['--require', join(ROOT, 'tests/support/record-loaded-packages.cjs'), join(ROOT, 'out/main/cli.js'), ...args, '--book', book], { encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    return /loaded-packages: (.*)/.exec(r.stderr)![1]!.split(',')
  }
  for (const args of [['books'], ['positions', '--book-id', '1'], ['margin', '--book-id', '1']]) {
    const packages = loaded(args)
    expect(packages, args[0]).toContain('better-sqlite3')
    expect(packages.filter((p) => ['playwright-core', 'exceljs', 'echarts'].includes(p)), args[0]).toEqual([])
  }
  // The export does load ExcelJS, when asked: the recorder sees packages loaded lazily too.
  expect(loaded(['export', '--book-id', '1', '--xlsx', join(tmpdir(), `marginal-lazy-${process.pid}.xlsx`)])).toContain('exceljs')
})

test('cli exit codes suit cron: 2 for usage, 1 for a failed command with the reason', () => {
  const book = tempBook()
  const usage = run('cli.js', ['rebalance', '--book', book])
  expect(usage.status).toBe(2)
  expect(usage.stderr).toContain('unknown command "rebalance"')
  const badId = run('cli.js', ['positions', '--book-id', 'x', '--book', book])
  expect(badId.status).toBe(2)
  expect(badId.stderr).toContain('--book-id "x" is not a book id')
  const missing = run('cli.js', ['positions', '--book-id', '7', '--book', book])
  expect(missing.status).toBe(1)
  expect(missing.stderr.trim()).toBe('marginal: book 7 does not exist')
})

test('serve falls back to a free port when the default one is taken, and honours an explicit --port', async () => {
  const blocker = createServer()
  await new Promise<void>((ok, fail) => blocker.once('error', fail).listen(5917, '127.0.0.1', () => ok()))
  try {
    const explicit = run('serve.js', ['--port', '5917', '--book', tempBook()])
    expect(explicit.status).toBe(1)
    expect(explicit.stderr).toContain('cannot listen on 127.0.0.1:5917')

    const child = spawn(NODE, [join(ROOT, 'out/main/serve.js'), '--book', tempBook()], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const url = await new Promise<string>((ok, fail) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /Marginal workstation: (\S+)/.exec(out)
        if (m) ok(m[1]!)
      })
      child.on('exit', (code) => fail(new Error(`serve exited ${code}: ${out}`)))
    })
    expect(out).toMatch(/Port 5917 is in use; using \d+\./)
    const res = await fetch(url)
    expect(res.status).toBe(200)
    child.kill('SIGTERM')
  } finally {
    blocker.close()
  }
})

const CHAIN = resolve(ROOT, '../shared/data/options/deribit_btc_book_summary_2024-03-12.csv')

test('cli market prints the book snapshot, or one built from a Deribit chain file', () => {
  const own = run('cli.js', ['market', '--book', tempBook(), '--book-id', '1'])
  expect(own.status).toBe(0)
  expect(own.stdout).toContain('Market snapshot demo-2026-11-20T09:00Z')
  expect(own.stdout).toMatch(/2026-12-25 08:00\s+34\.96\s+92980\s+0\.682\s+7\.1\s+47\.64\s+quoted/)

  const missing = run('cli.js', ['market', '--chain', '/nonexistent/chain.csv'])
  expect(missing.status).toBe(1)
  expect(missing.stderr).toContain('cannot read /nonexistent/chain.csv')

  test.skip(!existsSync(CHAIN), `skipped: ${CHAIN} is not on this machine`)
  const chain = run('cli.js', ['market', '--chain', CHAIN, '--json'])
  expect(chain.status).toBe(0)
  const detail = JSON.parse(chain.stdout) as { underlyings: { forwards: unknown[]; smiles: unknown[] }[]; problems: string[] }
  expect(detail.underlyings[0]!.forwards).toHaveLength(12)
  expect(detail.underlyings[0]!.smiles).toHaveLength(12)
  expect(detail.problems).toEqual([])
})

test('cli import: preview, exit 3 on rejected rows with nothing written, --allow-partial imports the good rows', () => {
  const book = tempBook()
  const statement = resolve(ROOT, 'tests/fixtures/statements/transaction_log-123456-BTC-2024-03.csv')
  const dry = run('cli.js', ['import', statement, '--book', book, '--dry-run'])
  expect(dry.status).toBe(3)
  expect(dry.stdout).toContain('Dry run: nothing written.')
  expect(dry.stdout).toContain('transaction_log-123456-BTC-2024-03.csv, line 4, column Amount: rejected: \'abc\' is not a number')
  const refused = run('cli.js', ['import', statement, '--book', book])
  expect(refused.status).toBe(3)
  expect(refused.stdout).toContain('Nothing written: 2 rejected row(s)')
  const partial = run('cli.js', ['import', statement, '--book', book, '--allow-partial'])
  expect(partial.status).toBe(0)
  expect(partial.stdout).toContain('Imported: 9 trades, 14 cash flows, 4 positions changed, 2 rejected rows left out.')
  const again = run('cli.js', ['import', statement, '--book', book, '--allow-partial'])
  expect(again.stdout).toContain('Nothing new: the book already holds every row of this file.')
  const positions = JSON.parse(run('cli.js', ['positions', '--book', book, '--json']).stdout) as { rows: { symbol: string; kind: string }[] }
  expect(positions.rows.find((r) => r.symbol === 'BTC-FUTURE-X')?.kind).toBe('unknown')
  const unknownFile = run('cli.js', ['import', resolve(ROOT, 'package.json'), '--book', book])
  expect(unknownFile.status).toBe(1)
  expect(unknownFile.stderr).toContain('not a statement format Marginal knows')
})

test('cli margin: a table by default, the documented results shape with --json', () => {
  const book = tempBook()
  const table = run('cli.js', ['margin', '--book', book, '--book-id', '1'])
  expect(table.status).toBe(0)
  expect(table.stdout).toMatch(/Deribit main\s+—\s+BTC\s+deribit-pm\s+[\d.]+\s+[\d.]+\s+(price [+−]\d+\.0 %|extended [+−]\d+ %), vol \w+\s+deribit-pm-2024-06/)
  expect(table.stdout).toMatch(/OKX portfolio\s+BTC\s+USD\s+okx-pm\s+[\d.]+/)
  expect(table.stdout).toMatch(/portfolio margin saves [\d.]+ BTC/)
  const json = JSON.parse(run('cli.js', ['margin', '--book', book, '--book-id', '1', '--json']).stdout) as { results: Record<string, unknown>[] }
  // Deribit: standard, span, deribit-pm, greeks × BTC, ETH; Derive: span, derive-pm × ETH; OKX: span, okx-pm × BTC, ETH risk units.
  expect(json.results).toHaveLength(14)
  expect(table.stdout).toMatch(/Derive ETH\s+ETH\s+USD\s+derive-pm\s+[\d.]+\s+[\d.]+\s+spot [+−][\d.]+ %( \(dampened ×[\d.]+\))?, (vol|skew) \w+.*derive-pmrm2-mainnet-2026-01/)
  for (const r of json.results) {
    expect(Object.keys(r)).toEqual(expect.arrayContaining(['method', 'currency', 'initialMargin', 'maintenanceMargin', 'components', 'worstScenario', 'paramsId', 'marketId']))
  }
})

test('cli hedge: the exact Deribit PM hedge of the demo book, as text and as the API\'s JSON', () => {
  const book = tempBook()
  const text = run('cli.js', ['hedge', '--book', book, '--book-id', '1', '--objective', 'deribit-pm', '--max-legs', '3'])
  expect(text.status, text.stderr).toBe(0)
  expect(text.stdout).toMatch(/^Deribit main · BTC, deribit-pm \(LP: the method itself, exact; \d+ candidates/)
  const json = run('cli.js', ['hedge', '--book', book, '--book-id', '1', '--json'])
  expect(json.status, json.stderr).toBe(0)
  const h = JSON.parse(json.stdout)
  expect(h.after.initialMargin).toBeLessThan(h.before.initialMargin)
  expect(h.trades.length).toBeGreaterThan(0)
  const delta = run('cli.js', ['hedge', '--book', book, '--book-id', '1', '--objective', 'delta', '--account', 'Deribit main', '--underlying', 'BTC'])
  expect(delta.status, delta.stderr).toBe(0)
  expect(delta.stdout).toMatch(/^Deribit main · BTC: delta −?-?\d+\.\d{4} → -?0\.000\d BTC\nbuy \d+ BTC-PERPETUAL/)
  const bad = run('cli.js', ['hedge', '--book', book, '--book-id', '1', '--objective', 'es-ish'])
  expect(bad.status).toBe(1)
  expect(bad.stderr).toContain('--objective es-ish: expected one of standard, span, deribit-pm, okx-pm, derive-pm, greeks, es, delta')
})

test('cli export --xlsx and --csv: the workstation\'s export, for nightly jobs', () => {
  const book = tempBook()
  const dir = mkdtempSync(join(tmpdir(), 'marginal-cli-export-'))
  const r = run('cli.js', ['export', '--book', book, '--book-id', '1', '--xlsx', join(dir, 'book.xlsx'), '--csv', join(dir, 'margin.csv'), '--sheet', 'Margin'])
  expect(r.status, r.stderr).toBe(0)
  expect(r.stdout).toContain(`wrote ${join(dir, 'book.xlsx')}`)
  expect(readFileSync(join(dir, 'book.xlsx')).subarray(0, 2).toString('latin1')).toBe('PK')
  expect(readFileSync(join(dir, 'margin.csv'), 'utf8').split('\r\n')[0]).toBe('Group,Method,Currency,Initial margin,Maintenance margin')
  const bad = run('cli.js', ['export', '--book', book, '--book-id', '1', '--csv', join(dir, 'x.csv'), '--sheet', 'Nope'])
  expect(bad.status).toBe(1)
  expect(bad.stderr).toMatch(/sheet/)
})

const REPORT_STATEMENT = resolve(ROOT, 'tests/fixtures/statements/transaction_log-424242-BTC-2024-03-11.csv')
const BINANCE_STATEMENT = resolve(ROOT, '../shared/data/statements/binance_transaction_history_statement.csv')

// How long the nightly job takes is npm run bench's figure (j), never a limit here: a busy machine is not a bug.
test('cli report: the nightly job imports a statement and a Deribit option chain from ../shared/data and writes the PDF with no display', () => {
  test.skip(!existsSync(CHAIN), `skipped: ${CHAIN} is not on this machine`)
  const book = tempBook()
  const out = join(mkdtempSync(join(tmpdir(), 'marginal-report-')), 'nightly.pdf')
  const r = run('cli.js', ['report', '--book', book, '--account', 'Deribit 424242', '--statement', REPORT_STATEMENT, '--market', CHAIN, '--out', out], { DISPLAY: '', WAYLAND_DISPLAY: '' })
  expect(r.status, r.stderr).toBe(0)
  expect(r.stdout).toContain('Imported: 4 trades, 8 cash flows, 4 positions changed.')
  expect(r.stdout).toContain('Imported 1198 rows of market data.')
  expect(r.stdout).toMatch(new RegExp(`^wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+ KB, A4, steps 7/7\\) in \\d+\\.\\d s$`, 'm'))
  const text = spawnSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' }).stdout
  expect(text.replace(/\s+/g, ' ')).toContain('Market snapshot deribit-chain-BTC-2024-03-12T05:57:12.959Z')
  for (const symbol of ['BTC-29MAR24-80000-C', 'BTC-29MAR24-60000-P', 'BTC-26APR24-70000-P', 'BTC-PERPETUAL']) expect(text).toContain(symbol)
  expect(text).not.toMatch(/^OKX portfolio\s+okx\s+USD/m)
  // The headline IM is the one `cli margin` computes for the same book and account.
  const margin = JSON.parse(run('cli.js', ['margin', '--book', book, '--json']).stdout) as { results: { account: string; method: string; initialMargin: number }[] }
  const pm = margin.results.find((x) => x.account === 'Deribit 424242' && x.method === 'deribit-pm')!
  const row = /^Deribit 424242\s+deribit\s+BTC\s+Deribit PM\s+(−?[\d.]+)\s+([\d.]+)/m.exec(text)
  expect(row).not.toBeNull()
  expect(Math.abs(Number(row![2]) - pm.initialMargin)).toBeLessThanOrEqual(0.00005 + 1e-9)
})

test('cli report exit codes for cron: 3 when a statement has rejected rows (nothing imported, no report), 1 without Chromium, 2 for a bad page size', () => {
  const book = tempBook()
  const out = join(mkdtempSync(join(tmpdir(), 'marginal-report-')), 'r.pdf')
  const bad = resolve(ROOT, 'tests/fixtures/statements/transaction_log-123456-BTC-2024-03.csv')
  const rejected = run('cli.js', ['report', '--book', book, '--statement', bad, '--out', out])
  expect(rejected.status).toBe(3)
  expect(rejected.stderr).toContain(`marginal: ${bad} was not imported (rejected rows); no report written`)
  expect(existsSync(out)).toBe(false)
  const noChromium = run('cli.js', ['report', '--book', book, '--book-id', '1', '--out', out], { MARGINAL_CHROMIUM: '/nonexistent/chromium' })
  expect(noChromium.status).toBe(1)
  expect(noChromium.stderr.trim()).toBe('marginal: MARGINAL_CHROMIUM is /nonexistent/chromium, which does not exist')
  expect(existsSync(out)).toBe(false)
  const page = run('cli.js', ['report', '--book', book, '--page', 'A5'])
  expect(page.status).toBe(2)
  expect(page.stderr).toContain('--page "A5" is not a page size (A4 or Letter)')
  // ../shared/data's Binance statement has malformed rows on purpose: with --allow-partial its good
  // rows are imported, then the report is written (on the shared Deribit chain).
  test.skip(!existsSync(BINANCE_STATEMENT) || !existsSync(CHAIN), `skipped: ${BINANCE_STATEMENT} or ${CHAIN} is not on this machine`)
  const partial = run('cli.js', ['report', '--book', book, '--account', 'Binance 1', '--statement', BINANCE_STATEMENT, '--allow-partial', '--market', CHAIN, '--out', out])
  expect(partial.status, partial.stderr).toBe(0)
  expect(partial.stdout).toContain('Imported: 0 trades, 227 cash flows, 13 positions changed, 3 rejected rows left out.')
  const text = spawnSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' }).stdout
  expect(text).toMatch(/^Binance 1\s+binance\s+USD\s+/m)
  expect(text).toMatch(/Not margined \(\d+\): Binance 1 BNBUSDT \(binance:BNBUSDT: no BNB index in market snapshot\)/)
})

test('cli backup round-trips a book being written by the browser host (WAL): every committed row, no half-written book', async () => {
  const book = tempBook()
  const child = spawn(NODE, [join(ROOT, 'out/main/serve.js'), '--port', '0', '--book', book], { stdio: ['ignore', 'pipe', 'pipe'] })
  try {
    let out = ''
    const url = new URL(await new Promise<string>((ok, fail) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /Marginal workstation: (\S+)/.exec(out)
        if (m) ok(m[1]!)
      })
      child.on('exit', (code) => fail(new Error(`serve exited ${code}: ${out}`)))
    }))
    const call = async (method: string, req: unknown): Promise<{ id: number }> => {
      const res = await fetch(`${url.origin}/api/call/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-marginal-token': url.searchParams.get('token')! }, body: JSON.stringify(req) })
      const json = (await res.json()) as { ok: boolean; value: { id: number } }
      expect(json.ok).toBe(true)
      return json.value
    }
    // What-if copies of the demo: each one transaction of a book, 3 accounts, 36 positions.
    for (let i = 0; i < 10; i++) await call('copyBook', { bookId: 1, name: `before ${i}` })
    // The host holds the file open and its last commits sit in the write-ahead log.
    expect(statSync(`${book}-wal`).size).toBeGreaterThan(0)
    const target = join(mkdtempSync(join(tmpdir(), 'marginal-backup-')), 'backup.sqlite')
    let writing = true
    const writer = (async () => {
      for (let i = 0; writing; i++) await call('copyBook', { bookId: 1, name: `during ${i}` })
    })()
    const backup = spawn(NODE, [join(ROOT, 'out/main/cli.js'), 'backup', '--book', book, '--out', target], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    backup.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    const code = await new Promise<number | null>((ok) => backup.on('exit', ok))
    writing = false
    await writer
    expect(code, stdout).toBe(0)
    expect(stdout).toMatch(new RegExp(`^wrote ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+ bytes; integrity ok; rows: `))

    const copy = new Database(target, { readonly: true })
    const source = new Database(book, { readonly: true })
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
      // Every book in the backup is whole: a copy's accounts and positions came with it or not at all.
      const books = copy.prepare("SELECT b.id, (SELECT COUNT(*) FROM accounts a WHERE a.book_id = b.id) AS accounts, (SELECT COUNT(*) FROM positions p JOIN accounts a ON a.id = p.account_id WHERE a.book_id = b.id) AS positions FROM books b WHERE b.kind = 'whatif'").all() as { id: number; accounts: number; positions: number }[]
      expect(books.length).toBeGreaterThanOrEqual(10)
      for (const b of books) expect([b.accounts, b.positions], `book ${b.id}`).toEqual([3, 36])
      // And every row the backup holds is the source's, the same to the byte.
      for (const table of ['books', 'accounts', 'positions', 'account_balances', 'audit_log']) {
        const rows = copy.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all()
        expect(source.prepare(`SELECT * FROM ${table} ORDER BY rowid LIMIT ?`).all(rows.length), table).toEqual(rows)
      }
    } finally {
      copy.close()
      source.close()
    }
  } finally {
    child.kill('SIGTERM')
  }
})

test('cli output through a pipe is complete: a 5,000-row rejection report keeps every line (--verbose) and its verdict, with exit 3', () => {
  test.setTimeout(120_000)
  const dir = mkdtempSync(join(tmpdir(), 'marginal-pipe-'))
  const header = 'ID,UserSeq,Date,Instrument,Type,Side,Amount,Base Amount,Position,Price,Mark Price,Index Price,Cash Flow,Funding,Fee Rate,Fee Charged,Fee Balance,Change,Balance,Equity,Trade ID,Order ID,Info,Note'
  const rows = Array.from({ length: 5000 }, (_, i) => `${i + 1},${i + 1},2024-01-01 00:00:00,BTC-PERPETUAL,mystery,,,,0,,,,0,0,,0,0,0,1,1,,,,`)
  const file = join(dir, 'transaction_log-9-BTC-rejects.csv')
  writeFileSync(file, [header, ...rows, ''].join('\n'))
  const verdict = 'Nothing written: 5000 rejected row(s). Fix them, or pass --allow-partial to import the good rows.'
  // spawnSync reads the child's stdout through a pipe, as `| cat` would.
  const r = run('cli.js', ['import', file, '--book', join(dir, 'book.sqlite'), '--verbose'])
  expect(r.status).toBe(3)
  const lines = r.stdout.trimEnd().split('\n')
  expect(lines.filter((l) => l.includes(": rejected: unknown transaction type 'mystery'"))).toHaveLength(5000)
  expect(lines.at(-1)).toBe(verdict)
  // Without --verbose: the count per reason, the first 20 lines, how to see all, the verdict last.
  const summary = run('cli.js', ['import', file, '--book', join(dir, 'book.sqlite')])
  expect(summary.status).toBe(3)
  const short = summary.stdout.trimEnd().split('\n')
  expect(short.length).toBeLessThan(60)
  expect(summary.stdout).toMatch(/^\s*5000\s+rejected\s+unknown transaction type '…'\s+2$/m)
  expect(short.filter((l) => l.includes(": rejected: unknown transaction type 'mystery'"))).toHaveLength(20)
  expect(summary.stdout).toContain('… 4980 more: --verbose prints every issue, --issues FILE writes them all (CSV).')
  expect(short.at(-1)).toBe(verdict)
  // A reader that stops at the first line is no error: the command still ends with its own code.
  const cli = `${JSON.stringify(NODE)} ${JSON.stringify(join(ROOT, 'out/main/cli.js'))} import ${JSON.stringify(file)} --verbose --book ${JSON.stringify(join(dir, 'book.sqlite'))}`
  const head = spawnSync('bash', ['-c', `${cli} 2> ${JSON.stringify(join(dir, 'stderr'))} | head -n 1 > /dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8' })
  expect(head.stdout.trim()).toBe('3')
  expect(readFileSync(join(dir, 'stderr'), 'utf8')).toBe('')
})

/**
 * A Deribit transaction log opening one position in each of `count` distinct BTC options (2030
 * expiries, so none has expired), with a Balance column that follows its Change: imported by the
 * CLI into a book of `count` positions in a few seconds.
 */
function manyPositionsLog(count: number): string {
  const header = 'ID,UserSeq,Date,Instrument,Type,Side,Amount,Base Amount,Position,Price,Mark Price,Index Price,Cash Flow,Funding,Fee Rate,Fee Charged,Fee Balance,Change,Balance,Equity,Trade ID,Order ID,Info,Note'
  const months = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
  const lines = [header]
  let balance = 1000 * 1e8 // in 1e-8 BTC, printed to 8 decimals as Deribit does
  const btc = (units: number): string => (units / 1e8).toFixed(8)
  for (let n = 1; n <= count; n++) {
    const expiry = new Date(Date.UTC(2030, 0, 4 + 7 * Math.floor((n - 1) / 400)))
    const strike = 10_000 + 1000 * Math.floor(((n - 1) % 400) / 2)
    const symbol = `BTC-${expiry.getUTCDate()}${months[expiry.getUTCMonth()]}${String(expiry.getUTCFullYear()).slice(2)}-${strike}-${n % 2 ? 'C' : 'P'}`
    const buy = n % 3 !== 0
    const premium = buy ? -1_000_000 : 1_000_000
    balance += premium
    const at = new Date(Date.UTC(2024, 0, 1) + n * 1000).toISOString().slice(0, 19).replace('T', ' ')
    lines.push([n, n, at, symbol, 'trade', buy ? 'open buy' : 'open sell', 1, 1, buy ? 1 : -1, '0.0100', '0.0100', 60000, btc(premium), 0, '0.0003', '0.00000000', 0, btc(premium), btc(balance), btc(balance), 900000 + n, 800000 + n, '', ''].join(','))
  }
  return `${lines.join('\n')}\n`
}

test('cli positions --json on a 10,000-position book: through a pipe byte for byte what a file gets; a reader that stops early ends it cleanly', () => {
  test.setTimeout(180_000)
  const dir = mkdtempSync(join(tmpdir(), 'marginal-pipe-10k-'))
  const book = join(dir, 'book.sqlite')
  const log = join(dir, 'transaction_log-77-BTC-10k.csv')
  writeFileSync(log, manyPositionsLog(10_000))
  const imported = run('cli.js', ['import', log, '--book', book])
  expect(imported.status, imported.stderr).toBe(0)
  expect(imported.stdout).toContain('Imported: 10000 trades, 10000 cash flows, 10000 positions changed.')
  // The preview's table stops at 100 position changes and says so.
  expect(imported.stdout).toContain('… and 9900 more position changes (10000 in all): --verbose lists every one.')

  const cli = `${JSON.stringify(NODE)} ${JSON.stringify(join(ROOT, 'out/main/cli.js'))} positions --json --book ${JSON.stringify(book)}`
  const toFile = spawnSync('sh', ['-c', `${cli} > ${JSON.stringify(join(dir, 'file.json'))}`], { encoding: 'utf8' })
  expect(toFile.status, toFile.stderr).toBe(0)
  const throughPipe = spawnSync('sh', ['-c', `${cli} | cat > ${JSON.stringify(join(dir, 'pipe.json'))}`], { encoding: 'utf8' })
  expect(throughPipe.status, throughPipe.stderr).toBe(0)
  const file = readFileSync(join(dir, 'file.json'))
  const piped = readFileSync(join(dir, 'pipe.json'))
  expect(file.length).toBeGreaterThan(5_000_000)
  expect(piped.length).toBe(file.length)
  expect(piped.equals(file)).toBe(true)
  const rows = (JSON.parse(file.toString('utf8')) as { rows: unknown[] }).rows
  expect(rows).toHaveLength(10_000)

  // `| head -c 100`: the reader takes 100 bytes and goes; the CLI ends with 0, no stack trace.
  const head = spawnSync('bash', ['-c', `${cli} 2> ${JSON.stringify(join(dir, 'stderr'))} | head -c 100 > ${JSON.stringify(join(dir, 'head'))}; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8' })
  expect(head.stdout.trim()).toBe('0')
  expect(readFileSync(join(dir, 'head'))).toEqual(file.subarray(0, 100))
  expect(readFileSync(join(dir, 'stderr'), 'utf8')).toBe('')
})

// The system Node here is 20, whose Node-API the SQLite module's build (Node-API 10, Node 22.14+)
// does not meet: loading it there died with SIGSEGV, exit 139, no message.
const SYSTEM_NODE = '/usr/bin/node'
const systemNodeVersion = existsSync(SYSTEM_NODE) ? spawnSync(SYSTEM_NODE, ['--version'], { encoding: 'utf8' }).stdout.trim() : null

test('the CLI, the browser host and npm start refuse an unsupported Node in one line, exit 1, no signal', () => {
  test.skip(systemNodeVersion === null, `skipped: ${SYSTEM_NODE} is not on this machine`)
  test.skip(/^v(2[2-9]|[3-9]\d)\./.test(systemNodeVersion ?? ''), `skipped: ${SYSTEM_NODE} is ${systemNodeVersion}, a supported Node`)
  const version = systemNodeVersion!.slice(1)
  const cases: [string, string, string][] = [
    ['out/main/cli.js', 'marginal', 'npm run cli -- …'],
    ['out/main/serve.js', 'marginal serve', 'npm run serve'],
    ['scripts/start.mjs', 'marginal', 'npm start']
  ]
  for (const [script, program, how] of cases) {
    const r = spawnSync(SYSTEM_NODE, [join(ROOT, script), ...(script.endsWith('cli.js') ? ['books'] : []), '--book', tempBook()], { encoding: 'utf8', timeout: 30_000 })
    expect(r.signal, script).toBeNull()
    expect(r.status, script).toBe(1)
    expect(r.stdout, script).toBe('')
    expect(r.stderr, script).toBe(`${program}: Node 22 is required (this is Node ${version}): run it through npm (${how}), which uses the pinned Node 22\n`)
  }
})
