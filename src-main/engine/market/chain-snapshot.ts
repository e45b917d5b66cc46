/**
 * A market snapshot from a venue option chain (Deribit public/get_book_summary_by_currency rows):
 * index, one forward per expiry, marks with mark IVs, and the vol quotes the surface is built on.
 * Rows that cannot be used are returned as problems naming their line, never dropped silently.
 */
import { parseSymbol } from '../instruments/parse-symbol'
import { instrumentKey } from '../instruments/instrument'
import { impliedVol } from '../pricing/implied-vol'
import { yearsBetween } from '../pricing/black76'
import type { MarketSnapshotData } from './snapshot'
import type { VolQuote } from './vol-surface'

export interface ChainRow {
  /** 1-based line in the source file, for messages. */
  line: number
  instrumentName: string
  /** Mark in coin per coin (inverse options). */
  markPrice: number
  /** Mark IV in percent, when the file has it. */
  markIvPct: number | null
  /** The forward the venue priced this row on (underlying_price), USD. */
  forwardUsd: number
  /** Index (estimated_delivery_price), USD. */
  indexUsd: number
  timestampMs: number
  /** Best bid and ask in coin per coin, when both sides are quoted. */
  bid?: number | null
  ask?: number | null
}

export interface ChainProblem {
  line: number
  field: string
  message: string
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

export function buildSnapshotFromDeribitChain(rows: ChainRow[], source: string): { snapshot: MarketSnapshotData; problems: ChainProblem[] } {
  const problems: ChainProblem[] = []
  if (rows.length === 0) throw new Error(`${source}: the option chain has no rows`)
  const asOfMs = Math.max(...rows.map((r) => r.timestampMs))
  const forwardsByExpiry = new Map<string, Map<number, number[]>>()
  const indexByUnderlying = new Map<string, number[]>()
  const marks: MarketSnapshotData['marks'] = {}
  const volQuotes: Record<string, VolQuote[]> = {}

  for (const row of rows) {
    let inst
    try {
      inst = parseSymbol('deribit', row.instrumentName)
    } catch (e) {
      problems.push({ line: row.line, field: 'instrument_name', message: (e as Error).message })
      continue
    }
    if (inst.kind !== 'option') {
      problems.push({ line: row.line, field: 'instrument_name', message: `${row.instrumentName} is not an option; a book summary of options was expected` })
      continue
    }
    if (inst.expiryMs! <= asOfMs) {
      problems.push({ line: row.line, field: 'instrument_name', message: `${row.instrumentName} expired before the snapshot time` })
      continue
    }
    const u = inst.underlying
    ;(indexByUnderlying.get(u) ?? indexByUnderlying.set(u, []).get(u)!).push(row.indexUsd)
    const expiries = forwardsByExpiry.get(u) ?? forwardsByExpiry.set(u, new Map()).get(u)!
    ;(expiries.get(inst.expiryMs!) ?? expiries.set(inst.expiryMs!, []).get(inst.expiryMs!)!).push(row.forwardUsd)

    let ivPct = row.markIvPct
    if (ivPct === null) {
      try {
        const years = yearsBetween(row.timestampMs, inst.expiryMs!)
        ivPct = 100 * impliedVol(row.markPrice * row.forwardUsd, { forwardUsd: row.forwardUsd, strikeUsd: inst.strikeUsd!, years, optionType: inst.optionType! })
      } catch (e) {
        problems.push({ line: row.line, field: 'mark_price', message: `${row.instrumentName}: no implied vol from mark ${row.markPrice}: ${(e as Error).message}` })
      }
    }
    // A one-sided or crossed book says nothing about the cost of closing: the add-on takes its default spread.
    const quote = row.bid != null && row.ask != null && row.bid > 0 && row.ask >= row.bid ? { bid: row.bid, ask: row.ask } : {}
    marks[instrumentKey('deribit', inst.symbol)] = { price: row.markPrice, currency: u, ...(ivPct !== null ? { ivPct } : {}), ...quote }
    if (ivPct !== null) {
      ;(volQuotes[u] ??= []).push({ expiryMs: inst.expiryMs!, strikeUsd: inst.strikeUsd!, forwardUsd: row.forwardUsd, vol: ivPct / 100 })
    }
  }

  const indexUsd: Record<string, number> = {}
  const forwardsUsd: Record<string, Record<string, number>> = {}
  for (const [u, values] of indexByUnderlying) indexUsd[u] = median(values)
  for (const [u, expiries] of forwardsByExpiry) {
    forwardsUsd[u] = Object.fromEntries([...expiries.entries()].sort((a, b) => a[0] - b[0]).map(([e, fs]) => [String(e), median(fs)]))
  }
  const underlyings = Object.keys(indexUsd).sort().join('-')
  const snapshot: MarketSnapshotData = {
    id: `deribit-chain-${underlyings}-${new Date(asOfMs).toISOString()}`,
    asOfMs,
    source,
    indexUsd,
    forwardsUsd,
    volQuotes,
    marks,
    fundingRate8h: {}
  }
  return { snapshot, problems }
}
