/**
 * A large, seeded book on the demo market for benchmarks and tests: mostly options (the costly
 * rows) across every demo expiry and a strike ladder, plus futures and perpetuals, BTC and ETH.
 */
import type { HeldInstrument } from '../../engine/scenarios/portfolio-arrays'
import type { MarketSnapshotData } from '../../engine/market/snapshot'
import { parseSymbol } from '../../engine/instruments/parse-symbol'
import { mulberry32 } from '../../engine/random/mulberry32'

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
const deribitDate = (ms: number): string => {
  const d = new Date(ms)
  return `${d.getUTCDate()}${MONTHS[d.getUTCMonth()]}${String(d.getUTCFullYear()).slice(2)}`
}

/**
 * `strikeStepDivisor` (default 1: Deribit-like 1,000 USD BTC and 50 USD ETH strike steps) makes the
 * strike ladder finer, so a large book spreads over more instruments (the draws are the same).
 */
export function syntheticBook(market: MarketSnapshotData, positions: number, seed = 42, opts: { strikeStepDivisor?: number } = {}): HeldInstrument[] {
  const rand = mulberry32(seed)
  const out: HeldInstrument[] = []
  const underlyings = Object.keys(market.indexUsd)
  for (let n = 0; n < positions; n++) {
    const u = underlyings[n % underlyings.length]!
    const expiries = Object.keys(market.forwardsUsd[u] ?? {}).map(Number)
    const expiry = expiries[Math.floor(rand() * expiries.length)]!
    const forward = market.forwardsUsd[u]![String(expiry)]!
    const roll = rand()
    let symbol: string
    if (roll < 0.85) {
      const step = (u === 'BTC' ? 1000 : 50) / (opts.strikeStepDivisor ?? 1)
      const strike = Math.max(step, Math.round((forward * Math.exp((rand() - 0.5) * 0.8)) / step) * step)
      symbol = `${u}-${deribitDate(expiry)}-${strike}-${rand() < 0.5 ? 'C' : 'P'}`
    } else if (roll < 0.93) {
      symbol = `${u}-${deribitDate(expiry)}`
    } else {
      symbol = `${u}-PERPETUAL`
    }
    const instrument = parseSymbol('deribit', symbol)
    const size = instrument.kind === 'option' ? Math.round((rand() - 0.5) * 40) / 2 || 0.5 : Math.round((rand() - 0.5) * 20_000) || 10
    out.push({ instrument, sizeContracts: size })
  }
  return out
}
