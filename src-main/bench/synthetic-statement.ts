/**
 * A long Deribit transaction log (current header) for benchmarks and crash tests: trades on the
 * perpetual and a ladder of options, with a consistent Position column, unique IDs and an
 * occasional settlement at a price, and a Balance that runs with the Change column to 8 decimals as
 * Deribit prints it (so the import's balance chain and cash reconciliation close). Seeded, so
 * every run writes the same file.
 */
import { mulberry32 } from '../engine/random/mulberry32'

const HEADER =
  'ID,UserSeq,Date,Instrument,Type,Side,Amount,Base Amount,Position,Price,Mark Price,Index Price,Cash Flow,Funding,Fee Rate,Fee Charged,Fee Balance,Change,Balance,Equity,Trade ID,Order ID,Info,Note'

export function syntheticDeribitLog(rows: number, seed = 11): string {
  const rand = mulberry32(seed)
  const instruments = ['BTC-PERPETUAL', ...[50, 60, 70, 80].flatMap((k) => [`BTC-27DEC24-${k}000-C`, `BTC-27DEC24-${k}000-P`])]
  const position = new Map<string, number>()
  const lines = [HEADER]
  let t = Date.UTC(2024, 0, 1)
  // Balance in satoshi-like units of 1e-8 BTC: integer arithmetic, printed to 8 decimals.
  let balance = 100 * 1e8
  const printed = (units: number): string => (units / 1e8).toFixed(8)
  for (let n = 1; n <= rows; n++) {
    t += 1000 + Math.floor(rand() * 60_000)
    const date = new Date(t).toISOString().slice(0, 19).replace('T', ' ')
    if (n % 500 === 0) {
      balance += 120_000
      lines.push(`${n},${n},${date},BTC-PERPETUAL,settlement,long,,,${position.get('BTC-PERPETUAL') ?? 0},60000,60000,60000,0.0012,-0.00001,,0,0,0.0012,${printed(balance)},${printed(balance)},,,,`)
      continue
    }
    const symbol = instruments[Math.floor(rand() * instruments.length)]!
    const perp = symbol.endsWith('PERPETUAL')
    const amount = perp ? 10 * (1 + Math.floor(rand() * 500)) : Math.round((0.1 + rand() * 5) * 10) / 10
    const buy = rand() < 0.5
    const next = Math.round(((position.get(symbol) ?? 0) + (buy ? amount : -amount)) * 10) / 10
    position.set(symbol, next)
    const price = perp ? (55_000 + rand() * 10_000).toFixed(1) : (0.005 + rand() * 0.1).toFixed(4)
    // Options: the premium moves the balance (Change = Cash Flow − fee); futures: only the fee.
    const premium = perp ? 0 : Math.round((buy ? -1 : 1) * amount * Number(price) * 1e8)
    balance += premium - 1200
    lines.push(`${n},${n},${date},${symbol},trade,${buy ? 'open buy' : 'open sell'},${amount},${amount},${next},${price},${price},60000,${printed(premium)},0,0.0005,0.00001200,0,${printed(premium - 1200)},${printed(balance)},${printed(balance)},${900000 + n},${800000 + n},,`)
  }
  return lines.join('\n') + '\n'
}
