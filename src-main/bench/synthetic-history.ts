/** A seeded daily close series (lognormal walk with an occasional 4σ day) for benchmarks. */
import type { DailySeries } from '../engine/risk/history'
import { mulberry32 } from '../engine/random/mulberry32'

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
