/**
 * From an LP's continuous sizes to trades, for every hedging method: the leg cap (keep the largest
 * legs; the caller solves again on them), the legs actually used, and whole lots followed by a
 * ±1-lot coordinate descent on the method's own objective (convex in the sizes, so the descent
 * stops at the lattice optimum next to the LP's).
 */

/** Indices of the legs the sizes use (non-zero), in order. */
export const usedLegs = (x: readonly number[]): number[] => x.flatMap((v, k) => (Math.abs(v) > 1e-12 ? [k] : []))

/** The `maxLegs` largest legs by weight, in index order; null when the sizes already fit the cap. */
export function largestLegs(x: readonly number[], weight: (k: number) => number, maxLegs: number): number[] | null {
  const legs = usedLegs(x).map((k) => ({ k, w: weight(k) }))
  if (legs.length <= maxLegs) return null
  return legs.sort((a, b) => b.w - a.w).slice(0, maxLegs).map((l) => l.k).sort((a, b) => a - b)
}

export interface LotLeg {
  lotSize: number
  min: number
  max: number
}

/** Round to lots within bounds, then move one lot at a time while `objective` improves. */
export function lotDescent(x: readonly number[], legs: readonly LotLeg[], objective: (sizes: number[]) => number, tolerance = 1e-12): number[] {
  const lots = (v: number, l: LotLeg): number => Math.min(Math.max(Math.round(v / l.lotSize) * l.lotSize, l.min), l.max)
  let sizes = x.map((v, k) => lots(v, legs[k]!))
  let best = objective(sizes)
  for (let pass = 0, improved = true; improved && pass < 200; pass++) {
    improved = false
    for (let k = 0; k < sizes.length; k++) {
      for (const step of [1, -1]) {
        const trial = [...sizes]
        trial[k] = lots(trial[k]! + step * legs[k]!.lotSize, legs[k]!)
        const o = objective(trial)
        if (o < best - tolerance) {
          best = o
          sizes = trial
          improved = true
        }
      }
    }
  }
  return sizes.map((v) => Number(v.toFixed(8)))
}
