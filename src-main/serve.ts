/**
 * `npm run serve [-- --port N --book PATH]`: the workstation in the browser host.
 * Also what `npm start` falls back to where Electron cannot start.
 *
 * Run as a program, it checks the runtime first (app/runtime-check.ts): the back end loads the
 * native SQLite module, which dies with SIGSEGV under a Node it was not built for, so it is
 * imported dynamically, once the check has passed.
 */
import { parseArgs } from 'node:util'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { nativeModuleFailure, unsupportedNode } from './app/runtime-check'

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
  const [{ resolveBookPath }, { startBackend }, { startBrowserHost }] = await Promise.all([import('./app/book-location'), import('./app/backend'), import('./hosts/browser-host')])
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
  if (backend.bookWarning) console.error(`marginal serve: warning: ${backend.bookWarning}`)
  console.log(`Marginal workstation: ${host.url}`)
  // The first grid's answer, while the page loads (services/warm-up.ts); after the URL is out.
  setImmediate(() => void backend.warmUp())
  backend.services.startMarketRefresh()
  const stop = async (): Promise<void> => {
    await host.close()
    await backend.services.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop())
  process.once('SIGTERM', () => void stop())
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const unsupported = unsupportedNode('marginal serve', 'npm run serve')
  if (unsupported) {
    console.error(unsupported)
    process.exitCode = 1
  } else {
    serveWorkstation(process.argv.slice(2)).catch((e: unknown) => {
      console.error(nativeModuleFailure('marginal serve', e) ?? `marginal serve: ${e instanceof Error ? e.message : String(e)}`)
      process.exit(1)
    })
  }
}
