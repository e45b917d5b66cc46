/** Venue symbol → Instrument (docs/METHODOLOGY.md §2). Unknown symbols throw a SymbolError naming them. */
import type { Instrument } from './instrument'
import { SymbolError, type SymbolHints } from './symbol-error'
import { outOfRange, withinBound } from './bounds'
import { parseDeribit } from './venues/deribit'
import { parseOkx } from './venues/okx'
import { parseBybit } from './venues/bybit'
import { parseBinance } from './venues/binance'
import { parseIbkr } from './venues/ibkr'
import { parseDerive } from './venues/derive'

export const VENUES = ['deribit', 'okx', 'bybit', 'binance', 'ibkr', 'derive'] as const
export type Venue = (typeof VENUES)[number]

/**
 * The instrument a venue symbol names. A strike or contract size (an IBKR multiplier from the
 * statement) beyond the input bounds (bounds.ts) is a SymbolError, never an instrument.
 */
export function parseSymbol(venue: string, symbol: string, hints: SymbolHints = {}): Instrument {
  const i = parseVenueSymbol(venue, symbol, hints)
  if (i.strikeUsd !== null && !withinBound('strike', i.strikeUsd)) throw new SymbolError(venue, symbol, `strike ${i.strikeUsd} is ${outOfRange('strike')}`)
  if (!(i.contractSize > 0) || !withinBound('contractSize', i.contractSize)) {
    throw new SymbolError(venue, symbol, `contract size ${i.contractSize} is ${i.contractSize > 0 ? outOfRange('contractSize') : 'not positive'}`)
  }
  return i
}

function parseVenueSymbol(venue: string, symbol: string, hints: SymbolHints): Instrument {
  const trimmed = symbol.trim()
  if (trimmed === '') throw new SymbolError(venue, symbol, 'empty symbol')
  switch (venue.toLowerCase()) {
    case 'deribit':
      return parseDeribit(trimmed)
    case 'okx':
      return parseOkx(trimmed, hints)
    case 'bybit':
      return parseBybit(trimmed, hints)
    case 'binance':
      return parseBinance(trimmed, hints)
    case 'ibkr':
      return parseIbkr(trimmed, hints)
    case 'derive':
      return parseDerive(trimmed)
    default:
      throw new SymbolError(venue, symbol, `unknown venue (known: ${VENUES.join(', ')})`)
  }
}
