/**
 * `npm run cli -- <command> [options]` — the workstation's services from the command line
 * (commands and exit codes: src-main/cli/main.ts).
 */
import { runCli } from './cli/main'

runCli(process.argv.slice(2), { out: (t) => console.log(t), err: (t) => console.error(t) }).then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`marginal: ${e.message}`)
    process.exit(1)
  }
)
