/**
 * Books: the list, what-if copies (copy, rename, delete), the demo book (remove, restore), and
 * whether a what-if book follows the live book's market, backups of the whole book file, and a
 * repaired copy of a damaged one.
 */
import type { booksMethods } from '@contract/books'
import { findBook, listBooks, setFollowsLiveMarket } from '../../book/books-repository'
import { copyBook, deleteBook, renameBook, BookRefusedError } from '../../book/whatif-repository'
import { removeDemoBook, restoreDemoBook } from '../../book/demo-book'
import { backupBookFile } from '../../book/backup'
import { saveRepairedCopy } from '../../book/repair'
import { NotFoundError } from '../errors'
import type { HandlerSlice, ServiceContext } from '../service-context'

export function booksHandlers(ctx: ServiceContext): HandlerSlice<keyof typeof booksMethods> {
  const { db } = ctx
  return {
    listBooks: () => listBooks(db),
    copyBook: ({ bookId, name, blank }) => ctx.bookContext(copyBook(db, ctx.bookContext(bookId).book.id, { name, blank })).book,
    renameBook: ({ bookId, name }) => {
      renameBook(db, bookId, name)
      return ctx.bookContext(bookId).book
    },
    deleteBook: ({ bookId }) => {
      deleteBook(db, bookId)
      return { ok: true as const }
    },
    removeDemo: () => {
      if (removeDemoBook(db) === 0) throw new NotFoundError('this book file has no demo book')
      return { ok: true as const }
    },
    restoreDemo: () => restoreDemoBook(db),
    setBookMarket: ({ bookId, follow }) => {
      const b = ctx.bookContext(bookId).book
      if (b.kind !== 'whatif') throw new BookRefusedError(`"${b.name}" is the ${b.kind} book: it has its own market (chain imports go to the live book)`)
      setFollowsLiveMarket(db, bookId, follow)
      return findBook(db, bookId)!
    },
    backupBook: ({ path }) => backupBookFile(db, ctx.file.path, path),
    saveRepairedCopy: ({ path }) => saveRepairedCopy(db, ctx.file.path, path)
  }
}
