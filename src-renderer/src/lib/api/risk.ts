/** Statistical risk: VaR / ES, the stress library, the margin backtest (contract: risk). */
import type { MarginalApi } from '@contract/api'
import { useApi } from '../../api/api'

export type RiskApi = Pick<MarginalApi, 'runVar' | 'runStress' | 'runBacktest'>
export const useRiskApi = (): RiskApi => useApi()
