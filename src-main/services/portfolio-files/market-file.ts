/**
 * Market file ⇄ market snapshot. A file names instruments by symbol and gives plain numbers; the
 * snapshot is what valuation reads (docs/METHODOLOGY.md §3): forwards per expiry from futures
 * marks, option marks and mark IVs kept consistent with Black-76, a vol surface from the IVs.
 */
import { basename } from 'node:path'
import type { BookDb } from '../../book/database'
import { findBook } from '../../book/books-repository'
import { loadMarketSnapshot } from '../../book/market-repository'
import { instrumentKey, priceCurrency, type Instrument } from '../../engine/instruments/instrument'
import { parseSymbol } from '../../engine/instruments/parse-symbol'
import { buildMarketView, underlyingPriceFor } from '../../engine/market/market-view'
import type { MarketSnapshotData } from '../../engine/market/snapshot'
import type { VolQuote } from '../../engine/market/vol-surface'
import { black76InverseCoin, black76PriceUsd, yearsBetween } from '../../engine/pricing/black76'
import { impliedVol } from '../../engine/pricing/implied-vol'
import { NotFoundError } from '../errors'
import { FileFormatError, jsonPath, parseJsonText, parseWithSchema, tidyNumber } from './json-file'
import { DEFAULT_VENUE, MarketFile, type MarketFileData } from './schemas'
import type { z } from 'zod'

export interface MarketFileContents {
  snapshot: MarketSnapshotData
  /** The file's parameter-set overrides, passed to the margin service as they are. */
  params: unknown
}

const isoOf = (ms: number): string => new Date(ms).toISOString()

/** `okx:BTC-USDT-SWAP` → okx; a bare symbol is the default venue's. */
function splitKey(key: string): { venue: string; symbol: string } {
  const m = /^([a-z]+):(.+)$/.exec(key)
  return m ? { venue: m[1]!, symbol: m[2]! } : { venue: DEFAULT_VENUE, symbol: key }
}

/** The instrument a file names, alive at `asOfMs`; errors name the file and the JSON path. */
export function instrumentAt(file: string, path: string, venue: string, symbol: string, asOfMs: number): Instrument {
  let i: Instrument
  try {
    i = parseSymbol(venue, symbol)
  } catch (e) {
    throw new FileFormatError(file, path, `unknown instrument: ${(e as Error).message}`)
  }
  if (i.expiryMs !== null && i.expiryMs <= asOfMs) {
    throw new FileFormatError(file, path, `${symbol} expired at ${isoOf(i.expiryMs)}, not after asOf ${isoOf(asOfMs)}: settle or remove it`)
  }
  return i
}

/** Read and check a market file; the snapshot id is `file:<basename>@<asOf>`. */
export function readMarketFile(text: string, file: string): MarketFileContents {
  const data = parseWithSchema(MarketFile, parseJsonText(text, file), file)
  const asOfMs = Date.parse(data.asOf)
  const seen = new Map<string, string>()
  const resolve = (section: string, key: string): Instrument => {
    const path = jsonPath([section, key])
    const { venue, symbol } = splitKey(key)
    const i = instrumentAt(file, path, venue, symbol, asOfMs)
    if (data.index[i.underlying] === undefined) throw new FileFormatError(file, path, `no ${i.underlying} index: add "${i.underlying}" to "index"`)
    const k = `${section}\u0000${instrumentKey(i.venue, i.symbol)}`
    const earlier = seen.get(k)
    if (earlier !== undefined) throw new FileFormatError(file, path, `the same instrument as ${JSON.stringify(earlier)}`)
    seen.set(k, key)
    return i
  }

  const forwardsUsd: MarketSnapshotData['forwardsUsd'] = {}
  for (const [u, byExpiry] of Object.entries(data.forwards ?? {})) {
    if (data.index[u] === undefined) throw new FileFormatError(file, jsonPath(['forwards', u]), `no ${u} index: add "${u}" to "index"`)
    forwardsUsd[u] = Object.fromEntries(Object.entries(byExpiry).map(([iso, f]) => [String(Date.parse(iso)), f]))
  }

  const deriveFeeds: NonNullable<MarketSnapshotData['deriveFeeds']> = {}
  for (const [u, f] of Object.entries(data.derive ?? {})) {
    if (data.index[u] === undefined) throw new FileFormatError(file, jsonPath(['derive', u]), `no ${u} index: add "${u}" to "index"`)
    deriveFeeds[u] = {
      spotConfidence: f.spotConfidence,
      perpConfidence: f.perpConfidence,
      stablePriceUsd: f.stablePrice,
      expiries: Object.entries(f.expiries).map(([iso, e]) => {
        const expiryMs = Date.parse(iso)
        if (!(expiryMs > asOfMs)) throw new FileFormatError(file, jsonPath(['derive', u, 'expiries', iso]), 'is not after asOf: an expired expiry has no feed')
        const { forward: sviForwardUsd, tau: sviYears, ...svi } = e.svi
        return { expiryMs, forwardUsd: e.forward, rate: e.rate, svi, ...(sviForwardUsd === undefined ? {} : { sviForwardUsd }), ...(sviYears === undefined ? {} : { sviYears }), forwardConfidence: e.forwardConfidence, rateConfidence: e.rateConfidence, volConfidence: e.volConfidence }
      }).sort((a, b) => a.expiryMs - b.expiryMs)
    }
  }

  const marks: MarketSnapshotData['marks'] = {}
  const options = new Map<string, { i: Instrument; path: string; mark?: number; iv?: number }>()
  const futureMarks = new Map<string, { underlying: string; expiryMs: number; prices: number[] }>()
  for (const [key, price] of Object.entries(data.marks ?? {})) {
    const i = resolve('marks', key)
    const k = instrumentKey(i.venue, i.symbol)
    if (i.kind === 'option') {
      options.set(k, { i, path: jsonPath(['marks', key]), mark: price })
      continue
    }
    if (!(price > 0)) throw new FileFormatError(file, jsonPath(['marks', key]), `${price} is not a positive price`)
    marks[k] = { price, currency: priceCurrency(i) }
    if (i.kind === 'future') {
      const slot = `${i.underlying}@${i.expiryMs}`
      const entry = futureMarks.get(slot) ?? { underlying: i.underlying, expiryMs: i.expiryMs!, prices: [] }
      entry.prices.push(price)
      futureMarks.set(slot, entry)
    }
  }
  // A future's mark is the forward of its expiry, unless the file states that forward; two venues'
  // futures on one expiry (Deribit and OKX) differ by noise: one curve per underlying takes their mean.
  for (const { underlying, expiryMs, prices } of futureMarks.values()) {
    const curve = (forwardsUsd[underlying] ??= {})
    curve[String(expiryMs)] ??= prices.reduce((a, b) => a + b, 0) / prices.length
  }
  for (const [key, iv] of Object.entries(data.markIv ?? {})) {
    const i = resolve('markIv', key)
    if (i.kind !== 'option') throw new FileFormatError(file, jsonPath(['markIv', key]), `${i.symbol} is not an option: only options have a mark IV`)
    const k = instrumentKey(i.venue, i.symbol)
    const entry = options.get(k) ?? { i, path: jsonPath(['markIv', key]) }
    entry.iv = iv
    options.set(k, entry)
  }

  const base: MarketSnapshotData = {
    id: `file:${basename(file)}@${isoOf(asOfMs)}`,
    asOfMs,
    source: file,
    indexUsd: data.index,
    forwardsUsd,
    marks,
    fundingRate8h: Object.fromEntries(
      Object.entries(data.fundingRate8h ?? {}).map(([key, rate]) => {
        const { venue, symbol } = splitKey(key)
        const i = instrumentAt(file, jsonPath(['fundingRate8h', key]), venue, symbol, asOfMs)
        return [instrumentKey(i.venue, i.symbol), rate]
      })
    )
  }
  // Options are priced on the same forward curve valuation uses: the view of the non-option data.
  const view = buildMarketView(base)
  const volQuotes: Record<string, VolQuote[]> = {}
  for (const [k, o] of options) {
    const { i } = o
    const forwardUsd = underlyingPriceFor(view, i)
    const input = { forwardUsd, strikeUsd: i.strikeUsd!, years: yearsBetween(asOfMs, i.expiryMs!), optionType: i.optionType! }
    const inverse = i.settlement === 'inverse'
    let vol = o.iv
    if (vol === undefined) {
      try {
        vol = impliedVol(inverse ? o.mark! * forwardUsd : o.mark!, input)
      } catch (e) {
        throw new FileFormatError(file, o.path, `no implied vol from mark ${o.mark} at forward ${forwardUsd.toFixed(2)}: ${(e as Error).message}; give its markIv`)
      }
    }
    const price = o.mark ?? (inverse ? black76InverseCoin({ ...input, vol }) : black76PriceUsd({ ...input, vol }))
    marks[k] = { price, currency: priceCurrency(i), ivPct: vol * 100 }
    ;(volQuotes[i.underlying] ??= []).push({ expiryMs: i.expiryMs!, strikeUsd: i.strikeUsd!, forwardUsd, vol })
  }
  for (const [key, q] of Object.entries(data.quotes ?? {})) {
    const i = resolve('quotes', key)
    const mark = marks[instrumentKey(i.venue, i.symbol)]
    if (!mark) throw new FileFormatError(file, jsonPath(['quotes', key]), `${i.symbol} has a quote but no mark: add it to "marks"${i.kind === 'option' ? ' or "markIv"' : ''}`)
    mark.bid = q.bid
    mark.ask = q.ask
  }
  return { snapshot: { ...base, volQuotes, ...(Object.keys(deriveFeeds).length ? { deriveFeeds } : {}) }, params: data.params }
}

/** The market snapshot a book is valued on; errors a trader can act on when there is none. */
export function bookSnapshot(db: BookDb, bookId: number): MarketSnapshotData {
  const book = findBook(db, bookId)
  if (!book) throw new NotFoundError(`book ${bookId} does not exist`)
  const snapshot = book.marketSnapshotId ? loadMarketSnapshot(db, book.marketSnapshotId) : undefined
  if (!snapshot) throw new Error(`book ${bookId} has no market snapshot: import an option chain first`)
  return snapshot
}

/** A snapshot as a market file; reading it back gives the same marks, IVs and forwards. */
export function marketFileOf(s: MarketSnapshotData, comment?: string): z.input<typeof MarketFile> {
  const fileKey = (key: string): string => (key.startsWith(`${DEFAULT_VENUE}:`) ? key.slice(DEFAULT_VENUE.length + 1) : key)
  const marks = Object.entries(s.marks)
  const file: MarketFileData = {
    ...(comment ? { $comment: comment } : {}),
    asOf: isoOf(s.asOfMs),
    index: s.indexUsd,
    marks: Object.fromEntries(marks.map(([k, m]) => [fileKey(k), tidyNumber(m.price)])),
    markIv: Object.fromEntries(marks.filter(([, m]) => m.ivPct !== undefined).map(([k, m]) => [fileKey(k), tidyNumber(m.ivPct! / 100)])),
    ...(marks.some(([, m]) => m.bid !== undefined && m.ask !== undefined)
      ? { quotes: Object.fromEntries(marks.filter(([, m]) => m.bid !== undefined && m.ask !== undefined).map(([k, m]) => [fileKey(k), { bid: m.bid!, ask: m.ask! }])) }
      : {}),
    forwards: Object.fromEntries(
      Object.entries(s.forwardsUsd).map(([u, byExpiry]) => [u, Object.fromEntries(Object.entries(byExpiry).map(([ms, f]) => [isoOf(Number(ms)), f]))])
    ),
    fundingRate8h: Object.fromEntries(Object.entries(s.fundingRate8h).map(([k, r]) => [fileKey(k), r])),
    ...(s.deriveFeeds
      ? {
          derive: Object.fromEntries(
            Object.entries(s.deriveFeeds).map(([u, f]) => [
              u,
              {
                spotConfidence: f.spotConfidence,
                perpConfidence: f.perpConfidence,
                stablePrice: f.stablePriceUsd,
                expiries: Object.fromEntries(
                  f.expiries.map((e) => [
                    isoOf(e.expiryMs),
                    {
                      forward: e.forwardUsd,
                      rate: e.rate,
                      svi: { ...e.svi, ...(e.sviForwardUsd === undefined ? {} : { forward: e.sviForwardUsd }), ...(e.sviYears === undefined ? {} : { tau: e.sviYears }) },
                      forwardConfidence: e.forwardConfidence,
                      rateConfidence: e.rateConfidence,
                      volConfidence: e.volConfidence
                    }
                  ])
                )
              }
            ])
          )
        }
      : {})
  }
  return file
}

export function exportMarketFile(db: BookDb, bookId: number): z.input<typeof MarketFile> {
  const s = bookSnapshot(db, bookId)
  return marketFileOf(s, `Exported from book ${bookId}, market snapshot ${s.id} (${s.source}).`)
}
