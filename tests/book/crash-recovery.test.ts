import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { openBookDatabase } from '../../src-main/book/database'
import { insertTrades, type NewTrade } from '../../src-main/book/trades-repository'

const CHILD = resolve(import.meta.dirname, 'fixtures/write-until-killed.ts')

describe('crash safety', () => {
  it('survives kill -9 in the middle of a large write transaction with every committed row intact', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'marginal-crash-')), 'book.sqlite')
    const book = openBook(path)
    const { accountId, instrumentId } = book.db
      .prepare('SELECT account_id AS accountId, instrument_id AS instrumentId FROM positions LIMIT 1')
      .get() as { accountId: number; instrumentId: number }
    const committed: NewTrade[] = Array.from({ length: 5000 }, (_, i) => ({
      accountId, instrumentId, importId: null, externalId: `committed-${i}`, tradedAtMs: 1_700_000_000_000 + i,
      side: i % 2 ? 'buy' : 'sell', sizeContracts: 1 + (i % 9), price: 90_000 + i, fee: 0.0001, feeCurrency: 'BTC'
    }))
    insertTrades(book.db, committed)
    const fingerprint = (db: typeof book.db): unknown =>
      db.prepare("SELECT COUNT(*) AS n, SUM(size_contracts * price) AS s, MIN(external_id) AS lo, MAX(external_id) AS hi FROM trades WHERE external_id LIKE 'committed-%'").get()
    const before = { trades: fingerprint(book.db), positions: book.db.prepare('SELECT * FROM positions ORDER BY id').all() }
    book.db.close()

    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path, String(accountId), String(instrumentId)], {
      stdio: ['pipe', 'pipe', 'pipe'] /* stdin held open: the child waits on it for the kill */
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const outcome = await new Promise<string>((resolveOutcome) => {
      child.stdout.on('data', (d: Buffer) => {
        const text = d.toString()
        if (text.includes('MID-TRANSACTION')) {
          child.kill('SIGKILL')
          resolveOutcome('killed mid-transaction')
        } else if (text.includes('COMMITTED')) resolveOutcome('child finished before the kill')
      })
      child.on('exit', (code, signal) => resolveOutcome(`child exited early: code ${code} signal ${signal} ${stderr}`))
    })
    expect(outcome).toBe('killed mid-transaction')
    await new Promise((r) => child.once('close', r))

    const reopened = openBookDatabase(path)
    expect(reopened.db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(fingerprint(reopened.db)).toEqual(before.trades)
    expect(reopened.db.prepare('SELECT * FROM positions ORDER BY id').all()).toEqual(before.positions)
    const { n } = reopened.db.prepare("SELECT COUNT(*) AS n FROM trades WHERE external_id LIKE 'uncommitted-%'").get() as { n: number }
    expect(n).toBe(0)
    reopened.db.close()
  }, 60_000)
})
