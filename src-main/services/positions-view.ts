/** Shapes held positions plus the book's market snapshot into the positions grid's rows. */
import type { PositionRow } from '@contract/api'
import type { HeldPosition } from '../book/positions-repository'
import type { MarketSnapshotData } from '../engine/market/snapshot'
import type { MarketView } from '../engine/market/market-view'
import { instrumentKey, isPriced, priceCurrency, sizeInCoin } from '../engine/instruments/instrument'
import { resolvePosition, type PositionResolution } from '../engine/positions/resolve-position'
import { valueResolved } from '../engine/valuation/position-valuation'

/**
 * The row's valuation from the position's resolution (engine/positions/resolve-position.ts), or
 * its reason: an unknown symbol, an expired contract awaiting settlement (never a model price off
 * today's index, issue 17, §5), missing market data.
 */
function valuation(p: HeldPosition, view: MarketView | undefined, resolved: PositionResolution | undefined): Pick<PositionRow, 'valuation' | 'valuationError'> {
  if (!isPriced(p.instrument)) return { valuation: null, valuationError: `not priced: ${p.instrument.parseError}` }
  if (!view || !resolved) return { valuation: null, valuationError: 'the book has no market snapshot' }
  if (!resolved.ok) return { valuation: null, valuationError: resolved.message }
  try {
    const { vol, ...v } = valueResolved(resolved, p.avgPrice, view)
    return { valuation: { ...v, volPct: vol === null ? null : vol * 100 }, valuationError: null }
  } catch (e) {
    return { valuation: null, valuationError: (e as Error).message }
  }
}

/** An instrument no parser understands: shown with its size, never valued, never dropped. */
function unpricedRow(p: HeldPosition): PositionRow {
  return {
    positionId: p.positionId,
    accountId: p.accountId,
    accountName: p.accountName,
    venue: p.venue,
    symbol: p.instrument.symbol,
    kind: 'unknown',
    settlement: null,
    underlying: '',
    quoteCurrency: '',
    settleCurrency: '',
    expiryUtc: null,
    strikeUsd: null,
    optionType: null,
    sizeContracts: p.sizeContracts,
    contractSize: 1,
    contractUnit: 'contracts',
    sizeCoin: null,
    avgPrice: p.avgPrice,
    priceCurrency: '',
    markPrice: null,
    markIvPct: null,
    indexUsd: null,
    ...valuation(p, undefined, undefined)
  }
}

export function toPositionRow(p: HeldPosition, market: MarketSnapshotData | undefined, view?: MarketView): PositionRow {
  if (!isPriced(p.instrument)) return unpricedRow(p)
  const i = p.instrument
  const mark = market?.marks[instrumentKey(i.venue, i.symbol)]
  const indexUsd = market?.indexUsd[i.underlying] ?? null
  // One resolve step for every consumer: USD-sized contracts convert to coin at the price the
  // position moves with (its forward for futures, its own mark for perpetuals), as margin and the
  // scenario arrays do; a position that cannot be priced (expired, no market data) has no coin
  // size unless its contracts are counted in coin.
  const resolved = view && resolvePosition(i, p.sizeContracts, view)
  return {
    positionId: p.positionId,
    accountId: p.accountId,
    accountName: p.accountName,
    venue: p.venue,
    symbol: i.symbol,
    kind: i.kind,
    settlement: i.settlement,
    underlying: i.underlying,
    quoteCurrency: i.quoteCurrency,
    settleCurrency: i.settleCurrency,
    expiryUtc: i.expiryMs === null ? null : new Date(i.expiryMs).toISOString(),
    strikeUsd: i.strikeUsd,
    optionType: i.optionType,
    sizeContracts: p.sizeContracts,
    contractSize: i.contractSize,
    contractUnit: i.contractUnit,
    sizeCoin: resolved?.ok ? resolved.sizeCoin : sizeInCoin(i, p.sizeContracts, null),
    avgPrice: p.avgPrice,
    priceCurrency: priceCurrency(i),
    markPrice: mark?.price ?? null,
    markIvPct: mark?.ivPct ?? null,
    indexUsd,
    ...valuation(p, view, resolved)
  }
}
