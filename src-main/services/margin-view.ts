/** BookMargin → the contract's plain-JSON shape (typed arrays to arrays, Infinity to null). */
import type { MarginResult, ResultMethod } from '../engine/margin/margin-result'
import type { MarginMethod } from '../engine/margin/margin-result'
import type { MarginMethodName } from '@contract/api'
import type { BookMargin } from './margin-service'

// The engine's methods and the contract's are one list on either side of the boundary: a method
// added to one and not the other fails to compile here.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never
export const contractNamesEveryMethod: Exact<MarginMethod, MarginMethodName> = true

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null)

export function marginView(m: BookMargin) {
  return {
    notCovered: m.notCovered,
    health: m.health.map((h) => ({
      ...h,
      imUtilisation: finiteOrNull(h.imUtilisation),
      mmUtilisation: finiteOrNull(h.mmUtilisation),
      byMethod: h.byMethod.map((b) => ({ ...b, imUtilisation: finiteOrNull(b.imUtilisation), mmUtilisation: finiteOrNull(b.mmUtilisation) }))
    })),
    accounts: m.accounts.map((a) => ({ ...a, results: a.results.map(resultView), addOns: a.addOns ? resultView(a.addOns) : null }))
  }
}

const resultView = <M extends ResultMethod>(r: MarginResult<M>) => ({
  ...r,
  scenarioPnl: r.scenarioPnl ? Array.from(r.scenarioPnl) : null,
  attribution: Array.from(r.attribution),
  standalone: Array.from(r.standalone),
  incremental: Array.from(r.incremental)
})
