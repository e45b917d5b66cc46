/** BookMargin → the contract's plain-JSON shape (typed arrays to arrays, Infinity to null). */
import type { MarginResult, ResultMethod } from '../engine/margin/margin-result'
import type { BookMargin } from './margin-service'

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
