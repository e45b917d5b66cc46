/**
 * `npm run serve [-- --port N --book PATH]`: the workstation in the browser host.
 * Also what `npm start` falls back to where Electron cannot start.
 */
import { parseArgs } from 'node:util'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { resolveBookPath } from './app/book-location'
import { startBackend } from './app/backend'
import { startBrowserHost } from './hosts/browser-host'

const DEFAULT_PORT = 5917

/** out/renderer, found from wherever the bundler placed this code (entry or shared chunk). */
function builtRendererDir(): string {
  for (let dir = import.meta.dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'renderer')
    if (existsSync(join(candidate, 'index.html'))) return candidate
  }
  throw new Error('the built renderer (out/renderer/index.html) is missing: run npm run build')
}

export async function serveWorkstation(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { port: { type: 'string' }, book: { type: 'string' } }, strict: true })
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port}: not a TCP port`)
  const rendererDir = builtRendererDir()
  const backend = startBackend({ bookPath: resolveBookPath({ cliBook: values.book }), host: 'browser' })
  let host
  try {
    host = await startBrowserHost({ services: backend.services, rendererDir, port })
  } catch (e) {
    // The default port may be taken (a second workstation); an explicit --port must be honoured.
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || values.port !== undefined) {
      await backend.services.close()
      throw new Error(`cannot listen on 127.0.0.1:${port}: ${(e as Error).message}`, { cause: e })
    }
    host = await startBrowserHost({ services: backend.services, rendererDir, port: 0 })
    console.log(`Port ${DEFAULT_PORT} is in use; using ${host.port}.`)
  }
  console.log(`Book: ${backend.bookPath}${backend.seededDemo ? ' (new: an empty live book, and the demo book beside it)' : ''}`)
  console.log(`Marginal workstation: ${host.url}`)
  const stop = async (): Promise<void> => {
    await host.close()
    await backend.services.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop())
  process.once('SIGTERM', () => void stop())
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  serveWorkstation(process.argv.slice(2)).catch((e: Error) => {
    console.error(`marginal serve: ${e.message}`)
    process.exit(1)
  })
}
