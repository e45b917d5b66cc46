/**
 * How the report writes numbers: en-US grouping, a true minus sign, a fixed number of decimals per
 * currency (USD-like 2, coins 4), so a figure reads the same on every page and parses back exactly
 * to the printed precision (the report test does).
 */
import { isUsdLike } from '../../engine/market/currency'

const formatters = new Map<number, Intl.NumberFormat>()
const fixed = (decimals: number): Intl.NumberFormat => {
  let f = formatters.get(decimals)
  if (!f) formatters.set(decimals, (f = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })))
  return f
}

export function num(x: number | null | undefined, decimals: number): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—'
  // −0.00 reads as a loss that is not there.
  const s = fixed(decimals).format(x)
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s.replace('-', '−')
}

export const decimalsOf = (currency: string): number => (isUsdLike(currency) ? 2 : 4)

/** An amount with its currency's decimals (no unit: tables carry the unit in the header). */
export const amount = (x: number | null | undefined, currency: string): string => num(x, decimalsOf(currency))

export const usd = (x: number | null | undefined): string => num(x, 2)

/** A ratio (1 = 100 %) as a percentage with one decimal. */
export const pct = (ratio: number | null | undefined, decimals = 1): string => (ratio === null || ratio === undefined || !Number.isFinite(ratio) ? '—' : `${num(ratio * 100, decimals)} %`)

/** A signed percentage with an explicit plus. */
export const signedPct = (ratio: number, decimals = 1): string => `${ratio > 0 ? '+' : ''}${num(ratio * 100, decimals)} %`

export const utc = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
/** Every text that comes from the book (names, symbols, notes) goes through this. */
export const esc = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]!)
