/**
 * Derive (formerly Lyra v2) instrument names (docs.derive.xyz/trading/instrument-names):
 * `<CURRENCY>-PERP` (perpetual, one unit of the underlying a contract, USDC-settled),
 * `<CURRENCY>-<YYYYMMDD>-<STRIKE>-<C|P>` (European option, one unit, cash-settled in USDC at 08:00 UTC
 * on the date by default; a fractional strike writes "_" for the decimal point: 2400_5 = 2400.5) and
 * `<BASE>-<QUOTE>` (spot, e.g. ETH-USDC). Tick and amount steps are the ETH-PERP listing's
 * (public/get_instruments: tick 0.01, amount step 0.001); options use the same lot.
 */
import type { Instrument } from '../instrument'
import { SymbolError } from '../symbol-error'
import { instrument, optionTypeOf } from './build'

/** Derive options settle at 08:00 UTC on their date unless the market says otherwise (the docs above). */
const SETTLEMENT_HOUR_UTC = 8

function parseYyyyMmDd(text: string): number | null {
  const year = Number(text.slice(0, 4))
  const month0 = Number(text.slice(4, 6)) - 1
  const day = Number(text.slice(6, 8))
  const ms = Date.UTC(year, month0, day, SETTLEMENT_HOUR_UTC)
  const d = new Date(ms)
  // Date.UTC rolls 20240231 over to March: a date that does not round-trip is not a calendar day.
  return d.getUTCFullYear() === year && d.getUTCMonth() === month0 && d.getUTCDate() === day ? ms : null
}

export function parseDerive(symbol: string): Instrument {
  const fail = (reason: string): never => {
    throw new SymbolError('derive', symbol, reason)
  }
  const option = /^([A-Z0-9]{2,15})-(\d{8})-(\d+(?:_\d+)?)-([CP])$/.exec(symbol)
  if (option) {
    const [, base, when, strikeText, typeLetter] = option as unknown as [string, string, string, string, string]
    const expiryMs = parseYyyyMmDd(when) ?? fail(`"${when}" is not an expiry date like 20240914 (YYYYMMDD)`)
    const strikeUsd = Number(strikeText.replace('_', '.'))
    if (!(strikeUsd > 0)) fail(`"${strikeText}" is not a strike`)
    return instrument({ venue: 'derive', symbol, kind: 'option', settlement: 'linear', underlying: base, quoteCurrency: 'USDC', settleCurrency: 'USDC', contractSize: 1, contractUnit: base.toLowerCase(), tickSize: 0.01, lotSize: 0.001, expiryMs, strikeUsd, optionType: optionTypeOf(typeLetter) })
  }
  const perp = /^([A-Z0-9]{2,15})-PERP$/.exec(symbol)
  if (perp) {
    const base = perp[1]!
    return instrument({ venue: 'derive', symbol, kind: 'perpetual', settlement: 'linear', underlying: base, quoteCurrency: 'USDC', settleCurrency: 'USDC', contractSize: 1, contractUnit: base.toLowerCase(), tickSize: 0.01, lotSize: 0.001 })
  }
  const spot = /^([A-Z0-9]{2,15})-(USDC|USDT|USD)$/.exec(symbol)
  if (spot) {
    const [, base, quote] = spot as unknown as [string, string, string]
    return instrument({ venue: 'derive', symbol, kind: 'spot', settlement: 'linear', underlying: base, quoteCurrency: quote, settleCurrency: quote, contractSize: 1, contractUnit: base.toLowerCase(), tickSize: 0.01, lotSize: 0.001 })
  }
  return fail('not a Derive instrument name (e.g. ETH-PERP, ETH-20240914-2400-C, ETH-USDC)')
}
