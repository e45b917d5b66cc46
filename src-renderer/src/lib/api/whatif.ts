/** What-if work: tickets, quotes, edits, book comparison, the explorer's model and scenarios (contract: whatif). */
import type { MarginalApi } from '@contract/api'
import { useApi } from '../../api/api'

export type WhatIfApi = Pick<MarginalApi, 'tradeInstruments' | 'quoteTrades' | 'applyTrades' | 'editPositions' | 'compareBooks' | 'profileModel' | 'greeksGrid' | 'runScenario' | 'savedScenarios' | 'saveScenario' | 'deleteScenario'>
export const useWhatIfApi = (): WhatIfApi => useApi()
