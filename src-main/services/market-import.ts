/**
 * Market-data import: price, vol-index and funding history into their tables (a day or instant
 * already there is a duplicate, never overwritten), an option chain into a market snapshot that
 * becomes the book's current one. One transaction with an imports-log row, like statements.
 */
import type { BookDb } from '../book/database'
import { recordAudit } from '../book/audit'
import { loadMarketSnapshot, saveMarketSnapshot } from '../book/market-repository'
import type { ParsedMarketFile } from '../importers/market/market-files'
import { mergeSnapshots } from '../engine/market/merge-snapshots'
import type { MarketSnapshotData } from '../engine/market/snapshot'
import { parseSymbol } from '../engine/instruments/parse-symbol'
import { createHash } from 'node:crypto'

/** The underlying a mark key (`venue:symbol`) prices: the venue's symbol rules, else the symbol's first part. */
function underlyingOfKey(key: string): string | null {
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
export function mergedMarket(db: BookDb, bookId: number, chain: MarketSnapshotData): MarketSnapshotData {
  const row = db.prepare('SELECT market_snapshot_id AS id FROM books WHERE id = ?').get(bookId) as { id: string | null } | undefined
  const base = row?.id ? (loadMarketSnapshot(db, row.id) ?? null) : null
  const whole = !base || Object.keys(base.indexUsd).every((u) => u in chain.indexUsd)
  if (whole) return mergeSnapshots(null, chain, underlyingOfKey, chain.id)
  const draft = mergeSnapshots(base, chain, underlyingOfKey, '')
  const digest = createHash('sha256').update(JSON.stringify(draft)).digest('hex').slice(0, 12)
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
  return parsed.series.map((s) => {
    const rows = (
      parsed.dataset === 'vol-index'
        ? db.prepare('SELECT day FROM vol_index_history WHERE index_name = ? AND underlying = ?').all(s.source, s.underlying)
        : db.prepare('SELECT day FROM price_history WHERE underlying = ? AND quote_currency = ? AND source = ?').all(s.underlying, s.quoteCurrency, s.source)
    ) as { day: string }[]
    return new Set(rows.map((r) => r.day))
  })
}

/** Whether the book's market already holds this chain for every underlying it brings. */
function chainInBook(db: BookDb, bookId: number | undefined, chain: MarketSnapshotData): boolean {
  if (bookId === undefined) return db.prepare('SELECT 1 FROM market_snapshots WHERE id = ?').get(chain.id) !== undefined
  const row = db.prepare('SELECT market_snapshot_id AS id FROM books WHERE id = ?').get(bookId) as { id: string | null } | undefined
  const market = row?.id ? loadMarketSnapshot(db, row.id) : undefined
  if (!market) return false
  return Object.keys(chain.indexUsd).every((u) => (market.asOfByUnderlying?.[u] ?? market.asOfMs) === chain.asOfMs && (market.sourceByUnderlying?.[u] ?? market.source) === chain.source && market.indexUsd[u] === chain.indexUsd[u])
}

export function summariseMarketFile(db: BookDb, parsed: ParsedMarketFile, bookId?: number): SeriesSummary[] {
  if (parsed.dataset === 'funding' && parsed.funding) {
    const f = parsed.funding
    const known = new Set((db.prepare('SELECT at_ms FROM funding_history WHERE venue = ? AND symbol = ?').all(f.venue, f.symbol) as { at_ms: number }[]).map((r) => r.at_ms))
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
  const inserted = (
    db
      .prepare(
        `INSERT INTO imports (book_id, file_name, file_sha256, format, rows_total, rows_imported, rows_skipped, rows_rejected, imported_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (book_id, file_sha256) DO UPDATE SET imported_at = excluded.imported_at
         RETURNING id`
      )
      .get(ctx.bookId, ctx.fileName, ctx.sha256, parsed.format, parsed.rowsTotal, added, ctx.skippedRows + summary.reduce((n, s) => n + s.duplicate, 0), ctx.rejectedRows, ctx.now.toISOString()) as { id: number }
  )
  const importId = inserted.id
  if (parsed.dataset === 'option-chain' && parsed.snapshot) {
    // The chain replaces its underlyings' part of the book's market; the others keep theirs.
    const market = mergedMarket(db, ctx.bookId, parsed.snapshot)
    saveMarketSnapshot(db, market, ctx.now)
    db.prepare('UPDATE books SET market_snapshot_id = ? WHERE id = ?').run(market.id, ctx.bookId)
  } else if (parsed.dataset === 'funding' && parsed.funding) {
    const insert = db.prepare('INSERT OR IGNORE INTO funding_history (venue, symbol, at_ms, rate, import_id) VALUES (?, ?, ?, ?, ?)')
    for (const p of parsed.funding.points) insert.run(parsed.funding.venue, parsed.funding.symbol, p.atMs, p.rate, importId)
  } else {
    const insert =
      parsed.dataset === 'vol-index'
        ? db.prepare('INSERT OR IGNORE INTO vol_index_history (index_name, underlying, day, open, high, low, close, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        : db.prepare('INSERT OR IGNORE INTO price_history (underlying, quote_currency, source, day, open, high, low, close, volume, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
    for (const s of parsed.series) {
      for (const b of s.bars) {
        if (parsed.dataset === 'vol-index') insert.run(s.source, s.underlying, b.day, b.open, b.high, b.low, b.close, importId)
        else insert.run(s.underlying, s.quoteCurrency, s.source, b.day, b.open, b.high, b.low, b.close, b.volume, importId)
      }
    }
  }
  recordAudit(db, { bookId: ctx.bookId, entity: 'import', entityId: importId, action: 'commit', detail: { file: ctx.fileName, format: parsed.format, rowsAdded: added } }, ctx.now)
  return { importId, rowsAdded: added }
}
