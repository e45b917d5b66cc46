/**
 * Market-data import: price, vol-index and funding history into their tables (a day or instant
 * already there is a duplicate, never overwritten), an option chain into a market snapshot that
 * becomes the book's current one. One transaction with an imports-log row, like statements.
 */
import type { BookDb } from '../book/database'
import { recordAudit } from '../book/audit'
import { hasMarketSnapshot, loadMarketSnapshot, saveMarketSnapshot } from '../book/market-repository'
import { setBookMarketSnapshot, storedMarketSnapshotId } from '../book/books-repository'
import { fundingInserter, fundingInstants, priceBarInserter, priceHistoryDays, volIndexBarInserter, volIndexDays } from '../book/history-repository'
import { logMarketImport } from '../book/import-repository'
import type { ParsedMarketFile } from '../importers/market/market-files'
import { mergeSnapshots } from '../engine/market/merge-snapshots'
import type { MarketSnapshotData } from '../engine/market/snapshot'
import { parseSymbol } from '../engine/instruments/parse-symbol'
import { createHash } from 'node:crypto'

/** The underlying a mark key (`venue:symbol`) prices: the venue's symbol rules, else the symbol's first part. */
export function underlyingOfKey(key: string): string | null {
  const at = key.indexOf(':')
  const venue = at < 0 ? 'deribit' : key.slice(0, at)
  const symbol = at < 0 ? key : key.slice(at + 1)
  try {
    return parseSymbol(venue, symbol).underlying
  } catch {
    return /^[A-Z0-9]+/.exec(symbol.toUpperCase())?.[0] ?? null
  }
}

/**
 * The book's market with the chain's underlyings replaced and the others kept (issue 17, §4): the
 * chain's own snapshot when it is the whole market, else a merged one named by its content.
 */
const contentDigest = (s: MarketSnapshotData): string => createHash('sha256').update(JSON.stringify(s)).digest('hex').slice(0, 12)

export function mergedMarket(db: BookDb, bookId: number, chain: MarketSnapshotData): MarketSnapshotData {
  const stored = storedMarketSnapshotId(db, bookId)
  const base = stored ? (loadMarketSnapshot(db, stored) ?? null) : null
  const whole = !base || Object.keys(base.indexUsd).every((u) => u in chain.indexUsd)
  if (whole) {
    const own = mergeSnapshots(null, chain, underlyingOfKey, chain.id)
    // Another chain of the same underlyings and instant (a second file, an edited one) is its own
    // snapshot: its id says the content differs, so the book moves to it instead of keeping the first.
    const same = loadMarketSnapshot(db, own.id)
    if (!same || JSON.stringify(same) === JSON.stringify(own)) return own
    return { ...own, id: `${own.id}-${contentDigest(own)}` }
  }
  const draft = mergeSnapshots(base, chain, underlyingOfKey, '')
  const digest = contentDigest(draft)
  const underlyings = Object.keys(draft.indexUsd).sort().join('-')
  return { ...draft, id: `market-${underlyings}-${new Date(draft.asOfMs).toISOString()}-${digest}` }
}

export interface SeriesSummary {
  name: string
  first: string | null
  last: string | null
  rows: number
  new: number
  duplicate: number
}

function existingDays(db: BookDb, parsed: ParsedMarketFile): Set<string>[] {
  return parsed.series.map((s) => new Set(parsed.dataset === 'vol-index' ? volIndexDays(db, s.source, s.underlying) : priceHistoryDays(db, s)))
}

/** Whether the book's market already holds this chain for every underlying it brings. */
function chainInBook(db: BookDb, bookId: number | undefined, chain: MarketSnapshotData): boolean {
  if (bookId === undefined) return hasMarketSnapshot(db, chain.id)
  const stored = storedMarketSnapshotId(db, bookId)
  const market = stored ? loadMarketSnapshot(db, stored) : undefined
  if (!market) return false
  return Object.keys(chain.indexUsd).every((u) => (market.asOfByUnderlying?.[u] ?? market.asOfMs) === chain.asOfMs && (market.sourceByUnderlying?.[u] ?? market.source) === chain.source && market.indexUsd[u] === chain.indexUsd[u])
}

export function summariseMarketFile(db: BookDb, parsed: ParsedMarketFile, bookId?: number): SeriesSummary[] {
  if (parsed.dataset === 'funding' && parsed.funding) {
    const f = parsed.funding
    const known = new Set(fundingInstants(db, f.venue, f.symbol))
    const times = f.points.map((p) => p.atMs).sort((a, b) => a - b)
    const fresh = f.points.filter((p) => !known.has(p.atMs)).length
    return [{ name: `${f.venue} ${f.symbol} funding`, first: times.length ? new Date(times[0]!).toISOString() : null, last: times.length ? new Date(times.at(-1)!).toISOString() : null, rows: f.points.length, new: fresh, duplicate: f.points.length - fresh }]
  }
  if (parsed.dataset === 'option-chain' && parsed.snapshot) {
    const s = parsed.snapshot
    const known = chainInBook(db, bookId, s)
    const expiries = Object.values(s.forwardsUsd).reduce((n, e) => n + Object.keys(e).length, 0)
    return [{ name: `${s.id} (${expiries} expiries)`, first: new Date(s.asOfMs).toISOString(), last: null, rows: Object.keys(s.marks).length, new: known ? 0 : Object.keys(s.marks).length, duplicate: known ? Object.keys(s.marks).length : 0 }]
  }
  const existing = existingDays(db, parsed)
  return parsed.series.map((s, i) => {
    const days = s.bars.map((b) => b.day).sort()
    const fresh = s.bars.filter((b) => !existing[i]!.has(b.day)).length
    return {
      name: parsed.dataset === 'vol-index' ? `${s.source} ${s.underlying}` : `${s.underlying}/${s.quoteCurrency} (${s.source})`,
      first: days[0] ?? null,
      last: days.at(-1) ?? null,
      rows: s.bars.length,
      new: fresh,
      duplicate: s.bars.length - fresh
    }
  })
}

export function commitMarketFile(
  db: BookDb,
  parsed: ParsedMarketFile,
  ctx: { bookId: number; fileName: string; sha256: string; rejectedRows: number; skippedRows: number; now: Date }
): { importId: number | null; rowsAdded: number } {
  const summary = summariseMarketFile(db, parsed, ctx.bookId)
  const added = summary.reduce((n, s) => n + s.new, 0)
  if (added === 0) return { importId: null, rowsAdded: 0 }
  const importId = logMarketImport(db, {
    bookId: ctx.bookId, fileName: ctx.fileName, sha256: ctx.sha256, format: parsed.format, rowsTotal: parsed.rowsTotal, rowsImported: added,
    rowsSkipped: ctx.skippedRows + summary.reduce((n, s) => n + s.duplicate, 0), rowsRejected: ctx.rejectedRows, importedAt: ctx.now.toISOString()
  })
  if (parsed.dataset === 'option-chain' && parsed.snapshot) {
    // The chain replaces its underlyings' part of the book's market; the others keep theirs.
    const market = mergedMarket(db, ctx.bookId, parsed.snapshot)
    saveMarketSnapshot(db, market, ctx.now)
    setBookMarketSnapshot(db, ctx.bookId, market.id)
  } else if (parsed.dataset === 'funding' && parsed.funding) {
    const insert = fundingInserter(db)
    for (const p of parsed.funding.points) insert(parsed.funding.venue, parsed.funding.symbol, p, importId)
  } else if (parsed.dataset === 'vol-index') {
    const insert = volIndexBarInserter(db)
    for (const s of parsed.series) for (const b of s.bars) insert(s.source, s.underlying, b, importId)
  } else {
    const insert = priceBarInserter(db)
    for (const s of parsed.series) for (const b of s.bars) insert(s, b, importId)
  }
  recordAudit(db, { bookId: ctx.bookId, entity: 'import', entityId: importId, action: 'commit', detail: { file: ctx.fileName, format: parsed.format, rowsAdded: added } }, ctx.now)
  return { importId, rowsAdded: added }
}
