/**
 * The input bounds of src-main/engine/instruments/bounds.ts (docs/METHODOLOGY.md §9), for the
 * request schemas: the contract is shared with the renderer and imports nothing but itself and
 * zod, so the numbers are repeated here; tests/whatif/input-bounds.test.ts keeps them equal to
 * the engine's, which carry the reasons.
 */
import { z } from 'zod'

export const BOUND_MAX = {
  sizeContracts: 1e14,
  price: 1e9,
  notionalUsd: 1e13,
  cash: 1e15,
  moneyness: 100
} as const

const show: Record<keyof typeof BOUND_MAX, string> = {
  sizeContracts: 'no size exceeds 10^14 contracts',
  price: 'no price exceeds 10^9',
  notionalUsd: 'no target exceeds 10^13 (the largest USD notional)',
  cash: 'no cash amount exceeds 10^15',
  moneyness: 'no strike is 100× its forward'
}

/** A finite number whose magnitude is within the bound (signed). */
export const bounded = (kind: keyof typeof BOUND_MAX): z.ZodNumber =>
  z.number().finite().min(-BOUND_MAX[kind], `out of range: ${show[kind]}`).max(BOUND_MAX[kind], `out of range: ${show[kind]}`)

/** A positive finite number within the bound. */
export const positiveBounded = (kind: keyof typeof BOUND_MAX): z.ZodNumber =>
  z.number().finite().positive().max(BOUND_MAX[kind], `out of range: ${show[kind]}`)

/** A cash amount or balance (either sign) within the bound: the opening-balance check. */
export const cashAmount = () => z.number().refine((x) => Number.isFinite(x) && Math.abs(x) <= BOUND_MAX.cash, `not a plausible balance (${show.cash})`)
