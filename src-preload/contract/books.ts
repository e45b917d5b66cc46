/**
 * Books: the live book, the demo and what-if copies; which market a book is valued on; backups of the book file.
 */
import { z } from 'zod'
import { bookName, id, isoUtc } from './primitives'
import { EmptyRequest, OkResponse } from './common'
import type { MethodTable } from './method-table'

/** live: the trader's own book, filled by imports only; demo: the shipped sample, read-only; whatif: copies to edit. */
export const BookKind = z.enum(['live', 'whatif', 'demo'])

export const BookSummary = z.object({
  id,
  name: z.string(),
  kind: BookKind,
  parentId: id.nullable(),
  isDemo: z.boolean(),
  createdAtUtc: isoUtc,
  accountCount: z.number().int().nonnegative(),
  positionCount: z.number().int().nonnegative(),
  /** The snapshot the book is valued on: the live book's own when the book follows it. */
  marketSnapshotId: z.string().nullable(),
  /** A what-if book that follows the live book's market (updated by every chain import) rather than holding its own copy. */
  followsLiveMarket: z.boolean(),
  /** Positions past their expiry not yet settled (no settlement price yet): they are left out of every figure. */
  awaitingSettlement: z.number().int().nonnegative()
})

export const BookRequest = z.object({ bookId: id }).strict()

export const CopyBookRequest = z.object({ bookId: id, name: bookName, blank: z.boolean().default(false) }).strict()
/** A what-if book follows the live book's market or holds a copy of its own. */
export const SetBookMarketRequest = z.object({ bookId: id, follow: z.boolean() }).strict()
export const RenameBookRequest = z.object({ bookId: id, name: bookName }).strict()

/** A consistent copy of the whole book file; without a path, beside it with a timestamp. */
export const BackupRequest = z.object({ path: z.string().trim().min(1).max(1024).optional() }).strict()
export const BackupResponse = z.object({
  path: z.string(),
  bytes: z.number().int(),
  /** Rows per table in the backup, read back from it. */
  rows: z.record(z.string(), z.number().int()),
  integrity: z.literal('ok'),
  atUtc: isoUtc
})

/** A repaired copy of a damaged (or read-only) book file; without a path, beside it (or in the home folder) with a timestamp. */
export const RepairRequest = z.object({ path: z.string().trim().min(1).max(1024).optional() }).strict()
export const RepairResponse = z.object({
  path: z.string(),
  bytes: z.number().int(),
  /** vacuum: SQLite rebuilt the file whole (nothing lost); row-copy: table by table, skipping pages it cannot read. */
  method: z.enum(['vacuum', 'row-copy']),
  /** Rows per table in the copy, read back from it. */
  rows: z.record(z.string(), z.number().int()),
  integrity: z.literal('ok'),
  /** Row-id ranges that could not be read (the copy lacks them): after the last id read, before the next. */
  unreadable: z.array(z.object({ table: z.string(), afterId: z.number().int().nullable(), beforeId: z.number().int().nullable() })),
  /** Rows read but left out: they break a constraint, or their parent row was lost. */
  rowsLeftOut: z.number().int().nonnegative(),
  atUtc: isoUtc
})

export type BookSummary = z.output<typeof BookSummary>
export type RepairResponse = z.output<typeof RepairResponse>
export type BackupResponse = z.output<typeof BackupResponse>

export const booksMethods = {
  listBooks: { request: EmptyRequest, response: BookSummary.array() },
  /** Copy a book (or only its accounts and collateral: blank) into a new what-if book. */
  copyBook: { request: CopyBookRequest, response: BookSummary },
  renameBook: { request: RenameBookRequest, response: BookSummary },
  /** Delete a what-if book (the live book is refused). */
  deleteBook: { request: BookRequest, response: OkResponse },
  /** Delete the demo book from this file (its what-if copies go with it). */
  removeDemo: { request: EmptyRequest, response: OkResponse },
  /** Put the demo book back (seeded afresh) when it was removed. */
  restoreDemo: { request: EmptyRequest, response: BookSummary },
  /** A what-if book follows the live book's market (every chain import) or holds a copy of the one it has now. */
  setBookMarket: { request: SetBookMarketRequest, response: BookSummary },
  /** A consistent copy of the whole book file (SQLite VACUUM INTO), read back and checked. */
  backupBook: { request: BackupRequest, response: BackupResponse },
  /** Save a copy of a damaged or read-only book that passes integrity_check (VACUUM INTO, else row by row); the book itself is left as it is. */
  saveRepairedCopy: { request: RepairRequest, response: RepairResponse }
} as const satisfies MethodTable
