/**
 * Liquidation bands as every output states them (dashboard, `cli margin`, the PDF report): the
 * intervals of an underlying's index where a pool's equity is at or below its MM, nearest first
 * (services/account-health.ts, engine/margin/liquidation-scan.ts; docs/METHODOLOGY.md §5.11).
 */
import { z } from 'zod'

/** An interval of index levels where the pool's equity is at or below its MM: fromUsd the nearer end, toUsd the farther (null: beyond the search's end). */
export const LiquidationBandView = z.object({ fromUsd: z.number(), toUsd: z.number().nullable() })
export type LiquidationBandView = z.output<typeof LiquidationBandView>

/** What the texts read of a pool's liquidation point (PoolHealthView's `liquidation` entries). */
export interface LiquidationBandsOf {
  underlying: string
  distancePct: number | null
  bandsDown?: readonly LiquidationBandView[]
  bandsUp?: readonly LiquidationBandView[]
}

/**
 * Whether the bands say more than the nearest level does: a band that closes (the cushion recovers
 * further out) or more than one. A single open band is just "the nearest level and beyond".
 */
export function bandsSayMore(l: LiquidationBandsOf): boolean {
  const all = [...(l.bandsDown ?? []), ...(l.bandsUp ?? [])]
  return all.length > 1 || all.some((b) => b.toUsd !== null)
}

/** An index level in USD: whole dollars with thousands separators from 100 up, else 2 decimals (no locale: the same text everywhere). */
export function indexLevelText(usd: number): string {
  if (Math.abs(usd) < 100) return usd.toFixed(2)
  const whole = Math.round(usd).toString()
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** One side's bands, nearest first: "59,120–55,870 USD; 41,200 USD and below"; "" when none. */
export function liquidationBandsText(bands: readonly LiquidationBandView[], side: 'below' | 'above'): string {
  return bands.map((b) => (b.toUsd === null ? `${indexLevelText(b.fromUsd)} USD and ${side}` : `${indexLevelText(b.fromUsd)}–${indexLevelText(b.toUsd)} USD`)).join('; ')
}

/**
 * Both sides of one underlying: "BTC liquidation bands below: 63,598–57,120 USD; 41,200 USD and
 * below · above: 109,825 USD and above"; "BTC below MM now" when equity ≤ MM today; "BTC: no
 * liquidation within −95 % … +500 %" when none.
 */
export function liquidationText(l: LiquidationBandsOf): string {
  if (l.distancePct === 0 && !l.bandsDown?.length && !l.bandsUp?.length) return `${l.underlying} below MM now`
  const down = liquidationBandsText(l.bandsDown ?? [], 'below')
  const up = liquidationBandsText(l.bandsUp ?? [], 'above')
  if (!down && !up) return `${l.underlying}: no liquidation within −95 % … +500 %`
  return `${l.underlying} liquidation bands ${[down && `below: ${down}`, up && `above: ${up}`].filter(Boolean).join(' · ')}`
}
