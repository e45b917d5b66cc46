/**
 * The runtime check of the CLI, the browser host and `npm start` (issue 19 §6): one line naming the
 * Node needed and the one found, before anything loads the native SQLite module; a native-module
 * load failure in one line too. The processes themselves, under the system Node 20, are in
 * tests/e2e/cli-and-serve.spec.ts.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REQUIRED_NODE_API, REQUIRED_NODE_MAJOR, nativeModuleFailure, unsupportedNode } from '../../src-main/app/runtime-check'

const ROOT = join(import.meta.dirname, '../..')
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8')

describe('the Node version check', () => {
  it('refuses Node 20 in one line naming the version needed, the one found and how to run it', () => {
    expect(unsupportedNode('marginal', 'npm run cli -- …', { node: '20.19.0', napi: '9' })).toBe(
      'marginal: Node 22 is required (this is Node 20.19.0): run it through npm (npm run cli -- …), which uses the pinned Node 22'
    )
    expect(unsupportedNode('marginal serve', 'npm run serve', { node: '18.20.4', napi: '9' })).toBe(
      'marginal serve: Node 22 is required (this is Node 18.20.4): run it through npm (npm run serve), which uses the pinned Node 22'
    )
  })

  it('refuses a Node 22 without Node-API 10 (before 22.14), accepts 22.14 and later majors', () => {
    expect(unsupportedNode('marginal', 'npm run cli -- …', { node: '22.5.1', napi: '9' })).toMatch(/^marginal: Node 22\.14 or newer is required \(this is Node 22\.5\.1\)/)
    expect(unsupportedNode('marginal', 'npm run cli -- …', { node: '22.14.0', napi: '10' })).toBeNull()
    expect(unsupportedNode('marginal', 'npm run cli -- …', { node: '24.3.0', napi: '10' })).toBeNull()
    // The Node running these tests is the pinned one.
    expect(unsupportedNode('marginal', 'npm run cli -- …')).toBeNull()
  })

  it('is in step with package.json, the build target, better-sqlite3 and scripts/start.mjs', () => {
    const pkg = JSON.parse(read('package.json')) as { devDependencies: Record<string, string>; scripts: Record<string, string> }
    expect(Number(pkg.devDependencies.node!.split('.')[0])).toBe(REQUIRED_NODE_MAJOR)
    expect(read('electron.vite.config.ts')).toContain(`target: 'node${REQUIRED_NODE_MAJOR}'`)
    const sqlite = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('better-sqlite3/package.json'), 'utf8')) as { engines: { node: string } }
    expect(sqlite.engines.node).toBe(`>=${REQUIRED_NODE_MAJOR}`)
    const start = read('scripts/start.mjs')
    expect(start).toContain(`const REQUIRED_NODE_MAJOR = ${REQUIRED_NODE_MAJOR}\n`)
    expect(start).toContain(`const REQUIRED_NODE_API = ${REQUIRED_NODE_API}\n`)
    // The check comes before the Electron or browser-host start.
    expect(start.indexOf('const unsupported = unsupportedNode()')).toBeLessThan(start.indexOf('electronBinary()\n'))
    expect(pkg.scripts.start).toMatch(/node scripts\/start\.mjs/)
  })
})

describe('a native-module load failure', () => {
  const dlopen = Object.assign(
    new Error(
      "The module '/x/node_modules/better-sqlite3/prebuilds/linux-x64.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 127. This version of Node.js requires\nNODE_MODULE_VERSION 115. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`)."
    ),
    { code: 'ERR_DLOPEN_FAILED' }
  )

  it('is told in one line, whether thrown as is or as the cause of a book that would not open', () => {
    const line = nativeModuleFailure('marginal', dlopen, { node: '22.23.3', napi: '10' })!
    expect(line).not.toContain('\n')
    expect(line).toMatch(/^marginal: the SQLite module \(better-sqlite3\) does not load under Node 22\.23\.3 on \w+-\w+ \(The module '.*linux-x64\.node'\): reinstall it with npm ci, under the pinned Node 22$/)
    expect(nativeModuleFailure('marginal serve', new Error('cannot open /tmp/book.sqlite', { cause: dlopen }))).toMatch(/^marginal serve: the SQLite module/)
    const missing = Object.assign(new Error("Cannot find module '/x/node_modules/better-sqlite3/prebuilds/linux-x64.node'\nRequire stack:\n- /x/lib/binding.js"), { code: 'MODULE_NOT_FOUND' })
    expect(nativeModuleFailure('marginal', missing)).toMatch(/^marginal: the SQLite module .*\(Cannot find module .*\): reinstall/)
  })

  it('leaves every other error to the command', () => {
    expect(nativeModuleFailure('marginal', new Error('database is locked'))).toBeNull()
    expect(nativeModuleFailure('marginal', Object.assign(new Error("Cannot find module 'left-pad'"), { code: 'MODULE_NOT_FOUND' }))).toBeNull()
    expect(nativeModuleFailure('marginal', 'a string')).toBeNull()
  })
})
