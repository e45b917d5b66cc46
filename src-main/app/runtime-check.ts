/**
 * The runtime the command line and the browser host stand on, checked before anything loads the
 * SQLite module. better-sqlite3 13 ships a Node-API 10 addon (its engines field: Node ≥ 22; Node-API
 * 10 came with Node 22.14); under the system Node 20 loading it dies with SIGSEGV and no message,
 * which no handler can catch, so the entries (src-main/cli.ts, src-main/serve.ts) ask here first and
 * import the rest only when this Node can run it. `npm run …` uses the pinned Node (the `node`
 * devDependency, 22.x). scripts/start.mjs (plain JavaScript) repeats the test; a test keeps the two
 * and package.json in step.
 *
 * Only Node built-ins here: the entries import this module statically, before anything else.
 */
import { arch, platform } from 'node:process'

/** What the native SQLite module needs: Node 22, with Node-API 10 (22.14 and later). */
export const REQUIRED_NODE_MAJOR = 22
export const REQUIRED_NODE_API = 10

export interface RuntimeVersions {
  node: string
  napi?: string | undefined
}

/**
 * One line saying why this Node cannot run Marginal, or null when it can. `program` starts the line
 * ("marginal", "marginal serve"); `npmCommand` is how to run it with the pinned Node.
 */
export function unsupportedNode(program: string, npmCommand: string, versions: RuntimeVersions = process.versions): string | null {
  const major = Number(versions.node.split('.')[0])
  const napi = Number(versions.napi ?? 0)
  if (major >= REQUIRED_NODE_MAJOR && napi >= REQUIRED_NODE_API) return null
  const needed = major === REQUIRED_NODE_MAJOR ? `Node ${REQUIRED_NODE_MAJOR}.14 or newer` : `Node ${REQUIRED_NODE_MAJOR}`
  return `${program}: ${needed} is required (this is Node ${versions.node}): run it through npm (${npmCommand}), which uses the pinned Node ${REQUIRED_NODE_MAJOR}`
}

const NATIVE_LOAD = /NODE_MODULE_VERSION|did not self-register|invalid ELF header|wrong ELF class|Node-API version|napi_register_module|\.node: cannot open shared object/i

/** The error, or one in its cause chain, that says the native SQLite module would not load. */
function nativeLoadError(e: unknown): Error | null {
  for (let c = e, depth = 0; c instanceof Error && depth < 8; c = c.cause, depth++) {
    const code = (c as NodeJS.ErrnoException).code
    if (code === 'ERR_DLOPEN_FAILED' || NATIVE_LOAD.test(c.message)) return c
    if (code === 'MODULE_NOT_FOUND' && /better[-_]sqlite3/.test(c.message)) return c
  }
  return null
}

/**
 * One line for a native-module load failure (a missing or foreign-built better-sqlite3 addon),
 * or null when the error is something else. The loader's own message runs over several lines and
 * names paths; the first line is kept, short.
 */
export function nativeModuleFailure(program: string, e: unknown, versions: RuntimeVersions = process.versions): string | null {
  const failure = nativeLoadError(e)
  if (!failure) return null
  const first = failure.message.split('\n')[0]!.trim()
  const why = first.length > 160 ? `${first.slice(0, 160)}…` : first
  return `${program}: the SQLite module (better-sqlite3) does not load under Node ${versions.node} on ${platform}-${arch} (${why}): reinstall it with npm ci, under the pinned Node ${REQUIRED_NODE_MAJOR}`
}
