/**
 * A Deribit option chain saved from public/ticker per instrument, with Greeks (the fields of
 * Deribit's public/ticker reply, one row per instrument): instrument_name,
 * expiration_timestamp, mark_price (coin), underlying_price (the expiry's forward), mark_iv (%),
 * best bid/ask, delta, gamma, theta, vega. Two things a snapshot needs are not in it:
 * - the instant it was taken: creation_timestamp is each instrument's listing time, so the time is
 *   asked for (the workstation) or given (--as-of), never guessed;
 * - the index: spot_ref is a median of forwards, not the index. The index is estimated by carrying
 *   the two nearest forwards' basis back to the snapshot instant (ln F linear in T), and the import
 *   says so (an approximation of ours).
 */
import { CellReader, readCsv } from '../csv-records'
import type { ChainRow } from '../../engine/market/chain-snapshot'
import type { ParsedChain } from './deribit-book-summary'
import { yearsBetween } from '../../engine/pricing/black76'

export const TICKER_CHAIN_REQUIRED = ['instrument_name', 'expiration_timestamp', 'mark_price', 'underlying_price', 'mark_iv'] as const

export function isDeribitTickerChain(header: readonly string[]): boolean {
  return TICKER_CHAIN_REQUIRED.every((c) => header.includes(c)) && !header.includes('estimated_delivery_price')
}

/** The file has no snapshot time: the caller must give one (field asOf). */
export class AsOfRequiredError extends Error {
  readonly field = 'asOf'
  constructor(file: string) {
    super(
      `${file}: a Deribit option chain with Greeks carries no snapshot time (creation_timestamp is each instrument's listing time): ` +
        'give the instant it was taken (--as-of 2026-03-01T13:49:00Z on the command line, "Taken at (UTC)" in the workstation)'
    )
    this.name = 'AsOfRequiredError'
  }
}

export function parseDeribitTickerChain(text: string, file: string, asOfMs: number | undefined): ParsedChain & { indexNote: string | null } {
  if (asOfMs === undefined) throw new AsOfRequiredError(file)
  const table = readCsv(text, file, isDeribitTickerChain)
  const problems: ParsedChain['problems'] = table.problems.map((p) => ({ file, line: p.line, field: '(row)', message: `${file}, line ${p.line}: not readable as CSV: ${p.message}` }))
  const partial: (Omit<ChainRow, 'indexUsd'> & { expiryMs: number })[] = []
  for (const record of table.records) {
    const r = new CellReader(file, table, record)
    const instrumentName = r.text('instrument_name') ?? ''
    const markPrice = r.number('mark_price', true, 'price')
    const forwardUsd = r.number('underlying_price', true, 'price')
    const markIvPct = r.number('mark_iv', false, 'volPct')
    const expiryMs = r.number('expiration_timestamp')
    const bid = table.columns.has('best_bid_price') ? r.number('best_bid_price', false, 'price') : null
    const ask = table.columns.has('best_ask_price') ? r.number('best_ask_price', false, 'price') : null
    if (!r.ok || markPrice === null || forwardUsd === null || expiryMs === null) {
      for (const i of r.issues) problems.push({ file, line: i.line, field: i.column ?? '(row)', message: `${file}, line ${i.line}, column ${i.column}: ${i.reason}` })
      continue
    }
    if (!(forwardUsd > 0)) {
      problems.push({ file, line: record.line, field: 'underlying_price', message: `${file}, line ${record.line}: the forward must be a positive price` })
      continue
    }
    partial.push({ line: record.line, instrumentName, markPrice, markIvPct, forwardUsd, timestampMs: asOfMs, bid, ask, expiryMs })
  }
  const { indexUsd, note } = estimateIndex(partial, asOfMs)
  return { rows: partial.map(({ expiryMs: _e, ...row }) => ({ ...row, indexUsd })), problems, indexNote: note }
}

/** The index at the snapshot instant from the two nearest live expiries' forwards (median per expiry). */
function estimateIndex(rows: readonly { forwardUsd: number; expiryMs: number }[], asOfMs: number): { indexUsd: number; note: string | null } {
  const byExpiry = new Map<number, number[]>()
  for (const r of rows) if (r.expiryMs > asOfMs) (byExpiry.get(r.expiryMs) ?? byExpiry.set(r.expiryMs, []).get(r.expiryMs)!).push(r.forwardUsd)
  const curve = [...byExpiry].sort((a, b) => a[0] - b[0]).map(([e, fs]) => ({ t: yearsBetween(asOfMs, e), f: median(fs) }))
  if (curve.length === 0) return { indexUsd: rows[0]?.forwardUsd ?? 1, note: null }
  if (curve.length === 1) return { indexUsd: curve[0]!.f, note: `the file has no index: taken as the nearest forward ${curve[0]!.f.toFixed(2)} USD (ours)` }
  const [a, b] = curve as [{ t: number; f: number }, { t: number; f: number }]
  const slope = (Math.log(b.f) - Math.log(a.f)) / (b.t - a.t)
  const indexUsd = Math.exp(Math.log(a.f) - slope * a.t)
  return { indexUsd, note: `the file has no index: ${indexUsd.toFixed(2)} USD estimated from the two nearest forwards (${a.f.toFixed(2)}, ${b.f.toFixed(2)}) with their basis carried back to the snapshot time (ours)` }
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
