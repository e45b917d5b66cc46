/**
 * The LP solver thread: a solve that is aborted ends at once with a cancellation (the thread is
 * terminated, the backend never waited on it), and the next solve runs on a fresh thread.
 */
import { describe, expect, it } from 'vitest'
import { esLpText, type EsLp } from '../../src-main/engine/hedge/es-lp'
import { mulberry32 } from '../../src-main/engine/random/mulberry32'
import { solveLp } from '../../src-main/services/hedge/lp-solver'
import { TaskCancelledError } from '../../src-main/workers/pool'

describe('LP solver thread', () => {
  it('an abort cancels a long solve at once; the next solve works', async () => {
    const rand = mulberry32(5)
    const N = 3000
    const p: EsLp = {
      portfolioPnl: Float64Array.from({ length: N }, () => (rand() - 0.5) * 1000),
      confidence: 0.99,
      candidates: Array.from({ length: 150 }, (_, i) => ({ id: `c${i}`, pnl: Float64Array.from({ length: N }, () => rand() - 0.5), costUsd: 0.01, minContracts: -1000, maxContracts: 1000 }))
    }
    const text = esLpText(p)
    const controller = new AbortController()
    const solving = solveLp(text, controller.signal) // posted to the solver thread
    const outcome = solving.then(() => 'solved', (e: unknown) => e)
    controller.abort()
    // "At once" without a clock: the cancellation settles in the microtasks that follow the abort,
    // before the event loop turns once more; a solve that had to finish or reply first could not.
    const turn = new Promise((r) => setImmediate(() => r('still waiting after an event-loop turn')))
    expect(await Promise.race([outcome, turn])).toBeInstanceOf(TaskCancelledError)
    const small = await solveLp('Minimize\n obj: x\nSubject To\n c: x >= 2\nEnd')
    expect(small.columns.x).toBe(2)
  })
})
