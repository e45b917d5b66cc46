/**
 * Positions and the market they are valued on: the positions grid, the market summary and panel,
 * and positions settled at expiry.
 */
import type { positionsMethods } from '@contract/positions'
import { settledPositions } from '../expiry/settled-positions'
import { toPositionRow } from '../positions-view'
import { marketDetail, marketSummary } from '../market-detail'
import type { BookContext } from '../book-context'
import type { HandlerSlice, ServiceContext } from '../service-context'

/** The positions grid: every held position valued on the book's market, or saying why not. */
export function positionRows(bc: BookContext) {
  const market = bc.market
  return {
    bookId: bc.book.id,
    marketSnapshotId: market?.id ?? null,
    asOfUtc: market ? new Date(market.asOfMs).toISOString() : null,
    rows: bc.held.map((p) => toPositionRow(p, market, market && bc.view))
  }
}

export function positionsHandlers(ctx: ServiceContext): HandlerSlice<keyof typeof positionsMethods> {
  return {
    listPositions: ({ bookId }) => positionRows(ctx.bookContext(bookId)),
    currentMarket: ({ bookId }) => {
      const bc = ctx.bookContext(bookId)
      return { snapshot: bc.market ? marketSummary(bc.view) : null }
    },
    marketDetail: ({ bookId }) => {
      const bc = ctx.bookContext(bookId)
      return bc.market ? marketDetail(bc.view) : { snapshot: null, underlyings: [] }
    },
    settledPositions: ({ bookId }) => ({ bookId, positions: settledPositions(ctx.db, ctx.bookContext(bookId).book.id) })
  }
}
