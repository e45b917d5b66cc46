/** Book + worker pool + services: the backend both hosts and the CLI stand on. */
import { openBook } from '../book/open-book'
import { createEnginePool } from '../workers/engine-pool'
import { createServices, type Services } from '../services/api-service'

export interface Backend {
  services: Services
  bookPath: string
  seededDemo: boolean
}

export function startBackend(opts: { bookPath: string; host: 'electron' | 'browser'; poolSize?: number }): Backend {
  const book = openBook(opts.bookPath)
  const pool = createEnginePool(opts.poolSize)
  return { services: createServices({ book, pool, host: opts.host }), bookPath: book.path, seededDemo: book.seededDemo }
}
