/**
 * Writes the import fuzz corpus, tests/fixtures/fuzz/ (checked in: it is the regression corpus that
 * fuzz-corpus.test.ts replays through the API). Deterministic: the same seeds give the same bytes.
 *
 *   npx tsx tests/fuzz/generate-corpus.ts           rewrite the corpus
 *   npx tsx tests/fuzz/generate-corpus.ts --check   compare the checked-in corpus with a fresh generation
 *
 * Seeds: every statement in tests/fixtures/statements (Deribit, OKX, Bybit, Binance, IBKR CSV and
 * XML, a generic broker CSV) and synthetic market files written here in the venues' layouts (daily
 * prices as Binance, Yahoo and Coinbase export them, Deribit DVOL, Binance funding, Deribit book
 * summaries and a ticker chain with Greeks). Each seed goes in unchanged (`orig`), then mutated: one
 * mutation per file, a few files per mutation, on seeds of every venue; `mix-a+b` files apply
 * several. File names say seed, PRNG number and mutation (see corpus.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, extname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Papa from 'papaparse'
import { uniformInt } from 'pure-rand/distribution/uniformInt'
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'
import { black76InverseCoin, yearsBetween } from '../../src-main/engine/pricing/black76'
import { CORPUS_DIR, MAX_CORPUS_BYTES, MAX_FILE_BYTES, TICKER_CHAIN_STEM } from './corpus'

const STATEMENTS = resolve(import.meta.dirname, '../fixtures/statements')
/** Seeds the plan (which seed gets which mutation); each file's own PRNG is seeded by its number. */
const PLAN_SEED = 20_261_203

// ---------------------------------------------------------------------------------------------
// PRNG

export class Rng {
  private readonly g: ReturnType<typeof xoroshiro128plus>
  constructor(seed: number) {
    // Neighbouring seeds (files s41, s42…) start alike: scramble the seed and skip the first draws.
    this.g = xoroshiro128plus(Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) ^ (seed >>> 7))
    for (let i = 0; i < 16; i++) this.g.next()
  }
  /** Integer in [from, to]. */
  int(from: number, to: number): number {
    return to <= from ? from : uniformInt(this.g, from, to)
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('pick from nothing')
    return xs[this.int(0, xs.length - 1)]!
  }
  chance(p: number): boolean {
    return this.int(0, 999_999) < p * 1_000_000
  }
  shuffle<T>(xs: readonly T[]): T[] {
    const out = [...xs]
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i)
      ;[out[i], out[j]] = [out[j]!, out[i]!]
    }
    return out
  }
}

// ---------------------------------------------------------------------------------------------
// Seeds

export interface Seed {
  stem: string
  ext: 'csv' | 'xml'
  text: string
}

const isXml = (s: Seed): boolean => s.ext === 'xml'
const isCsv = (s: Seed): boolean => s.ext === 'csv'

function statementSeeds(): Seed[] {
  return readdirSync(STATEMENTS)
    .filter((f) => /\.(csv|xml)$/.test(f))
    .sort()
    .map((f) => ({ stem: basename(f, extname(f)), ext: extname(f).slice(1) as 'csv' | 'xml', text: readFileSync(join(STATEMENTS, f), 'utf8') }))
}

const DAY = 86_400_000
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10)
const fx = (x: number, d: number): string => x.toFixed(d)

/** A seeded lognormal walk of daily bars ending on `lastDay`, oldest first. */
function walk(rng: Rng, days: number, lastDay: string, lastClose: number, vol: number): { ms: number; open: number; high: number; low: number; close: number; volume: number }[] {
  const closes = [lastClose]
  for (let i = 1; i < days; i++) closes.unshift(closes[0]! / Math.exp(vol * ((rng.int(0, 2000) - 1000) / 577)))
  const end = Date.parse(`${lastDay}T00:00:00Z`)
  return closes.map((close, i) => {
    const open = i ? closes[i - 1]! : close
    return { ms: end - (days - 1 - i) * DAY, open, high: Math.max(open, close) * 1.012, low: Math.min(open, close) * 0.988, close, volume: 800 + rng.int(0, 60_000) / 10 }
  })
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
/** Deribit's expiry code: 29MAR24. */
const expiryCode = (ms: number): string => {
  const d = new Date(ms)
  return `${d.getUTCDate()}${MONTHS[d.getUTCMonth()]}${String(d.getUTCFullYear()).slice(2)}`
}

/** A Deribit book summary (public/get_book_summary_by_currency saved as CSV), in the real column order. */
function bookSummary(rng: Rng, u: string, indexUsd: number, createdMs: number, expiries: string[], strikes: number[]): string {
  const header =
    'mid_price,volume_usd,quote_currency,estimated_delivery_price,creation_timestamp,base_currency,underlying_index,underlying_price,mark_iv,volume,interest_rate,price_change,open_interest,ask_price,bid_price,instrument_name,mark_price,last,low,high'
  const rows: string[] = []
  for (const e of expiries) {
    const expiryMs = Date.parse(`${e}T08:00:00Z`)
    const years = yearsBetween(createdMs, expiryMs)
    const forward = indexUsd * Math.exp(0.09 * years)
    for (const k of strikes) {
      for (const type of ['C', 'P'] as const) {
        const iv = 48 + 14 * Math.abs(Math.log(k / forward)) * 10 + rng.int(0, 300) / 100
        const mark = black76InverseCoin({ forwardUsd: forward, strikeUsd: k, years, vol: iv / 100, optionType: type === 'C' ? 'call' : 'put' })
        const bid = mark > 0.0006 ? Math.max(0.0001, mark - 0.0005) : null
        const ask = mark + 0.0005
        const name = `${u}-${expiryCode(expiryMs)}-${k}-${type}`
        rows.push(
          [bid === null ? '' : fx((bid + ask) / 2, 5), fx(rng.int(0, 500_000) / 1.3, 2), u, fx(indexUsd, 2), createdMs + rng.int(0, 19), u, `SYN.${u}-${expiryCode(expiryMs)}`, String(forward), fx(iv, 2), fx(rng.int(0, 400) / 2, 1), '0.0', fx((rng.int(0, 4000) - 2000) / 100, 4), fx(rng.int(0, 900) / 2, 1), fx(ask, 4), bid === null ? '' : fx(bid, 4), name, fx(mark, 8), fx(mark, 4), fx(mark * 0.9, 4), fx(mark * 1.1, 4)].join(',')
        )
      }
    }
  }
  return `${header}\n${rows.join('\n')}\n`
}

/** A Deribit chain saved from public/ticker per instrument, with Greeks: no snapshot time in it. */
function tickerChain(rng: Rng): string {
  const header =
    'instrument_name,currency,type,strike,expiration_timestamp,expiration,creation_timestamp,contract_size,tick_size,min_trade_amount,spot_ref,mark_price,best_bid_price,best_ask_price,underlying_price,mark_iv,bid_iv,ask_iv,open_interest,volume,volume_usd,delta,gamma,theta,vega'
  const asOf = Date.parse('2026-03-01T13:49:00Z')
  const index = 66_742.5678
  const rows: string[] = []
  for (const e of ['2026-03-13', '2026-03-27', '2026-06-26']) {
    const expiryMs = Date.parse(`${e}T08:00:00Z`)
    const years = yearsBetween(asOf, expiryMs)
    const forward = index * Math.exp(0.05 * years)
    for (const k of [58_000, 62_000, 66_000, 70_000, 76_000]) {
      for (const type of ['call', 'put'] as const) {
        const iv = 55 + 20 * Math.abs(Math.log(k / forward)) * 5 + rng.int(0, 200) / 100
        const mark = black76InverseCoin({ forwardUsd: forward, strikeUsd: k, years, vol: iv / 100, optionType: type })
        rows.push(
          [`BTC-${expiryCode(expiryMs)}-${k}-${type === 'call' ? 'C' : 'P'}`, 'BTC', type, fx(k, 1), expiryMs, `${e} 08:00:00+00:00`, expiryMs - 40 * DAY - rng.int(0, 9) * DAY, '1.0', '0.0001', '0.1', fx(index, 4),
            fx(mark, 4), fx(Math.max(0.0001, mark - 0.0015), 4), fx(mark + 0.0015, 4), fx(forward, 1), fx(iv, 2), fx(iv - 4, 2), fx(iv + 4, 2), fx(rng.int(0, 300) / 10, 1), '0.0', '0.0',
            fx(type === 'call' ? 0.5 : -0.5, 5), '4e-05', fx(-90 - rng.int(0, 20), 5), fx(30 + rng.int(0, 20), 5)].join(',')
        )
      }
    }
  }
  return `${header}\n${rows.join('\n')}\n`
}

/** Market files in the layouts the importers read (as ../shared/data holds them), written here from seeded walks. */
function marketSeeds(): Seed[] {
  const rng = new Rng(PLAN_SEED + 1)
  const btc = walk(rng, 60, '2024-03-11', 72_000, 0.03)
  const eth = walk(rng, 45, '2024-03-11', 3_950, 0.035)
  const sol = walk(rng, 40, '2024-03-11', 145, 0.05)
  const dvol = walk(rng, 50, '2024-03-11', 62, 0.04)
  const seeds: Seed[] = [
    { stem: 'binance_BTCUSDT_daily', ext: 'csv', text: `timestamp,open,high,low,close,volume\n${btc.map((b) => `${isoDay(b.ms)},${fx(b.open, 2)},${fx(b.high, 2)},${fx(b.low, 2)},${fx(b.close, 2)},${fx(b.volume, 6)}`).join('\n')}\n` },
    {
      stem: 'yahoo_ETH-USD_daily', ext: 'csv',
      text: `Date,Open,High,Low,Close,Volume,Dividends,Stock Splits\n${eth.map((b) => `${isoDay(b.ms)} 00:00:00+00:00,${b.open},${b.high},${b.low},${b.close},${Math.round(b.volume * 1e5)},0.0,0.0`).join('\n')}\n`
    },
    {
      stem: 'coinbase_BTC-USD_daily', ext: 'csv',
      text: `timestamp,open,close,volume,unix_timestamp,high,low\n${btc.slice(-30).map((b) => `${isoDay(b.ms)} 00:00:00,${fx(b.open * 1.0004, 2)},${fx(b.close * 1.0004, 2)},${b.volume},${b.ms / 1000},${fx(b.high, 2)},${fx(b.low, 2)}`).join('\n')}\n`
    },
    {
      stem: 'binance_SOLUSDT_daily_2024', ext: 'csv',
      text: `time,open,high,low,close,volume,timestamp\n${sol.map((b) => `${isoDay(b.ms)} 00:00:00,${fx(b.open, 8)},${fx(b.high, 8)},${fx(b.low, 8)},${fx(b.close, 8)},${fx(b.volume * 1000, 8)},${b.ms}`).join('\n')}\n`
    },
    { stem: 'deribit_dvol_btc_daily', ext: 'csv', text: `date,symbol,open,high,low,close\n${[...dvol].reverse().map((b) => `${isoDay(b.ms)},BTC,${fx(b.open, 2)},${fx(b.high, 2)},${fx(b.low, 2)},${fx(b.close, 2)}`).join('\n')}\n` },
    {
      stem: 'binance_BTCUSDT_perp_funding_8h', ext: 'csv',
      text: `timestamp,funding_rate\n${Array.from({ length: 90 }, (_, i) => `${new Date(Date.parse('2024-02-10T00:00:00Z') + i * 8 * 3_600_000 + (i % 7 === 3 ? 1 : 0)).toISOString().replace('T', ' ').replace('Z', '')},${fx((rng.int(-20, 120)) / 1e6, 8)}`).join('\n')}\n`
    },
    { stem: 'deribit_btc_book_summary_2024-03-12', ext: 'csv', text: bookSummary(rng, 'BTC', 72_011.29, 1_710_223_032_940, ['2024-03-29', '2024-04-26', '2024-06-28'], [60_000, 65_000, 70_000, 75_000, 80_000, 90_000]) },
    { stem: 'deribit_eth_book_summary_2024-03-12', ext: 'csv', text: bookSummary(rng, 'ETH', 3_955.4, 1_710_224_101_429, ['2024-03-29', '2024-06-28'], [3_000, 3_500, 4_000, 4_500]) },
    { stem: TICKER_CHAIN_STEM, ext: 'csv', text: tickerChain(rng) }
  ]
  return seeds
}

export const allSeeds = (): Seed[] => [...statementSeeds(), ...marketSeeds()]

// ---------------------------------------------------------------------------------------------
// Text helpers: lines, cells (CSV cells or XML attribute values), with their spans

interface Layout {
  lines: string[]
  eol: string
  delim: string
  /** Index of the header line (CSV) or of the root element's line (XML). */
  header: number
  /** Lines after the header with content. */
  data: number[]
}

function layout(seed: Seed, text: string): Layout {
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const lines = text.split(/\r\n|\n|\r/)
  const head = lines.slice(0, 4)
  const delim = head.join('').split(';').length > head.join('').split(',').length ? ';' : ','
  let header = 0
  if (isCsv(seed)) {
    let best = -1
    head.forEach((l, i) => {
      const n = l.split(delim).length
      if (n > best) [best, header] = [n, i]
    })
  } else header = Math.max(0, lines.findIndex((l) => /<FlexQueryResponse|<[A-Za-z]/.test(l) && !l.startsWith('<?')))
  const data = lines.map((l, i) => (i > header && l.trim() !== '' ? i : -1)).filter((i) => i >= 0)
  return { lines, eol, delim, header, data: data.length ? data : [Math.min(header + 1, lines.length - 1)] }
}

/** Cell spans [start, end) of a CSV line (double quotes respected) or attribute-value spans of an XML line. */
function cellSpans(seed: Seed, line: string, delim: string): [number, number][] {
  const spans: [number, number][] = []
  if (isXml(seed)) {
    for (const m of line.matchAll(/="([^"]*)"/g)) spans.push([m.index! + 2, m.index! + 2 + m[1]!.length])
    return spans
  }
  let start = 0
  let quoted = false
  for (let i = 0; i <= line.length; i++) {
    const c = line[i]
    if (c === '"') quoted = !quoted
    else if ((c === delim && !quoted) || i === line.length) {
      spans.push([start, i])
      start = i + 1
    }
  }
  return spans
}

const NUMBER = /^"?-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?"?$/
const DATE = /^"?(?:\d{2,4}-\d{1,2}-\d{1,2}|\d{1,2} [A-Za-z]{3} \d{4}|\d{8}(?:;\d{6})?$|\d{13}$)/

/** Replace `count` cells of data lines that satisfy `accept` by `make(old)`. */
function replaceCells(seed: Seed, text: string, rng: Rng, count: number, accept: (cell: string) => boolean, make: (cell: string) => string): string {
  const L = layout(seed, text)
  const candidates: { line: number; span: [number, number] }[] = []
  for (const i of L.data) for (const span of cellSpans(seed, L.lines[i]!, L.delim)) if (accept(L.lines[i]!.slice(span[0], span[1]))) candidates.push({ line: i, span })
  if (candidates.length === 0) return text
  const chosen = rng.shuffle(candidates).slice(0, count)
  // Right to left within a line, so earlier spans stay valid.
  chosen.sort((a, b) => a.line - b.line || b.span[0] - a.span[0])
  for (const c of chosen) {
    const l = L.lines[c.line]!
    L.lines[c.line] = l.slice(0, c.span[0]) + make(l.slice(c.span[0], c.span[1])) + l.slice(c.span[1])
  }
  return L.lines.join(L.eol)
}

/** Whether some cell of a data line satisfies `accept`. */
function hasCell(seed: Seed, accept: (cell: string) => boolean): boolean {
  const L = layout(seed, seed.text)
  return L.data.some((i) => cellSpans(seed, L.lines[i]!, L.delim).some(([a, b]) => accept(L.lines[i]!.slice(a, b))))
}

const csvRows = (text: string, delim: string): string[][] => Papa.parse<string[]>(text, { delimiter: delim, skipEmptyLines: false }).data
const unparse = (rows: string[][], delim: string, eol: string): string => Papa.unparse(rows, { delimiter: delim, newline: eol })

/** Apply `f` to the CSV's rows from the header on (preamble rows kept as they are). */
function mapColumns(seed: Seed, text: string, f: (rows: string[][]) => string[][]): string {
  const L = layout(seed, text)
  const rows = csvRows(text, L.delim)
  let header = 0
  rows.slice(0, 4).forEach((r, i) => {
    if (r.length > rows[header]!.length) header = i
  })
  return unparse([...rows.slice(0, header), ...f(rows.slice(header))], L.delim, L.eol)
}

const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'))
const utf16le = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf16le'))
const concat = (...parts: (Uint8Array | number[])[]): Uint8Array => new Uint8Array(Buffer.concat(parts.map((p) => Buffer.from(p as Uint8Array))))

// ---------------------------------------------------------------------------------------------
// Mutations

type Out = string | Uint8Array
interface Mutation {
  applies: (s: Seed) => boolean
  /** Files of this mutation in the corpus. */
  count: number
  /** Returns bytes (an encoding) or text; may rename the file (the name is input too). */
  run: (s: Seed, text: string, rng: Rng, n: number) => Out | { text: Out; stem: string }
  /** Usable inside mix-… (a text mutation that keeps the file small). */
  mixable: boolean
}

const HUGE = ['1e308', '1e999', '-1e308', '1.7976931348623157e308', '-1e999', '9e15', '1e15', '999999999999999.9', '123456789012345678901234567890', '4294967296', '9007199254740993', '1e-400', '5e-324']
const SPECIAL = ['NaN', 'nan', 'Infinity', '-Infinity', 'inf', '-0', '+0', '-0.0', '0x1F', '1_000', ' 1 ', '.', '-', '+', '1.2.3', '--1', '+-1', '1e', 'e5', '١٢٣', '１２３', '1,5', '1 000', '(12.5)', '12.5-', '$12.5', '12%', 'null', 'undefined', 'true', '0E-8', '1e+', '=1+2']
const DATES = [
  '2024-03-12T05:57:12+14:00', '2024-03-12 05:57:12 +25:00', '2024-03-12T05:57:12-99:99', '2024-03-12T05:57:12+05:30', '2024-03-12 05:57:12 UTC', '12/03/2024 05:57:12', '03/12/2024', '2024-02-30 10:00:00',
  '2024-13-01 00:00:00', '2024-03-12 24:00:00', '2024-03-12 23:59:60', '2024-03-12 25:61:61', '0000-00-00 00:00:00', '9999-12-31 23:59:59', '1970-01-01 00:00:00', '1900-02-29 00:00:00', '1710223032', '-1710223032940',
  '99999999999999', '12 Foo 2024 05:57:12', '31 Feb 2025 08:00:00', '2024-03-12T05:57:12.123456789Z', '2024-W11-2', '20240312', '20250230;101500', '20251301', 'yesterday', '26-02-29 10:00:00', '2024-03-12T05:57:12Z[Europe/Paris]', '+275760-09-13 00:00:00'
]
const INVALID_UTF8 = [[0xff], [0xfe], [0xc3, 0x28], [0xa0, 0xa1], [0xe2, 0x28, 0xa1], [0xf0, 0x28, 0x8c, 0xbc], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xe2, 0x82]]
const UNICODE = ['\u200b', '\u200e', '\u202e', '\u0301', '\u00a0', '\u2028', '\ud83d\ude80', '\ufffd', '\u0000', 'Ω', '\u3000', '\ud800']
const MAGIC: Record<string, number[]> = {
  png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], zip: [0x50, 0x4b, 0x03, 0x04], pdf: [...Buffer.from('%PDF-1.7\n')], sqlite: [...Buffer.from('SQLite format 3\0')],
  gzip: [0x1f, 0x8b, 0x08, 0x00], elf: [0x7f, 0x45, 0x4c, 0x46], xlsx: [0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]
}

function randomBytes(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.int(0, 255))
}

/** Insert byte sequences at cell positions of the UTF-8 encoding. */
function injectBytes(seed: Seed, text: string, rng: Rng, count: number, pick: () => number[]): Uint8Array {
  const marker = '\u0001\u0002'
  const marked = replaceCells(seed, text, rng, count, () => true, (c) => {
    const at = rng.int(0, c.length)
    return c.slice(0, at) + marker + c.slice(at)
  })
  const parts = marked.split(marker)
  const out: (Uint8Array | number[])[] = []
  parts.forEach((p, i) => {
    if (i) out.push(pick())
    out.push(utf8(p))
  })
  return concat(...out)
}

const longCell = (rng: Rng, room: number): string => {
  const n = Math.max(300, Math.min(rng.int(4_000, 30_000), room))
  switch (rng.int(0, 4)) {
    case 0: return '9'.repeat(n)
    case 1: return 'BTC-PERPETUAL'.repeat(Math.ceil(n / 13)).slice(0, n)
    case 2: return `"${'a,b\n"" '.repeat(Math.ceil(n / 7)).slice(0, n)}"`
    case 3: return '€'.repeat(Math.floor(n / 3))
    default: return `0.${'1'.repeat(n)}`
  }
}

/** The variant numbered n (each file of a mutation gets the next one: all of them are in the corpus). */
const nth = <T>(n: number, xs: readonly T[]): T => xs[n % xs.length]!

const withLines = (text: string, f: (L: Layout) => void, seed: Seed): string => {
  const L = layout(seed, text)
  f(L)
  return L.lines.join(L.eol)
}

export const MUTATIONS: Record<string, Mutation> = {
  // -- truncation
  'truncate-row': {
    applies: () => true, count: 8, mixable: true,
    run: (s, t, rng) => {
      const L = layout(s, t)
      const i = rng.pick(L.data)
      const line = L.lines[i]!
      return [...L.lines.slice(0, i), line.slice(0, rng.int(1, Math.max(1, line.length - 1)))].join(L.eol)
    }
  },
  'truncate-quote': {
    applies: () => true, count: 8, mixable: false,
    run: (s, t, rng) => {
      const L = layout(s, t)
      const i = rng.pick(L.data)
      const line = L.lines[i]!
      const spans = cellSpans(s, line, L.delim).filter(([a, b]) => b > a)
      const [a, b] = spans.length ? rng.pick(spans) : [0, line.length]
      const cut = rng.int(a, Math.max(a, b - 1))
      // XML: cut inside the attribute value (its quote opened); CSV: open a quote and cut inside the cell.
      const head = isXml(s) ? line.slice(0, cut) : line[a] === '"' ? line.slice(0, Math.max(a + 1, cut)) : `${line.slice(0, a)}"${line.slice(a, cut)}`
      return [...L.lines.slice(0, i), head].join(L.eol)
    }
  },
  'truncate-bytes': {
    applies: () => true, count: 6, mixable: false,
    run: (_s, t, rng) => {
      const bytes = utf8(t)
      // Inside a multi-byte character when the file has one, else anywhere past the first line.
      const multi = [...bytes.keys()].filter((i) => bytes[i]! >= 0xc0)
      const at = multi.length && rng.chance(0.7) ? rng.pick(multi) + 1 : rng.int(Math.min(bytes.length, 8), bytes.length - 1)
      return bytes.slice(0, at)
    }
  },
  // -- columns (CSV)
  'drop-column': {
    applies: isCsv, count: 8, mixable: true,
    run: (s, t, rng) => mapColumns(s, t, (rows) => {
      const j = rng.int(0, rows[0]!.length - 1)
      return rows.map((r) => r.filter((_, k) => k !== j))
    })
  },
  'drop-header-cell': {
    applies: isCsv, count: 6, mixable: true,
    run: (s, t, rng) => mapColumns(s, t, (rows) => {
      const j = rng.int(0, rows[0]!.length - 1)
      return [rows[0]!.filter((_, k) => k !== j), ...rows.slice(1)]
    })
  },
  'dup-column': {
    applies: isCsv, count: 6, mixable: true,
    run: (s, t, rng) => mapColumns(s, t, (rows) => {
      const j = rng.int(0, rows[0]!.length - 1)
      return rows.map((r) => (r.length > j ? [...r.slice(0, j + 1), r[j]!, ...r.slice(j + 1)] : r))
    })
  },
  'swap-columns': {
    applies: isCsv, count: 8, mixable: true,
    run: (s, t, rng) => mapColumns(s, t, (rows) => {
      const n = rows[0]!.length
      const i = rng.int(0, n - 1)
      const j = (i + rng.int(1, Math.max(1, n - 1))) % n
      return [rows[0]!, ...rows.slice(1).map((r) => r.map((c, k) => (k === i ? (r[j] ?? '') : k === j ? (r[i] ?? '') : c)))]
    })
  },
  'swap-header': {
    applies: isCsv, count: 6, mixable: true,
    run: (s, t, rng) => mapColumns(s, t, (rows) => {
      const h = [...rows[0]!]
      const i = rng.int(0, h.length - 1)
      const j = rng.int(0, h.length - 1)
      ;[h[i], h[j]] = [h[j]!, h[i]!]
      return [h, ...rows.slice(1)]
    })
  },
  'row-ragged': {
    applies: isCsv, count: 6, mixable: true,
    run: (s, t, rng) => mapColumns(s, t, (rows) => rows.map((r, k) => (k === 0 || !rng.chance(0.4) ? r : rng.chance(0.5) ? r.slice(0, rng.int(1, r.length)) : [...r, ...Array.from({ length: rng.int(1, 5) }, () => rng.pick(['', 'x', '0', '1e308']))])))
  },
  'delimiter-swap': {
    applies: isCsv, count: 6, mixable: false,
    run: (s, t, rng) => {
      const L = layout(s, t)
      return unparse(csvRows(t, L.delim), rng.pick([';', '\t', '|', ', ']), L.eol)
    }
  },
  'header-case': {
    applies: isCsv, count: 5, mixable: true,
    run: (s, t, rng) => {
      const how = rng.int(0, 3)
      return withLines(t, (L) => {
        const h = L.lines[L.header]!
        L.lines[L.header] = how === 0 ? h.toUpperCase() : how === 1 ? h.toLowerCase() : how === 2 ? h.split(L.delim).map((c) => ` ${c}\t`).join(L.delim) : h.split(L.delim).map((c) => `${c}:`).join(L.delim)
      }, s)
    }
  },
  'dup-header': {
    applies: isCsv, count: 6, mixable: true,
    run: (s, t, rng) => withLines(t, (L) => {
      const at = rng.chance(0.3) ? L.header : rng.pick(L.data)
      L.lines.splice(at, 0, L.lines[L.header]!)
    }, s)
  },
  'header-only': {
    applies: () => true, count: 6, mixable: false,
    run: (s, t, rng) => {
      const L = layout(s, t)
      if (isXml(s)) {
        // The response and statement elements without their content.
        const m = /^[\s\S]*?<FlexStatement\b[^>]*>/.exec(t)
        return m ? `${m[0]}\n</FlexStatement></FlexStatements></FlexQueryResponse>\n` : t.slice(0, 200)
      }
      return L.lines.slice(0, L.header + 1).join(L.eol) + (rng.chance(0.5) ? L.eol : '')
    }
  },
  'preamble-junk': {
    applies: () => true, count: 6, mixable: true,
    run: (_s, t, rng) => {
      const junk = ['Report generated 2024-03-12 05:57:12', 'a,b', '', '"', 'UID: 123,Account Type: Trading,Time Zone: UTC+99', 'Total,,,,', '#,comment', ',,,,,,,,,,,,,,,', 'Deribit,transaction,log']
      return Array.from({ length: rng.int(1, 14) }, () => rng.pick(junk)).join('\n') + '\n' + t
    }
  },
  // -- rows
  'dup-rows': {
    applies: () => true, count: 6, mixable: true,
    run: (s, t, rng) => withLines(t, (L) => {
      for (let k = rng.int(1, 5); k > 0; k--) {
        const i = rng.pick(L.data)
        L.lines.splice(rng.chance(0.5) ? i : L.lines.length - 1, 0, L.lines[i]!)
      }
    }, s)
  },
  'drop-rows': {
    applies: () => true, count: 5, mixable: true,
    run: (s, t, rng) => withLines(t, (L) => {
      const drop = new Set(rng.shuffle(L.data).slice(0, rng.int(1, Math.max(1, L.data.length >> 1))))
      L.lines = L.lines.filter((_, i) => !drop.has(i))
    }, s)
  },
  'shuffle-rows': {
    applies: () => true, count: 6, mixable: true,
    run: (s, t, rng) => withLines(t, (L) => {
      const order = rng.chance(0.3) ? [...L.data].reverse() : rng.shuffle(L.data)
      const moved = order.map((i) => L.lines[i]!)
      L.data.forEach((i, k) => (L.lines[i] = moved[k]!))
    }, s)
  },
  // -- cells
  'empty-cells': {
    applies: () => true, count: 8, mixable: true,
    run: (s, t, rng) => (rng.chance(0.2)
      ? withLines(t, (L) => {
        const i = rng.pick(L.data)
        L.lines[i] = isXml(s) ? L.lines[i]!.replace(/="[^"]*"/g, '=""') : L.delim.repeat(cellSpans(s, L.lines[i]!, L.delim).length - 1)
      }, s)
      : replaceCells(s, t, rng, rng.int(1, 6), (c) => c !== '', () => (rng.chance(0.8) ? '' : rng.pick([' ', '""', '\t', '--', 'N/A']))))
  },
  'num-huge': {
    applies: () => true, count: 8, mixable: true,
    run: (s, t, rng) => replaceCells(s, t, rng, rng.int(1, 5), (c) => NUMBER.test(c), () => rng.pick(HUGE))
  },
  'num-special': {
    applies: () => true, count: 8, mixable: true,
    run: (s, t, rng) => replaceCells(s, t, rng, rng.int(1, 5), (c) => NUMBER.test(c), () => rng.pick(SPECIAL))
  },
  'long-cell': {
    applies: () => true, count: 12, mixable: false,
    run: (s, t, rng) => isCsv(s) && rng.chance(0.3)
      ? withLines(t, (L) => {
        // A header cell: what a message about an unknown header may quote.
        const spans = cellSpans(s, L.lines[L.header]!, L.delim)
        const [a, b] = rng.pick(spans)
        L.lines[L.header] = L.lines[L.header]!.slice(0, a) + longCell(rng, 46_000 - utf8(t).length).replace(/["\n]/g, '') + L.lines[L.header]!.slice(b)
      }, s)
      : replaceCells(s, t, rng, 1, () => true, () => {
      const cell = longCell(rng, 46_000 - utf8(t).length)
      // Inside an XML attribute a double quote would end it: make the long value a plain one there.
      return isXml(s) ? cell.replace(/"/g, "'").replace(/\n/g, ' ') : cell
    })
  },
  'extra-delims': {
    applies: isCsv, count: 6, mixable: true,
    run: (s, t, rng) => withLines(t, (L) => {
      for (let k = rng.int(1, 4); k > 0; k--) {
        const i = rng.pick(L.data)
        const line = L.lines[i]!
        const spans = cellSpans(s, line, L.delim)
        const how = rng.int(0, 2)
        if (how === 0) {
          const at = rng.pick(spans)[1]
          L.lines[i] = line.slice(0, at) + L.delim.repeat(rng.int(1, 3)) + line.slice(at)
        } else if (how === 1) L.lines[i] = line + L.delim.repeat(rng.int(1, 40))
        else L.lines.splice(i, 0, L.delim.repeat(rng.int(1, 30)))
      }
    }, s)
  },
  'quote-unbalanced': {
    applies: () => true, count: 8, mixable: true,
    run: (s, t, rng) => withLines(t, (L) => {
      for (let k = rng.int(1, 3); k > 0; k--) {
        const i = rng.pick(L.data)
        const line = L.lines[i]!
        const spans = cellSpans(s, line, L.delim)
        const [a, b] = spans.length ? rng.pick(spans) : [0, line.length]
        const at = rng.pick([a, b, rng.int(a, b)])
        L.lines[i] = line.slice(0, at) + rng.pick(['"', '"', "'", '"""', '\\"']) + line.slice(at)
      }
    }, s)
  },
  'date-format': {
    applies: (s) => hasCell(s, (c) => DATE.test(c)),
    count: 8, mixable: true,
    run: (s, t, rng) => replaceCells(s, t, rng, rng.int(1, 4), (c) => DATE.test(c), (c) => (c.startsWith('"') ? `"${rng.pick(DATES)}"` : rng.pick(DATES)))
  },
  'unicode-cells': {
    applies: () => true, count: 6, mixable: true,
    run: (s, t, rng) => replaceCells(s, t, rng, rng.int(1, 6), (c) => c !== '', (c) => {
      const at = rng.int(0, c.length)
      const u = rng.pick(UNICODE)
      // Fullwidth digits for a number, else a character where none is expected.
      return NUMBER.test(c) && rng.chance(0.3) ? c.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))) : c.slice(0, at) + u + c.slice(at)
    })
  },
  'nul-bytes': {
    applies: () => true, count: 5, mixable: true,
    run: (_s, t, rng) => {
      let out = t
      for (let k = rng.int(1, 10); k > 0; k--) {
        const at = rng.int(0, out.length)
        out = out.slice(0, at) + '\u0000'.repeat(rng.int(1, 4)) + out.slice(at)
      }
      return out
    }
  },
  'name-hint': {
    // The file name is input: Binance's zone, Deribit's account and currency, what a price history prices.
    applies: (s) => /\(UTC|transaction_log-|_daily|_funding|Time Zone:/.test(s.stem + s.text.slice(0, 200)),
    count: 8, mixable: false,
    run: (s, t, rng) => {
      if (s.stem.includes('(UTC')) return { text: t, stem: s.stem.replace(/\(UTC[^)]*\)/, rng.pick(['(UTC+25)', '(UTC-14)', '(UTC+5:30)', '(UTC--6)', '(UTC)', '(UTC+14:45)', '(UTC+99:99)', '(GMT+3)', '', '(UTC+3)(UTC-3)'])) }
      if (s.stem.startsWith('transaction_log-')) return { text: t, stem: s.stem.replace(/^transaction_log-[^-]+-[A-Z]+-/, rng.pick(['transaction_log-0-DOGE-', 'transaction_log-99999999999999999999-BTC-', 'transaction_log--BTC-', 'transaction_log-123-ETH-', 'transaction-log-'])) }
      if (/Time Zone:/.test(t)) return t.replace(/Time Zone:\s*UTC[+-]?\d*/, `Time Zone:${rng.pick(['UTC+99', 'UTC-14', 'UTC+5:30', 'GMT', 'Mars/Olympus', 'UTC+'])}`)
      return { text: t, stem: s.stem.replace(/(BTC|ETH|SOL)-?USDT?/, rng.pick(['', 'XUSDT', 'BTCEUR', 'USDT', 'BTC-USDC-USD', 'A-USD'])) }
    }
  },
  // -- byte order marks, encodings, line ends
  'bom-odd': {
    applies: () => true, count: 8, mixable: true,
    run: (s, t, rng) => withLines(t, (L) => {
      for (let k = rng.int(1, 3); k > 0; k--) {
        switch (rng.int(0, 4)) {
          case 0: L.lines[0] = '\ufeff' + L.lines[0]; break
          case 1: { const i = rng.pick(L.data); L.lines[i] = '\ufeff' + L.lines[i] } break
          case 2: { const i = rng.pick(L.data); const at = rng.int(0, L.lines[i]!.length); L.lines[i] = L.lines[i]!.slice(0, at) + '\ufeff' + L.lines[i]!.slice(at) } break
          case 3: L.lines[L.header] = L.lines[L.header]!.split(L.delim).map((c) => '\ufeff' + c).join(L.delim); break
          default: L.lines.push('\ufeff')
        }
      }
    }, s)
  },
  'utf16le-bom': { applies: () => true, count: 6, mixable: false, run: (_s, t) => concat([0xff, 0xfe], utf16le(t.replace(/^\ufeff/, ''))) },
  'utf16le-nobom': { applies: () => true, count: 5, mixable: false, run: (_s, t) => utf16le(t.replace(/^\ufeff/, '')) },
  'utf16be-bom': { applies: () => true, count: 5, mixable: false, run: (_s, t) => concat([0xfe, 0xff], Buffer.from(utf16le(t.replace(/^\ufeff/, ''))).swap16()) },
  'utf16-odd-length': {
    applies: () => true, count: 4, mixable: false,
    run: (_s, t, rng) => {
      const b = concat([0xff, 0xfe], utf16le(t.replace(/^\ufeff/, '')))
      return b.slice(0, Math.max(3, b.length - 2 * rng.int(0, 20) - 1))
    }
  },
  'utf16le-tabs': {
    // Excel's "Unicode text": tab-separated UTF-16LE with its mark.
    applies: isCsv, count: 5, mixable: false,
    run: (s, t) => {
      const L = layout(s, t)
      return concat([0xff, 0xfe], utf16le(unparse(csvRows(t.replace(/^\ufeff/, ''), L.delim), '\t', '\r\n')))
    }
  },
  'invalid-utf8': { applies: () => true, count: 8, mixable: false, run: (s, t, rng) => injectBytes(s, t, rng, rng.int(1, 4), () => rng.pick(INVALID_UTF8)) },
  'latin1': {
    applies: () => true, count: 5, mixable: false,
    run: (s, t, rng) => new Uint8Array(Buffer.from(replaceCells(s, t, rng, rng.int(1, 4), (c) => c !== '', (c) => c + rng.pick(['ü', 'é', 'µ', '°', '£', '§'])), 'latin1'))
  },
  'eol-mix': {
    applies: () => true, count: 6, mixable: true,
    run: (_s, t, rng) => {
      const all = rng.chance(0.3) ? rng.pick(['\r', '\r\r\n', '\n\r']) : null
      return t.split(/\r\n|\n|\r/).map((l, i, xs) => (i === xs.length - 1 ? l : l + (all ?? rng.pick(['\n', '\r\n', '\r'])))).join('')
    }
  },
  // -- not a statement at all
  'empty': {
    applies: (s) => s.stem.startsWith('okx-bills') || s.stem.startsWith('transaction_log-424242') || s.stem.startsWith('ibkr-flex-U') || s.stem.startsWith('binance_BTCUSDT_daily') || s.stem.startsWith('bybit-uta-t'),
    count: 10, mixable: false,
    run: (_s, _t, _rng, n) => nth(n, ['', '\ufeff', '\n', '\r\n\r\n', '   \t  ', ',,,,', '\ufeff\ufeff', '"', '\u0000', ';'])
  },
  'binary-junk': {
    applies: () => true, count: 9, mixable: false,
    run: (_s, t, rng, n) => {
      const kind = nth(n, [...Object.keys(MAGIC), 'random', 'spliced'])
      if (kind === 'random') return new Uint8Array(randomBytes(rng, rng.int(16, 4096)))
      if (kind === 'spliced') {
        const b = utf8(t)
        const at = rng.int(0, b.length)
        return concat(b.slice(0, at), randomBytes(rng, rng.int(8, 512)), b.slice(at))
      }
      return concat(MAGIC[kind]!, randomBytes(rng, rng.int(64, 2048)))
    }
  },
  // -- XML
  'xml-broken-tag': {
    applies: isXml, count: 10, mixable: true,
    run: (_s, t, rng, n) => {
      const tags = [...t.matchAll(/<\/?[A-Za-z][^>]*>/g)]
      const m = rng.pick(tags)
      const at = m.index!
      const tag = m[0]
      const variants = [
        () => t.slice(0, at) + tag.slice(0, -1) + t.slice(at + tag.length), // no '>'
        () => t.slice(0, at) + t.slice(at + tag.length), // tag gone (a close without its open, or the reverse)
        () => t.slice(0, at) + tag.replace(/^<\/?([A-Za-z]+)/, (x, n: string) => x.replace(n, n + 'X')) + t.slice(at + tag.length), // mismatched name
        () => t.slice(0, at) + tag.replace(/ ([A-Za-z]+)="/, ' $1="1" $1="') + t.slice(at + tag.length), // duplicate attribute
        () => t.slice(0, at) + tag.replace(/="([^"]*)"/, '=$1') + t.slice(at + tag.length), // unquoted value
        () => t.slice(0, at) + tag.replace(/="([^"]*)"/, '="<$1>"') + t.slice(at + tag.length), // '<' in a value
        () => t.slice(0, at) + '<!-- never closed ' + t.slice(at),
        () => t.slice(0, at) + '<![CDATA[ never closed ' + t.slice(at),
        () => t.slice(0, at) + '<' + t.slice(at), // '<<Tag'
        () => t.replace(/<\/FlexQueryResponse>\s*$/, '') + '</FlexQueryResponse></FlexQueryResponse>'
      ]
      return nth(n, variants)()
    }
  },
  'xml-entity': {
    applies: isXml, count: 11, mixable: false,
    run: (_s, t, _rng, n) => {
      const attr = (v: string): string => t.replace(/(accountId|symbol|description)="[^"]*"/, `$1="${v}"`)
      const doctype = (d: string): string => t.replace(/(<\?xml[^>]*\?>)?/, `$1\n${d}\n`)
      return nth(n, [
        () => attr('&undefined;'),
        () => attr('&#0;'),
        () => attr('&#x110000;'),
        () => attr('&#xD800;'),
        () => attr('&#99999999999999999999;'),
        () => attr('&amp'),
        () => attr('&lt;script&gt;&quot;'),
        () => doctype('<!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>').replace(/accountId="[^"]*"/, 'accountId="&lol4;"'),
        () => doctype('<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>').replace(/accountId="[^"]*"/, 'accountId="&xxe;"'),
        () => doctype('<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>'),
        () => doctype('<!DOCTYPE r [<!ENTITY acct "U9999999">]>').replace(/accountId="[^"]*"/g, 'accountId="&acct;"')
      ])()
    }
  },
  'xml-deep-nesting': {
    applies: isXml, count: 3, mixable: false,
    run: (_s, t, rng) => {
      const n = rng.int(2_000, 5_000)
      return t.replace(/<Trades>/, `<Trades>${'<a>'.repeat(n)}x${'</a>'.repeat(n)}`)
    }
  },
  'xml-dup-elements': {
    applies: isXml, count: 4, mixable: true,
    run: (_s, t, rng) => {
      const blocks = [...t.matchAll(/<(Trade|OpenPosition|CashTransaction|CashReportCurrency)\b[^>]*\/>/g)]
      if (rng.chance(0.4) || blocks.length === 0) {
        // A second statement: the same account again, or another one.
        const m = /<FlexStatement\b[\s\S]*<\/FlexStatement>/.exec(t)
        if (!m) return t
        const copy = rng.chance(0.5) ? m[0] : m[0].replace(/accountId="[^"]*"/g, 'accountId="U0000001"')
        return t.replace(m[0], m[0] + '\n' + copy)
      }
      const b = rng.pick(blocks)
      return t.slice(0, b.index!) + b[0] + '\n' + b[0] + t.slice(b.index!)
    }
  },
  'xml-not-flex': {
    applies: isXml, count: 5, mixable: false,
    run: (_s, _t, _rng, n) => nth(n, [
      // What IBKR's Flex web service answers while a statement is being generated.
      '<FlexStatementResponse timestamp="16 January, 2025 06:15 PM EST">\n<Status>Warn</Status>\n<ErrorCode>1019</ErrorCode>\n<ErrorMessage>Statement generation in progress. Please try again shortly.</ErrorMessage>\n</FlexStatementResponse>\n',
      '<?xml version="1.0" encoding="UTF-8"?>\n<FlexQueryResponse queryName="Daily" type="AF">\n<FlexStatements count="0">\n</FlexStatements>\n</FlexQueryResponse>\n',
      '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>\n',
      '<?xml version="1.0" encoding="UTF-16"?>\n<FlexQueryResponse><FlexStatements count="1"><FlexStatement accountId="U1"/></FlexStatements></FlexQueryResponse>\n',
      '<FlexQueryResponse><FlexStatements count="1"><FlexStatement accountId="U1"><Trades><Trade/></Trades></FlexStatement></FlexStatements></FlexQueryResponse>'
    ])
  }
}

// ---------------------------------------------------------------------------------------------
// The plan and the files

export interface CorpusFile {
  name: string
  bytes: Uint8Array
}

const toBytes = (o: Out): Uint8Array => (typeof o === 'string' ? utf8(o) : o)

/** One corpus file: `mutation` (a name of MUTATIONS, `orig`, or `mix-a+b…`) on `seed` with the PRNG numbered n. */
export function makeFile(seed: Seed, mutation: string, n: number): CorpusFile {
  const rng = new Rng(n)
  let stem = seed.stem
  let out: Out = seed.text
  const steps = mutation === 'orig' ? [] : mutation.startsWith('mix-') ? mutation.slice(4).split('+') : [mutation]
  for (const step of steps) {
    if (typeof out !== 'string') throw new Error(`${mutation}: ${step} after an encoding`)
    const m = MUTATIONS[step]
    if (!m) throw new Error(`unknown mutation ${step}`)
    const r = m.run(seed, out, rng, n)
    if (typeof r === 'object' && 'stem' in r) {
      stem = r.stem
      out = r.text
    } else out = r
  }
  const name = `${stem}.s${n}.${mutation}.${seed.ext}`
  const bytes = toBytes(out)
  if (bytes.length > MAX_FILE_BYTES) throw new Error(`${name}: ${bytes.length} bytes, over the ${MAX_FILE_BYTES}-byte limit`)
  if (name.length > 200) throw new Error(`${name}: name too long`)
  return { name, bytes }
}

export function generateCorpus(): CorpusFile[] {
  const seeds = allSeeds()
  const plan = new Rng(PLAN_SEED)
  const jobs: { seed: Seed; mutation: string }[] = seeds.map((seed) => ({ seed, mutation: 'orig' }))
  for (const [name, m] of Object.entries(MUTATIONS)) {
    const fits = plan.shuffle(seeds.filter(m.applies))
    if (fits.length === 0) throw new Error(`${name} applies to no seed`)
    for (let k = 0; k < m.count; k++) jobs.push({ seed: fits[k % fits.length]!, mutation: name })
  }
  const mixable = Object.keys(MUTATIONS).filter((k) => MUTATIONS[k]!.mixable)
  const encodings = ['utf16le-bom', 'invalid-utf8', 'truncate-bytes']
  for (let k = 0; k < 16; k++) {
    const seed = plan.pick(seeds)
    const steps = plan.shuffle(mixable.filter((x) => MUTATIONS[x]!.applies(seed))).slice(0, plan.int(2, 3))
    if (plan.chance(0.3)) steps.push(plan.pick(encodings))
    jobs.push({ seed, mutation: `mix-${steps.join('+')}` })
  }
  const files = jobs.map((j, i) => makeFile(j.seed, j.mutation, j.mutation === 'orig' ? 0 : i + 1))
  const names = new Set(files.map((f) => f.name))
  if (names.size !== files.length) throw new Error('two corpus files share a name')
  const total = files.reduce((n, f) => n + f.bytes.length, 0)
  if (total > MAX_CORPUS_BYTES) throw new Error(`the corpus is ${total} bytes, over ${MAX_CORPUS_BYTES}`)
  return files
}

function main(): void {
  const files = generateCorpus()
  const total = files.reduce((n, f) => n + f.bytes.length, 0)
  if (process.argv.includes('--check')) {
    const present = existsSync(CORPUS_DIR) ? readdirSync(CORPUS_DIR).sort() : []
    const differs = files.filter((f) => !existsSync(join(CORPUS_DIR, f.name)) || !Buffer.from(f.bytes).equals(readFileSync(join(CORPUS_DIR, f.name))))
    const extra = present.filter((p) => !files.some((f) => f.name === p))
    console.log(`${files.length} files generated; ${differs.length} differ from ${CORPUS_DIR}, ${extra.length} there are not generated`)
    for (const f of [...differs.map((d) => d.name), ...extra].slice(0, 20)) console.log(`  ${f}`)
    process.exitCode = differs.length || extra.length ? 1 : 0
    return
  }
  if (existsSync(CORPUS_DIR)) for (const f of readdirSync(CORPUS_DIR)) if (statSync(join(CORPUS_DIR, f)).isFile()) rmSync(join(CORPUS_DIR, f))
  mkdirSync(CORPUS_DIR, { recursive: true })
  for (const f of files) writeFileSync(join(CORPUS_DIR, f.name), f.bytes)
  const counts = new Map<string, number>()
  for (const f of files) {
    const m = f.name.split('.').at(-2)!.replace(/^mix-.*/, 'mix')
    counts.set(m, (counts.get(m) ?? 0) + 1)
  }
  console.log(`${files.length} files, ${total} bytes in ${CORPUS_DIR}`)
  console.log([...counts].map(([m, n]) => `${m} ${n}`).join(', '))
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
