/**
 * How a fill moves a holding, and what closing part of a future realises: one rule for imports,
 * what-if trades, trade-ticket quotes and hedge reviews (the venues': Deribit, OKX, Bybit, Binance).
 */
import { isUsdSized, notionalUsd, type Instrument } from '../instruments/instrument'

export interface Lot {
  sizeContracts: number
  avgPrice: number | null
}

/** Inverse futures and perpetuals average harmonically: USD notional over the coin it bought. */
export const averagesHarmonically = (i: Pick<Instrument, 'kind' | 'settlement'>): boolean => i.kind !== 'option' && i.kind !== 'spot' && i.settlement === 'inverse'

/**
 * Apply a signed fill to a holding. Adding to a position moves the average price; reducing it
 * keeps the average; crossing through zero opens the remainder at the fill price. `harmonic`:
 * inverse futures, so that N·(1/avg − 1/F) is the P&L.
 */
export function applyFill(lot: Lot, signedContracts: number, price: number | null, harmonic = false): Lot {
  const size = lot.sizeContracts
  const next = size + signedContracts
  const tiny = 1e-12 * Math.max(1, Math.abs(size), Math.abs(signedContracts))
  if (Math.abs(next) <= tiny) return { sizeContracts: 0, avgPrice: null }
  if (size === 0 || Math.sign(size) === Math.sign(signedContracts)) {
    if (price === null) return { sizeContracts: next, avgPrice: lot.avgPrice }
    if (lot.avgPrice === null || size === 0) return { sizeContracts: next, avgPrice: price }
    const a = Math.abs(size)
    const b = Math.abs(signedContracts)
    const avg = harmonic ? (a + b) / (a / lot.avgPrice + b / price) : (a * lot.avgPrice + b * price) / (a + b)
    return { sizeContracts: next, avgPrice: avg }
  }
  if (Math.sign(next) === Math.sign(size)) return { sizeContracts: next, avgPrice: lot.avgPrice }
  return { sizeContracts: next, avgPrice: price }
}

/**
 * The P&L of `sizeContracts` (signed) of a future or perpetual moved from `fromPrice` to
 * `toPrice`, in its settlement currency: inverse N·(1/from − 1/to) in coin, linear q·(to − from).
 */
export function futuresPnl(i: Pick<Instrument, 'settlement' | 'contractSize' | 'contractUnit'>, sizeContracts: number, fromPrice: number, toPrice: number): number {
  if (i.settlement === 'inverse') return notionalUsd(i, sizeContracts, toPrice) * (1 / fromPrice - 1 / toPrice)
  // USD-sized linear contracts in coin at the price they move to (sizeInCoin, unguarded: a fill's price is positive).
  const units = isUsdSized(i) ? (sizeContracts * i.contractSize) / toPrice : sizeContracts * i.contractSize
  return units * (toPrice - fromPrice)
}
