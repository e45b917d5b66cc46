import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBookDatabase } from '../../src-main/book/database'
import { syntheticDeribitLog } from '../../src-main/bench/synthetic-statement'
import { commit, emptyBook, fixture, positionsOf, snapshotBook } from '../support/import-book'

const CHILD = resolve(import.meta.dirname, 'fixtures/commit-until-killed.ts')
const ROWS = 40_000

describe('import crash safety', () => {
  it('kill -9 mid-commit leaves the book unchanged; importing again gives the same book as a clean import', async () => {
    const { db, bookId, path } = emptyBook()
    commit(db, bookId, fixture('transaction_log-654321-ETH-2023-05.csv')) // something already in the book
    const before = snapshotBook(db)
    db.close()

    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path, String(bookId), String(ROWS)], { stdio: ['pipe', 'pipe', 'pipe'] /* stdin held open: the child waits on it for the kill */ })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const outcome = await new Promise<string>((done) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('MID-COMMIT')) {
          child.kill('SIGKILL')
          done('killed mid-commit')
        } else if (d.toString().includes('COMMITTED')) done('finished before the kill')
      })
      child.on('exit', (code, signal) => done(`exited: ${code} ${signal} ${stderr}`))
    })
    expect(outcome).toBe('killed mid-commit')
    await new Promise((r) => child.once('close', r))

    const reopened = openBookDatabase(path)
    expect(reopened.db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(snapshotBook(reopened.db)).toBe(before)

    const big = { fileName: 'transaction_log-1-BTC-big.csv', text: syntheticDeribitLog(ROWS) }
    commit(reopened.db, bookId, big)
    const clean = emptyBook()
    commit(clean.db, clean.bookId, fixture('transaction_log-654321-ETH-2023-05.csv'))
    commit(clean.db, clean.bookId, big)
    expect(positionsOf(reopened.db, 'Deribit 1')).toEqual(positionsOf(clean.db, 'Deribit 1'))
    expect(positionsOf(reopened.db, 'Deribit 654321')).toEqual(positionsOf(clean.db, 'Deribit 654321'))
    const count = (d: typeof db): unknown => d.prepare('SELECT COUNT(*) AS trades, (SELECT COUNT(*) FROM cash_flows) AS flows FROM trades').get()
    expect(count(reopened.db)).toEqual(count(clean.db))
    reopened.db.close()
  }, 60_000)
})
