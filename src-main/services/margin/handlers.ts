/**
 * Margin by every method per account and pool, the per-scenario drill-down, and the margin
 * parameter sets (shipped and the user's edits).
 */
import type { marginMethods } from '@contract/margin'
import { bookMargin, scenarioDrill } from '../margin-service'
import { marginView } from '../margin-view'
import { paramSetViews, resetParamSet, saveParamSet } from '../margin-params-store'
import type { BookContext } from '../book-context'
import { bookAnswerMemo, fileStamp } from './book-margin-cache'
import type { HandlerSlice, ServiceContext } from '../service-context'
import { settledReply } from '../settled-reply'

/** The book's margin by every method, health per pool, and what no method covers. */
export function bookMarginView(bc: BookContext) {
  const market = bc.market
  if (!market) return { marketId: null, accounts: [], health: [], notCovered: [] }
  return { marketId: market.id, ...marginView(bookMargin(bc.held, bc.view, { balances: bc.balances, ...bc.params })) }
}

export function marginHandlers(ctx: ServiceContext): HandlerSlice<keyof typeof marginMethods> {
  // The last answer per book while the book file is unwritten, or its inputs (positions, market,
  // parameters, balances) unchanged when it was written (book-margin-cache.ts).
  const memo = bookAnswerMemo<ReturnType<typeof bookMarginView>>()
  return {
    bookMargin: ({ bookId }) => {
      const bc = ctx.bookContext(bookId)
      return memo.get(
        bookId,
        fileStamp(ctx.db),
        () => ({ marketId: bc.market?.id ?? null, params: bc.params.params, balances: bc.balances, held: bc.held }),
        () => settledReply(bookMarginView(bc))
      )
    },
    scenarioDrill: ({ bookId, ...q }) => {
      const bc = ctx.bookContext(bookId)
      return scenarioDrill(bc.held, bc.view, q, bc.params)
    },
    marginParams: () => paramSetViews(ctx.db),
    saveMarginParams: ({ kind, document }) => saveParamSet(ctx.db, kind, document),
    resetMarginParams: ({ kind }) => resetParamSet(ctx.db, kind)
  }
}
