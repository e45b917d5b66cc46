/**
 * The grid's cell formatting, the same strings as lib/format.ts, from number formatters built once
 * per decimals: `Number#toLocaleString` with options builds an Intl.NumberFormat on every call
 * (tens of µs), and a screen of the positions grid formats ~1,000 cells per scrolled frame
 * (issue 20: frames of 50 ms). tests/renderer/position-cell-format.test.ts holds them equal.
 */
import { isUsdLike } from '../../lib/format'

const COIN_DECIMALS = 4
const formatters = new Map<number, Intl.NumberFormat>()

function fixed(value: number, decimals: number): string {
  let f = formatters.get(decimals)
  if (!f) formatters.set(decimals, (f = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })))
  return f.format(value).replace('-', '−')
}

/** Coins (BTC, ETH…) to 4 decimals; USD-like quote currencies to 2 (lib/format formatPrice). */
export function formatPrice(value: number | null, currency: string): string {
  if (value === null) return '—'
  return fixed(value, isUsdLike(currency) ? 2 : COIN_DECIMALS)
}

/** lib/format formatNumber. */
export function formatNumber(value: number | null, decimals: number): string {
  return value === null ? '—' : fixed(value, decimals)
}

/** lib/format formatContracts. */
export const formatContracts = (value: number): string => fixed(value, Number.isInteger(value) ? 0 : 2)
