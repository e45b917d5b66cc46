import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REVALUE_WASM_SOURCE_SHA256 } from '../../src-main/engine/scenarios/revalue-wasm-bytes'
import { kernelBytes } from '../../src-main/engine/scenarios/revalue-wasm'

const ROOT = resolve(import.meta.dirname, '../..')

/** The checked-in WebAssembly module (a fresh clone needs no build) cannot drift from its source. */
describe('the embedded WebAssembly kernel', () => {
  it('was built from the current src-kernel/revalue.ts', () => {
    const sha256 = createHash('sha256').update(readFileSync(resolve(ROOT, 'src-kernel/revalue.ts'), 'utf8')).digest('hex')
    expect(REVALUE_WASM_SOURCE_SHA256, 'src-kernel/revalue.ts changed: run npm run build:kernel').toBe(sha256)
  })

  it('equals a fresh build (npm run build:kernel -- --check)', () => {
    const check = spawnSync(process.execPath, [resolve(ROOT, 'scripts/build-kernel.mjs'), '--check'], { cwd: ROOT, encoding: 'utf8' })
    expect(check.stderr).toBe('')
    expect(check.status).toBe(0)
  })

  it('decodes to a WebAssembly module (magic and version)', () => {
    expect([...kernelBytes().subarray(0, 8)]).toEqual([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])
  })
})
