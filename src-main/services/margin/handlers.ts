/**
 * Margin by every method per account and pool, the per-scenario drill-down, and the margin
 * parameter sets (shipped and the user's edits).
 */
import type { marginMethods } from '@contract/margin'
import { bookMargin, scenarioDrill } from '../margin-service'
import { marginView } from '../margin-view'
import { paramSetViews, resetParamSet, saveParamSet } from '../margin-params-store'
import type { BookContext } from '../book-context'
import type { HandlerSlice, ServiceContext } from '../service-context'

/** The book's margin by every method, health per pool, and what no method covers. */
export function bookMarginView(bc: BookContext) {
  const market = bc.market
  if (!market) return { marketId: null, accounts: [], health: [], notCovered: [] }
  return { marketId: market.id, ...marginView(bookMargin(bc.held, bc.view, { balances: bc.balances, ...bc.params })) }
}

export function marginHandlers(ctx: ServiceContext): HandlerSlice<keyof typeof marginMethods> {
  return {
    bookMargin: ({ bookId }) => bookMarginView(ctx.bookContext(bookId)),
    scenarioDrill: ({ bookId, ...q }) => {
      const bc = ctx.bookContext(bookId)
      return scenarioDrill(bc.held, bc.view, q, bc.params)
    },
    marginParams: () => paramSetViews(ctx.db),
    saveMarginParams: ({ kind, document }) => saveParamSet(ctx.db, kind, document),
    resetMarginParams: ({ kind }) => resetParamSet(ctx.db, kind)
  }
}
