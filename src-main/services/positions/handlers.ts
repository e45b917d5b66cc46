/**
 * Positions and the market they are valued on: the positions grid, the market summary and panel,
 * and positions settled at expiry.
 */
import { positionColumnsOf, type positionsMethods } from '@contract/positions'
import { settledPositions } from '../expiry/settled-positions'
import { toPositionRow } from '../positions-view'
import { marketDetail, marketSummary } from '../market-detail'
import type { BookContext } from '../book-context'
import type { HandlerSlice, ServiceContext } from '../service-context'
import { bookAnswerMemo, fileStamp } from '../margin/book-margin-cache'
import { settledReply } from '../settled-reply'

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
  // The last grid per book while the book file is unwritten, or its positions and market unchanged
  // when it was written (book-margin-cache.ts): a 10,000-position grid is a quarter of a second of
  // valuation, asked again by every view that lists positions, and computed ahead by the host's
  // warm-up (warm-up.ts) while the window loads.
  const memo = bookAnswerMemo<ReturnType<typeof positionRows>>()
  const rowsOf = (bookId: number): ReturnType<typeof positionRows> => {
    const bc = ctx.bookContext(bookId)
    return memo.get(bookId, fileStamp(ctx.db), () => ({ marketId: bc.book.marketSnapshotId, params: null, balances: null, held: bc.held }), () => settledReply(positionRows(bc)))
  }
  // The columns of the last rows (the grid asks for columns, other views for rows).
  let lastColumns: { rows: ReturnType<typeof positionRows>; columns: ReturnType<typeof positionColumnsOf> } | null = null
  return {
    listPositions: ({ bookId }) => rowsOf(bookId),
    listPositionColumns: ({ bookId }) => {
      const rows = rowsOf(bookId)
      if (lastColumns?.rows !== rows) lastColumns = { rows, columns: settledReply(positionColumnsOf(rows)) }
      return lastColumns.columns
    },
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
