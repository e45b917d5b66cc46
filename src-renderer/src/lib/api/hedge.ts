/** The hedging solvers: margin hedge, reduce to a target, Greek hedge, ES hedge (contract: hedge). */
import type { MarginalApi } from '@contract/api'
import { useApi } from '../../api/api'

export type HedgeApi = Pick<MarginalApi, 'suggestHedge' | 'reduceToTarget' | 'greekHedge' | 'esHedge'>
export const useHedgeApi = (): HedgeApi => useApi()
