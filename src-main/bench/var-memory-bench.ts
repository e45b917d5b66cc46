/**
 * Issue 20, target 4: peak memory and time of Monte Carlo VaR/ES (component ES included) on large
 * synthetic books, each run in its own child process so one run's heap cannot flatter or spoil the
 * next: peak RSS is the child's own high-water mark at its end (peak-rss.ts; worker threads
 * included, they share the process). The bounded path (block reduction, services/risk/
 * scenario-pnl.ts) at 10k × 10k and 50k × 10k, beside the whole-matrix reference twin at 10k × 10k
 * (the coin matrix plus its USD copy, as before).
 *
 * The child is `var-memory-child.js` beside the bench bundle (src-main/bench/var-memory-child.ts,
 * its own build entry, so its RSS does not carry the bench's imports).
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'

export interface VarMemorySpec {
  positions: number
  paths: number
  path: 'bounded' | 'full-matrix'
  /** Pool size in the child (default: the engine pool's default, every core). */
  workers?: number
  seed?: number
}

export interface VarMemoryChildResult {
  positions: number
  paths: number
  path: VarMemorySpec['path']
  workers: number
  /** valueAtRisk alone (scenarios, revaluation, tail statistics, component ES), s. */
  seconds: number
  /** Peak RSS of the whole child process over its life, MB (VmHWM: peak-rss.ts). */
  peakRssMb: number
  /** RSS once the book, market and history were loaded, before the run, MB. */
  rssBeforeRunMb: number
  var99Usd: number
  es99Usd: number
  /** Positions valued (the rest not covered by the demo market, if any). */
  valued: number
}

export type VarMemoryResult = (VarMemoryChildResult & { ok: true }) | (VarMemorySpec & { ok: false; error: string })

export const VAR_MEMORY_RUNS: VarMemorySpec[] = [
  { positions: 10_000, paths: 10_000, path: 'full-matrix' },
  { positions: 10_000, paths: 10_000, path: 'bounded' },
  { positions: 50_000, paths: 10_000, path: 'bounded' }
]

/** The hidden flag the child entry reads its spec after. */
export const VAR_MEMORY_CHILD_FLAG = '--var-memory-child'

function runChild(script: string, spec: VarMemorySpec): Promise<VarMemoryResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, VAR_MEMORY_CHILD_FLAG, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('error', (e) => resolve({ ...spec, ok: false, error: e.message }))
    child.on('close', (code, signal) => {
      const line = out.trim().split('\n').at(-1) ?? ''
      if (code === 0 && line.startsWith('{')) resolve({ ...(JSON.parse(line) as VarMemoryChildResult), ok: true })
      else resolve({ ...spec, ok: false, error: `child exited ${signal ?? code}: ${err.split('\n').filter((l) => /\S/.test(l)).slice(0, 4).join(' | ') || 'no output'}` })
    })
  })
}

/** The built child: beside the bundle that runs this (out/main), whether this module landed in it or in out/main/chunks. */
function builtChild(): string {
  const places = [import.meta.dirname, join(import.meta.dirname, '..'), dirname(process.argv[1] ?? '.')]
  const found = places.map((d) => join(d, 'var-memory-child.js')).find((f) => existsSync(f))
  if (!found) throw new Error(`var-memory-child.js is not built beside ${import.meta.dirname} (electron.vite.config.ts: main.build input 'var-memory-child')`)
  return found
}

/**
 * Run each spec in its own child process, one after the other (never two at once: they would
 * share the cores and the memory being measured). `childScript` defaults to the built child beside
 * the bench bundle.
 */
export async function varMemoryBench(specs: readonly VarMemorySpec[] = VAR_MEMORY_RUNS, childScript = builtChild()): Promise<VarMemoryResult[]> {
  const results: VarMemoryResult[] = []
  for (const spec of specs) results.push(await runChild(childScript, spec))
  return results
}
