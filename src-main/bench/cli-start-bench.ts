/**
 * How long a short CLI command takes from exec to exit (issue 20 target: ≤ 300 ms for commands
 * other than report and export), best of five, beside bare Node (`node -e 0`) and the same command
 * with V8's compile cache off (NODE_DISABLE_COMPILE_CACHE=1), measured in the same run.
 */
import { spawnSync } from 'node:child_process'

const best = (runs: number, args: string[], env: NodeJS.ProcessEnv = {}): number => {
  let min = Infinity
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...env } })
    const ms = performance.now() - t0
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.trim().split('\n')[0]}`)
    min = Math.min(min, ms)
  }
  return min
}

export function measureCliStart(cliEntry: string, bookPath: string) {
  best(1, [cliEntry, 'books', '--book', bookPath]) // creates the book file and fills the compile cache
  return {
    bareNodeMs: best(5, ['-e', '0']),
    booksMs: best(5, [cliEntry, 'books', '--book', bookPath]),
    positionsMs: best(5, [cliEntry, 'positions', '--book-id', '1', '--book', bookPath]),
    booksNoCompileCacheMs: best(5, [cliEntry, 'books', '--book', bookPath], { NODE_DISABLE_COMPILE_CACHE: '1' })
  }
}
