/** Statement import: the formats, a dry run, the commit, a CSV's columns (contract: import-statements). */
import type { MarginalApi } from '@contract/api'
import { useApi } from '../../api/api'

export type ImportApi = Pick<MarginalApi, 'importFormats' | 'previewImport' | 'commitImport' | 'inspectCsv'>
export const useImportApi = (): ImportApi => useApi()
