/** The profile model as the API sends it (arrays) → the engine's typed-array shape. */
import type { ProfileBookJson } from '@contract/api'
import type { ProfileBook } from '@engine/profile/pnl-profile'

export function hydrateProfileBook(j: ProfileBookJson): ProfileBook {
  const a = j.arrays
  return {
    ...j,
    arrays: {
      count: a.count,
      currencies: a.currencies,
      kind: Uint8Array.from(a.kind),
      underlyingIndex: Int32Array.from(a.underlyingIndex),
      currencyIndex: Int32Array.from(a.currencyIndex),
      units: Float64Array.from(a.units),
      forward: Float64Array.from(a.forward),
      strike: Float64Array.from(a.strike),
      years: Float64Array.from(a.years),
      vol: Float64Array.from(a.vol),
      isCall: Uint8Array.from(a.isCall),
      baseValue: Float64Array.from(a.baseValue),
      volSkewUp: Float64Array.from(a.volSkewUp),
      volSkewDown: Float64Array.from(a.volSkewDown)
    }
  }
}
