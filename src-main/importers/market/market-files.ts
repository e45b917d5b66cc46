/**
 * Market-data files, detected from their header like statements:
 * - daily price history as Yahoo, Binance via CCXT, Binance klines and Coinbase export it
 *   (date and OHLC(V) columns found by name);
 * - Deribit DVOL history: date,symbol,open,high,low,close (newest first);
 * - perpetual funding history: timestamp,funding_rate;
 * - a Deribit option chain (book summary), which becomes the book's market snapshot.
 * A price file does not say what it prices: underlying, quote currency (USD and USDT are kept
 * apart) and source come from its name (binance_BTCUSDT_daily.csv) or from the request.
 */
import { CellReader, readCsv, type CsvTable } from '../csv-records'
import { clippedIssues, type RowIssue } from '../statement'
import type { BoundKind } from '../../engine/instruments/bounds'
import { isDeribitBookSummary, parseDeribitBookSummary } from './deribit-book-summary'
import { isDeribitTickerChain, parseDeribitTickerChain } from './deribit-ticker-chain'
import { buildSnapshotFromDeribitChain } from '../../engine/market/chain-snapshot'
import type { MarketSnapshotData } from '../../engine/market/snapshot'

export type MarketDataset = 'prices' | 'vol-index' | 'funding' | 'option-chain'

export interface DailyBar {
  line: number
  day: string
  open: number | null
  high: number | null
  low: number | null
  close: number
  volume: number | null
}

export interface ParsedMarketFile {
  file: string
  format: string
  formatLabel: string
  dataset: MarketDataset
  rowsTotal: number
  /** prices: underlying/quote/source; vol-index: DVOL/underlying; funding: venue/symbol. */
  series: { underlying: string; quoteCurrency: string; source: string; bars: DailyBar[] }[]
  funding: { venue: string; symbol: string; points: { line: number; atMs: number; rate: number }[] } | null
  snapshot: MarketSnapshotData | null
  issues: RowIssue[]
}

export interface MarketHints {
  underlying?: string
  quoteCurrency?: string
  source?: string
  /** The instant an option chain without its own snapshot time was taken. */
  asOfMs?: number
}

const lower = (h: readonly string[]): string[] => h.map((c) => c.toLowerCase())
const DATE_COLUMNS = ['date', 'timestamp', 'time']
const KNOWN_SOURCES = ['binance', 'yahoo', 'coinbase', 'bitstamp', 'kraken', 'deribit', 'okx', 'bybit', 'cryptocompare', 'coingecko']

export function detectMarketDataset(header: readonly string[] | null): MarketDataset | null {
  if (!header) return null
  const h = lower(header)
  if (isDeribitBookSummary(header) || isDeribitTickerChain(header)) return 'option-chain'
  if (h.length === 2 && h.includes('timestamp') && h.includes('funding_rate')) return 'funding'
  if (['date', 'symbol', 'open', 'high', 'low', 'close'].every((c) => h.includes(c)) && h.length === 6) return 'vol-index'
  if (h.includes('close') && h.includes('open') && DATE_COLUMNS.some((c) => h.includes(c))) return 'prices'
  return null
}

/** 'binance_BTCUSDT_daily.csv' → BTC / USDT / binance; 'yahoo_ETH-USD_daily.csv' → ETH / USD / yahoo. */
export function seriesFromFileName(file: string): { underlying: string | null; quoteCurrency: string | null; source: string | null } {
  const name = file.split(/[\\/]/).pop()!.replace(/\.[a-z]+$/i, '')
  const pair = /(?:^|[_\s.-])([A-Z0-9]{2,10}?)[-_/]?(USDT|USDC|USD)(?:$|[_\s.-])/.exec(name)
  const source = KNOWN_SOURCES.find((s) => name.toLowerCase().startsWith(s)) ?? null
  return { underlying: pair?.[1] ?? null, quoteCurrency: pair?.[2] ?? null, source }
}

function column(table: CsvTable, names: string[]): string | null {
  for (const [h] of table.columns) if (names.includes(h.toLowerCase())) return h
  return null
}

/** Daily bars; `bound`: what open, high, low and close are (prices, or vol points for DVOL). */
function readBars(table: CsvTable, file: string, issues: RowIssue[], bound: BoundKind): DailyBar[] {
  const dateCol = column(table, DATE_COLUMNS)!
  const col = (n: string): string | null => column(table, [n])
  const bars: DailyBar[] = []
  for (const record of table.records) {
    const r = new CellReader(file, table, record)
    const at = r.time(dateCol)
    const close = r.number(col('close')!, true, bound)
    const bar = {
      open: col('open') ? r.number(col('open')!, false, bound) : null,
      high: col('high') ? r.number(col('high')!, false, bound) : null,
      low: col('low') ? r.number(col('low')!, false, bound) : null,
      volume: col('volume') ? r.number(col('volume')!, false) : null
    }
    if (close !== null && !(close > 0)) r.issues.push({ file, line: record.line, column: col('close'), reason: `close ${close} is not a positive price`, severity: 'rejected' })
    if (!r.ok || at === null || close === null) {
      issues.push(...r.issues)
      continue
    }
    bars.push({ line: record.line, day: new Date(at).toISOString().slice(0, 10), close, ...bar })
  }
  const byDay = new Map<string, number>()
  const unique = bars.filter((b) => {
    const seen = byDay.get(b.day)
    if (seen === undefined) {
      byDay.set(b.day, b.line)
      return true
    }
    issues.push({ file, line: b.line, column: dateCol, reason: `a second bar for ${b.day} (first at line ${seen})`, severity: 'skipped' })
    return false
  })
  // A file saved before the day closed ends with a partial candle: the exchanges return today's bar as it stands.
  // Only the unmistakable ones are flagged: a last day under 10 % of the recent median volume.
  // Milder cases cannot be told from quiet days (Binance BTC's partial last day has 55 % of the
  // median, Yahoo's complete Saturday 63 %).
  const chronological = [...unique].sort((a, b) => a.day.localeCompare(b.day))
  const last = chronological.at(-1)
  const volumes = chronological.slice(-31, -1).map((b) => b.volume).filter((v): v is number => v !== null && v > 0).sort((a, b) => a - b)
  if (last?.volume !== null && last && volumes.length >= 10 && last.volume! < 0.1 * volumes[volumes.length >> 1]!) {
    issues.push({ file, line: last.line, column: 'volume', reason: `the last day (${last.day}) looks partial: volume ${last.volume} against a median of ${volumes[volumes.length >> 1]}; drop it for backtests`, severity: 'warning' })
  }
  return unique
}

/** A market-data file parsed, every issue's reason clipped (statement.ts clippedIssues). */
export function parseMarketFile(text: string, file: string, dataset: MarketDataset, hints: MarketHints = {}): ParsedMarketFile {
  return clippedIssues(parseMarketFileRows(text, file, dataset, hints))
}

function parseMarketFileRows(text: string, file: string, dataset: MarketDataset, hints: MarketHints): ParsedMarketFile {
  const base = { file, rowsTotal: 0, series: [], funding: null, snapshot: null, issues: [] as RowIssue[] }
  if (dataset === 'option-chain') {
    const ticker = isDeribitTickerChain(readCsv(text, file).header)
    const chain = ticker ? parseDeribitTickerChain(text, file, hints.asOfMs) : { ...parseDeribitBookSummary(text, file), indexNote: null }
    const { snapshot, problems } = buildSnapshotFromDeribitChain(chain.rows, file)
    const issues: RowIssue[] = [...chain.problems, ...problems.map((p) => ({ ...p, file }))].map((p) => ({
      file, line: p.line, column: p.field, reason: p.message.replace(/^.*?: /, ''), severity: 'rejected' as const
    }))
    if (chain.indexNote) issues.unshift({ file, line: 1, column: 'underlying_price', reason: chain.indexNote, severity: 'warning' })
    const format = ticker ? { format: 'deribit-ticker-chain', formatLabel: 'Deribit option chain with Greeks (tickers; snapshot time given)' } : { format: 'deribit-book-summary', formatLabel: 'Deribit option chain (book summary)' }
    return { ...base, ...format, dataset, rowsTotal: chain.rows.length + chain.problems.length, snapshot, issues }
  }
  const table = readCsv(text, file)
  const issues: RowIssue[] = table.problems.map((p) => ({ file, line: p.line, column: null, reason: `not readable as CSV: ${p.message}`, severity: 'rejected' }))
  const named = seriesFromFileName(file)
  if (dataset === 'funding') {
    const venue = hints.source ?? named.source ?? 'binance'
    const symbol = named.underlying && named.quoteCurrency ? `${named.underlying}${named.quoteCurrency}` : null
    if (!symbol) throw new Error(`${file}: which perpetual is this? Name the file like binance_BTCUSDT_perp_funding_8h.csv`)
    const points: { line: number; atMs: number; rate: number }[] = []
    for (const record of table.records) {
      const r = new CellReader(file, table, record)
      const at = r.time('timestamp')
      const rate = r.number('funding_rate', true, 'fundingRate8h')
      if (!r.ok || at === null || rate === null) {
        issues.push(...r.issues)
        continue
      }
      // Exports jitter by a few ms (2019-09-14 16:00:00.001): funding happens on the second.
      points.push({ line: record.line, atMs: Math.round(at / 1000) * 1000, rate })
    }
    return { ...base, format: 'funding-history', formatLabel: 'Perpetual funding-rate history', dataset, rowsTotal: table.records.length, funding: { venue, symbol, points }, issues }
  }
  if (dataset === 'vol-index') {
    const bars = readBars(table, file, issues, 'volPct')
    const underlyings = new Set(table.records.map((r) => r.values[table.columns.get('symbol')!]?.trim().toUpperCase() ?? ''))
    const underlying = hints.underlying ?? (underlyings.size === 1 ? [...underlyings][0]! : null)
    if (!underlying) throw new Error(`${file}: a vol-index file must hold one underlying (symbol column), found ${[...underlyings].join(', ')}`)
    return { ...base, format: 'deribit-dvol', formatLabel: 'Deribit DVOL implied-volatility index history', dataset, rowsTotal: table.records.length, series: [{ underlying, quoteCurrency: 'vol points', source: 'DVOL', bars }], issues }
  }
  const underlying = (hints.underlying ?? named.underlying)?.toUpperCase()
  const quoteCurrency = (hints.quoteCurrency ?? named.quoteCurrency)?.toUpperCase()
  if (!underlying || !quoteCurrency) {
    throw new Error(`${file}: a price history does not say what it prices; name the file like binance_BTCUSDT_daily.csv or yahoo_ETH-USD_daily.csv, or give the underlying and quote currency`)
  }
  const bars = readBars(table, file, issues, 'price')
  return {
    ...base, format: 'price-history', formatLabel: `Daily price history (${underlying}/${quoteCurrency})`, dataset, rowsTotal: table.records.length,
    series: [{ underlying, quoteCurrency, source: hints.source ?? named.source ?? 'file', bars }], issues
  }
}
