/** Margin alerts: rules, status, evaluation, re-arming, and the event stream they arrive on (contract: alerts). */
import type { MarginalApi } from '@contract/api'
import { useApi } from '../../api/api'

export type AlertsApi = Pick<MarginalApi, 'alertStatus' | 'saveAlertRules' | 'evaluateAlerts' | 'rearmAlert' | 'onEvent'>
export const useAlertsApi = (): AlertsApi => useApi()
