import type { Instrument, OptionType } from '../instrument'

/** Fields every venue parser fills; the rest default by kind. */
export function instrument(
  fields: Omit<Instrument, 'expiryMs' | 'strikeUsd' | 'optionType'> & Partial<Pick<Instrument, 'expiryMs' | 'strikeUsd' | 'optionType'>>
): Instrument {
  return { expiryMs: null, strikeUsd: null, optionType: null, ...fields }
}

export const optionTypeOf = (letter: string): OptionType => (letter === 'C' ? 'call' : 'put')

/** Strikes are digits, Deribit writes decimals with 'd' (XRP_USDC-30AUG24-0d625-C = 0.625). */
export function parseStrike(text: string): number | null {
  if (!/^\d+(?:[dD.]\d+)?$/.test(text)) return null
  const strike = Number(text.replace(/[dD]/, '.'))
  return strike > 0 ? strike : null
}

/** Split a concatenated pair (BTCUSDT, ETHUSD) into base and quote by the quote currencies venues use. */
export function splitPair(pair: string): { base: string; quote: string } | null {
  for (const quote of ['FDUSD', 'USDT', 'USDC', 'BUSD', 'USD']) {
    if (pair.endsWith(quote) && pair.length > quote.length) {
      const base = pair.slice(0, -quote.length)
      if (/^[A-Z0-9]{2,15}$/.test(base)) return { base, quote }
    }
  }
  return null
}
