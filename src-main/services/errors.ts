/** A request named something that does not exist (book, account, task). */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'NotFoundError'
  }
}

/** A user document (parameter set) that fails validation; `field` is the dotted path at fault. */
export class InvalidDocumentError extends Error {
  readonly field: string
  constructor(message: string, field: string) {
    super(message)
    this.name = 'InvalidDocumentError'
    this.field = field
  }
}

/**
 * The book lacks what a method needs (a market snapshot, daily price history): a state of the
 * trader's data, not a fault, so the message is the whole answer and says what to import.
 */
export class MissingDataError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MissingDataError'
  }
}

/** The book file's own errors (busy, read-only, damaged, disk full, newer schema): the classes dispatch maps, for the CLI and hosts. */
export { BookFileError, BookBusyError, BookReadOnlyError, BookDamagedError, DiskFullError, BookNewerError, classifyBookError } from '../book/book-errors'
