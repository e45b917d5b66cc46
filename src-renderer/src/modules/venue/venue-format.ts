/**
 * Numbers of the venue comparison. Coin amounts to 8 decimals (a satoshi: the venue states IM and MM
 * to that, and a difference of 1e−8 BTC is real money at scale); USD-like to 2. A difference too
 * small for those decimals (a replica equal to the venue up to floating point, 1e−17) is written in
 * scientific notation, never rounded to a "0.00000000" that hides whether it is exactly zero.
 */
import { formatNumber, formatUtcTime, isUsdLike } from '../../lib/format'

const MINUS = '−'

const fixed = (value: number, decimals: number): string => formatNumber(value, decimals)

function scientific(value: number): string {
  const [mantissa, exponent] = value.toExponential(2).split('e')
  return `${mantissa!.replace('-', MINUS)}e${exponent!.replace('-', MINUS).replace('+', '')}`
}

export const decimalsFor = (unit: string): number => (isUsdLike(unit) ? 2 : 8)

/** An amount in `unit` (the pool's currency, or a simulation's). */
export function venueAmount(value: number | null | undefined, unit: string, decimals = decimalsFor(unit)): string {
  return value === null || value === undefined ? '—' : fixed(value, decimals)
}

/** Replica − venue, signed; scientific when smaller than the last decimal shown. */
export function venueDifference(value: number | null | undefined, unit: string, decimals = decimalsFor(unit)): string {
  if (value === null || value === undefined) return '—'
  if (value === 0) return '0'
  if (Math.abs(value) < 10 ** -decimals) return (value > 0 ? '+' : '') + scientific(value)
  return (value > 0 ? '+' : '') + fixed(value, decimals)
}

/** A percentage of the venue's figure (null: the venue's figure is 0 or missing). */
export function venuePct(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—'
  if (value === 0) return '0 %'
  if (Math.abs(value) < 0.001) return `${value > 0 ? '+' : ''}${scientific(value)} %`
  return `${value > 0 ? '+' : ''}${fixed(value, 3)} %`
}

/** A timestamp as the workstation writes them (lib/format.ts). */
export const utcTime = formatUtcTime

