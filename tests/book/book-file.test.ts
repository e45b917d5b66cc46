/**
 * The book file as issue 17 wants it: an empty live book apart from the demo (also in files made
 * before), the demo removable and restorable, cash anchored on statement balances or set by hand
 * with an audit row, and a backup that is a complete, checked copy.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { openBookDatabase } from '../../src-main/book/database'
import { migrations } from '../../src-main/book/migrations'
import { demoBook, insertAccount, listBooks, liveBook } from '../../src-main/book/books-repository'
import { anchorStatementBalance, listBalances, refreshCash, setManualBalance } from '../../src-main/book/balances-repository'
import { removeDemoBook, restoreDemoBook } from '../../src-main/book/demo-book'
import { backupBookFile } from '../../src-main/book/backup'
import { copyBook } from '../../src-main/book/whatif-repository'

const tempPath = (): string => join(mkdtempSync(join(tmpdir(), 'marginal-file-')), 'book.sqlite')

const flow = (db: Database.Database, accountId: number, atMs: number, amount: number, externalId: string, movesCash = 1): void => {
  db.prepare("INSERT INTO cash_flows (account_id, external_id, at_ms, kind, currency, amount, moves_cash) VALUES (?, ?, ?, 'deposit', 'BTC', ?, ?)").run(accountId, externalId, atMs, amount, movesCash)
}

describe('a new book file', () => {
  it('holds an empty live book and, apart from it, the demo book', () => {
    const book = openBook(tempPath())
    expect(listBooks(book.db).map((b) => [b.kind, b.name, b.positionCount, b.isDemo])).toEqual([
      ['live', 'Live book', 0, false],
      ['demo', 'Demo book', 36, true]
    ])
    // One live book per file, one demo: the schema holds it.
    expect(() => book.db.prepare("INSERT INTO books (name, kind, created_at) VALUES ('second', 'live', 'now')").run()).toThrow(/UNIQUE/)
    book.db.close()
  })

  it('Remove demo takes the demo and its what-if copies, keeps the live book; restore seeds it afresh', () => {
    const book = openBook(tempPath())
    const demo = demoBook(book.db)!
    const copy = copyBook(book.db, demo.id, { name: 'demo idea' })
    copyBook(book.db, copy, { name: 'idea of the idea' })
    const liveCopy = copyBook(book.db, liveBook(book.db).id, { name: 'own idea' })
    expect(removeDemoBook(book.db)).toBe(3)
    expect(listBooks(book.db).map((b) => b.id)).toEqual([liveBook(book.db).id, liveCopy])
    expect(book.db.prepare("SELECT COUNT(*) AS n FROM market_snapshots WHERE id LIKE 'demo-%'").get()).toEqual({ n: 0 })
    expect(book.db.prepare("SELECT action FROM audit_log WHERE action = 'remove demo'").all()).toHaveLength(1)
    expect(removeDemoBook(book.db)).toBe(0)
    const again = restoreDemoBook(book.db)
    expect(again).toMatchObject({ kind: 'demo', positionCount: 36 })
    book.db.close()
  })
})

describe('a book file made before the demo was apart (schema 6)', () => {
  /** A version-6 file: the demo seeded as its live book, optionally with an import landed in it. */
  function v6File(withImport: boolean): string {
    const path = tempPath()
    const raw = new Database(path)
    raw.pragma('foreign_keys = ON')
    for (const m of migrations.filter((x) => x.version <= 6)) raw.exec(m.sql)
    raw.pragma('user_version = 6')
    // The old seed: the demo as the live book (is_demo = 1).
    const id = seedDemoBookV6(raw)
    if (withImport) {
      raw.prepare("INSERT INTO imports (book_id, file_name, file_sha256, format, rows_total, rows_imported, rows_skipped, rows_rejected, imported_at) VALUES (?, 'log.csv', 'abc', 'deribit-transaction-log', 1, 1, 0, 0, 'now')").run(id)
      const acc = Number(raw.prepare("INSERT INTO accounts (book_id, name, venue, base_currency) VALUES (?, 'Deribit BTC', 'deribit', 'BTC')").run(id).lastInsertRowid)
      raw.prepare("INSERT INTO cash_flows (account_id, external_id, at_ms, kind, currency, amount) VALUES (?, 'x', 1, 'deposit', 'BTC', 2)").run(acc)
    }
    raw.close()
    return path
  }
  function seedDemoBookV6(raw: Database.Database): number {
    const id = Number(raw.prepare("INSERT INTO books (name, kind, is_demo, created_at) VALUES ('Demo book', 'live', 1, 'then')").run().lastInsertRowid)
    raw.prepare("INSERT INTO accounts (book_id, name, venue, base_currency) VALUES (?, 'Deribit main', 'deribit', 'BTC')").run(id)
    return id
  }

  it('turns the demo into a demo book and adds an empty live book', () => {
    const book = openBookDatabase(v6File(false))
    expect(listBooks(book.db).map((b) => [b.kind, b.name, b.accountCount])).toEqual([
      ['live', 'Live book', 0],
      ['demo', 'Demo book', 1]
    ])
    expect(book.db.pragma('foreign_key_check')).toEqual([])
    book.db.close()
  })

  it('moves the accounts imports wrote to, and the imports log, to the new live book', () => {
    const book = openBookDatabase(v6File(true))
    const live = liveBook(book.db)
    expect(book.db.prepare('SELECT a.name FROM accounts a WHERE a.book_id = ?').all(live.id)).toEqual([{ name: 'Deribit BTC' }])
    expect(book.db.prepare('SELECT book_id FROM imports').all()).toEqual([{ book_id: live.id }])
    expect(demoBook(book.db)!.accountCount).toBe(1)
    expect(book.db.prepare('SELECT moves_cash FROM cash_flows').all()).toEqual([{ moves_cash: 1 }])
    book.db.close()
  })

  it('marks the spot-coin rows an older Binance import wrote as holdings, not cash (they moved the spot position too)', () => {
    const path = v6File(false)
    const raw = new Database(path)
    const live = (raw.prepare("SELECT id FROM books WHERE kind = 'live'").get() as { id: number } | undefined)?.id ?? 1
    const imp = Number(raw.prepare("INSERT INTO imports (book_id, file_name, file_sha256, format, rows_total, rows_imported, rows_skipped, rows_rejected, imported_at) VALUES (?, 'statement.csv', 'b', 'binance-statement', 3, 3, 0, 0, 'now')").run(live).lastInsertRowid)
    const acc = Number(raw.prepare("INSERT INTO accounts (book_id, name, venue, base_currency) VALUES (?, 'Binance 1', 'binance', 'USDT')").run(live).lastInsertRowid)
    const row = raw.prepare("INSERT INTO cash_flows (account_id, import_id, external_id, at_ms, kind, currency, amount, note) VALUES (?, ?, ?, 1, ?, ?, ?, ?)")
    row.run(acc, imp, 'a', 'trade', 'BTC', 0.5, 'Spot: Transaction Buy')
    row.run(acc, imp, 'b', 'trade', 'USDT', -30000, 'Spot: Transaction Spend')
    row.run(acc, imp, 'c', 'realised_pnl', 'BTC', 0.01, 'Coin-M Futures: Realized Profit and Loss')
    raw.close()
    const book = openBookDatabase(path)
    expect(book.db.prepare('SELECT external_id, moves_cash FROM cash_flows ORDER BY external_id').all()).toEqual([
      { external_id: 'a', moves_cash: 0 },
      { external_id: 'b', moves_cash: 1 },
      { external_id: 'c', moves_cash: 1 }
    ])
    book.db.close()
  })
})

describe('cash: anchor + the ledger after it', () => {
  const setup = () => {
    const book = openBook(tempPath())
    const live = liveBook(book.db)
    const accountId = insertAccount(book.db, live.id, { name: 'Deribit BTC', venue: 'deribit', baseCurrency: 'BTC' })
    return { db: book.db, liveId: live.id, accountId }
  }

  it('without an anchor is the ledger of cash rows; rows that do not move cash are left out', () => {
    const { db, accountId } = setup()
    flow(db, accountId, 1000, 1.5, 'a')
    flow(db, accountId, 2000, -0.25, 'b')
    flow(db, accountId, 3000, 9, 'c', 0)
    expect(refreshCash(db, accountId, 'btc')).toBe(1.25)
  })

  it('a statement balance anchors it; an older statement imported later does not wind it back', () => {
    const { db, liveId, accountId } = setup()
    flow(db, accountId, 1000, 1, 'a')
    expect(anchorStatementBalance(db, accountId, { currency: 'BTC', amount: 2.2, atMs: 5000, note: 'new.csv line 2' })).toBe(true)
    flow(db, accountId, 6000, 0.3, 'later')
    flow(db, accountId, 4000, 7, 'before the anchor')
    expect(refreshCash(db, accountId, 'BTC')).toBeCloseTo(2.5, 12)
    expect(anchorStatementBalance(db, accountId, { currency: 'BTC', amount: 1, atMs: 3000, note: 'old.csv line 9' })).toBe(false)
    expect(listBalances(db, liveId)[0]).toMatchObject({ amount: expect.closeTo(2.5, 12), anchor: { amount: 2.2, atMs: 5000, source: 'statement', note: 'new.csv line 2' } })
  })

  it('set by hand: anchored now, with an audit row naming the old and new cash', () => {
    const { db, liveId, accountId } = setup()
    flow(db, accountId, 1000, 1, 'a')
    refreshCash(db, accountId, 'BTC')
    setManualBalance(db, { bookId: liveId, accountId, currency: 'btc', amount: 3, note: 'from the venue screen' }, new Date(10_000))
    flow(db, accountId, 20_000, -0.5, 'after')
    expect(refreshCash(db, accountId, 'BTC')).toBe(2.5)
    const audit = db.prepare("SELECT detail FROM audit_log WHERE entity = 'balance'").get() as { detail: string }
    expect(JSON.parse(audit.detail)).toEqual({ currency: 'BTC', before: 1, after: 3, note: 'from the venue screen' })
  })
})

describe('backup', () => {
  it('is a complete, checked copy; it never overwrites a file nor targets the book itself', () => {
    const path = tempPath()
    const book = openBook(path)
    const target = join(mkdtempSync(join(tmpdir(), 'marginal-backup-')), 'copy.sqlite')
    const r = backupBookFile(book.db, path, target)
    expect(r.integrity).toBe('ok')
    const count = (t: string): number => (book.db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n
    for (const t of ['books', 'accounts', 'positions', 'instruments', 'audit_log', 'market_snapshots', 'account_balances']) expect(r.rows[t], t).toBe(count(t))
    expect(() => backupBookFile(book.db, path, target)).toThrow(/already exists/)
    expect(() => backupBookFile(book.db, path, path)).toThrow(/is the book itself/)
    book.db.close()
  })
})
