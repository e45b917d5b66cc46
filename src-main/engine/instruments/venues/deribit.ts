/**
 * Deribit symbols (docs.deribit.com, "Contract specifications"): BTC-PERPETUAL, BTC-27DEC24,
 * BTC-27DEC24-60000-C (inverse, coin-settled), SOL_USDC-PERPETUAL and SOL_USDC-27DEC24-150-C
 * (linear, USDC-settled), BTC_USDC (spot). Inverse futures are USD-sized: $10 (BTC) or $1 (ETH)
 * a contract; options are per 1 coin.
 */
import type { Instrument } from '../instrument'
import { parseDdMmmYy } from '../expiry'
import { SymbolError } from '../symbol-error'
import { instrument, optionTypeOf, parseStrike } from './build'

const INVERSE = {
  BTC: { contractUsd: 10, perpTick: 0.5, futureTick: 2.5, optionLot: 0.1 },
  ETH: { contractUsd: 1, perpTick: 0.05, futureTick: 0.25, optionLot: 1 }
} as const
/** Minimum trade amounts of the USDC-settled linear books, in coin. */
const LINEAR_LOT: Record<string, number> = { BTC: 0.0001, ETH: 0.001, SOL: 0.1, XRP: 1, MATIC: 1, AVAX: 0.1, DOGE: 10, ADA: 1, DOT: 0.1, LINK: 0.1, BNB: 0.01, TRX: 10, LTC: 0.01, BCH: 0.01, NEAR: 0.1, UNI: 0.1, PAXG: 0.001 }

export function parseDeribit(symbol: string): Instrument {
  const fail = (reason: string): never => {
    throw new SymbolError('deribit', symbol, reason)
  }
  const spot = /^([A-Z]+)_(USDC|USDT|EURR)$/.exec(symbol)
  if (spot) {
    const [, base, quote] = spot as unknown as [string, string, string]
    return instrument({ venue: 'deribit', symbol, kind: 'spot', settlement: 'linear', underlying: base, quoteCurrency: quote, settleCurrency: quote, contractSize: 1, contractUnit: base.toLowerCase(), tickSize: 0.0001, lotSize: LINEAR_LOT[base] ?? 0.0001 })
  }
  const m = /^([A-Z]+)(?:_(USDC|USDT))?-(PERPETUAL|[0-9A-Z]+)(?:-([0-9dD.]+)-([A-Z]))?$/.exec(symbol)
  if (!m) return fail('not a Deribit instrument name (e.g. BTC-PERPETUAL, BTC-27DEC24, BTC-27DEC24-60000-C)')
  const [, underlying, linearQuote, when, strikeText, typeLetter] = m as unknown as [string, string, string | undefined, string, string | undefined, string | undefined]
  const perpetual = when === 'PERPETUAL'
  const expiryMs = perpetual ? null : parseDdMmmYy(when)
  if (!perpetual && expiryMs === null) return fail(`"${when}" is not an expiry date like 27DEC24`)
  const isOption = strikeText !== undefined
  if (isOption && typeLetter !== 'C' && typeLetter !== 'P') return fail(`option type "${typeLetter}" is neither C nor P`)
  if (isOption && perpetual) return fail('a perpetual has no strike')
  const strikeUsd = isOption ? parseStrike(strikeText) : null
  if (isOption && strikeUsd === null) return fail(`"${strikeText}" is not a strike`)

  if (linearQuote) {
    const lot = LINEAR_LOT[underlying] ?? fail(`no USDC-settled ${underlying} contracts at Deribit`)
    return instrument({
      venue: 'deribit', symbol, kind: isOption ? 'option' : perpetual ? 'perpetual' : 'future', settlement: 'linear', underlying,
      quoteCurrency: linearQuote, settleCurrency: linearQuote, contractSize: 1, contractUnit: underlying.toLowerCase(),
      tickSize: isOption ? 0.01 : 0.0001, lotSize: lot, expiryMs, strikeUsd, optionType: isOption ? optionTypeOf(typeLetter!) : null
    })
  }
  const spec = INVERSE[underlying as keyof typeof INVERSE] ?? fail(`no coin-settled ${underlying} contracts at Deribit (BTC and ETH only)`)
  if (isOption) {
    return instrument({
      venue: 'deribit', symbol, kind: 'option', settlement: 'inverse', underlying, quoteCurrency: 'USD', settleCurrency: underlying,
      contractSize: 1, contractUnit: underlying.toLowerCase(), tickSize: 0.0001, lotSize: spec.optionLot, expiryMs, strikeUsd, optionType: optionTypeOf(typeLetter!)
    })
  }
  return instrument({
    venue: 'deribit', symbol, kind: perpetual ? 'perpetual' : 'future', settlement: 'inverse', underlying, quoteCurrency: 'USD', settleCurrency: underlying,
    contractSize: spec.contractUsd, contractUnit: 'usd', tickSize: perpetual ? spec.perpTick : spec.futureTick, lotSize: 1, expiryMs
  })
}
