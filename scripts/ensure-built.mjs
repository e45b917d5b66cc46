// Build out/ with electron-vite when it is missing or older than any source file, so
// `npm run serve`, `npm run cli` and `npm run bench` work straight after a clone.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'

const root = new URL('..', import.meta.url).pathname
const outputs = ['out/main/serve.js', 'out/main/cli.js', 'out/main/bench.js', 'out/renderer/index.html'].map((f) => join(root, f))
const sources = ['src-main', 'src-preload', 'src-renderer', 'resources', 'electron.vite.config.ts', 'package.json']

function newestMtime(path) {
  const s = statSync(path)
  if (!s.isDirectory()) return s.mtimeMs
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))))
}

const oldestOutput = outputs.every(existsSync) ? Math.min(...outputs.map((f) => statSync(f).mtimeMs)) : 0
const newestSource = Math.max(...sources.map((s) => join(root, s)).filter(existsSync).map(newestMtime))
if (newestSource > oldestOutput) {
  process.stderr.write('Building Marginal (electron-vite)…\n')
  execFileSync(join(root, 'node_modules/.bin/electron-vite'), ['build', '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
}
