/**
 * What-if books: copies of a book (or blank books with its accounts) that the trader edits freely.
 * The live book changes only by importing statements, so every write here refuses it. A copy is
 * deep: accounts, balances and positions are new rows, and nothing in it references the parent's
 * rows, so editing the copy can never reach the parent (tests/book/whatif.test.ts).
 */
import type { BookDb } from './database'
import { findBook, insertAccount, insertBook, type BookRecord } from './books-repository'
import { recordAudit } from './audit'
import { listBalances, setBalance } from './balances-repository'
import { insertPosition } from './positions-repository'
import { applyFill, averagesHarmonically } from '../engine/positions/fills'
import type { Instrument } from '../engine/instruments/instrument'

/** A write aimed at a book that may not take it (the live book, a missing book). */
export class BookRefusedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BookRefusedError'
  }
}

export function requireWhatIf(db: BookDb, bookId: number): BookRecord {
  const book = findBook(db, bookId)
  if (!book) throw new BookRefusedError(`book ${bookId} does not exist`)
  if (book.kind === 'demo') throw new BookRefusedError(`"${book.name}" is the demo book: it is a read-only sample. Copy it to a what-if book to try trades.`)
  if (book.kind !== 'whatif') {
    throw new BookRefusedError(`"${book.name}" is the live book: it changes only by importing statements. Copy it to a what-if book to try trades.`)
  }
  return book
}

const cleanName = (name: string): string => {
  const n = name.trim()
  if (!n) throw new BookRefusedError('a book needs a name')
  if (n.length > 80) throw new BookRefusedError(`book name "${n.slice(0, 20)}…" is longer than 80 characters`)
  return n
}

/**
 * Copy a book into a new what-if book in one transaction: its accounts and balances always, its
 * positions unless `blank`. The copy keeps the parent's market snapshot.
 */
export function copyBook(db: BookDb, sourceId: number, opts: { name: string; blank?: boolean }, now = new Date()): number {
  const source = findBook(db, sourceId)
  if (!source) throw new BookRefusedError(`book ${sourceId} does not exist`)
  const name = cleanName(opts.name)
  return db.transaction(() => {
    // A copy of the live book follows its market (the next chain import reaches both); a copy of
    // the demo or of another what-if book holds the market it was copied with.
    const follows = source.kind === 'live' || source.followsLiveMarket
    const bookId = insertBook(db, { name, kind: 'whatif', parentId: source.id, marketSnapshotId: source.marketSnapshotId, followsLiveMarket: follows }, now)
    const accounts = db.prepare('SELECT id, name, venue, base_currency FROM accounts WHERE book_id = ? ORDER BY id').all(sourceId) as { id: number; name: string; venue: string; base_currency: string }[]
    // A copy has no ledger: the source's unsettled futures P&L (booked to cash at the venue's next
    // settlement) goes into the copy's cash, so both start at the same equity.
    const balances = new Map<number, { currency: string; amount: number }[]>()
    for (const b of listBalances(db, sourceId)) balances.set(b.accountId, [...(balances.get(b.accountId) ?? []), { currency: b.currency, amount: b.amount + (b.unsettledPnl ?? 0) }])
    // Settled positions are out of the book: a copy does not bring them back.
    const positions = db.prepare('SELECT instrument_id, size_contracts, avg_price, session_price FROM positions WHERE account_id = ? AND settled_at_ms IS NULL ORDER BY id')
    const setSession = db.prepare('UPDATE positions SET session_price = ? WHERE id = ?')
    for (const a of accounts) {
      const accountId = insertAccount(db, bookId, { name: a.name, venue: a.venue, baseCurrency: a.base_currency })
      for (const b of balances.get(a.id) ?? []) setBalance(db, accountId, b.currency, b.amount)
      if (opts.blank) continue
      for (const p of positions.all(a.id) as { instrument_id: number; size_contracts: number; avg_price: number | null; session_price: number | null }[]) {
        const positionId = insertPosition(db, { bookId, accountId, instrumentId: p.instrument_id, sizeContracts: p.size_contracts, avgPrice: p.avg_price }, now)
        if (p.session_price !== null) setSession.run(p.session_price, positionId)
      }
    }
    recordAudit(db, { bookId, entity: 'book', entityId: bookId, action: opts.blank ? 'what-if blank' : 'what-if copy', detail: { parentId: sourceId } }, now)
    return bookId
  }).immediate()
}

export function renameBook(db: BookDb, bookId: number, name: string, now = new Date()): void {
  requireWhatIf(db, bookId)
  const n = cleanName(name)
  db.transaction(() => {
    db.prepare('UPDATE books SET name = ? WHERE id = ?').run(n, bookId)
    recordAudit(db, { bookId, entity: 'book', entityId: bookId, action: 'rename', detail: { name: n } }, now)
  }).immediate()
}

/** Delete a what-if book with its accounts and positions (ON DELETE CASCADE); its copies keep living, parentless. */
export function deleteBook(db: BookDb, bookId: number, now = new Date()): void {
  const book = requireWhatIf(db, bookId)
  db.transaction(() => {
    recordAudit(db, { bookId: null, entity: 'book', entityId: bookId, action: 'delete', detail: { name: book.name } }, now)
    db.prepare('DELETE FROM books WHERE id = ?').run(bookId)
  }).immediate()
}

export interface WhatIfTrade {
  accountId: number
  instrumentId: number
  /** Signed contracts: buy > 0, sell < 0. */
  sizeContracts: number
  /** Fill price in the instrument's price currency (the mark by default). */
  price: number
  /** Cash the trade moves in `cashCurrency` (premium paid < 0, received > 0; 0 for futures). */
  cashAmount: number
  cashCurrency: string | null
}

/**
 * Book trades into a what-if book, all or none: each changes its position (a size reaching zero
 * closes it; the average price follows the venues' rule: adding averages, reducing keeps it,
 * flipping restarts at the fill) and moves the premium through the account's balance.
 */
export function applyWhatIfTrades(db: BookDb, bookId: number, trades: readonly WhatIfTrade[], now = new Date()): void {
  requireWhatIf(db, bookId)
  const account = db.prepare('SELECT id FROM accounts WHERE id = ? AND book_id = ?')
  const position = db.prepare('SELECT id, size_contracts, avg_price, session_price FROM positions WHERE account_id = ? AND instrument_id = ?')
  const update = db.prepare('UPDATE positions SET size_contracts = ?, avg_price = ?, session_price = ?, updated_at = ? WHERE id = ?')
  const remove = db.prepare('DELETE FROM positions WHERE id = ?')
  const balance = db.prepare('SELECT amount FROM account_balances WHERE account_id = ? AND currency = ?')
  const kindOf = db.prepare('SELECT kind, settlement FROM instruments WHERE id = ?')
  db.transaction(() => {
    for (const t of trades) {
      if (!account.get(t.accountId, bookId)) throw new BookRefusedError(`account ${t.accountId} is not in book ${bookId}`)
      if (!Number.isFinite(t.sizeContracts) || t.sizeContracts === 0) throw new BookRefusedError(`trade size ${t.sizeContracts} is not a non-zero number of contracts`)
      const held = position.get(t.accountId, t.instrumentId) as { id: number; size_contracts: number; avg_price: number | null; session_price: number | null } | undefined
      if (!held) {
        insertPosition(db, { bookId, accountId: t.accountId, instrumentId: t.instrumentId, sizeContracts: t.sizeContracts, avgPrice: t.price }, now)
      } else {
        // The venues' averaging (harmonic for inverse futures), for the entry and the session price alike.
        const harmonic = averagesHarmonically(kindOf.get(t.instrumentId) as { kind: Instrument['kind']; settlement: Instrument['settlement'] })
        const after = applyFill({ sizeContracts: held.size_contracts, avgPrice: held.avg_price }, t.sizeContracts, t.price, harmonic)
        // Sizes are lot multiples; sums of binary fractions leave dust that must read as flat.
        if (after.sizeContracts === 0 || Math.abs(after.sizeContracts) < 1e-9 * Math.max(1, Math.abs(held.size_contracts))) {
          remove.run(held.id)
        } else {
          const session = held.session_price === null ? null : applyFill({ sizeContracts: held.size_contracts, avgPrice: held.session_price }, t.sizeContracts, t.price, harmonic).avgPrice
          update.run(after.sizeContracts, after.avgPrice, session, now.toISOString(), held.id)
        }
      }
      if (t.cashCurrency && t.cashAmount !== 0) {
        const was = (balance.get(t.accountId, t.cashCurrency.toUpperCase()) as { amount: number } | undefined)?.amount ?? 0
        setBalance(db, t.accountId, t.cashCurrency, was + t.cashAmount)
      }
      recordAudit(db, { bookId, entity: 'position', entityId: t.instrumentId, action: 'what-if trade', detail: t }, now)
    }
  }).immediate()
}
