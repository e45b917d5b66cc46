/**
 * OKX instrument ids (okx.com/docs-v5, "Get instruments": ctVal, ctValCcy): BTC-USDT (spot),
 * BTC-USDT-SWAP (linear, 0.01 BTC a contract), BTC-USD-SWAP (inverse, $100), BTC-USD-241227
 * (inverse future), BTC-USDT-241227 (linear future), BTC-USD-241227-60000-C (coin-margined option,
 * 0.01 BTC a contract). Contract values of other coins vary: pass them as a hint.
 */
import type { Instrument } from '../instrument'
import { parseYyMmDd } from '../expiry'
import { SymbolError, type SymbolHints } from '../symbol-error'
import { instrument, optionTypeOf, parseStrike } from './build'

const LINEAR_CT_VAL: Record<string, number> = { BTC: 0.01, ETH: 0.1, SOL: 1, XRP: 100, DOGE: 1000, LTC: 1, TON: 1 }
const OPTION_CT_VAL: Record<string, number> = { BTC: 0.01, ETH: 0.1, SOL: 1 }
const inverseCtValUsd = (base: string): number => (base === 'BTC' ? 100 : 10)

export function parseOkx(symbol: string, hints: SymbolHints = {}): Instrument {
  const fail = (reason: string): never => {
    throw new SymbolError('okx', symbol, reason)
  }
  const m = /^([A-Z0-9]{2,15})-(USDT|USDC|USD)(?:-(SWAP|\d{6}))?(?:-([0-9.]+)-([A-Z]))?$/.exec(symbol)
  if (!m) return fail('not an OKX instrument id (e.g. BTC-USDT-SWAP, BTC-USD-241227, BTC-USD-241227-60000-C)')
  const [, base, quote, when, strikeText, typeLetter] = m as unknown as [string, string, string, string | undefined, string | undefined, string | undefined]
  const inverse = quote === 'USD'
  if (when === undefined) {
    if (inverse) return fail('USD spot pairs are not traded at OKX')
    return instrument({ venue: 'okx', symbol, kind: 'spot', settlement: 'linear', underlying: base, quoteCurrency: quote, settleCurrency: quote, contractSize: 1, contractUnit: base.toLowerCase(), tickSize: 0.01, lotSize: 0.00000001 })
  }
  const perpetual = when === 'SWAP'
  const expiryMs = perpetual ? null : parseYyMmDd(when)
  if (expiryMs === null && !perpetual) return fail(`"${when}" is not an expiry date like 241227`)
  if (strikeText !== undefined) {
    if (perpetual) return fail('a swap has no strike')
    if (typeLetter !== 'C' && typeLetter !== 'P') return fail(`option type "${typeLetter}" is neither C nor P`)
    const strikeUsd = parseStrike(strikeText) ?? fail(`"${strikeText}" is not a strike`)
    const ctVal = hints.contractSize ?? OPTION_CT_VAL[base] ?? fail(`contract value of ${base} options unknown; pass it from the statement`)
    return instrument({
      venue: 'okx', symbol, kind: 'option', settlement: inverse ? 'inverse' : 'linear', underlying: base, quoteCurrency: 'USD',
      settleCurrency: inverse ? base : quote, contractSize: ctVal, contractUnit: base.toLowerCase(), tickSize: 0.0005, lotSize: 1,
      expiryMs, strikeUsd, optionType: optionTypeOf(typeLetter)
    })
  }
  const contractSize = hints.contractSize ?? (inverse ? inverseCtValUsd(base) : (LINEAR_CT_VAL[base] ?? fail(`contract value of ${base}-${quote} contracts unknown; pass it from the statement`)))
  return instrument({
    venue: 'okx', symbol, kind: perpetual ? 'perpetual' : 'future', settlement: inverse ? 'inverse' : 'linear', underlying: base,
    quoteCurrency: quote, settleCurrency: inverse ? base : quote, contractSize, contractUnit: inverse ? 'usd' : base.toLowerCase(),
    tickSize: 0.1, lotSize: 1, expiryMs
  })
}
