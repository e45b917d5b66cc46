/**
 * Issue 20: a commit right after its preview takes the preview's plan instead of planning again,
 * but only while the book is as the preview saw it: a write on the same connection, or another
 * connection's commit, in between makes the commit plan again (else it would write rows the book
 * already holds).
 */
import { describe, expect, it } from 'vitest'
import { openBookDatabase } from '../../src-main/book/database'
import { commitImport } from '../../src-main/services/import-service'
import { commit, emptyBook, fixture, positionsOf, preview, snapshotBook } from '../support/import-book'

const CURRENT = 'transaction_log-123456-BTC-2024-03.csv'
const full = fixture(CURRENT)
const lines = full.text.split('\r\n')
// The five oldest rows of the log (it lists newest first): three of its trades.
const early = { fileName: 'transaction_log-123456-BTC-early.csv', text: [lines[0], ...lines.slice(11, 16), ''].join('\r\n') }

describe('the preview\'s plan kept for its commit', () => {
  it('a commit after its preview writes what a commit alone writes', () => {
    const a = emptyBook()
    expect(preview(a.db, a.bookId, full).trades).toEqual({ new: 9, duplicate: 0 })
    const now = new Date('2026-06-01T00:00:00Z')
    const withPreview = commitImport(a.db, { bookId: a.bookId, ...full, allowPartial: true }, now)
    const b = emptyBook()
    const alone = commitImport(b.db, { bookId: b.bookId, ...full, allowPartial: true }, now)
    expect({ ...withPreview, importId: 0, accountId: 0 }).toEqual({ ...alone, importId: 0, accountId: 0 })
    expect(snapshotBook(a.db)).toEqual(snapshotBook(b.db))
  })

  it('is planned again after a write on the same connection between preview and commit', () => {
    const { db, bookId } = emptyBook()
    expect(preview(db, bookId, full).trades).toEqual({ new: 9, duplicate: 0 })
    commit(db, bookId, early)
    expect(commit(db, bookId, full, true)).toMatchObject({ tradesAdded: 6 })
    const fresh = emptyBook()
    commit(fresh.db, fresh.bookId, full, true)
    expect(positionsOf(db, 'Deribit 123456')).toEqual(positionsOf(fresh.db, 'Deribit 123456'))
  })

  it('is planned again after another connection\'s commit between preview and commit', () => {
    const { db, bookId, path } = emptyBook()
    expect(preview(db, bookId, full).trades).toEqual({ new: 9, duplicate: 0 })
    const other = openBookDatabase(path).db
    commit(other, bookId, early)
    other.close()
    expect(commit(db, bookId, full, true)).toMatchObject({ tradesAdded: 6 })
  })
})
