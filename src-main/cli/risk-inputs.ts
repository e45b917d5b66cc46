/**
 * What `cli var|stress|backtest` run on when given files: positions from a portfolio file and/or
 * the market from a market file (else the book's), parameters from --params or the market file
 * over the book's saved sets, and the book file's imported history — the inputs a book context
 * gives the handlers, assembled from files.
 */
import type { BookDb } from '../book/database'
import { marginParamSets } from '../services/margin-params'
import { stressHistory } from '../services/stress-service'
import { bookHistory, valuedPositions } from '../services/var-service'
import type { RiskInputs } from '../services/risk/handlers'
import { readMarginInputs } from './margin-command'

export interface RiskFiles {
  portfolio?: string
  market?: string
  params?: string
}

/** No file replaces anything of the book: the run is the API's own. */
export const onBookAlone = (files: RiskFiles): boolean => files.portfolio === undefined && files.market === undefined && files.params === undefined

export function fileRiskInputs(db: BookDb, bookId: number, files: RiskFiles): RiskInputs {
  const { held, view, options } = readMarginInputs({ ...files, method: 'all' }, { db, bookId })
  const params = { params: options.params, paramsSource: options.paramsSource ?? 'the margin parameters saved in the book file' }
  const underlyings = valuedPositions(held, view).underlyings
  return {
    held,
    view,
    params,
    get history() {
      return bookHistory(db, underlyings)
    },
    get stressHistory() {
      return stressHistory(db, underlyings)
    },
    get stressLibrary() {
      return marginParamSets(params.params, params.paramsSource).stress
    }
  }
}
