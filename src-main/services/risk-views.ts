/**
 * Statistical-risk reports in the API's JSON shape (src-preload/contract/schemas.ts): typed arrays
 * to plain arrays, NaN estimates to null, the P&L distribution binned for the histogram. The one
 * JSON shape of each report: the workstation's API and `cli var|stress|backtest --json` alike.
 */
import type { ResponseOf } from '@contract/api'
import type { BacktestReport } from './backtest-service'
import type { StressReport } from './stress-service'
import type { VarReport } from './var-service'

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null)

/** Equal-width bins over the P&L range (the histogram the VaR panel draws). */
export function pnlHistogram(pnl: Float64Array, bins = 60): { edges: number[]; counts: number[] } {
  let lo = Infinity
  let hi = -Infinity
  for (const x of pnl) {
    lo = Math.min(lo, x)
    hi = Math.max(hi, x)
  }
  if (!(hi > lo)) return { edges: [lo, lo + 1], counts: [pnl.length] }
  const width = (hi - lo) / bins
  const counts = new Array<number>(bins).fill(0)
  for (const x of pnl) counts[Math.min(bins - 1, Math.floor((x - lo) / width))]!++
  return { edges: Array.from({ length: bins + 1 }, (_, i) => lo + i * width), counts }
}

export function varView(r: VarReport): Omit<ResponseOf<'runVar'>, 'durationMs'> {
  const worst = Array.from(r.pnl.keys())
    .sort((a, b) => r.pnl[a]! - r.pnl[b]!)
    .slice(0, 20)
  return {
    method: r.method,
    currency: r.currency,
    horizonDays: r.horizonDays,
    scenarioSetId: r.scenarioSetId,
    scenarios: r.scenarios,
    history: r.history,
    window: r.window,
    volMoves: r.volMoves,
    requirementRule: r.requirementRule,
    levels: r.levels.map((l) => ({ ...l, varStandardError: finiteOrNull(l.varStandardError), esStandardError: finiteOrNull(l.esStandardError) })),
    histogram: pnlHistogram(r.pnl),
    worst: worst.map((j) => ({ label: r.labels[j]!, pnl: r.pnl[j]! })),
    components: r.positionIds.map((positionId, i) => ({ positionId, symbol: r.symbols[i]!, expectedShortfall: r.componentEs.map((c) => c[i]!), valueAtRisk: r.componentVar.map((c) => c[i]!) })),
    notCovered: r.notCovered
  }
}

export function stressView(r: StressReport): ResponseOf<'runStress'> {
  return {
    libraryId: r.libraryId,
    currency: r.currency,
    underlyings: r.underlyings,
    historyNote: r.historyNote,
    historyWindow: r.historyWindow,
    scenarios: r.scenarios.map((s, j) => ({
      name: s.name,
      kind: s.kind,
      window: s.window,
      moves: s.moves,
      unmoved: s.unmoved,
      volMove: s.volMove,
      elapsedDays: s.elapsedDays,
      note: s.note,
      pnl: s.pnl,
      positionPnl: Array.from(r.positionPnl[j]!)
    })),
    positions: r.positionIds.map((positionId, i) => ({ positionId, account: r.accounts[i]!, symbol: r.symbols[i]! })),
    notCovered: r.notCovered
  }
}

export function backtestView(r: BacktestReport): ResponseOf<'runBacktest'> {
  const zone: ('green' | 'yellow' | 'red' | null)[] = new Array(r.days.length).fill(null)
  for (const w of r.stats.windows) zone[w.end] = w.zone
  const { windows: _windows, ...stats } = r.stats
  return {
    method: r.method,
    label: r.label,
    currency: r.currency,
    horizonDays: r.horizonDays,
    confidence: r.confidence,
    lookbackDays: r.lookbackDays,
    requirementRule: r.requirementRule,
    volMoves: r.volMoves,
    history: r.history,
    window: r.window,
    positions: r.positions.positionIds.length,
    notCovered: r.notCovered,
    days: r.days,
    requirementUsd: Array.from(r.requirement),
    realisedLossUsd: Array.from(r.realisedLoss),
    exception: Array.from(r.exception, (x) => x === 1),
    zone,
    stats,
    zoneCounts: r.zoneCounts,
    durationMs: r.durationMs
  }
}
