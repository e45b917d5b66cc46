/** Balances set by hand and the book file's backup (contract: cash). */
import type { MarginalApi } from '@contract/api'
import { useApi } from '../../api/api'

export type CashApi = Pick<MarginalApi, 'listBalances' | 'setBalance' | 'backupBook'>
export const useCashApi = (): CashApi => useApi()
