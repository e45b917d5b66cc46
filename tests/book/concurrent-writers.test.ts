/**
 * Issue 19, acceptance 2: two browser hosts and a command-line import write one book file at once.
 * A fourth process holds the book's write lock when they start, so every writer has to wait its
 * turn (BEGIN IMMEDIATE + the busy timeout): every write lands, none fails (no 422, no busy), the
 * file passes integrity_check and its rows are the sum of the imports.
 *
 * The CLI runs as its own process from the build (`node out/main/cli.js`, made by
 * `npx electron-vite build`, as `npm test` does before the unit tests).
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import engineWorkerPath from '../../src-main/workers/engine.worker?modulePath'
import { openBook } from '../../src-main/book/open-book'
import { startTestHost, type TestHost } from '../support/backend'
import { FIXTURES, commit, emptyBook, fixture } from '../support/import-book'

const ROOT = resolve(import.meta.dirname, '../..')
const NODE = join(ROOT, 'node_modules/.bin/node')
const CLI = join(ROOT, 'out/main/cli.js')
const LIVE = 2
const DEMO = 1
const HOST_FILES = ['transaction_log-424242-BTC-2024-03-11.csv', 'okx-trading-history-utc3.csv']
const CLI_FILE = 'transaction_log-889900-BTC-2025-01-31.csv'
const LOCK_MS = 1500

interface Exit {
  code: number | null
  stdout: string
  stderr: string
}

function run(args: string[], onStdout?: (text: string) => void): Promise<Exit> {
  const child = spawn(NODE, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString()
    onStdout?.(stdout)
  })
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((ok) => child.on('close', (code) => ok({ code, stdout, stderr })))
}

/** Another process holding the book's write lock for LOCK_MS (one row of its own), as a cron job's import would. */
const LOCKER = `
const Database = require('better-sqlite3')
const db = new Database(process.argv[1])
db.exec('BEGIN IMMEDIATE')
db.prepare("INSERT INTO ui_state (key, value, updated_at) VALUES ('locker', '1', 'now')").run()
console.log('LOCKED')
setTimeout(() => { db.exec('COMMIT'); db.close(); console.log('RELEASED') }, ${LOCK_MS})
`

const hosts: TestHost[] = []
afterAll(async () => {
  for (const h of hosts) await h.close()
})

async function call(h: TestHost, method: string, req: unknown): Promise<{ status: number; doneAtMs: number; json: { ok: boolean; value?: any; error?: { code: string; message: string } } }> {
  const res = await fetch(`http://127.0.0.1:${h.host.port}/api/call/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-marginal-token': h.host.token },
    body: JSON.stringify(req)
  })
  return { status: res.status, json: await res.json(), doneAtMs: Date.now() }
}

describe('two hosts and a CLI import writing one book at once', () => {
  it('every write waits its turn and lands; integrity ok; rows are the sum of the imports', async () => {
    expect(existsSync(CLI), `${CLI} is missing: run npx electron-vite build first`).toBe(true)
    // What each statement adds on its own, into a book of its own (opening-balance rows included).
    const expected = { trades: 0, cashFlows: 0 }
    for (const f of [...HOST_FILES, CLI_FILE]) {
      const alone = emptyBook()
      commit(alone.db, alone.bookId, fixture(f))
      const rows = (table: string): number => (alone.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n
      expect(rows('trades'), f).toBeGreaterThan(0)
      expected.trades += rows('trades')
      expected.cashFlows += rows('cash_flows')
      alone.db.close()
    }

    const path = join(mkdtempSync(join(tmpdir(), 'marginal-writers-')), 'book.sqlite')
    openBook(path).db.close()
    const a = await startTestHost(engineWorkerPath, { bookPath: path })
    hosts.push(a)
    const b = await startTestHost(engineWorkerPath, { bookPath: path })
    hosts.push(b)

    let locked!: () => void
    const isLocked = new Promise<void>((ok) => (locked = ok))
    const locker = run(['-e', LOCKER, path], (out) => out.includes('LOCKED') && locked())
    await isLocked
    const started = Date.now()

    const cli = run([CLI, 'import', join(FIXTURES, CLI_FILE), '--book', path])
    const writes = await Promise.all([
      call(a, 'commitImport', { bookId: LIVE, ...fixture(HOST_FILES[0]!), allowPartial: false }),
      call(b, 'commitImport', { bookId: LIVE, ...fixture(HOST_FILES[1]!), allowPartial: false }),
      call(a, 'saveScenario', { name: 'a day later', scenario: { days: 1, underlyings: {} } }),
      (async () => {
        const copy = await call(b, 'copyBook', { bookId: DEMO, name: 'What-if while others write' })
        if (!copy.json.ok) return copy
        const balances = await call(a, 'listBalances', { bookId: copy.json.value.id })
        const first = balances.json.value.balances[0]
        return call(a, 'setBalance', { bookId: copy.json.value.id, accountId: first.accountId, currency: first.currency, amount: 12.5 })
      })()
    ])
    const [cliExit, lockerExit] = await Promise.all([cli, locker])

    for (const w of writes) {
      expect(w.json.error, JSON.stringify(w.json.error)).toBeUndefined()
      expect(w.status).toBe(200)
    }
    expect(cliExit.code, cliExit.stderr).toBe(0)
    expect(cliExit.stderr).toBe('')
    expect(lockerExit.stdout).toContain('RELEASED')
    // Every write waited for the lock: no reply came before it was released.
    expect(Math.min(...writes.map((w) => w.doneAtMs - started))).toBeGreaterThanOrEqual(LOCK_MS - 300)
    expect(Date.now() - started).toBeLessThan(15_000)

    const db = new Database(path, { readonly: true })
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      expect(db.pragma('foreign_key_check')).toEqual([])
      const count = (sql: string, ...args: unknown[]): number => (db.prepare(sql).get(...args) as { n: number }).n
      expect(count('SELECT COUNT(*) AS n FROM imports WHERE book_id = ?', LIVE)).toBe(3)
      expect(count('SELECT COUNT(*) AS n FROM trades t JOIN accounts a ON a.id = t.account_id WHERE a.book_id = ?', LIVE)).toBe(expected.trades)
      expect(count('SELECT COUNT(*) AS n FROM cash_flows c JOIN accounts a ON a.id = c.account_id WHERE a.book_id = ?', LIVE)).toBe(expected.cashFlows)
      expect(count("SELECT COUNT(*) AS n FROM books WHERE kind = 'whatif'")).toBe(1)
      expect(count("SELECT COUNT(*) AS n FROM account_balances b JOIN accounts a ON a.id = b.account_id JOIN books k ON k.id = a.book_id WHERE k.kind = 'whatif' AND b.amount = 12.5")).toBe(1)
      expect(count("SELECT COUNT(*) AS n FROM saved_scenarios WHERE name = 'a day later'")).toBe(1)
      expect(count("SELECT COUNT(*) AS n FROM ui_state WHERE key = 'locker'")).toBe(1)
    } finally {
      db.close()
    }
  }, 60_000)
})
