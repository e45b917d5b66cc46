/** A real backend on a temp book file, served by the real browser host, for API tests. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openBook } from '../../src-main/book/open-book'
import { WorkerPool } from '../../src-main/workers/pool'
import { createServices, type Services } from '../../src-main/services/api-service'
import { startBrowserHost, type BrowserHost } from '../../src-main/hosts/browser-host'

export interface TestHost {
  host: BrowserHost
  services: Services
  bookPath: string
  rendererDir: string
  close(): Promise<void>
}

/** opts.bookPath: open that book file (several hosts on one file) instead of a fresh one in the host's temp folder. */
export async function startTestHost(workerPath: string, opts: { bookPath?: string } = {}): Promise<TestHost> {
  const dir = mkdtempSync(join(tmpdir(), 'marginal-host-'))
  const rendererDir = join(dir, 'renderer')
  mkdirSync(rendererDir)
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Marginal test renderer</title>')
  writeFileSync(join(dir, 'secret.txt'), 'outside the renderer folder')
  const bookPath = opts.bookPath ?? join(dir, 'book.sqlite')
  const services = createServices({ book: openBook(bookPath), pool: new WorkerPool(workerPath, 2), host: 'browser' })
  const host = await startBrowserHost({ services, rendererDir, port: 0 })
  return {
    host,
    services,
    bookPath,
    rendererDir,
    async close() {
      await host.close()
      await services.close()
    }
  }
}
