/**
 * The replica against the venue (issue 22 §4): import a venue's own summary into a book, list
 * what was imported, and compare it with the replica per pool (bookMargin's health, the same
 * assembly the dashboard, the CLI and the report show).
 */
import type { VenueSummaryMethod, VenueSummaryParsedRequestOf, VenueSummaryResponseOf } from '@contract/venue-summary'
import type { BookMarginResponse } from '@contract/margin'
import { listAccounts } from '../../book/accounts-repository'
import { listVenueSummaries } from '../../book/venue-summaries-repository'
import { bookMarginView } from '../margin/handlers'
import type { ServiceContext } from '../service-context'
import { importVenueSummary } from './import-venue-summary'
import { venueComparison } from './venue-comparison'

/** This domain's handlers, typed from its contract table (HandlerSlice once the table is merged into the API). */
export interface VenueSummaryHandlers extends Record<VenueSummaryMethod, unknown> {
  importVenueSummary(req: VenueSummaryParsedRequestOf<'importVenueSummary'>): VenueSummaryResponseOf<'importVenueSummary'>
  venueComparison(req: VenueSummaryParsedRequestOf<'venueComparison'>): Promise<VenueSummaryResponseOf<'venueComparison'>>
  listVenueSummaries(req: VenueSummaryParsedRequestOf<'listVenueSummaries'>): VenueSummaryResponseOf<'listVenueSummaries'>
}

export interface VenueSummarySources {
  /** The book's margin as the dashboard has it (the margin handlers' memoised bookMargin); absent: computed here. */
  margin?: (bookId: number) => BookMarginResponse | Promise<BookMarginResponse>
}

export function venueSummaryHandlers(ctx: ServiceContext, sources: VenueSummarySources = {}): VenueSummaryHandlers {
  return {
    importVenueSummary: (req) => {
      // The book must exist (NotFoundError otherwise) before anything is read or written.
      ctx.bookContext(req.bookId)
      return importVenueSummary(ctx.db, req)
    },
    venueComparison: async ({ bookId }) => {
      const bc = ctx.bookContext(bookId)
      const margin = sources.margin ? await sources.margin(bookId) : bookMarginView(bc)
      return venueComparison(ctx.db, bookId, margin, bc.market?.asOfMs ?? null)
    },
    listVenueSummaries: ({ bookId }) => {
      ctx.bookContext(bookId)
      const names = new Map(listAccounts(ctx.db, bookId).map((a) => [a.id, a.name]))
      return listVenueSummaries(ctx.db, bookId).map((r) => ({
        id: r.id,
        accountId: r.accountId,
        account: r.accountId === null ? null : (names.get(r.accountId) ?? null),
        venue: r.venue,
        kind: r.kind as VenueSummaryResponseOf<'listVenueSummaries'>[number]['kind'],
        currency: r.currency,
        asOfUtc: r.asOfMs === null ? null : new Date(r.asOfMs).toISOString(),
        fileName: r.fileName,
        sha256: r.sha256,
        importedAt: r.importedAt
      }))
    }
  }
}
