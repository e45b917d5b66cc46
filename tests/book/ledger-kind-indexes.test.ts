/**
 * Schema 10's partial indexes serve the ledger reads that pick a few kinds out of the whole ledger
 * (issue 20: each was a 0.3 s scan of a 1.9M-row ledger). SQLite uses a partial index only when the
 * query states its condition, so a reworded WHERE would silently fall back to the scan: the plans
 * are read here, and the answers checked on a ledger that holds every kind.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openBookDatabase } from '../../src-main/book/database'
import { LAST_SETTLING_ROWS_SQL, SESSION_PNL_ROWS_SQL } from '../../src-main/book/balances-repository'
import { OPENING_ROWS_SQL, openingBalanceRows } from '../../src-main/book/import-repository'
import type { BookDb } from '../../src-main/book/database'
import { CLOSED_BY_VENUE_SQL } from '../../src-main/book/explain-repository'

const opened: BookDb[] = []
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close()
})

const plan = (db: BookDb, sql: string): string =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Array((sql.match(/\?/g) ?? []).length).fill(1)) as { detail: string }[]).map((r) => r.detail).join(' | ')

describe('ledger reads by kind', () => {
  it('each read goes through its partial index, not a scan of the ledger', () => {
    const { db } = openBookDatabase(join(mkdtempSync(join(tmpdir(), 'marginal-kinds-')), 'book.sqlite'))
    opened.push(db)
    expect(plan(db, SESSION_PNL_ROWS_SQL)).toContain('USING INDEX cash_flows_session_pnl')
    expect(plan(db, LAST_SETTLING_ROWS_SQL)).toContain('USING INDEX cash_flows_settling')
    expect(plan(db, OPENING_ROWS_SQL)).toContain('USING INDEX cash_flows_openings')
    expect(plan(db, CLOSED_BY_VENUE_SQL)).toMatch(/SEARCH f (EXISTS )?USING INDEX cash_flows_settling \(account_id=\? AND instrument_symbol=\? AND at_ms>\?\)/)
  })

  it('the indexed reads return exactly the rows of their kind', () => {
    const { db } = openBookDatabase(join(mkdtempSync(join(tmpdir(), 'marginal-kinds-')), 'book.sqlite'))
    opened.push(db)
    const bookId = Number(db.prepare("INSERT INTO books (name, kind, created_at) VALUES ('Live', 'live', '2026-12-05T00:00:00Z')").run().lastInsertRowid)
    const accountId = Number(db.prepare("INSERT INTO accounts (book_id, name, venue, base_currency) VALUES (?, 'Deribit 1', 'deribit', 'BTC')").run(bookId).lastInsertRowid)
    const insert = db.prepare('INSERT INTO cash_flows (account_id, external_id, at_ms, kind, currency, amount, instrument_symbol, moves_cash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    const kinds: [string, number, string | null][] = [
      ['fee', 1, 'BTC-PERPETUAL'], ['premium', 1, 'BTC-27DEC24-60000-P'], ['session_pnl', 0, 'BTC-PERPETUAL'], ['session_pnl', 1, 'BTC-PERPETUAL'],
      ['settlement', 1, 'BTC-PERPETUAL'], ['settlement', 1, null], ['delivery', 1, 'BTC-27DEC24'], ['expiry_settlement', 1, 'BTC-27DEC24-60000-P'],
      ['opening_balance', 1, null], ['funding', 1, 'BTC-PERPETUAL']
    ]
    kinds.forEach(([kind, moves, symbol], i) => insert.run(accountId, `x:${i}`, 1000 + i, kind, 'BTC', i + 1, symbol, moves))
    const session = db.prepare(SESSION_PNL_ROWS_SQL).all(bookId) as { amount: number }[]
    expect(session.map((r) => r.amount)).toEqual([3])
    const settling = db.prepare(LAST_SETTLING_ROWS_SQL).all(bookId) as { symbol: string; at_ms: number }[]
    expect(settling.map((r) => [r.symbol, r.at_ms]).sort()).toEqual([['BTC-27DEC24', 1006], ['BTC-27DEC24-60000-P', 1007], ['BTC-PERPETUAL', 1004]])
    expect(openingBalanceRows(db).list(accountId, 'BTC')).toEqual([{ id: 9, atMs: 1008, amount: 9, externalId: 'x:8' }])
  })

  it('a development book at schema 9 made before alert_log_last existed gets it from schema 10', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'marginal-kinds-')), 'book.sqlite')
    const first = openBookDatabase(path).db
    first.exec('DROP INDEX alert_log_last; DROP INDEX cash_flows_session_pnl; DROP INDEX cash_flows_settling; DROP INDEX cash_flows_openings')
    first.pragma('user_version = 9')
    first.close()
    const { db, schemaVersion } = openBookDatabase(path)
    opened.push(db)
    expect(schemaVersion).toBe(10)
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as { name: string }[]).map((r) => r.name)
    expect(names).toEqual(expect.arrayContaining(['alert_log_last', 'cash_flows_session_pnl', 'cash_flows_settling', 'cash_flows_openings']))
  })
})
