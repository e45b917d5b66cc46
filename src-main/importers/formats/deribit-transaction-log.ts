/**
 * Deribit transaction log CSV, one file per currency, three header generations
 * (../shared/data/statements/README.md; Deribit support, "Transaction log"):
 *   current: ID,UserSeq,Date,Instrument,Type,Side,Amount,Base Amount,Position,Price,…,Fee Charged,…,Trade ID,Order ID,Info,Note
 *   middle:  ID,UserSeq,Date,Instrument,Type,Side,Base Amount,Position,Price,…,Fee Charged,…,Trade ID,Order ID,Info[,Note]
 *   oldest:  ID,UserSeq,Date,Instrument,Type,Side,Size,Position,Price,Mark Price,Cash Flow,Funding,Fee Rate,Fee Paid,…
 * Amounts are venue units: USD for inverse futures and perpetuals, coin for options. Position is
 * the position after the row; it is checked against the running sum of the row changes.
 */
import { CellReader, readCsv } from '../csv-records'
import { parseSymbol } from '../../engine/instruments/parse-symbol'
import type { ParsedStatement, RowIssue, StatementCashFlow, StatementTrade } from '../statement'
import { venueId } from '../row-identity'

const COMMON = ['ID', 'UserSeq', 'Date', 'Instrument', 'Type', 'Side', 'Position', 'Price', 'Cash Flow', 'Change', 'Balance', 'Trade ID']

export function detectDeribitLog(header: readonly string[]): boolean {
  return COMMON.every((c) => header.includes(c)) && (header.includes('Amount') || header.includes('Base Amount') || header.includes('Size'))
}

/** Which column holds the traded amount in venue units, per header generation. */
const amountColumn = (header: readonly string[]): string => (header.includes('Amount') ? 'Amount' : header.includes('Size') ? 'Size' : 'Base Amount')
const feeColumn = (header: readonly string[]): string => (header.includes('Fee Charged') ? 'Fee Charged' : 'Fee Paid')

/** The currency of a one-currency log, from its file name (…transaction_log-<uid>-<CCY>-….csv). */
export function currencyFromFileName(file: string): string | null {
  const m = /transaction_log-[^-]+-([A-Z]{2,6})-/i.exec(file)
  return m ? m[1]!.toUpperCase() : null
}

const POSITION_TYPES = new Set(['trade', 'delivery', 'position move'])
const CASH_TYPES: Record<string, string> = {
  settlement: 'settlement',
  deposit: 'deposit',
  withdrawal: 'withdrawal',
  transfer: 'transfer',
  'transfer from insurance': 'insurance',
  'socialized fund': 'socialized_loss',
  correction: 'correction',
  negative_balance_fee: 'fee'
}

export function parseDeribitLog(text: string, file: string, currencyHint?: string): ParsedStatement {
  const table = readCsv(text, file)
  const { header, records, problems } = table
  const amountCol = amountColumn(header)
  const feeCol = feeColumn(header)
  const issues: RowIssue[] = problems.map((p) => ({ file, line: p.line, column: null, reason: `not readable as CSV: ${p.message}`, severity: 'rejected' }))
  const trades: StatementTrade[] = []
  const cashFlows: StatementCashFlow[] = []
  let currency = currencyHint ?? currencyFromFileName(file)
  const lastPosition = new Map<string, { line: number; position: number; contractSize: number }>()
  // Exports may list newest first: UserSeq is the account's own sequence (BittyTax orders by it too).
  const ordered = records
    .map((record, i) => ({ record, i, seq: Number(record.values[table.columns.get('UserSeq')!]) }))
    .sort((a, b) => (Number.isFinite(a.seq) && Number.isFinite(b.seq) ? a.seq - b.seq : 0) || a.i - b.i)
    .map((x) => x.record)

  for (const record of ordered) {
    const r = new CellReader(file, table, record)
    const id = r.text('ID')
    const atMs = r.time('Date')
    const type = (r.text('Type') ?? '').toLowerCase()
    const symbol = r.text('Instrument', false)
    if (!r.ok || id === null || atMs === null) {
      issues.push(...r.issues)
      continue
    }
    if (symbol && !currency) currency = symbol.split(/[-_]/)[0]!
    if (POSITION_TYPES.has(type)) {
      if (!symbol) {
        issues.push({ file, line: record.line, column: 'Instrument', reason: `a ${type} row needs an instrument`, severity: 'rejected' })
        continue
      }
      // A symbol no parser knows still changes a real position: the commit keeps it as "not priced",
      // in the venue's own units.
      let contractSize: number
      try {
        contractSize = parseSymbol('deribit', symbol).contractSize
      } catch {
        contractSize = 1
      }
      const amount = r.number(amountCol)
      const position = r.number('Position')
      // A position move may carry no price: it moves the size, never the average price.
      const price = r.number('Price', type !== 'position move')
      const fee = r.number(feeCol, false) ?? 0
      const sideText = (r.text('Side', false) ?? '').toLowerCase()
      const side = sideText.includes('buy') ? 'buy' : sideText.includes('sell') ? 'sell' : null
      if (side === null) r.issues.push({ file, line: record.line, column: 'Side', reason: `'${sideText}' is neither buy nor sell`, severity: 'rejected' })
      if (!r.ok || amount === null || position === null || side === null) {
        issues.push(...r.issues)
        continue
      }
      if (amount === 0) {
        issues.push({ file, line: record.line, column: amountCol, reason: `a ${type} of size 0 changes nothing`, severity: 'skipped' })
        continue
      }
      const signed = side === 'buy' ? Math.abs(amount) : -Math.abs(amount)
      const previous = lastPosition.get(symbol)
      if (previous && Math.abs(previous.position + signed - position) > 1e-9 * Math.max(1, Math.abs(position))) {
        issues.push({
          file, line: record.line, column: 'Position',
          reason: `position ${position} does not follow from line ${previous.line}'s ${previous.position} ${side === 'buy' ? '+' : '−'} ${Math.abs(amount)}`,
          severity: 'warning'
        })
      }
      lastPosition.set(symbol, { line: record.line, position, contractSize })
      trades.push({
        line: record.line,
        externalId: venueId('deribit', 'log', id),
        instrument: { venue: 'deribit', symbol },
        tradedAtMs: atMs,
        side,
        sizeContracts: Math.abs(amount) / contractSize,
        price,
        fee,
        feeCurrency: currency,
        kind: type
      })
      continue
    }
    const cashKind = CASH_TYPES[type]
    if (cashKind) {
      // A settlement's Cash Flow is the session's futures P&L plus the funding it includes
      // (Funding column): recorded as two flows. Other rows change the balance by Change.
      const amount = r.number(type === 'settlement' ? 'Cash Flow' : 'Change')
      const funding = type === 'settlement' ? (r.number('Funding', false) ?? 0) : 0
      if (amount === null || !r.ok) {
        issues.push(...r.issues)
        continue
      }
      if (!currency) {
        issues.push({ file, line: record.line, column: 'Instrument', reason: 'currency unknown: name the file …transaction_log-<uid>-<CCY>-….csv', severity: 'rejected' })
        continue
      }
      const common = { line: record.line, atMs, currency, instrumentSymbol: symbol ?? undefined, note: r.text('Info', false) ?? undefined }
      cashFlows.push({ ...common, externalId: venueId('deribit', 'log', id), kind: cashKind, amount: amount - funding })
      if (funding !== 0) cashFlows.push({ ...common, externalId: venueId('deribit', 'funding', id), kind: 'funding', amount: funding })
      continue
    }
    issues.push({ file, line: record.line, column: 'Type', reason: `unknown transaction type '${type}'`, severity: 'rejected' })
  }
  for (const t of trades) if (!t.feeCurrency && currency) t.feeCurrency = currency

  return {
    file,
    format: 'deribit-transaction-log',
    formatLabel: `Deribit transaction log (${amountCol === 'Amount' ? 'current' : amountCol === 'Size' ? 'oldest' : 'middle'} header)`,
    venue: 'deribit',
    accountName: `Deribit ${currency ?? ''}`.trim(),
    baseCurrency: currency ?? 'BTC',
    rowsTotal: records.length,
    trades,
    cashFlows,
    positions: null,
    positionsAsOfMs: null, closingBalances: [], openingBalances: [], settlements: [], notes: [],
    reportedPositions: [...lastPosition].map(([symbol, p]) => ({ line: p.line, instrument: { venue: 'deribit', symbol }, sizeContracts: p.position / p.contractSize })),
    issues
  }
}
