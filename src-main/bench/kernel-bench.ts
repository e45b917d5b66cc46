/**
 * The revaluation kernel against a C anchor, in one run: the same 2^20 Black-76 valuations
 * (4096 option rows × 256 scenarios) × 20 repetitions, one thread, through revalueRows (the
 * WebAssembly kernel) and revalueRowsJs (its JS twin), and through c-anchor/black76.c compiled here
 * with `cc -O3 -march=native` when a C compiler is present. Issue 20 asks the kernel for at least
 * 0.8 × C per thread. The P&L sums are compared too: the same work must give the same answer.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { emptyPortfolioArrays, ROW_OPTION_LINEAR, type PortfolioArrays } from '../engine/scenarios/portfolio-arrays'
import type { ScenarioSet } from '../engine/scenarios/scenario-set'
import { precomputeScenarios, revalueRows, revalueRowsJs, wasmKernelActive } from '../engine/scenarios/revalue'

const ROWS = 4096
const SCENARIOS = 256
const FORWARD_USD = 60_000
const C_SOURCE = 'src-main/bench/c-anchor/black76.c'

export interface KernelBenchResult {
  valuations: number
  repetitions: number
  /** M valuations/s by the wall clock, best of `runs` timings of `repetitions` passes. */
  jsMps: number
  /** null where WebAssembly (with SIMD) cannot load: revalueRows then runs the JS twin. */
  wasmMps: number | null
  /** The same by CPU time (steadier than the wall clock on a shared machine). */
  jsCpuMps: number
  wasmCpuMps: number | null
  /** Present when the C anchor did not run ('no C compiler', or why it failed). */
  skipped?: string
  c?: {
    compiler: string
    /** The kernel's algorithm (libm exp + Hart CDF) and textbook Black-76 on libm erfc. */
    hartMps: number
    libmMps: number
    hartCpuMps: number
    libmCpuMps: number
    /** Every variant's P&L sum equals the kernels' to 1e-9 relative. */
    sameAnswer: boolean
  }
  /** Kernel speed over the faster C variant's, by the wall clock and by CPU time. */
  wasmOverC?: number | null
  jsOverC?: number
  wasmOverCByCpu?: number | null
  jsOverCByCpu?: number
}

/** The bench's book and scenarios: keep in step with setup() in c-anchor/black76.c. */
export function benchWork(): { arrays: PortfolioArrays; scenarios: ScenarioSet } {
  const a = emptyPortfolioArrays(ROWS, ['USD'])
  for (let r = 0; r < ROWS; r++) {
    const k = r % 64
    const e = Math.floor(r / 64) % 16
    const put = Math.floor(r / 1024) % 2
    const v = Math.floor(r / 2048) % 2
    a.kind[r] = ROW_OPTION_LINEAR
    a.forward[r] = FORWARD_USD
    a.strike[r] = FORWARD_USD * Math.exp(-0.6 + (1.2 * k) / 63)
    a.years[r] = ((e + 1) * (e + 1)) / 256
    a.vol[r] = 0.4 + 0.3 * v + 0.4 * (k / 63 - 0.5) * (k / 63 - 0.5)
    a.isCall[r] = put ? 0 : 1
    a.units[r] = 1 + (r % 3)
  }
  const priceMoves = new Float64Array(SCENARIOS)
  const volAbs = new Float64Array(SCENARIOS)
  for (let j = 0; j < SCENARIOS; j++) {
    priceMoves[j] = -0.4 + (0.8 * Math.floor(j / 8)) / 31
    volAbs[j] = -0.1 + 0.05 * (j % 8)
  }
  const scenarios: ScenarioSet = {
    id: 'kernel-bench',
    underlyings: ['BTC'],
    count: SCENARIOS,
    priceMoves,
    volAbs,
    volRel: new Float64Array(SCENARIOS),
    timeShiftYears: new Float64Array(SCENARIOS).fill(1 / 365),
    volTerm: null,
    labels: Array.from({ length: SCENARIOS }, (_, j) => `scenario ${j}`)
  }
  return { arrays: a, scenarios }
}

type Kernel = typeof revalueRows

const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}

/** Best of `runs` timings of `repetitions` passes, in M valuations/s (wall clock, CPU time), and the P&L sum. */
function measure(kernel: Kernel, arrays: PortfolioArrays, scenarios: ScenarioSet, runs: number, repetitions: number): { mps: number; cpuMps: number; sum: number } {
  const pre = precomputeScenarios(scenarios)
  const out = new Float64Array(ROWS * SCENARIOS)
  kernel(arrays, scenarios, pre, 0, ROWS, out) // warm the JIT and the caches
  let best = Infinity
  let bestCpu = Infinity
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now()
    const c0 = cpuSeconds()
    for (let rep = 0; rep < repetitions; rep++) kernel(arrays, scenarios, pre, 0, ROWS, out)
    bestCpu = Math.min(bestCpu, cpuSeconds() - c0)
    best = Math.min(best, (performance.now() - t0) / 1000)
  }
  let sum = 0
  for (let i = 0; i < out.length; i++) sum += out[i]!
  const valuations = ROWS * SCENARIOS * repetitions
  return { mps: valuations / best / 1e6, cpuMps: valuations / bestCpu / 1e6, sum }
}

/** The repository's C anchor, from this module's folder (src-main/bench, or out/main once built) upwards. */
function findCSource(): string | null {
  for (let dir = import.meta.dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, C_SOURCE)
    if (existsSync(candidate)) return candidate
  }
  return null
}

interface CResult {
  hartMps: number
  libmMps: number
  hartCpuMps: number
  libmCpuMps: number
  hartSum: number
  libmSum: number
}

function runCAnchor(cc: string, runs: number, repetitions: number): { compiler: string; result: CResult } | { skipped: string } {
  const version = spawnSync(cc, ['--version'], { encoding: 'utf8' })
  if (version.error || version.status !== 0) return { skipped: 'no C compiler' }
  const source = findCSource()
  if (!source) return { skipped: `${C_SOURCE} not found` }
  const dir = mkdtempSync(join(tmpdir(), 'marginal-c-anchor-'))
  try {
    const exe = join(dir, 'black76')
    const build = spawnSync(cc, ['-O3', '-march=native', '-o', exe, source, '-lm'], { encoding: 'utf8' })
    if (build.status !== 0) return { skipped: `cc failed: ${(build.stderr || String(build.error)).trim()}` }
    const run = spawnSync(exe, [String(runs), String(repetitions)], { encoding: 'utf8' })
    if (run.status !== 0) return { skipped: `the C anchor failed: ${(run.stderr || String(run.error)).trim()}` }
    return { compiler: version.stdout.split('\n')[0]!.trim(), result: JSON.parse(run.stdout) as CResult }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const sameSum = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.abs(b)

/**
 * `runs`: timings per kernel, the best kept (default 3); `repetitions`: passes over the 2^20
 * valuations per timing (default 20, as issue 20 measured); `cc`: the C compiler command (default cc).
 */
export async function kernelBench(opts: { runs?: number; repetitions?: number; cc?: string } = {}): Promise<KernelBenchResult> {
  const runs = opts.runs ?? 3
  const repetitions = opts.repetitions ?? 20
  const { arrays, scenarios } = benchWork()
  const js = measure(revalueRowsJs, arrays, scenarios, runs, repetitions)
  const wasm = wasmKernelActive() ? measure(revalueRows, arrays, scenarios, runs, repetitions) : null
  const base = {
    valuations: ROWS * SCENARIOS,
    repetitions,
    jsMps: js.mps,
    wasmMps: wasm?.mps ?? null,
    jsCpuMps: js.cpuMps,
    wasmCpuMps: wasm?.cpuMps ?? null
  }
  const c = runCAnchor(opts.cc ?? 'cc', runs, repetitions)
  if ('skipped' in c) return { ...base, skipped: c.skipped }
  const { hartMps, libmMps, hartCpuMps, libmCpuMps, hartSum, libmSum } = c.result
  const bestC = Math.max(hartMps, libmMps)
  const bestCByCpu = Math.max(hartCpuMps, libmCpuMps)
  const sums = [js.sum, ...(wasm ? [wasm.sum] : [])]
  return {
    ...base,
    c: { compiler: c.compiler, hartMps, libmMps, hartCpuMps, libmCpuMps, sameAnswer: sums.every((s) => sameSum(s, hartSum) && sameSum(s, libmSum)) },
    wasmOverC: wasm ? wasm.mps / bestC : null,
    jsOverC: js.mps / bestC,
    wasmOverCByCpu: wasm ? wasm.cpuMps / bestCByCpu : null,
    jsOverCByCpu: js.cpuMps / bestCByCpu
  }
}
