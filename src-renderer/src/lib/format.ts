/** Number formatting for the workstation: fixed decimals per currency, thousands separators, true minus sign. */
const COIN_DECIMALS = 4

/**
 * One Intl.NumberFormat per number of decimals, made once: toLocaleString builds one per call, and
 * a view of a few hundred rows × 16 amounts formats thousands of numbers per render. The same
 * options, so the same text.
 */
const byDecimals = new Map<number, Intl.NumberFormat>()
function fixed(value: number, decimals: number): string {
  let f = byDecimals.get(decimals)
  if (!f) byDecimals.set(decimals, (f = new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })))
  return f.format(value).replace('-', '−')
}

export const isUsdLike = (currency: string): boolean => /^(USD|USDT|USDC|FDUSD|BUSD)$/i.test(currency)

/** Coins (BTC, ETH…) to 4 decimals; USD-like quote currencies to 2. */
export function formatPrice(value: number | null, currency: string): string {
  if (value === null) return '—'
  return fixed(value, isUsdLike(currency) ? 2 : COIN_DECIMALS)
}

/** A margin amount: whole units of USD, `coinDecimals` for coins (margin in coin needs more precision). */
export function formatMargin(value: number | null | undefined, currency: string, usdDecimals = 0, coinDecimals = 4): string {
  return value === null || value === undefined ? '—' : fixed(value, isUsdLike(currency) ? usdDecimals : coinDecimals)
}

export function formatNumber(value: number | null, decimals: number): string {
  return value === null ? '—' : fixed(value, decimals)
}

/** A timestamp as the workstation writes them: "2026-11-20 09:00:05 UTC"; '—' when there is none. */
export const formatUtcTime = (iso: string | null | undefined): string => (iso ? `${iso.slice(0, 19).replace('T', ' ')} UTC` : '—')

export function formatExpiryUtc(iso: string | null): string {
  return iso === null ? '—' : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`
}

export const formatContracts = (value: number): string =>
  fixed(value, Number.isInteger(value) ? 0 : 2)
