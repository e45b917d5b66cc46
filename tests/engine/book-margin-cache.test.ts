/**
 * The bookMargin handler keeps its last answer per book while nothing it reads has changed, and
 * computes afresh after any change: a position's size, a position removed and put back, the market
 * snapshot, the saved margin parameters, a balance, a write by another connection. After each
 * change its answer equals a fresh computation.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import Database from 'better-sqlite3'
import { demoBook, insertAccount, liveBook, setBookMarketSnapshot } from '../../src-main/book/books-repository'
import { listAccounts } from '../../src-main/book/accounts-repository'
import { setBalance } from '../../src-main/book/balances-repository'
import { loadMarketSnapshot, saveMarketSnapshot } from '../../src-main/book/market-repository'
import { bookContexts } from '../../src-main/services/book-context'
import { bookMarginView, marginHandlers } from '../../src-main/services/margin/handlers'
import { samePlain } from '../../src-main/services/margin/book-margin-cache'
import { saveParamSet } from '../../src-main/services/margin-params-store'
import { paramSetViews } from '../../src-main/services/margin-params-store'
import type { ServiceContext } from '../../src-main/services/service-context'

const file = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-margin-cache-')), 'book.sqlite'))
const db = file.db
const demo = demoBook(db)!
const contexts = bookContexts(db)
const handlers = marginHandlers({ db, bookContext: contexts } as unknown as ServiceContext)
const ask = () => handlers.bookMargin({ bookId: demo.id }) as ReturnType<typeof bookMarginView>
const fresh = () => bookMarginView(contexts(demo.id))
const btcPm = (m: ReturnType<typeof bookMarginView>) => m.accounts.find((a) => a.currency === 'BTC')!.results.find((r) => r.method === 'deribit-pm')!

describe('bookMargin answers from its last run until the book changes', () => {
  it('the same inputs: the same answer object, not a second run', () => {
    const a = ask()
    expect(ask()).toBe(a)
    expect(a).toEqual(fresh())
  })

  it("a position's size: computed afresh", () => {
    const a = ask()
    const id = a.accounts.find((g) => g.currency === 'BTC')!.positionIds[0]!
    db.prepare('UPDATE positions SET size_contracts = size_contracts * 2 WHERE id = ?').run(id)
    const b = ask()
    expect(b).not.toBe(a)
    expect(btcPm(b).initialMargin).not.toBe(btcPm(a).initialMargin)
    expect(b).toEqual(fresh())
    expect(ask()).toBe(b)
  })

  it('a position removed, and put back: computed afresh each time', () => {
    const a = ask()
    const row = db.prepare('SELECT * FROM positions ORDER BY id LIMIT 1').get() as Record<string, unknown>
    db.prepare('DELETE FROM positions WHERE id = ?').run(row.id)
    const b = ask()
    expect(b).not.toBe(a)
    expect(b).toEqual(fresh())
    const cols = Object.keys(row)
    db.prepare(`INSERT INTO positions (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...cols.map((c) => row[c]))
    const c = ask()
    expect(c).not.toBe(b)
    expect(c).toEqual(a)
  })

  it('another market snapshot: computed afresh', () => {
    const a = ask()
    const market = loadMarketSnapshot(db, demo.marketSnapshotId!)!
    const moved = structuredClone(market)
    moved.id = `${market.id}-moved`
    for (const u of Object.keys(moved.indexUsd)) moved.indexUsd[u] = moved.indexUsd[u]! * 1.05
    saveMarketSnapshot(db, moved)
    setBookMarketSnapshot(db, demo.id, moved.id)
    const b = ask()
    expect(b).not.toBe(a)
    expect(b).toEqual(fresh())
    setBookMarketSnapshot(db, demo.id, market.id)
    expect(ask()).toEqual(a)
  })

  it('saved margin parameters: computed afresh', () => {
    const a = ask()
    const pm = paramSetViews(db).find((x) => x.kind === 'deribit-pm')!
    const doc = structuredClone(pm.defaultDocument) as { currencies: Record<string, { range: number }> }
    doc.currencies.BTC!.range = 0.24
    saveParamSet(db, 'deribit-pm', doc)
    const b = ask()
    expect(b).not.toBe(a)
    expect(btcPm(b).initialMargin).not.toBe(btcPm(a).initialMargin)
    expect(b).toEqual(fresh())
  })

  it('a write by another connection (the import worker has its own): computed afresh', () => {
    const a = ask()
    const other = new Database(file.path)
    try {
      other.prepare("UPDATE positions SET size_contracts = -size_contracts WHERE id = (SELECT MIN(id) FROM positions)").run()
    } finally {
      other.close()
    }
    const b = ask()
    expect(b).not.toBe(a)
    expect(b).toEqual(fresh())
    expect(ask()).toBe(b)
  })

  it('a write to another book: the file moved, but this book is unchanged, so the same answer', () => {
    const a = ask()
    const live = liveBook(db)
    insertAccount(db, live.id, { name: 'Elsewhere', venue: 'deribit', baseCurrency: 'BTC' })
    expect(ask()).toBe(a)
  })

  it('a balance: computed afresh (health moves)', () => {
    const a = ask()
    const account = listAccounts(db, demo.id).find((x) => x.venue === 'deribit')!
    setBalance(db, account.id, 'BTC', 0.01)
    const b = ask()
    expect(b).not.toBe(a)
    expect(b.health).not.toEqual(a.health)
    expect(b).toEqual(fresh())
  })
})

describe('samePlain', () => {
  it('compares plain data field by field', () => {
    expect(samePlain({ a: [1, { b: 'x' }], c: null }, { a: [1, { b: 'x' }], c: null })).toBe(true)
    expect(samePlain({ a: 1 }, { a: 1, b: undefined })).toBe(false)
    expect(samePlain([1, 2], [1, 2, 3])).toBe(false)
    expect(samePlain({ a: 0 }, { a: -0 })).toBe(false)
    expect(samePlain({ a: NaN }, { a: NaN })).toBe(true)
    expect(samePlain({ a: { b: 1 } }, { a: { b: 2 } })).toBe(false)
  })
})
