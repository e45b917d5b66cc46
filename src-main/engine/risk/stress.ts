/**
 * Stress scenarios (docs/METHODOLOGY.md §5.8) from a stress library and the imported history:
 * - worst h-day moves: per underlying and horizon, the window with its largest fall and largest
 *   rise; every other underlying moves as it did over the same window (the joint move keeps the
 *   correlation of that day);
 * - named episodes: each underlying's move from the close of `from` to the close of `to`;
 * - hypothetical shocks: per-underlying moves ("*" for any underlying not named) with a vol shock.
 * Vols move with an imported vol index (DVOL) over historical windows it covers. The revaluation
 * kernel takes one vol move per scenario, so with several vol indices their mean applies to all.
 */
import type { ScenarioSet } from '../scenarios/scenario-set'
import type { DailySeries } from './history'

export interface StressLibrary {
  id: string
  worstMoves: { horizonsDays: number[] }
  episodes: { name: string; from: string; to: string; note?: string }[]
  hypothetical: { name: string; moves: Record<string, number>; volRel?: number; volAbs?: number; note?: string }[]
}

export type StressKind = 'worst move' | 'episode' | 'hypothetical'

export interface StressScenario {
  name: string
  kind: StressKind
  /** Historical window "from → to" (UTC days), null for hypothetical shocks. */
  window: string | null
  /** Relative move per underlying (−0.3 = −30 %), in the order of the underlyings given. */
  moves: number[]
  /** Underlyings the history does not cover over the window: left unmoved, and said so. */
  unmoved: string[]
  volRel: number
  volAbs: number
  /** How the vols move, in words. */
  volMove: string
  elapsedDays: number
  note: string | null
}

const DAY_MS = 86_400_000
const dayMs = (d: string): number => Date.parse(`${d}T00:00:00Z`)

interface Indexed {
  series: DailySeries
  at: Map<string, number>
}
const indexed = (s: DailySeries): Indexed => ({ series: s, at: new Map(s.days.map((d, i) => [d, i])) })

/** The move of a series from the close of day `from` to the close of day `to` (null if it lacks one). */
function moveBetween(s: Indexed | undefined, from: string, to: string): number | null {
  const a = s?.at.get(from)
  const b = s?.at.get(to)
  if (a === undefined || b === undefined) return null
  return s!.series.closes[b]! / s!.series.closes[a]! - 1
}

export function stressScenarios(lib: StressLibrary, underlyings: readonly string[], history: Record<string, DailySeries>, volIndex: Record<string, DailySeries>): StressScenario[] {
  const prices = Object.fromEntries(underlyings.filter((u) => history[u]).map((u) => [u, indexed(history[u]!)]))
  const vols = Object.fromEntries(underlyings.filter((u) => volIndex[u]).map((u) => [u, indexed(volIndex[u]!)]))
  const out: StressScenario[] = []

  const historical = (name: string, kind: StressKind, from: string, to: string, note: string | null): StressScenario => {
    const moves = underlyings.map((u) => moveBetween(prices[u], from, to))
    const volMoves = underlyings.map((u) => [u, moveBetween(vols[u], from, to)] as const).filter((x): x is readonly [string, number] => x[1] !== null)
    const volRel = volMoves.length ? volMoves.reduce((a, [, v]) => a + v, 0) / volMoves.length : 0
    return {
      name,
      kind,
      window: `${from} → ${to}`,
      moves: moves.map((m) => m ?? 0),
      unmoved: underlyings.filter((_, k) => moves[k] === null),
      volRel,
      volAbs: 0,
      volMove: volMoves.length ? `vols ${pct(volRel)} (DVOL ${volMoves.map(([u, v]) => `${u} ${pct(v)}`).join(', ')})` : 'vol level unchanged (no vol index over the window)',
      elapsedDays: Math.round((dayMs(to) - dayMs(from)) / DAY_MS),
      note
    }
  }

  for (const h of lib.worstMoves.horizonsDays) {
    // Several underlyings' worst windows are often the same days (March 2020): one scenario, all named.
    const byWindow = new Map<string, { names: string[]; direction: string; from: string; to: string }>()
    for (const u of underlyings) {
      const s = prices[u]
      if (!s || s.series.days.length <= h) continue
      let fall = 0
      let rise = 0
      const c = s.series.closes
      for (let t = 0; t + h < c.length; t++) {
        const m = c[t + h]! / c[t]! - 1
        if (m < c[fall + h]! / c[fall]! - 1) fall = t
        if (m > c[rise + h]! / c[rise]! - 1) rise = t
      }
      const d = s.series.days
      for (const [direction, t] of [['fall', fall], ['rise', rise]] as const) {
        const key = `${direction} ${d[t]}`
        const w = byWindow.get(key) ?? { names: [], direction, from: d[t]!, to: d[t + h]! }
        w.names.push(u)
        byWindow.set(key, w)
      }
    }
    for (const w of byWindow.values()) out.push(historical(`Worst ${w.names.join(' and ')} ${h}-day ${w.direction}`, 'worst move', w.from, w.to, null))
  }

  for (const e of lib.episodes) out.push(historical(e.name, 'episode', e.from, e.to, e.note ?? null))

  for (const x of lib.hypothetical) {
    const volRel = x.volRel ?? 0
    const volAbs = x.volAbs ?? 0
    const words = [volRel ? `× ${(1 + volRel).toFixed(2)}` : '', volAbs ? `${volAbs > 0 ? '+' : '−'}${(Math.abs(volAbs) * 100).toFixed(0)} vol points` : ''].filter(Boolean)
    out.push({
      name: x.name,
      kind: 'hypothetical',
      window: null,
      moves: underlyings.map((u) => x.moves[u] ?? x.moves['*'] ?? 0),
      unmoved: [],
      volRel,
      volAbs,
      volMove: words.length ? `vols ${words.join(', ')}` : 'vol level unchanged',
      elapsedDays: 0,
      note: x.note ?? null
    })
  }
  return out
}

const pct = (x: number): string => `${x >= 0 ? '+' : '−'}${(Math.abs(x) * 100).toFixed(1)} %`

/** The scenarios in the revaluation engine's shape. */
export function stressScenarioSet(id: string, underlyings: readonly string[], scenarios: readonly StressScenario[]): ScenarioSet {
  const u = underlyings.length
  const priceMoves = new Float64Array(scenarios.length * u)
  scenarios.forEach((s, j) => priceMoves.set(s.moves, j * u))
  return {
    id,
    underlyings: [...underlyings],
    count: scenarios.length,
    priceMoves,
    volAbs: Float64Array.from(scenarios, (s) => s.volAbs),
    volRel: Float64Array.from(scenarios, (s) => s.volRel),
    timeShiftYears: Float64Array.from(scenarios, (s) => s.elapsedDays / 365),
    volTerm: null,
    stickyMoneyness: true,
    labels: scenarios.map((s) => s.name)
  }
}
