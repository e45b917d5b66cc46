/**
 * The replica against the venue: import a venue's own account summary, the comparison per pool and
 * per simulation, the summaries kept in the book (contract: venue-summary); and the book's accounts
 * (contract: cash), which the account chooser offers when a venue's file fits several of them.
 */
import type { MarginalApi } from '@contract/api'
import { useApi } from '../../api/api'

export type VenueSummaryApi = Pick<MarginalApi, 'importVenueSummary' | 'venueComparison' | 'listVenueSummaries' | 'listBalances'>
export const useVenueSummaryApi = (): VenueSummaryApi => useApi()
