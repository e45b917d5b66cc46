/**
 * Bybit symbols (bybit-exchange.github.io/docs/v5, "Instruments info"): BTCUSDT / BTCUSDC / BTCPERP
 * (linear perpetuals, sized in coin), BTCUSD (inverse perpetual, $1 a contract), BTCUSDZ24
 * (inverse quarterly: last Friday of the month), BTC-27DEC24 and BTCUSDT-27DEC24 (linear futures),
 * BTC-27DEC24-60000-C (USDC-settled option, 1 coin) and BTC-27DEC24-60000-C-USDT (USDT-settled).
 * BTCUSDT is also the spot pair: the statement says which (hint product 'spot').
 */
import type { Instrument } from '../instrument'
import { FUTURES_MONTH_CODES, lastFridayOfMonth, parseDdMmmYy } from '../expiry'
import { SymbolError, type SymbolHints } from '../symbol-error'
import { instrument, optionTypeOf, parseStrike, splitPair } from './build'

export function parseBybit(symbol: string, hints: SymbolHints = {}): Instrument {
  const fail = (reason: string): never => {
    throw new SymbolError('bybit', symbol, reason)
  }
  const option = /^([A-Z0-9]{2,15})-(\d{1,2}[A-Z]{3}\d{2})-([0-9.]+)-([CP])(?:-(USDT|USDC))?$/.exec(symbol)
  if (option) {
    const [, base, when, strikeText, typeLetter, settle] = option as unknown as [string, string, string, string, string, string | undefined]
    const expiryMs = parseDdMmmYy(when) ?? fail(`"${when}" is not an expiry date like 27DEC24`)
    const strikeUsd = parseStrike(strikeText) ?? fail(`"${strikeText}" is not a strike`)
    const ccy = settle ?? 'USDC'
    return instrument({ venue: 'bybit', symbol, kind: 'option', settlement: 'linear', underlying: base, quoteCurrency: ccy, settleCurrency: ccy, contractSize: hints.contractSize ?? 1, contractUnit: base.toLowerCase(), tickSize: 5, lotSize: 0.01, expiryMs, strikeUsd, optionType: optionTypeOf(typeLetter) })
  }
  const linearFuture = /^([A-Z0-9]{2,15}?)(USDT)?-(\d{1,2}[A-Z]{3}\d{2})$/.exec(symbol)
  if (linearFuture) {
    const [, base, usdt, when] = linearFuture as unknown as [string, string, string | undefined, string]
    const expiryMs = parseDdMmmYy(when) ?? fail(`"${when}" is not an expiry date like 27DEC24`)
    const ccy = usdt ?? 'USDC'
    return instrument({ venue: 'bybit', symbol, kind: 'future', settlement: 'linear', underlying: base, quoteCurrency: ccy, settleCurrency: ccy, contractSize: 1, contractUnit: base.toLowerCase(), tickSize: 0.5, lotSize: 0.001, expiryMs })
  }
  const inverseFuture = /^([A-Z0-9]{2,15})USD([A-Z])(\d{2})$/.exec(symbol)
  if (inverseFuture) {
    const [, base, monthCode, yy] = inverseFuture as unknown as [string, string, string, string]
    const month0 = FUTURES_MONTH_CODES.indexOf(monthCode)
    if (month0 < 0) return fail(`"${monthCode}" is not a futures month code (${FUTURES_MONTH_CODES})`)
    return instrument({ venue: 'bybit', symbol, kind: 'future', settlement: 'inverse', underlying: base, quoteCurrency: 'USD', settleCurrency: base, contractSize: 1, contractUnit: 'usd', tickSize: 0.5, lotSize: 1, expiryMs: lastFridayOfMonth(2000 + Number(yy), month0) })
  }
  const perpUsdc = /^([A-Z0-9]{2,15})PERP$/.exec(symbol)
  const pair = perpUsdc ? { base: perpUsdc[1]!, quote: 'USDC' } : splitPair(symbol)
  if (!pair) return fail('not a Bybit symbol (e.g. BTCUSDT, BTCUSD, BTCUSDZ24, BTC-27DEC24, BTC-27DEC24-60000-C)')
  const { base, quote } = pair
  if (hints.product === 'spot') {
    return instrument({ venue: 'bybit', symbol, kind: 'spot', settlement: 'linear', underlying: base, quoteCurrency: quote, settleCurrency: quote, contractSize: 1, contractUnit: base.toLowerCase(), tickSize: 0.01, lotSize: 0.000001 })
  }
  if (quote === 'USD') {
    return instrument({ venue: 'bybit', symbol, kind: 'perpetual', settlement: 'inverse', underlying: base, quoteCurrency: 'USD', settleCurrency: base, contractSize: 1, contractUnit: 'usd', tickSize: 0.5, lotSize: 1 })
  }
  return instrument({ venue: 'bybit', symbol, kind: 'perpetual', settlement: 'linear', underlying: base, quoteCurrency: quote, settleCurrency: quote, contractSize: 1, contractUnit: base.toLowerCase(), tickSize: 0.1, lotSize: 0.001 })
}
