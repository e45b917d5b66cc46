/**
 * OKX portfolio-margin tier rules (docs/METHODOLOGY.md §5.4).
 * MR7 (minimum charge) is scaled bracket by bracket: each slice of the raw charge that falls in a
 * tier is multiplied by that tier's factor. MR9 is a tiered rate on notional: each slice at its rate.
 */
export interface Tier {
  /** Upper bound of the tier (Infinity for the last). */
  upTo: number
  /** MR7: multiplier; MR9: rate. */
  factor: number
}

/** JSON has no Infinity: the open last tier is written `"upTo": null`. */
export const tiersFromJson = (tiers: readonly { upTo: number | null; factor: number }[]): Tier[] => tiers.map((t) => ({ upTo: t.upTo ?? Infinity, factor: t.factor }))

/** Σ over tiers of (the part of `amount` inside the tier) × factor. */
export function tiered(amount: number, tiers: readonly Tier[]): number {
  let total = 0
  let lower = 0
  for (const t of tiers) {
    if (amount <= lower) break
    total += (Math.min(amount, t.upTo) - lower) * t.factor
    lower = t.upTo
  }
  return total
}

/** OKX MMR of a risk unit: max(MR, scaled MR7) with MR = max(MR1, MR2, MR6) + MR3 + MR4 + MR5 + MR9. */
export function okxMaintenanceMargin(mr: number, rawMr7: number, mr7Tiers: readonly Tier[]): number {
  return Math.max(mr, tiered(rawMr7, mr7Tiers))
}

/** IMR = 1.3 × MMR (OKX portfolio margin). */
export const okxInitialMargin = (mmr: number): number => 1.3 * mmr
