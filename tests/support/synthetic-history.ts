/**
 * Daily price histories written by the tests in Binance's kline CSV format (the format of
 * ../shared/data/prices/binance_*_daily.csv), from a seeded lognormal walk with a fat-tailed shock
 * now and then: own fixtures for hosts without the shared data.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

export function writeBinanceDaily(dir: string, pair: string, opts: { days: number; lastDay: string; lastClose: number; dailyVol: number; seed: number }): string {
  let x = opts.seed
  const uniform = (): number => ((x = (x * 1_103_515_245 + 12_345) % 2 ** 31) + 1) / (2 ** 31 + 1)
  const normal = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())
  const returns = Array.from({ length: opts.days - 1 }, (_, t) => opts.dailyVol * normal() * (t % 97 === 13 ? 4 : 1))
  const closes = [opts.lastClose]
  for (let t = returns.length - 1; t >= 0; t--) closes.unshift(closes[0]! / Math.exp(returns[t]!))
  const end = Date.parse(`${opts.lastDay}T00:00:00Z`)
  const rows = closes.map((c, i) => {
    const day = new Date(end - (closes.length - 1 - i) * 86_400_000).toISOString().slice(0, 10)
    const open = i ? closes[i - 1]! : c
    return `${day},${open.toFixed(2)},${(Math.max(open, c) * 1.01).toFixed(2)},${(Math.min(open, c) * 0.99).toFixed(2)},${c.toFixed(2)},1000`
  })
  const file = join(dir, `binance_${pair}_daily.csv`)
  writeFileSync(file, `timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`)
  return file
}
