/** Shapes held positions plus the book's market snapshot into the positions grid's rows. */
import type { PositionRow } from '@contract/api'
import type { HeldPosition } from '../book/positions-repository'
import type { MarketSnapshotData } from '../engine/market/snapshot'
import type { MarketView } from '../engine/market/market-view'
import { instrumentKey, isPriced, priceCurrency, sizeInCoin } from '../engine/instruments/instrument'
import { valuePosition } from '../engine/valuation/position-valuation'

function valuation(p: HeldPosition, view: MarketView | undefined): Pick<PositionRow, 'valuation' | 'valuationError'> {
  if (!isPriced(p.instrument)) return { valuation: null, valuationError: `not priced: ${p.instrument.parseError}` }
  if (!view) return { valuation: null, valuationError: 'the book has no market snapshot' }
  const i = p.instrument
  if (i.expiryMs !== null && i.expiryMs <= view.snapshot.asOfMs) {
    // Never a model price off today's index for a contract that has expired (issue 17, §5).
    return {
      valuation: null,
      valuationError: `expired ${new Date(i.expiryMs).toISOString().slice(0, 16).replace('T', ' ')} UTC: awaiting settlement price (import the venue's statement with its delivery, or daily ${i.underlying} history covering the expiry)`
    }
  }
  try {
    const { vol, ...v } = valuePosition(p.instrument, p.sizeContracts, p.avgPrice, view)
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
    ...valuation(p, undefined)
  }
}

export function toPositionRow(p: HeldPosition, market: MarketSnapshotData | undefined, view?: MarketView): PositionRow {
  if (!isPriced(p.instrument)) return unpricedRow(p)
  const i = p.instrument
  const mark = market?.marks[instrumentKey(i.venue, i.symbol)]
  const indexUsd = market?.indexUsd[i.underlying] ?? null
  // USD-sized contracts convert to coin at the instrument's own USD mark (its forward for futures).
  const usdPrice = mark && mark.currency.toUpperCase() !== i.underlying ? mark.price : indexUsd
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
    sizeCoin: sizeInCoin(i, p.sizeContracts, usdPrice),
    avgPrice: p.avgPrice,
    priceCurrency: priceCurrency(i),
    markPrice: mark?.price ?? null,
    markIvPct: mark?.ivPct ?? null,
    indexUsd,
    ...valuation(p, view)
  }
}
