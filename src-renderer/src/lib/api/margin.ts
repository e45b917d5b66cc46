/** Margin of a book by every method, the scenario drill-through and the margin parameters (contract: margin). */
import type { MarginalApi } from '@contract/api'
import { useApi } from '../../api/api'

export type MarginApi = Pick<MarginalApi, 'bookMargin' | 'scenarioDrill' | 'marginParams' | 'saveMarginParams' | 'resetMarginParams'>
export const useMarginApi = (): MarginApi => useApi()
