/**
 * Statement formats, detected from the file's header (never its name). An unrecognised file gets
 * an error listing every format known.
 */
import { clippedIssues, type ParsedStatement } from './statement'
import { dropWithinFileDuplicates } from './within-file-duplicates'
import { candidateHeaders } from './csv-records'
import { headOf, wholeText, type StatementText } from './statement-text'
import { parseGenericCsv, type GenericMapping } from './formats/generic-csv'
import { detectDeribitLog, parseDeribitLog } from './formats/deribit-transaction-log'
import { detectBinanceStatement, parseBinanceStatement } from './formats/binance-statement'
import { detectIbkrFlex, parseIbkrFlex } from './formats/ibkr-flex-xml'
import { detectBinanceUsdm, parseBinanceUsdm } from './formats/binance-usdm-history'
import { detectBinanceFuturesTrades, parseBinanceFuturesTrades } from './formats/binance-futures-trades'
import { detectIbkrActivityCsv, parseIbkrActivityCsv } from './formats/ibkr-activity-csv'
import { detectOkxBills, detectOkxFunding, parseOkxBills, parseOkxFunding } from './formats/okx'
import { detectBybitLog, parseBybitLog } from './formats/bybit-transaction-log'

export interface StatementFormat {
  id: string
  label: string
  detect(text: string, csvHeader: readonly string[] | null): boolean
  parse(text: string, file: string): ParsedStatement
}

export const STATEMENT_FORMATS: readonly StatementFormat[] = [
  { id: 'deribit-transaction-log', label: 'Deribit transaction log CSV (all three header generations)', detect: (_t, h) => !!h && detectDeribitLog(h), parse: (t, f) => parseDeribitLog(t, f) },
  { id: 'okx-bills', label: 'OKX trading history (bills) CSV', detect: (t, h) => detectOkxBills(t, h), parse: parseOkxBills },
  { id: 'okx-funding', label: 'OKX funding account history CSV', detect: (_t, h) => !!h && detectOkxFunding(h), parse: parseOkxFunding },
  { id: 'bybit-transaction-log', label: 'Bybit derivatives transaction log CSV (classic and UTA)', detect: (_t, h) => !!h && detectBybitLog(h), parse: parseBybitLog },
  { id: 'binance-statement', label: 'Binance transaction history CSV ("generate all statements"; flows only, no balances)', detect: (_t, h) => !!h && detectBinanceStatement(h), parse: parseBinanceStatement },
  { id: 'binance-usdm-history', label: 'Binance USD-M futures transaction history CSV (income: P&L, funding, fees, transfers)', detect: (_t, h) => !!h && detectBinanceUsdm(h), parse: parseBinanceUsdm },
  { id: 'binance-futures-trades', label: 'Binance USD-M futures trade history CSV (fills; cash from the transaction history)', detect: (_t, h) => !!h && detectBinanceFuturesTrades(h), parse: parseBinanceFuturesTrades },
  { id: 'ibkr-flex-xml', label: 'IBKR Activity Flex Query XML (trades, open positions, cash transactions, cash report)', detect: (t) => detectIbkrFlex(t), parse: parseIbkrFlex },
  { id: 'ibkr-activity-csv', label: 'IBKR Activity Statement CSV (classic, multi-section)', detect: (_t, h) => !!h && detectIbkrActivityCsv(h), parse: parseIbkrActivityCsv }
]

/** Market-data formats, detected in import-service before statements (see market-files.ts). */
export const MARKET_FORMATS: readonly { id: string; label: string }[] = [
  { id: 'option-chain', label: 'Deribit option chain CSV (book summary, or tickers with Greeks and a snapshot time you give): replaces its underlying\'s part of the live book\'s market' },
  { id: 'prices', label: 'Daily price history CSV (Yahoo, Binance, Coinbase layouts; underlying and quote from the file name)' },
  { id: 'vol-index', label: 'Deribit DVOL history CSV' },
  { id: 'funding', label: 'Perpetual funding-rate history CSV' }
]

export function detectStatementFormat(text: string, file: string, formatId?: string): StatementFormat {
  if (formatId) {
    const chosen = STATEMENT_FORMATS.find((f) => f.id === formatId)
    if (!chosen) throw new Error(`unknown format '${formatId}'; known: ${STATEMENT_FORMATS.map((f) => f.id).join(', ')}`)
    return chosen
  }
  if (text.trimStart().startsWith('<')) {
    const xml = STATEMENT_FORMATS.find((f) => f.detect(text, null))
    if (xml) return xml
    throw new Error(`${file}: an XML file that is not a statement format Marginal knows (it looked for an IBKR Activity Flex Query). Known formats:\n${knownList()}`)
  }
  // The header may follow preamble lines (OKX, Bybit): the first candidate row a format accepts.
  const candidates = candidateHeaders(text)
  for (const c of candidates) {
    const found = STATEMENT_FORMATS.find((f) => f.detect(text, c.cells))
    if (found) return found
  }
  const first = candidates[0]?.cells
  const seen = first ? `first row: ${firstRowExcerpt(first)}` : 'no CSV header'
  throw new Error(`${file}: not a statement format Marginal knows (${seen}; it looked at the first ${candidates.length} rows for a known header). Known formats:\n${knownList()}`)
}

/**
 * The first row as an unknown-format message shows it: at most 8 cells and 160 characters, control
 * characters as '?', so a binary file or a long header cell is never echoed whole.
 */
function firstRowExcerpt(cells: readonly string[]): string {
  const row = `${cells.slice(0, 8).join(',')}${cells.length > 8 ? ',…' : ''}`.replace(/\p{Cc}|\ufffd/gu, '?')
  return row.length <= 160 ? row : `${row.slice(0, 160)}… (${row.length.toLocaleString('en-US')} characters)`
}

const knownList = (): string => [...STATEMENT_FORMATS, ...MARKET_FORMATS].map((f) => `  - ${f.label}`).join('\n')

/** Whether a text's first rows are a Deribit log's (a head not telling, or not one: the whole text decides). */
function isDeribitLog(head: string, file: string, formatId?: string): boolean {
  try {
    return detectStatementFormat(head, file, formatId).id === 'deribit-transaction-log'
  } catch {
    return false
  }
}

/**
 * The statement in a file's text. A text read in chunks (a file on disk) is handed as chunks to the
 * Deribit log, which reads its rows as they come; any other format gets the whole text.
 */
export function parseStatement(text: StatementText, file: string, formatId?: string, mapping?: GenericMapping): ParsedStatement {
  if (formatId === 'generic-csv') {
    if (!mapping) throw new Error(`${file}: a generic CSV needs a column mapping`)
    return clippedIssues(dropWithinFileDuplicates(parseGenericCsv(wholeText(text), file, mapping)))
  }
  if (typeof text !== 'string' && isDeribitLog(headOf(text), file, formatId)) {
    return clippedIssues(dropWithinFileDuplicates(parseDeribitLog(text, file)))
  }
  const whole = wholeText(text)
  return clippedIssues(dropWithinFileDuplicates(detectStatementFormat(whole, file, formatId).parse(whole, file)))
}
