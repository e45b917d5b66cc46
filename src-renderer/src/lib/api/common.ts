/** The app itself: identity, persisted UI state, the engine's status, tasks and the event stream (contract: common). */
import type { MarginalApi } from '@contract/api'
import { useApi } from '../../api/api'

export type AppApi = Pick<MarginalApi, 'appInfo' | 'getUiState' | 'setUiState' | 'runMatrixSelfTest' | 'cancelTask' | 'engineStatus' | 'onEvent'>
export const useAppApi = (): AppApi => useApi()
