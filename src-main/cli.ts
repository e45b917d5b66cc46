/**
 * `npm run cli -- <command> [options]` — the workstation's services from the command line
 * (commands and exit codes: src-main/cli/main.ts).
 *
 * The runtime is checked first: under a Node the SQLite module was not built for, loading it dies
 * with SIGSEGV (no message, exit 139), so nothing that loads it is imported until the check passes
 * (the rest comes in by a dynamic import); the check says in one line which Node is needed, exit 1.
 *
 * The exit code is set, not forced: process.exit() right after writing drops what a pipe has not
 * taken yet (a 5,000-line rejection report through `| cat` stopped at line 4,393). The process ends
 * when stdout has drained. A reader that goes away (`| head`, `| grep -q`) is no failure: what
 * would have gone to it is dropped, and the command still runs to its end (an import commits, a
 * report is written) and exits with its own code, no stack trace.
 */
import nodeModule from 'node:module'
import { nativeModuleFailure, unsupportedNode } from './cli/runtime-check'

// V8's code cache on disk (Node ≥ 22.1; in the OS temp folder): the second and later runs skip
// compiling the bundle, most of a short command's start (cli books: ~0.5 s → ~0.15 s). Read off
// the default export: a named import of it would fail to link under Node 20 before the check below
// could say which Node is needed.
nodeModule.enableCompileCache?.()

/** stdout or stderr whose reader has gone (EPIPE): nothing more is written to it. */
const closed = new Set<NodeJS.WriteStream>()
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e
    closed.add(stream)
  })
}
const out = (text: string): void => {
  if (!closed.has(process.stdout)) console.log(text)
}
const err = (text: string): void => {
  if (!closed.has(process.stderr)) console.error(text)
}

const unsupported = unsupportedNode('marginal', 'npm run cli -- …')
if (unsupported) {
  err(unsupported)
  process.exitCode = 1
} else {
  try {
    const { runCli } = await import('./cli/main')
    process.exitCode = await runCli(process.argv.slice(2), { out, err })
  } catch (e) {
    err(nativeModuleFailure('marginal', e) ?? `marginal: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`)
    process.exitCode = 1
  }
}
