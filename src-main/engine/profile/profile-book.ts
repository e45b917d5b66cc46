/**
 * A book prepared for the P&L explorer: the kernel's rows (portfolio-arrays.ts) sorted by
 * underlying, so one underlying's legs are a contiguous row range the kernel can sweep, with what
 * turns each row's settlement-currency P&L into USD. Plain data: it crosses the API as JSON and the
 * explorer evaluates it on every slider move (pnl-profile.ts).
 */
import type { Instrument } from '../instruments/instrument'
import { isUsdLike } from '../market/currency'
import type { MarketView } from '../market/market-view'
import { buildPortfolioArrays, type PortfolioArrays } from '../scenarios/portfolio-arrays'

export interface ProfileLeg {
  /** The book's position id (null for positions not in a book: tickets, tests). */
  positionId: number | null
  symbol: string
  account: string
  kind: Instrument['kind']
  sizeContracts: number
  expiryMs: number | null
  strikeUsd: number | null
  optionType: Instrument['optionType']
}

export interface ProfileBook {
  asOfMs: number
  underlyings: string[]
  indexUsd: number[]
  /** Rows [rowStart[u], rowEnd[u]) are underlying u's legs. */
  rowStart: number[]
  rowEnd: number[]
  arrays: PortfolioArrays
  /** Today's USD per unit of each of arrays.currencies. */
  currencyUsd: number[]
  /** The underlying (index into underlyings) a coin currency moves with; −1 for USD-like. */
  currencyUnderlying: number[]
  legs: ProfileLeg[]
}

export interface ProfileInput {
  instrument: Instrument
  sizeContracts: number
  account: string
  positionId?: number
}

/** Positions must be valuable on the view (valuedPositions() filters the rest out first). */
export function buildProfileBook(positions: readonly ProfileInput[], view: MarketView): ProfileBook {
  const underlyings = [...new Set(positions.map((p) => p.instrument.underlying))].sort()
  const sorted = [...positions].sort((a, b) => underlyings.indexOf(a.instrument.underlying) - underlyings.indexOf(b.instrument.underlying))
  const arrays = buildPortfolioArrays(sorted, view, underlyings)
  const rowStart = underlyings.map((u) => sorted.findIndex((p) => p.instrument.underlying === u))
  const rowEnd = underlyings.map((u, k) => rowStart[k]! + sorted.filter((p) => p.instrument.underlying === u).length)
  const currencyUsd = arrays.currencies.map((c) => {
    if (isUsdLike(c)) return 1
    const curve = view.curves.get(c.toUpperCase())
    if (!curve) throw new RangeError(`no ${c} index in market snapshot ${view.snapshot.id} to convert P&L to USD`)
    return curve.indexUsd
  })
  return {
    asOfMs: view.snapshot.asOfMs,
    underlyings,
    indexUsd: underlyings.map((u) => view.curves.get(u)!.indexUsd),
    rowStart,
    rowEnd,
    arrays,
    currencyUsd,
    currencyUnderlying: arrays.currencies.map((c) => (isUsdLike(c) ? -1 : underlyings.indexOf(c.toUpperCase()))),
    legs: sorted.map((p) => ({
      positionId: p.positionId ?? null,
      symbol: p.instrument.symbol,
      account: p.account,
      kind: p.instrument.kind,
      sizeContracts: p.sizeContracts,
      expiryMs: p.instrument.expiryMs,
      strikeUsd: p.instrument.strikeUsd,
      optionType: p.instrument.optionType
    }))
  }
}
