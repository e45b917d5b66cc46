/**
 * Binance symbols (developers.binance.com): BTCUSDT (USD-M perpetual, sized in coin; also the spot
 * pair, hint product 'spot'), BTCUSDT_241227 (USD-M quarterly), BTCUSD_PERP and BTCUSD_241227
 * (COIN-M inverse: $100 a contract for BTC, $10 for other coins), BTC-241227-60000-C (European
 * options, USDT-settled, 1 coin).
 */
import type { Instrument } from '../instrument'
import { parseYyMmDd } from '../expiry'
import { SymbolError, type SymbolHints } from '../symbol-error'
import { instrument, optionTypeOf, parseStrike, splitPair } from './build'

export function parseBinance(symbol: string, hints: SymbolHints = {}): Instrument {
  const fail = (reason: string): never => {
    throw new SymbolError('binance', symbol, reason)
  }
  const option = /^([A-Z0-9]{2,15})-(\d{6})-([0-9.]+)-([CP])$/.exec(symbol)
  if (option) {
    const [, base, when, strikeText, typeLetter] = option as unknown as [string, string, string, string, string]
    const expiryMs = parseYyMmDd(when) ?? fail(`"${when}" is not an expiry date like 241227`)
    const strikeUsd = parseStrike(strikeText) ?? fail(`"${strikeText}" is not a strike`)
    return instrument({ venue: 'binance', symbol, kind: 'option', settlement: 'linear', underlying: base, quoteCurrency: 'USDT', settleCurrency: 'USDT', contractSize: hints.contractSize ?? 1, contractUnit: base.toLowerCase(), tickSize: 5, lotSize: 0.01, expiryMs, strikeUsd, optionType: optionTypeOf(typeLetter) })
  }
  const m = /^([A-Z0-9]+?)(?:_(PERP|\d{6}))?$/.exec(symbol)
  const pair = m ? splitPair(m[1]!) : null
  if (!m || !pair) return fail('not a Binance symbol (e.g. BTCUSDT, BTCUSDT_241227, BTCUSD_PERP, BTC-241227-60000-C)')
  const when = m[2]
  const { base, quote } = pair
  const expiryMs = when === undefined || when === 'PERP' ? null : (parseYyMmDd(when) ?? fail(`"${when}" is not an expiry date like 241227`))
  if (quote === 'USD') {
    if (when === undefined) return fail('COIN-M contracts end in _PERP or _YYMMDD')
    return instrument({ venue: 'binance', symbol, kind: expiryMs === null ? 'perpetual' : 'future', settlement: 'inverse', underlying: base, quoteCurrency: 'USD', settleCurrency: base, contractSize: hints.contractSize ?? (base === 'BTC' ? 100 : 10), contractUnit: 'usd', tickSize: 0.1, lotSize: 1, expiryMs })
  }
  if (when === 'PERP') return fail('_PERP is the COIN-M suffix; USD-M perpetuals have none (BTCUSDT)')
  if (hints.product === 'spot') {
    if (when !== undefined) return fail('a spot pair has no expiry')
    return instrument({ venue: 'binance', symbol, kind: 'spot', settlement: 'linear', underlying: base, quoteCurrency: quote, settleCurrency: quote, contractSize: 1, contractUnit: base.toLowerCase(), tickSize: 0.01, lotSize: 0.00001 })
  }
  return instrument({ venue: 'binance', symbol, kind: expiryMs === null ? 'perpetual' : 'future', settlement: 'linear', underlying: base, quoteCurrency: quote, settleCurrency: quote, contractSize: 1, contractUnit: base.toLowerCase(), tickSize: 0.1, lotSize: 0.001, expiryMs })
}
