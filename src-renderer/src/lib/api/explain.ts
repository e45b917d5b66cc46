/** P&L explain between two dates (contract: explain), and the book's market for the default dates. */
import type { MarginalApi } from '@contract/api'
import { useApi } from '../../api/api'

export type ExplainApi = Pick<MarginalApi, 'explainPnl' | 'currentMarket'>
export const useExplainApi = (): ExplainApi => useApi()
