/**
 * The one entry point both hosts call: validate the payload against the contract, run the handler,
 * check the reply against the contract, and return an envelope. Errors are values with a message a
 * trader can act on, naming the offending field.
 */
import type { z } from 'zod'
import { apiMethods, type ApiError, type Envelope, type MethodName } from '@contract/api'
import type { Handlers } from './service-context'
import { BookFileError, InvalidDocumentError, MissingDataError, NotFoundError } from './errors'
import { TaskCancelledError } from '../workers/pool'
import { ImportRefusedError } from './import-service'
import { AsOfRequiredError } from '../importers/market/deribit-ticker-chain'
import { BookRefusedError } from '../book/whatif-repository'
import { PdfUnavailableError } from '../reports/pdf/pdf-printer'
import { deepFrozen, isSettledReply } from './settled-reply'

const isMethod = (m: string): m is MethodName => Object.hasOwn(apiMethods, m)

/** The API code of each book-file error (book-errors.ts); the message names the file. */
const BOOK_ERROR_CODES: Record<BookFileError['kind'], ApiError['code']> = {
  busy: 'book_busy',
  'read-only': 'book_read_only',
  damaged: 'book_damaged',
  'disk-full': 'disk_full',
  newer: 'book_newer'
}

export function describeInvalid(method: string, error: z.ZodError): { message: string; field: string } {
  const issue = error.issues[0]!
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : []
  const field = [...issue.path.map(String), ...keys.slice(0, 1)].join('.') || '(payload)'
  const what = issue.code === 'unrecognized_keys' ? ' is not a field of this request' : `: ${issue.message.toLowerCase()}`
  return { field, message: `${method}: field "${field}"${what}` }
}

/** Settled replies already checked against their method's reply schema (settled-reply.ts): the checked copy, itself settled. */
const checkedReplies = new WeakMap<object, { method: string; data: unknown }>()

export async function dispatch(handlers: Handlers, method: string, payload: unknown): Promise<Envelope> {
  if (!isMethod(method)) {
    return { ok: false, error: { code: 'invalid_request', message: `unknown API method "${method}"`, field: 'method' } }
  }
  const spec = apiMethods[method]
  const parsed = spec.request.safeParse(payload ?? {})
  if (!parsed.success) {
    const invalid = describeInvalid(method, parsed.error)
    // A refused file (empty, too large) is named, as every other import message names its file.
    const fileName = (payload as { fileName?: unknown } | null)?.fileName
    const named = typeof fileName === 'string' && fileName.length > 0 && fileName.length <= 255 && invalid.field !== 'fileName'
    return { ok: false, error: { code: 'invalid_request', ...invalid, message: named ? `${fileName}: ${invalid.message}` : invalid.message } }
  }
  try {
    const handler = handlers[method] as (req: unknown) => unknown
    const value = await handler(parsed.data)
    const settled = isSettledReply(value) ? checkedReplies.get(value) : undefined
    if (settled?.method === method) return { ok: true, value: settled.data }
    const checked = spec.response.safeParse(value)
    if (!checked.success) {
      const issue = checked.error.issues[0]
      return {
        ok: false,
        error: { code: 'internal', message: `${method}: reply breaks the contract at "${issue?.path.join('.')}": ${issue?.message}` }
      }
    }
    if (isSettledReply(value)) {
      const data = deepFrozen(checked.data)
      checkedReplies.set(value, { method, data })
      return { ok: true, value: data }
    }
    return { ok: true, value: checked.data }
  } catch (e) {
    const err = e as Error
    // Before anything else: a write the book refused is never "an unreadable file" nor internal.
    if (err instanceof BookFileError) return { ok: false, error: { code: BOOK_ERROR_CODES[err.kind], message: err.message } }
    if (err instanceof NotFoundError) return { ok: false, error: { code: 'not_found', message: err.message } }
    if (err instanceof MissingDataError) return { ok: false, error: { code: 'missing_data', message: err.message } }
    if (err instanceof InvalidDocumentError) return { ok: false, error: { code: 'invalid_request', message: err.message, field: err.field } }
    if (err instanceof TaskCancelledError) return { ok: false, error: { code: 'cancelled', message: err.message } }
    if (err instanceof BookRefusedError) return { ok: false, error: { code: 'invalid_request', message: err.message, field: 'bookId' } }
    if (err instanceof PdfUnavailableError) return { ok: false, error: { code: 'unavailable', message: err.message } }
    if (err instanceof AsOfRequiredError) return { ok: false, error: { code: 'invalid_request', message: err.message, field: err.field } }
    if (err instanceof ImportRefusedError) return { ok: false, error: { code: 'rejected_rows', message: err.message } }
    // Importers throw plain Errors whose message names the file: a file we cannot read.
    if (method === 'previewImport' || method === 'commitImport' || method === 'inspectCsv') return { ok: false, error: { code: 'unreadable_file', message: err.message } }
    return { ok: false, error: { code: 'internal', message: `${method}: ${err.message}` } }
  }
}
