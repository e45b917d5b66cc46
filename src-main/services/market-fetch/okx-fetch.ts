/**
 * OKX's public market data (API v5 REST, no authentication) as a market snapshot
 * (https://www.okx.com/docs-v5/en/), per underlying (coin-margined options, instrument family
 * BTC-USD):
 * - GET /api/v5/market/index-tickers (instId BTC-USD): idxPx, the index ("Get index tickers");
 * - GET /api/v5/public/opt-summary (instFamily BTC-USD): markVol (mark implied vol, a fraction) and
 *   fwdPx (the forward the option is priced on) per option ("Get option market data");
 * - GET /api/v5/public/mark-price (instType OPTION, instFamily BTC-USD): markPx, in coin ("Get mark price");
 * - GET /api/v5/market/tickers (instType OPTION, instFamily BTC-USD): bidPx/askPx ("Get tickers");
 * and once per fetch GET /api/v5/public/mark-price for instType SWAP and FUTURES (every contract;
 * only the underlyings asked for are kept), and per swap (BTC-USD-SWAP, BTC-USDT-SWAP, …)
 * GET /api/v5/public/funding-rate ("Get funding rate": fundingRate for the period that settles at
 * fundingTime, the next at nextFundingTime). OKX answers HTTP 200 with `code` "0" when it worked,
 * another code and `msg` when not.
 */
import { z } from 'zod'
import { parseSymbol } from '../../engine/instruments/parse-symbol'
import { instrumentKey, priceCurrency, type Instrument } from '../../engine/instruments/instrument'
import type { MarketSnapshotData } from '../../engine/market/snapshot'
import type { VolQuote } from '../../engine/market/vol-surface'
import { getVenueJson, MarketFetchError, shapeIssue, venueUrl, type VenueGet } from './venue-http'
import { sortedByExpiry, type VenueSnapshot } from './deribit-fetch'

export const OKX_BASE_URL = 'https://www.okx.com'

export const OKX_ENDPOINTS = {
  index: '/api/v5/market/index-tickers',
  optSummary: '/api/v5/public/opt-summary',
  markPrice: '/api/v5/public/mark-price',
  tickers: '/api/v5/market/tickers',
  funding: '/api/v5/public/funding-rate'
} as const

/** The perpetual swaps whose funding is fetched: the coin-margined and the USDT-margined one. */
const swapsOf = (u: string): string[] => [`${u}-USD-SWAP`, `${u}-USDT-SWAP`]

export const okxRequestsSent = (underlyings: readonly string[]): string[] => [
  ...underlyings.flatMap((u) => [
    `GET ${OKX_ENDPOINTS.index}?instId=${u}-USD`,
    `GET ${OKX_ENDPOINTS.optSummary}?instFamily=${u}-USD`,
    `GET ${OKX_ENDPOINTS.markPrice}?instType=OPTION&instFamily=${u}-USD`,
    `GET ${OKX_ENDPOINTS.tickers}?instType=OPTION&instFamily=${u}-USD`
  ]),
  `GET ${OKX_ENDPOINTS.markPrice}?instType=SWAP`,
  `GET ${OKX_ENDPOINTS.markPrice}?instType=FUTURES`,
  ...underlyings.flatMap((u) => swapsOf(u).map((swap) => `GET ${OKX_ENDPOINTS.funding}?instId=${swap}`))
]

/** OKX sends numbers as strings; "" where there is none (no bid). */
const numeric = z.string().refine((s) => s.trim() === '' || Number.isFinite(Number(s)), 'not a number').transform((s) => (s.trim() === '' ? null : Number(s)))
const required = numeric.refine((n) => n !== null, 'empty').transform((n) => n!)
const ts = required.refine((n) => Number.isInteger(n) && n > 0, 'not a timestamp in ms')

const Envelope = z.object({ code: z.string(), msg: z.string().optional(), data: z.unknown() })
const IndexRow = z.object({ instId: z.string(), idxPx: required, ts })
const OptSummaryRow = z.object({ instId: z.string(), markVol: required, fwdPx: required, ts })
const MarkRow = z.object({ instId: z.string(), markPx: required, ts })
const TickerRow = z.object({ instId: z.string(), bidPx: numeric.optional(), askPx: numeric.optional() })
const FundingRow = z.object({ instId: z.string(), fundingRate: required, fundingTime: ts, nextFundingTime: ts })
const EIGHT_HOURS_MS = 8 * 3_600_000

/** One endpoint's `data` rows, or a MarketFetchError naming OKX's code and message or the field at fault. */
async function okxRows<S extends z.ZodType>(get: VenueGet, endpoint: string, query: Record<string, string>, row: S): Promise<z.output<S>[]> {
  const reply = await getVenueJson(get, endpoint, query, Envelope)
  const where = `OKX ${endpoint} (${venueUrl(get.baseUrl, endpoint, query)})`
  if (reply.code !== '0') throw new MarketFetchError('okx', `${where}: OKX error ${reply.code}${reply.msg ? ` ${reply.msg}` : ''}`)
  const rows = z.array(row).safeParse(reply.data)
  if (!rows.success) throw new MarketFetchError('okx', `${where}: ${shapeIssue(rows.error, ['data'])}`)
  return rows.data
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

function instrumentOrNull(symbol: string, where: string, unused: string[]): Instrument | null {
  try {
    return parseSymbol('okx', symbol)
  } catch (e) {
    unused.push(`${where}: ${(e as Error).message}`)
    return null
  }
}

export async function fetchOkx(get: VenueGet, underlyings: readonly string[]): Promise<VenueSnapshot> {
  const unusedRows: string[] = []
  const indexUsd: Record<string, number> = {}
  const forwardsByExpiry: Record<string, Map<number, number[]>> = {}
  const volQuotes: Record<string, VolQuote[]> = {}
  const marks: MarketSnapshotData['marks'] = {}
  const stamps: number[] = []
  for (const u of underlyings) {
    const family = `${u}-USD`
    const index = (await okxRows(get, OKX_ENDPOINTS.index, { instId: family }, IndexRow)).find((r) => r.instId === family)
    if (!index) throw new MarketFetchError('okx', `OKX ${OKX_ENDPOINTS.index} (instId=${family}): no ${family} index in the reply`)
    indexUsd[u] = index.idxPx
    stamps.push(index.ts)
    const summary = await okxRows(get, OKX_ENDPOINTS.optSummary, { instFamily: family }, OptSummaryRow)
    const markPx = new Map((await okxRows(get, OKX_ENDPOINTS.markPrice, { instType: 'OPTION', instFamily: family }, MarkRow)).map((r) => [r.instId, r.markPx]))
    const book = new Map((await okxRows(get, OKX_ENDPOINTS.tickers, { instType: 'OPTION', instFamily: family }, TickerRow)).map((r) => [r.instId, r]))
    const asOfMs = Math.max(index.ts, ...summary.map((r) => r.ts))
    summary.forEach((r, i) => {
      const where = `${OKX_ENDPOINTS.optSummary} instFamily=${family} data[${i}] ${r.instId}`
      const inst = instrumentOrNull(r.instId, where, unusedRows)
      if (!inst) return
      if (inst.kind !== 'option' || inst.underlying !== u) return void unusedRows.push(`${where}: not a ${u} option`)
      if (inst.expiryMs! <= asOfMs) return void unusedRows.push(`${where}: expired before the snapshot time`)
      if (!(r.fwdPx > 0) || !(r.markVol > 0)) return void unusedRows.push(`${where}: fwdPx ${r.fwdPx} or markVol ${r.markVol} is not positive`)
      const mark = markPx.get(r.instId)
      if (mark === undefined) return void unusedRows.push(`${where}: no mark price (${OKX_ENDPOINTS.markPrice} instType=OPTION)`)
      stamps.push(r.ts)
      const quote = book.get(r.instId)
      const bidAsk = quote?.bidPx != null && quote.askPx != null && quote.bidPx > 0 && quote.askPx >= quote.bidPx ? { bid: quote.bidPx, ask: quote.askPx } : {}
      marks[instrumentKey('okx', inst.symbol)] = { price: mark, currency: priceCurrency(inst), ivPct: 100 * r.markVol, ...bidAsk }
      ;(volQuotes[u] ??= []).push({ expiryMs: inst.expiryMs!, strikeUsd: inst.strikeUsd!, forwardUsd: r.fwdPx, vol: r.markVol })
      const expiries = (forwardsByExpiry[u] ??= new Map())
      ;(expiries.get(inst.expiryMs!) ?? expiries.set(inst.expiryMs!, []).get(inst.expiryMs!)!).push(r.fwdPx)
    })
    // An underlying without one usable option would replace the book's vol surface and forwards with
    // nothing: the venue is refused whole (nothing of it written), the last market stays.
    if (!volQuotes[u]?.length) throw new MarketFetchError('okx', `OKX ${OKX_ENDPOINTS.optSummary} (instFamily=${family}): no usable ${u} option in the reply (${unusedRows.find((x) => x.includes(`instFamily=${family} `)) ?? 'empty data'})`)
  }
  const asOfMs = Math.max(...stamps)
  const forwardsUsd: MarketSnapshotData['forwardsUsd'] = {}
  for (const [u, expiries] of Object.entries(forwardsByExpiry)) forwardsUsd[u] = Object.fromEntries([...expiries].map(([e, fs]) => [String(e), median(fs)]))
  for (const instType of ['SWAP', 'FUTURES'] as const) {
    const rows = await okxRows(get, OKX_ENDPOINTS.markPrice, { instType }, MarkRow)
    rows.forEach((r, i) => {
      const u = underlyings.find((x) => r.instId.startsWith(`${x}-USD-`) || r.instId.startsWith(`${x}-USDT-`))
      if (!u) return
      const inst = instrumentOrNull(r.instId, `${OKX_ENDPOINTS.markPrice} instType=${instType} data[${i}] ${r.instId}`, unusedRows)
      if (!inst || (inst.kind === 'future' && inst.expiryMs! <= asOfMs) || !(r.markPx > 0)) return
      marks[instrumentKey('okx', inst.symbol)] = { price: r.markPx, currency: priceCurrency(inst) }
      // A coin-margined future's mark is the forward of its expiry where no option gave one.
      if (inst.kind === 'future' && inst.quoteCurrency === 'USD') (forwardsUsd[u] ??= {})[String(inst.expiryMs)] ??= r.markPx
    })
  }
  for (const u of Object.keys(forwardsUsd)) forwardsUsd[u] = sortedByExpiry(forwardsUsd[u]!)
  const fundingRate8h: Record<string, number> = {}
  for (const swap of underlyings.flatMap(swapsOf)) {
    const row = (await okxRows(get, OKX_ENDPOINTS.funding, { instId: swap }, FundingRow)).find((r) => r.instId === swap)
    const key = instrumentKey('okx', swap)
    if (!row || !(key in marks)) continue
    // OKX's periods are 8 hours for most swaps, shorter for some: the rate is scaled to 8 hours by
    // the period's length (ours; the snapshot keeps funding per 8 hours).
    const periodMs = row.nextFundingTime - row.fundingTime
    fundingRate8h[key] = periodMs > 0 ? (row.fundingRate * EIGHT_HOURS_MS) / periodMs : row.fundingRate
  }
  const names = Object.keys(indexUsd).sort().join('-')
  const snapshot: MarketSnapshotData = {
    id: `okx-api-${names}-${new Date(asOfMs).toISOString()}`,
    asOfMs,
    source: `OKX public API ${get.baseUrl} (index-tickers, opt-summary, mark-price, tickers, funding-rate)`,
    indexUsd,
    forwardsUsd,
    volQuotes,
    marks,
    fundingRate8h
  }
  return { snapshot, unusedRows }
}
