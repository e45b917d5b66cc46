/**
 * The instrument model (docs/METHODOLOGY.md §2): what a contract *is*, independent of who holds it.
 * Positions refer to instruments; pricers and methods read them. Symbol parsing per venue arrives with
 * the pricing issue; the book stores fully specified instruments.
 */
export type InstrumentKind = 'spot' | 'perpetual' | 'future' | 'option'
export type SettlementType = 'linear' | 'inverse'
export type OptionType = 'call' | 'put'

export interface Instrument {
  venue: string
  symbol: string
  kind: InstrumentKind
  settlement: SettlementType
  /** Underlying coin, upper case: 'BTC', 'ETH'. */
  underlying: string
  quoteCurrency: string
  settleCurrency: string
  /** Size of one contract, counted in `contractUnit`. */
  contractSize: number
  /** 'usd' for USD-sized inverse futures (Deribit $10 BTC contracts), else the coin ('btc'). */
  contractUnit: string
  tickSize: number
  lotSize: number
  /** Exact expiry instant in epoch milliseconds UTC; null for spot and perpetuals. */
  expiryMs: number | null
  strikeUsd: number | null
  optionType: OptionType | null
}

/**
 * A symbol no parser understands (a venue's new product, a typo in a statement). It stays in the
 * book, shown as "not priced" with the reason, so nothing a statement holds is ever dropped.
 */
export interface UnpricedInstrument {
  venue: string
  symbol: string
  kind: 'unknown'
  parseError: string
}

export const isPriced = (i: Instrument | UnpricedInstrument): i is Instrument => i.kind !== 'unknown'

/** The book's unique key for an instrument: venue symbols collide across venues (BTCUSDT). */
export const instrumentKey = (venue: string, symbol: string): string => `${venue}:${symbol}`

/** What converting a size needs of an instrument. */
export type ContractSizing = Pick<Instrument, 'contractSize' | 'contractUnit'>

/** USD-sized contracts (inverse futures sized in USD, e.g. Deribit's $10 BTC contracts). */
export const isUsdSized = (instrument: ContractSizing): boolean => instrument.contractUnit === 'usd'

/**
 * Signed position size in underlying coin: contracts × contract size, and for USD-sized contracts
 * ÷ `priceUsd` — the price the position moves with (resolvePosition passes it: the forward of its
 * expiry, a perpetual's own mark), so this is the coin amount the USD notional currently
 * represents. Returns null when a USD contract has no price.
 */
export function sizeInCoin(instrument: ContractSizing, sizeContracts: number, priceUsd: number | null): number | null {
  const notional = sizeContracts * instrument.contractSize
  if (!isUsdSized(instrument)) return notional
  if (priceUsd === null || !(priceUsd > 0)) return null
  return notional / priceUsd
}

/** Signed USD notional: USD-sized contracts as they are, coin contracts × `priceUsd`. */
export function notionalUsd(instrument: ContractSizing, sizeContracts: number, priceUsd: number): number {
  const notional = sizeContracts * instrument.contractSize
  return isUsdSized(instrument) ? notional : notional * priceUsd
}

/** Currency in which the venue quotes this instrument's price: inverse options quote in coin. */
export function priceCurrency(instrument: Instrument): string {
  return instrument.kind === 'option' && instrument.settlement === 'inverse'
    ? instrument.underlying
    : instrument.quoteCurrency
}
