import type { HeldPosition } from '../../src-main/book/positions-repository'
import { isPriced, type Instrument } from '../../src-main/engine/instruments/instrument'

/** The demo book holds only priced instruments; say so loudly if that ever changes. */
export function pricedPositions(held: HeldPosition[]): (HeldPosition & { instrument: Instrument })[] {
  return held.map((p) => {
    if (!isPriced(p.instrument)) throw new Error(`${p.instrument.symbol} is not priced: ${p.instrument.parseError}`)
    return { ...p, instrument: p.instrument }
  })
}
