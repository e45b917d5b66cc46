/** Book + worker pool + services: the backend both hosts and the CLI stand on. */
import { openBook } from '../book/open-book'
import type { OpenedBook } from '../book/database'
import { createEnginePool } from '../workers/engine-pool'
import { createServices, type Services } from '../services/api-service'
import type { PdfPrinter } from '../reports/pdf/pdf-printer'
import { warmUp } from '../services/warm-up'

export interface Backend {
  services: Services
  bookPath: string
  seededDemo: boolean
  /** ok, or view only: read-only (the file or its folder cannot be written) or damaged (failed the check on open). */
  bookState: OpenedBook['state']
  /** One line for a terminal or log when the book is view only (null when ok), naming the file. */
  bookWarning: string | null
  /** Compute the first grid the workstation will ask for, while its window loads (services/warm-up.ts). */
  warmUp(): Promise<void>
}

/** printer: Electron's printToPDF in the desktop app; omitted, the system Chromium (browser host, CLI). */
export function startBackend(opts: { bookPath: string; host: 'electron' | 'browser'; poolSize?: number; printer?: PdfPrinter }): Backend {
  const book = openBook(opts.bookPath)
  const pool = createEnginePool(opts.poolSize)
  const bookWarning =
    book.state === 'ok'
      ? null
      : book.state === 'damaged'
        ? `the book ${book.path} is damaged (${book.stateReason}): opened read-only; save a repaired copy from the workstation's banner and open that`
        : `the book ${book.path} is read-only (${book.stateReason}): opened for viewing only; every change will be refused`
  const services = createServices({ book, pool, host: opts.host, printer: opts.printer })
  return { services, bookPath: book.path, seededDemo: book.seededDemo, bookState: book.state, bookWarning, warmUp: () => warmUp(services) }
}
