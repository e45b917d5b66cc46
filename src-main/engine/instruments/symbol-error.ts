import { quoteInput } from './bounds'

/** An unknown or malformed venue symbol; the message names the venue and the symbol (clipped: bounds.ts quoteInput). */
export class SymbolError extends Error {
  constructor(
    readonly venue: string,
    readonly symbol: string,
    reason: string
  ) {
    super(`${quoteInput(venue, '')} symbol ${quoteInput(symbol, '"')}: ${reason}`)
    this.name = 'SymbolError'
  }
}

/** What a statement knows that a bare symbol does not (e.g. IBKR multipliers, contract values). */
export interface SymbolHints {
  /** Binance and Bybit use BTCUSDT for both spot and the perpetual: say which. */
  product?: 'spot' | 'derivative'
  contractSize?: number
  expiryMs?: number
}
