/** Book + worker pool + services: the backend both hosts and the CLI stand on. */
import { openBook } from '../book/open-book'
import { createEnginePool } from '../workers/engine-pool'
import { createServices, type Services } from '../services/api-service'
import type { PdfPrinter } from '../reports/pdf/pdf-printer'

export interface Backend {
  services: Services
  bookPath: string
  seededDemo: boolean
}

/** printer: Electron's printToPDF in the desktop app; omitted, the system Chromium (browser host, CLI). */
export function startBackend(opts: { bookPath: string; host: 'electron' | 'browser'; poolSize?: number; printer?: PdfPrinter }): Backend {
  const book = openBook(opts.bookPath)
  const pool = createEnginePool(opts.poolSize)
  return { services: createServices({ book, pool, host: opts.host, printer: opts.printer }), bookPath: book.path, seededDemo: book.seededDemo }
}
