/**
 * Two books side by side (live and what-if, or a book before and after a ticket): every margin
 * method per group, every pool's utilisation, the Greeks per underlying and every stress scenario,
 * each as (base, other, other − base). Every figure is one of the two books' own results: the
 * difference is never estimated, so it equals recomputing both and subtracting (tests/whatif).
 */
import type { HeldPosition } from '../../book/positions-repository'
import type { MarketView } from '../../engine/market/market-view'
import { resolvePosition } from '../../engine/positions/resolve-position'
import { valueResolved } from '../../engine/valuation/position-valuation'
import type { BookMargin } from '../margin-service'
import type { StressReport } from '../stress-service'

export interface Pair {
  base: number | null
  other: number | null
  /** other − base; a side without the figure counts as 0 when the other has it. */
  change: number | null
}

const pair = (base: number | null | undefined, other: number | null | undefined): Pair => {
  const b = base ?? null
  const o = other ?? null
  return { base: b, other: o, change: b === null && o === null ? null : (o ?? 0) - (b ?? 0) }
}
/** Utilisation ratios: Infinity (margin due, no equity) has no finite difference. */
const ratioPair = (base: number | undefined, other: number | undefined): Pair => {
  const f = (x: number | undefined): number | null => (x === undefined || !Number.isFinite(x) ? null : x)
  const p = pair(f(base), f(other))
  return base === undefined || other === undefined ? { ...p, change: null } : p
}

export interface MarginRowDiff {
  group: string
  account: string
  currency: string
  riskUnit: string | null
  method: string
  initialMargin: Pair
  maintenanceMargin: Pair
}

export interface HealthRowDiff {
  pool: string
  currency: string
  method: string
  equity: Pair
  imUtilisation: Pair
  mmUtilisation: Pair
  statusBase: string | null
  statusOther: string | null
}

const groupName = (g: { account: string; currency: string; riskUnit: string | null }): string => `${g.account} · ${g.currency}${g.riskUnit ? ` · ${g.riskUnit}` : ''}`

/** Every (group, method) of either book, in the base book's order then the other's new ones; add-ons as a method. */
export function marginDiff(base: BookMargin, other: BookMargin): { margin: MarginRowDiff[]; health: HealthRowDiff[] } {
  type Fig = { im: number; mm: number; g: BookMargin['accounts'][number] }
  const index = (m: BookMargin): Map<string, Fig> => {
    const out = new Map<string, Fig>()
    for (const g of m.accounts) {
      for (const r of g.results) out.set(`${groupName(g)}\u0000${r.method}`, { im: r.initialMargin, mm: r.maintenanceMargin, g })
      if (g.addOns) out.set(`${groupName(g)}\u0000add-ons`, { im: g.addOns.initialMargin, mm: g.addOns.maintenanceMargin, g })
    }
    return out
  }
  const a = index(base)
  const b = index(other)
  const keys = [...new Set([...a.keys(), ...b.keys()])]
  const margin = keys.map((k) => {
    const g = (a.get(k) ?? b.get(k))!.g
    return {
      group: groupName(g),
      account: g.account,
      currency: g.currency,
      riskUnit: g.riskUnit,
      method: k.split('\u0000')[1]!,
      initialMargin: pair(a.get(k)?.im, b.get(k)?.im),
      maintenanceMargin: pair(a.get(k)?.mm, b.get(k)?.mm)
    }
  })
  type H = { equity: number; im: number; mm: number; status: string; currency: string }
  const health = (m: BookMargin): Map<string, H> =>
    new Map(m.health.flatMap((h) => h.byMethod.map((x) => [`${h.pool}\u0000${x.method}`, { equity: h.equity, im: x.imUtilisation, mm: x.mmUtilisation, status: x.status, currency: h.currency }] as const)))
  const ha = health(base)
  const hb = health(other)
  const hkeys = [...new Set([...ha.keys(), ...hb.keys()])]
  return {
    margin,
    health: hkeys.map((k) => {
      const [pool, method] = k.split('\u0000') as [string, string]
      const x = ha.get(k)
      const y = hb.get(k)
      return {
        pool,
        method,
        currency: (x ?? y)!.currency,
        equity: pair(x?.equity, y?.equity),
        imUtilisation: ratioPair(x?.im, y?.im),
        mmUtilisation: ratioPair(x?.mm, y?.mm),
        statusBase: x?.status ?? null,
        statusOther: y?.status ?? null
      }
    })
  }
}

export interface GreekTotals {
  underlying: string
  deltaCoin: number
  gammaCoinPer1Pct: number
  vegaUsdPerPoint: number
  thetaUsdPerDay: number
  /** Mark value of the options and spot, P&L of futures: USD. */
  valueUsd: number
}

/**
 * The book's Greeks summed per underlying (positions that cannot be valued are left out, as in the
 * grids: one resolve step, engine/positions/resolve-position.ts; an expired contract awaits its
 * settlement and counts for nothing, never at its intrinsic value).
 */
export function greeksByUnderlying(held: readonly HeldPosition[], view: MarketView): GreekTotals[] {
  const out = new Map<string, GreekTotals>()
  for (const p of held) {
    const r = resolvePosition(p.instrument, p.sizeContracts, view)
    if (!r.ok) continue
    let v
    try {
      v = valueResolved(r, p.avgPrice, view)
    } catch {
      continue
    }
    const u = r.instrument.underlying
    const t = out.get(u) ?? { underlying: u, deltaCoin: 0, gammaCoinPer1Pct: 0, vegaUsdPerPoint: 0, thetaUsdPerDay: 0, valueUsd: 0 }
    t.deltaCoin += v.deltaCoin
    t.gammaCoinPer1Pct += v.gammaCoinPer1Pct
    t.vegaUsdPerPoint += v.vegaUsdPerPoint
    t.thetaUsdPerDay += v.thetaUsdPerDay
    t.valueUsd += v.valueUsd
    out.set(u, t)
  }
  return [...out.values()].sort((a, b) => a.underlying.localeCompare(b.underlying))
}

export interface GreekDiff {
  underlying: string
  deltaCoin: Pair
  gammaCoinPer1Pct: Pair
  vegaUsdPerPoint: Pair
  thetaUsdPerDay: Pair
}

export function greeksDiff(base: readonly GreekTotals[], other: readonly GreekTotals[]): GreekDiff[] {
  const us = [...new Set([...base, ...other].map((g) => g.underlying))].sort()
  return us.map((u) => {
    const a = base.find((g) => g.underlying === u)
    const b = other.find((g) => g.underlying === u)
    return {
      underlying: u,
      deltaCoin: pair(a?.deltaCoin, b?.deltaCoin),
      gammaCoinPer1Pct: pair(a?.gammaCoinPer1Pct, b?.gammaCoinPer1Pct),
      vegaUsdPerPoint: pair(a?.vegaUsdPerPoint, b?.vegaUsdPerPoint),
      thetaUsdPerDay: pair(a?.thetaUsdPerDay, b?.thetaUsdPerDay)
    }
  })
}

export interface StressDiff {
  scenario: string
  kind: string
  pnlUsd: Pair
}

/** Scenarios matched by name (the library names them uniquely), ordered by the other book's P&L, worst first. */
export function stressDiff(base: StressReport | null, other: StressReport | null): StressDiff[] {
  const a = new Map((base?.scenarios ?? []).map((s) => [s.name, s]))
  const b = new Map((other?.scenarios ?? []).map((s) => [s.name, s]))
  const names = [...new Set([...b.keys(), ...a.keys()])]
  return names
    .map((n) => ({ scenario: n, kind: (b.get(n) ?? a.get(n))!.kind, pnlUsd: pair(a.get(n)?.pnl, b.get(n)?.pnl) }))
    .sort((x, y) => (x.pnlUsd.other ?? x.pnlUsd.base ?? 0) - (y.pnlUsd.other ?? y.pnlUsd.base ?? 0))
}
