/**
 * P&L explain between two dates (issue 22 §2): one method, `explainPnl`, for the view, the report
 * and `cli explain`.
 */
import type { explainMethods } from '@contract/explain'
import type { HandlerSlice, ServiceContext } from '../service-context'
import { explainBook } from './explain-service'
import { explainView } from './explain-view'

export function explainHandlers(ctx: ServiceContext): HandlerSlice<keyof typeof explainMethods> {
  return {
    explainPnl: (req) => {
      ctx.bookContext(req.bookId)
      return explainView(explainBook(ctx.db, req), req.positions !== false)
    }
  }
}
