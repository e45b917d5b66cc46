/**
 * `npm run bench -- --scale`: how Monte Carlo VaR/ES (full revaluation, tail statistics and
 * component ES: the heaviest positions × scenarios job) grows with the book and the paths. Each
 * cell is one run of the VaR memory bench's child (var-memory-bench.ts: its own process, so its
 * peak RSS is its own, VmHWM) on the seeded synthetic book, by the bounded (block-reduced) path.
 * The growth exponents are the least-squares fit of log(time) and log(peak RSS − an empty
 * process's) on log(positions) and log(scenarios): 1 is linear.
 */
import { spawnSync } from 'node:child_process'
import { varMemoryBench, type VarMemoryResult } from './var-memory-bench'
import { PEAK_RSS_KB_SOURCE } from './peak-rss'

/** Least squares of y on [1, x1, x2]: the two slopes. */
function slopes(rows: { x1: number; x2: number; y: number }[]): [number, number] {
  const n = rows.length
  const m = (f: (r: (typeof rows)[number]) => number): number => rows.reduce((a, r) => a + f(r), 0) / n
  const [m1, m2, my] = [m((r) => r.x1), m((r) => r.x2), m((r) => r.y)]
  const s11 = m((r) => (r.x1 - m1) ** 2), s22 = m((r) => (r.x2 - m2) ** 2), s12 = m((r) => (r.x1 - m1) * (r.x2 - m2))
  const s1y = m((r) => (r.x1 - m1) * (r.y - my)), s2y = m((r) => (r.x2 - m2) * (r.y - my))
  const det = s11 * s22 - s12 * s12
  return [(s22 * s1y - s12 * s2y) / det, (s11 * s2y - s12 * s1y) / det]
}

export async function scaleGrid(positions: number[], scenarios: number[]) {
  const empty = spawnSync(process.execPath, ['-e', `process.stdout.write(String(${PEAK_RSS_KB_SOURCE} / 1024))`], { encoding: 'utf8' })
  const baseRssMb = Number(empty.stdout)
  const cells: VarMemoryResult[] = await varMemoryBench(positions.flatMap((p) => scenarios.map((s) => ({ positions: p, paths: s, path: 'bounded' as const }))))
  const ok = cells.filter((c) => c.ok)
  const fit = (y: (c: (typeof ok)[number]) => number) => (ok.length >= 3 ? slopes(ok.map((c) => ({ x1: Math.log(c.positions), x2: Math.log(c.paths), y: Math.log(y(c)) }))) : null)
  return {
    baseRssMb,
    cells,
    timeExponent: fit((c) => c.seconds),
    rssExponent: fit((c) => Math.max(1, c.peakRssMb - baseRssMb))
  }
}
