/**
 * Importing a venue's own summary into a book: read the file (strictly: nothing is written from a
 * file that does not read), match it to an account, store it verbatim with what was read (one
 * transaction, one audit row). The account: the one the import names (it must be the file's
 * venue's), else the book's only account at that venue; with none the summary is kept unmatched
 * (a simulation still compares with its own replica), with several the import must name one.
 */
import type { BookDb } from '../../book/database'
import { accountsAtVenue, findAccountInBook, type AccountRef } from '../../book/accounts-repository'
import { insertVenueSummaries } from '../../book/venue-summaries-repository'
import { InvalidDocumentError, NotFoundError } from '../errors'
import { readVenueSummary } from './read-venue-summary'
import { KIND_SOURCE, type VenueSummaryEntry, type VenueSummaryKind } from './venue-summary-types'

const VENUE_NAME: Record<string, string> = { deribit: 'Deribit', okx: 'OKX' }

export interface ImportedEntry {
  id: number
  currency: string
  asOfUtc: string | null
  equity: number | null
  initialMargin: number | null
  maintenanceMargin: number | null
  marginModel: 'pm' | 'standard' | null
  /** Imported before: this is the row already in the book (nothing written for it now). */
  duplicate: boolean
  importedAt: string
  figures: VenueSummaryEntry['figures']
  riskUnits: VenueSummaryEntry['riskUnits']
  notes: string[]
}

export interface VenueSummaryImportResult {
  fileName: string
  venue: string
  kind: VenueSummaryKind
  source: string
  sha256: string
  account: { id: number; name: string } | null
  accountNote: string
  entries: ImportedEntry[]
  /** Every currency of the file was already in the book. */
  duplicate: boolean
  message: string
}

function matchAccount(db: BookDb, bookId: number, venue: string, fileName: string, accountId: number | undefined): { account: AccountRef | null; note: string } {
  const venueName = VENUE_NAME[venue] ?? venue
  if (accountId !== undefined) {
    const account = findAccountInBook(db, bookId, accountId)
    if (!account) throw new NotFoundError(`account ${accountId} is not in book ${bookId}`)
    if (account.venue !== venue) throw new InvalidDocumentError(`${fileName}: ${/^[AEIOU]/.test(venueName) ? 'an' : 'a'} ${venueName} file, but account ${account.name} (id ${account.id}) is at ${VENUE_NAME[account.venue] ?? account.venue}`, 'accountId')
    return { account, note: `matched to ${account.name}, as the import names it` }
  }
  const candidates = accountsAtVenue(db, bookId, venue).sort((a, b) => a.id - b.id)
  if (candidates.length === 1) return { account: candidates[0]!, note: `matched to ${candidates[0]!.name}, the book's only ${venueName} account` }
  if (candidates.length === 0) return { account: null, note: `the book has no ${venueName} account: kept unmatched (no pool to compare it with${venue === 'deribit' ? '; a pme/simulate file still compares with its own replica' : ''})` }
  throw new InvalidDocumentError(`${fileName}: the book has ${candidates.length} ${venueName} accounts (${candidates.map((a) => `${a.name}: id ${a.id}`).join(', ')}): name the one this file is of (accountId, --account-id)`, 'accountId')
}

export function importVenueSummary(db: BookDb, req: { bookId: number; fileName: string; text: string; accountId?: number }, now = new Date()): VenueSummaryImportResult {
  const read = readVenueSummary(req.text, req.fileName)
  const { account, note } = matchAccount(db, req.bookId, read.venue, req.fileName, req.accountId)
  const stored = insertVenueSummaries(db, {
    bookId: req.bookId,
    accountId: account?.id ?? null,
    fileName: req.fileName,
    body: req.text,
    entries: read.entries.map((e) => ({ venue: e.venue, kind: e.kind, currency: e.currency, asOfMs: e.asOfMs, summary: e }))
  }, now)
  const rows = [...stored.inserted.map((r) => ({ r, duplicate: false })), ...stored.duplicates.map((r) => ({ r, duplicate: true }))]
  const entries: ImportedEntry[] = read.entries.map((e) => {
    const { r, duplicate } = rows.find((x) => x.r.currency === e.currency)!
    return { id: r.id, currency: e.currency, asOfUtc: e.asOfMs === null ? null : new Date(e.asOfMs).toISOString(), equity: e.equity, initialMargin: e.initialMargin, maintenanceMargin: e.maintenanceMargin, marginModel: e.marginModel, duplicate, importedAt: r.importedAt, figures: e.figures, riskUnits: e.riskUnits, notes: e.notes }
  })
  const duplicate = stored.inserted.length === 0
  const currencies = entries.map((e) => e.currency).join(', ')
  const message = duplicate
    ? `${req.fileName}: already imported into this book on ${stored.duplicates[0]!.importedAt} (same file, ${currencies}): nothing written`
    : `${req.fileName}: ${KIND_SOURCE[read.kind]}, ${stored.inserted.map((r) => r.currency).join(', ')} imported${stored.duplicates.length ? `; ${stored.duplicates.map((r) => r.currency).join(', ')} already in the book` : ''}; ${note}`
  return { fileName: req.fileName, venue: read.venue, kind: read.kind, source: KIND_SOURCE[read.kind], sha256: stored.sha256, account: account ? { id: account.id, name: account.name } : null, accountNote: note, entries, duplicate, message }
}
