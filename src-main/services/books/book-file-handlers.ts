/**
 * The book file's own handlers: cash balances per account (read, set by hand), the demo book
 * (remove, restore) and backups. Both hosts and the CLI call these.
 */
import type { OpenedBook } from '../../book/database'
import { findBook, setFollowsLiveMarket } from '../../book/books-repository'
import { settledPositions } from '../expiry/settled-positions'
import { ledgerSum, listBalances, setBalance, setManualBalance } from '../../book/balances-repository'
import { removeDemoBook, restoreDemoBook } from '../../book/demo-book'
import { backupBookFile } from '../../book/backup'
import { recordAudit } from '../../book/audit'
import { NotFoundError } from '../errors'
import { BookRefusedError } from '../../book/whatif-repository'
import type { Handlers } from '../api-service'

type BookFileHandlers = Pick<Handlers, 'listBalances' | 'setBalance' | 'removeDemo' | 'restoreDemo' | 'backupBook' | 'setBookMarket' | 'settledPositions'>

export function bookFileHandlers(book: OpenedBook): BookFileHandlers {
  const { db } = book
  const balancesOf = (bookId: number) => {
    if (!findBook(db, bookId)) throw new NotFoundError(`book ${bookId} does not exist`)
    const accounts = db.prepare('SELECT id, name, venue FROM accounts WHERE book_id = ? ORDER BY name').all(bookId) as { id: number; name: string; venue: string }[]
    const venues = new Map(accounts.map((a) => [a.id, a.venue]))
    return {
      bookId,
      accounts,
      balances: listBalances(db, bookId).map((b) => ({
        accountId: b.accountId,
        account: b.accountName,
        venue: venues.get(b.accountId) ?? '',
        currency: b.currency,
        amount: b.amount,
        unsettledPnl: b.unsettledPnl ?? 0,
        ledger: ledgerSum(db, b.accountId, b.currency),
        anchor: b.anchor ? { amount: b.anchor.amount, atUtc: new Date(b.anchor.atMs).toISOString(), source: b.anchor.source, note: b.anchor.note } : null
      }))
    }
  }
  return {
    listBalances: ({ bookId }) => balancesOf(bookId),
    setBalance: ({ bookId, accountId, currency, amount, note }) => {
      const book = findBook(db, bookId)
      if (!book) throw new NotFoundError(`book ${bookId} does not exist`)
      if (!db.prepare('SELECT 1 FROM accounts WHERE id = ? AND book_id = ?').get(accountId, bookId)) throw new NotFoundError(`account ${accountId} is not in "${book.name}"`)
      if (book.kind === 'demo') throw new BookRefusedError(`"${book.name}" is the demo book: copy it to a what-if book to change its balances`)
      if (book.kind === 'live') setManualBalance(db, { bookId, accountId, currency, amount, note: note ?? null })
      else {
        db.transaction(() => {
          setBalance(db, accountId, currency, amount)
          recordAudit(db, { bookId, entity: 'balance', entityId: `${accountId}:${currency.toUpperCase()}`, action: 'set by hand', detail: { currency: currency.toUpperCase(), after: amount, note: note ?? null } })
        })()
      }
      return balancesOf(bookId)
    },
    removeDemo: () => {
      if (removeDemoBook(db) === 0) throw new NotFoundError('this book file has no demo book')
      return { ok: true as const }
    },
    restoreDemo: () => restoreDemoBook(db),
    backupBook: ({ path }) => backupBookFile(db, book.path, path),
    setBookMarket: ({ bookId, follow }) => {
      const b = findBook(db, bookId)
      if (!b) throw new NotFoundError(`book ${bookId} does not exist`)
      if (b.kind !== 'whatif') throw new BookRefusedError(`"${b.name}" is the ${b.kind} book: it has its own market (chain imports go to the live book)`)
      setFollowsLiveMarket(db, bookId, follow)
      return findBook(db, bookId)!
    },
    settledPositions: ({ bookId }) => {
      if (!findBook(db, bookId)) throw new NotFoundError(`book ${bookId} does not exist`)
      return { bookId, positions: settledPositions(db, bookId) }
    }
  }
}
