// `npm test`: lint, type-check, build, unit tests (Vitest), e2e (Playwright with Debian Chromium),
// optional Electron smoke test; ends with one plain line "N passed, N failed, N skipped" that sums
// every suite, and exits non-zero on any failure.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { installedElectronBinary } from './electron-binary.mjs'

const root = new URL('..', import.meta.url).pathname
const bin = (name) => join(root, 'node_modules/.bin', name)
const run = (label, cmd, args, env = {}) => {
  process.stdout.write(`\n▶ ${label}\n`)
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  return r.status === 0
}

const gates = { passed: 0, failed: 0, skipped: 0 }
const counts = { passed: 0, failed: 0, skipped: 0 }
rmSync(join(root, 'reports'), { recursive: true, force: true })

for (const [label, cmd, args] of [
  ['lint (ESLint, boundaries included)', bin('eslint'), ['--max-warnings', '0', '.']],
  ['type-check main and preload (vue-tsc)', bin('vue-tsc'), ['--noEmit', '-p', 'tsconfig.node.json']],
  ['type-check renderer (vue-tsc, no Node types)', bin('vue-tsc'), ['--noEmit', '-p', 'tsconfig.web.json']],
  ['type-check tests (vue-tsc)', bin('vue-tsc'), ['--noEmit', '-p', 'tsconfig.test.json']],
  ['build (electron-vite)', bin('electron-vite'), ['build', '--logLevel', 'warn']]
]) {
  if (run(label, cmd, args)) gates.passed++
  else gates.failed++
}
const built = existsSync(join(root, 'out/main/serve.js'))

run('unit tests (Vitest)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', '--outputFile.json=reports/unit.json'])
const unit = readJson('reports/unit.json')
if (unit) {
  counts.passed += unit.numPassedTests
  counts.failed += unit.numFailedTests + (unit.success === false && unit.numFailedTests === 0 ? 1 : 0)
  counts.skipped += unit.numPendingTests + unit.numTodoTests
} else counts.failed++

if (!existsSync(process.env.MARGINAL_CHROMIUM ?? '/usr/bin/chromium')) {
  console.log('e2e: FAILED to start: no Chromium at /usr/bin/chromium (apt-get install -y chromium)')
  counts.failed++
} else if (!built) {
  console.log('e2e: not run because the build failed')
  counts.failed++
} else {
  run('e2e tests (Playwright, Debian Chromium, browser host)', bin('playwright'), ['test'])
  const e2e = readJson('reports/e2e.json')
  if (e2e) {
    counts.passed += e2e.stats.expected
    counts.failed += e2e.stats.unexpected + e2e.stats.flaky
    counts.skipped += e2e.stats.skipped
    if (e2e.errors?.length) counts.failed++
  } else counts.failed++
}

electronSmoke()

function electronSmoke() {
  const binary = installedElectronBinary(root)
  if (!binary) {
    console.log('\nElectron smoke test: skipped (no Electron binary in node_modules/electron; it cannot be downloaded on this machine)')
    counts.skipped++
    return
  }
  const headless = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
  const config = ['test', '-c', 'tests/electron/playwright.electron.config.ts']
  const ok = headless
    ? run('Electron smoke test (Playwright _electron under Xvfb)', 'xvfb-run', ['-a', bin('playwright'), ...config], { MARGINAL_ELECTRON: binary })
    : run('Electron smoke test (Playwright _electron)', bin('playwright'), config, { MARGINAL_ELECTRON: binary })
  if (ok) counts.passed++
  else counts.failed++
}

function readJson(rel) {
  try {
    return JSON.parse(readFileSync(join(root, rel), 'utf8'))
  } catch {
    return null
  }
}

const passed = counts.passed + gates.passed
const failed = counts.failed + gates.failed
console.log(`\n(quality gates: ${gates.passed} passed, ${gates.failed} failed; tests and gates are summed below)`)
console.log(`${passed} passed, ${failed} failed, ${counts.skipped} skipped`)
// Set, not forced: process.exit() can drop the summary line a pipe has not taken yet.
process.exitCode = failed > 0 ? 1 : 0
