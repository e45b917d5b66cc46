/**
 * What the browser-side benches share: a book file holding a synthetic book, and the browser host
 * (`out/main/serve.js`, built by `npm run build`) serving it on a free port until stopped.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { openBook } from '../book/open-book'
import { writeSyntheticBook } from '../services/books/write-synthetic-book'

export const SERVE_JS = resolve('out/main/serve.js')

/** A book file whose live book holds `positions` synthetic positions; the caller removes `dir`. */
export function syntheticBookFile(positions: number, dir = mkdtempSync(join(tmpdir(), 'marginal-bench-book-'))): { dir: string; path: string; bookId: number } {
  const path = join(dir, 'book.sqlite')
  const book = openBook(path)
  try {
    const { bookId } = writeSyntheticBook(book.db, { positions })
    return { dir, path, bookId }
  } finally {
    book.db.close()
  }
}

/** The browser host on `bookPath`, once it has printed its URL (with the token). */
export async function startHost(bookPath: string, serveJs = SERVE_JS): Promise<{ child: ChildProcess; url: string }> {
  if (!existsSync(serveJs)) throw new Error(`${serveJs} is missing: run npm run build first`)
  const child = spawn(process.execPath, [serveJs, '--port', '0', '--book', bookPath], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`browser host did not start:\n${output}`)), 60_000)
    const onData = (d: Buffer): void => {
      output += d.toString()
      const m = /Marginal workstation: (http:\/\/\S+)/.exec(output)
      if (m) {
        clearTimeout(timer)
        ok(m[1]!)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => fail(new Error(`browser host exited with ${code}:\n${output}`)))
  })
  return { child, url }
}

/** Stop the host: SIGTERM, then SIGKILL if it has not exited within 5 s. */
export async function stopHost(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}
