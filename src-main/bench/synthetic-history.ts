/** A seeded daily close series (lognormal walk with an occasional 4σ day) for benchmarks. */
import type { DailySeries } from '../engine/risk/history'
import { mulberry32 } from '../engine/random/mulberry32'
import type { MarketSnapshotData } from '../engine/market/snapshot'
import type { HistoryInput } from '../services/var-service'

export function syntheticDailySeries(underlying: string, opts: { days: number; lastDay: string; lastClose: number; dailyVol: number; seed: number }): DailySeries {
  const rand = mulberry32(opts.seed)
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
  const closes = new Float64Array(opts.days)
  closes[opts.days - 1] = opts.lastClose
  for (let t = opts.days - 2; t >= 0; t--) closes[t] = closes[t + 1]! / Math.exp(opts.dailyVol * normal() * (t % 97 === 13 ? 4 : 1))
  const end = Date.parse(`${opts.lastDay}T00:00:00Z`)
  const days = Array.from({ length: opts.days }, (_, i) => new Date(end - (opts.days - 1 - i) * 86_400_000).toISOString().slice(0, 10))
  return { underlying, days, closes }
}

/**
 * The benches' VaR history: 2,600 seeded days of BTC (3 % daily vol) and ETH (4 %) ending the day
 * of the market's as-of at its index prices, no vol index.
 */
export function syntheticBenchHistory(market: MarketSnapshotData): HistoryInput {
  const lastDay = new Date(market.asOfMs).toISOString().slice(0, 10)
  return {
    series: [
      syntheticDailySeries('BTC', { days: 2_600, lastDay, lastClose: market.indexUsd.BTC!, dailyVol: 0.03, seed: 7 }),
      syntheticDailySeries('ETH', { days: 2_600, lastDay, lastClose: market.indexUsd.ETH!, dailyVol: 0.04, seed: 8 })
    ],
    sources: ['BTC', 'ETH'].map((underlying) => ({ underlying, quoteCurrency: 'USD', source: 'synthetic' })),
    volIndex: {}
  }
}
