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
