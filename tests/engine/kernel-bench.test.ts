import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { kernelBench } from '../../src-main/bench/kernel-bench'

const hasCc = !spawnSync('cc', ['--version']).error

/** The bench's claims that are behaviour, not time: the C anchor does the kernels' work, or says why not. */
describe('the kernel bench', () => {
  if (!hasCc) console.log('skipped: no C compiler (cc) on this machine')
  it.skipIf(!hasCc)('runs the C anchor on the same work as the kernels: the same P&L sum', async () => {
    const r = await kernelBench({ runs: 1, repetitions: 1 })
    expect(r.skipped).toBeUndefined()
    expect(r.valuations).toBe(2 ** 20)
    expect(r.c!.sameAnswer).toBe(true)
    for (const mps of [r.jsMps, r.wasmMps!, r.c!.hartMps, r.c!.libmMps, r.wasmOverC!, r.jsOverC!]) expect(mps).toBeGreaterThan(0)
  })

  it('says so, and still times the kernels, without a C compiler', async () => {
    const r = await kernelBench({ runs: 1, repetitions: 1, cc: 'no-such-c-compiler' })
    expect(r.skipped).toBe('no C compiler')
    expect(r.c).toBeUndefined()
    expect(r.jsMps).toBeGreaterThan(0)
  })
})
