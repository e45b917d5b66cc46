/** A book's positions and its market: held, settled, the snapshot and its detail (contract: positions). */
import type { MarginalApi } from '@contract/api'
import { useApi } from '../../api/api'

export type PositionsApi = Pick<MarginalApi, 'listPositions' | 'listPositionColumns' | 'currentMarket' | 'marketDetail' | 'settledPositions'>
export const usePositionsApi = (): PositionsApi => useApi()
