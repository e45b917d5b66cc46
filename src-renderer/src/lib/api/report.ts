/** Files the backend builds: grid exports and the PDF margin report (contract: report). */
import type { MarginalApi } from '@contract/api'
import { useApi } from '../../api/api'

export type ReportApi = Pick<MarginalApi, 'exportBook' | 'marginReport'>
export const useReportApi = (): ReportApi => useApi()
