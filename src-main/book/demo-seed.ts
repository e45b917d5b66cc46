/**
 * The embedded default: on first start with an empty book file, seed a realistic demo book
 * (two accounts, Deribit and OKX, 30+ positions across BTC and ETH) and a market snapshot to value it.
 * Option marks are computed from the demo's mark IVs with Black-76 so marks and vols agree.
 */
import { z } from 'zod'
import demoBookJson from '../../resources/demo-book.json'
import type { BookDb } from './database'
import { insertAccount, insertBook } from './books-repository'
import { upsertInstrument } from './instruments-repository'
import { insertPosition } from './positions-repository'
import { setSeedBalance } from './balances-repository'
import { saveMarketSnapshot } from './market-repository'
import { instrumentKey, priceCurrency, type Instrument } from '../engine/instruments/instrument'
import { black76InverseCoin, black76PriceUsd, yearsBetween } from '../engine/pricing/black76'
import type { MarketSnapshotData } from '../engine/market/snapshot'

const InstrumentSpec = z.object({
  venue: z.string(),
  symbol: z.string(),
  kind: z.enum(['spot', 'perpetual', 'future', 'option']),
  settlement: z.enum(['linear', 'inverse']),
  underlying: z.string(),
  quoteCurrency: z.string(),
  settleCurrency: z.string(),
  contractSize: z.number().positive(),
  contractUnit: z.string(),
  tickSize: z.number().positive(),
  lotSize: z.number().positive(),
  expiryUtc: z.iso.datetime().nullable(),
  strikeUsd: z.number().positive().nullable(),
  optionType: z.enum(['call', 'put']).nullable()
})

const DemoBook = z.object({
  book: z.object({ name: z.string() }),
  accounts: z.array(z.object({ name: z.string(), venue: z.string(), baseCurrency: z.string(), balances: z.record(z.string(), z.number()).default({}) })),
  instruments: z.array(InstrumentSpec),
  positions: z.array(
    z.object({ account: z.string(), venue: z.string(), symbol: z.string(), sizeContracts: z.number(), avgPrice: z.number() })
  ),
  market: z.object({
    id: z.string(),
    asOfUtc: z.iso.datetime(),
    source: z.string(),
    indexUsd: z.record(z.string(), z.number().positive()),
    forwardsUsd: z.record(z.string(), z.record(z.iso.datetime(), z.number().positive())),
    linearMarks: z.record(z.string(), z.number().positive()),
    fundingRate8h: z.record(z.string(), z.number()),
    optionMarkIvPct: z.record(z.string(), z.number().positive()),
    /** Derive's own feeds (forward, rate, SVI per expiry) for the Derive account's replica. */
    deriveFeeds: z
      .record(
        z.string(),
        z.object({
          spotConfidence: z.number(),
          perpConfidence: z.number(),
          stablePriceUsd: z.number().positive(),
          expiries: z.array(
            z.object({
              expiryUtc: z.iso.datetime(),
              forwardUsd: z.number().positive(),
              rate: z.number(),
              svi: z.object({ a: z.number(), b: z.number(), rho: z.number(), m: z.number(), sigma: z.number() }),
              forwardConfidence: z.number(),
              rateConfidence: z.number(),
              volConfidence: z.number()
            })
          )
        })
      )
      .optional()
  })
})
type DemoBook = z.infer<typeof DemoBook>

const toInstrument = (s: z.infer<typeof InstrumentSpec>): Instrument => ({
  ...s,
  expiryMs: s.expiryUtc === null ? null : Date.parse(s.expiryUtc)
})

/** Build the demo market snapshot; throws naming the instrument if the demo data is inconsistent. */
export function buildDemoMarket(demo: DemoBook, instruments: Instrument[]): MarketSnapshotData {
  const m = demo.market
  const asOfMs = Date.parse(m.asOfUtc)
  const forwardsUsd: MarketSnapshotData['forwardsUsd'] = {}
  for (const [u, byExpiry] of Object.entries(m.forwardsUsd)) {
    forwardsUsd[u] = Object.fromEntries(Object.entries(byExpiry).map(([iso, f]) => [String(Date.parse(iso)), f]))
  }
  const marks: MarketSnapshotData['marks'] = {}
  const volQuotes: NonNullable<MarketSnapshotData['volQuotes']> = {}
  for (const inst of instruments) {
    const key = instrumentKey(inst.venue, inst.symbol)
    if (inst.kind !== 'option') {
      const price = m.linearMarks[key]
      if (price === undefined) throw new Error(`demo book: no mark for ${key}`)
      marks[key] = { price, currency: priceCurrency(inst) }
      continue
    }
    const ivPct = m.optionMarkIvPct[key]
    const forward = forwardsUsd[inst.underlying]?.[String(inst.expiryMs)]
    if (ivPct === undefined || forward === undefined) throw new Error(`demo book: no mark IV or forward for ${key}`)
    const input = { forwardUsd: forward, strikeUsd: inst.strikeUsd!, years: yearsBetween(asOfMs, inst.expiryMs!), vol: ivPct / 100, optionType: inst.optionType! }
    // Inverse options are quoted in coin, linear ones (Derive's, USDC-settled) in the quote currency.
    const price = inst.settlement === 'inverse' ? black76InverseCoin(input) : black76PriceUsd(input)
    // Venues quote options on their tick (0.0001 BTC at Deribit, 0.01 USDC at Derive); keep the demo on-tick.
    marks[key] = { price: Math.round(price / inst.tickSize) * inst.tickSize, currency: priceCurrency(inst), ivPct }
    ;(volQuotes[inst.underlying] ??= []).push({ expiryMs: inst.expiryMs!, strikeUsd: inst.strikeUsd!, forwardUsd: forward, vol: ivPct / 100 })
  }
  const deriveFeeds: MarketSnapshotData['deriveFeeds'] = m.deriveFeeds
    ? Object.fromEntries(Object.entries(m.deriveFeeds).map(([u, f]) => [u, { ...f, expiries: f.expiries.map(({ expiryUtc, ...e }) => ({ ...e, expiryMs: Date.parse(expiryUtc) })) }]))
    : undefined
  return { id: m.id, asOfMs, source: m.source, indexUsd: m.indexUsd, forwardsUsd, volQuotes, marks, fundingRate8h: m.fundingRate8h, ...(deriveFeeds ? { deriveFeeds } : {}) }
}

/** Seed the demo book (kind 'demo': read-only, never an import target) in one transaction; returns its id. */
export function seedDemoBook(db: BookDb, now = new Date()): number {
  const demo = DemoBook.parse(demoBookJson)
  const instruments = demo.instruments.map(toInstrument)
  const market = buildDemoMarket(demo, instruments)
  return db.transaction(() => {
    saveMarketSnapshot(db, market, now)
    const bookId = insertBook(db, { name: demo.book.name, kind: 'demo', marketSnapshotId: market.id }, now)
    const accountIds = new Map(demo.accounts.map((a) => [a.name, insertAccount(db, bookId, a)]))
    for (const a of demo.accounts) for (const [currency, amount] of Object.entries(a.balances)) setSeedBalance(db, accountIds.get(a.name)!, currency, amount)
    const instrumentIds = new Map(instruments.map((i) => [instrumentKey(i.venue, i.symbol), upsertInstrument(db, i)]))
    for (const p of demo.positions) {
      const accountId = accountIds.get(p.account)
      const instrumentId = instrumentIds.get(instrumentKey(p.venue, p.symbol))
      if (accountId === undefined || instrumentId === undefined) {
        throw new Error(`demo book: position ${p.venue}:${p.symbol} names an unknown account or instrument`)
      }
      insertPosition(db, { bookId, accountId, instrumentId, sizeContracts: p.sizeContracts, avgPrice: p.avgPrice }, now)
    }
    return bookId
  }).immediate()
}
