/**
 * Accounts of a book: the lookups handlers and services need, so no SQL lives outside book/.
 */
import type { BookDb } from './database'

export interface AccountRef {
  id: number
  name: string
  venue: string
}

/** The book's accounts by name. */
export function listAccounts(db: BookDb, bookId: number): AccountRef[] {
  return db.prepare('SELECT id, name, venue FROM accounts WHERE book_id = ? ORDER BY name').all(bookId) as AccountRef[]
}

/** The book's account of that name (names are unique per book). */
export function findAccountByName(db: BookDb, bookId: number, name: string): AccountRef | undefined {
  return db.prepare('SELECT id, name, venue FROM accounts WHERE book_id = ? AND name = ?').get(bookId, name) as AccountRef | undefined
}

/** The account of that id, if it belongs to the book. */
export function findAccountInBook(db: BookDb, bookId: number, accountId: number): AccountRef | undefined {
  return db.prepare('SELECT id, name, venue FROM accounts WHERE id = ? AND book_id = ?').get(accountId, bookId) as AccountRef | undefined
}

/** The book's accounts at that venue (unordered). */
export function accountsAtVenue(db: BookDb, bookId: number, venue: string): AccountRef[] {
  return db.prepare('SELECT id, name, venue FROM accounts WHERE book_id = ? AND venue = ?').all(bookId, venue) as AccountRef[]
}
