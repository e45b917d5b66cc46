/**
 * `npm run cli -- <command> [options]` — the workstation's services from the command line
 * (commands and exit codes: src-main/cli/main.ts).
 *
 * The exit code is set, not forced: process.exit() right after writing drops what a pipe has not
 * taken yet (a 5,000-line rejection report through `| cat` stopped at line 4,393). The process ends
 * when stdout has drained; a reader that goes away (`| head`) ends it quietly.
 */
import { runCli } from './cli/main'

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw e
})

runCli(process.argv.slice(2), { out: (t) => console.log(t), err: (t) => console.error(t) }).then(
  (code) => {
    process.exitCode = code
  },
  (e: Error) => {
    console.error(`marginal: ${e.message}`)
    process.exitCode = 1
  }
)
