/**
 * IBKR Activity Flex Query XML (FlexQueryResponse type="AF"): Trades, OpenPositions and
 * CashTransactions of each FlexStatement. OpenPositions are the account's closing positions at the
 * report date and are taken as authoritative. fast-xml-parser gives no line numbers, so each
 * element's line is found by scanning the text (comments blanked first, line breaks kept).
 */
import { XMLParser } from 'fast-xml-parser'
import { newYorkCloseUtc } from '../../engine/instruments/expiry'
import type { SymbolHints } from '../../engine/instruments/symbol-error'
import { parseTime } from '../csv-records'
import { ContentIdentity, venueId } from '../row-identity'
import type { InstrumentRef, ParsedStatement, RowIssue, StatementCashFlow, StatementPosition, StatementTrade } from '../statement'

export const detectIbkrFlex = (text: string): boolean => /<FlexQueryResponse[\s>]/.test(text.slice(0, 2000))

type Attrs = Record<string, string>

/**
 * Line (1-based) of each `<Tag ` element, per tag, in document order: one pass over the text with
 * comments blanked, counting newlines from the previous match (linear in the file's size).
 */
function elementLines(text: string, tags: readonly string[]): Map<string, number[]> {
  const blanked = text.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' '))
  const lines = new Map(tags.map((t) => [t, [] as number[]]))
  const re = new RegExp(`<(${tags.join('|')})[\\s/>]`, 'g')
  let line = 1
  let from = 0
  let m: RegExpExecArray | null
  while ((m = re.exec(blanked))) {
    for (let i = blanked.indexOf('\n', from); i !== -1 && i < m.index; i = blanked.indexOf('\n', i + 1)) line++
    from = m.index
    lines.get(m[1]!)!.push(line)
  }
  return lines
}

/** An attribute as a number; absent or blank is NaN (Number('') would be 0: a price of 0, a closed position). */
const strictNumber = (raw: string | undefined): number => (raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw))

/** IBKR dates: 'YYYY-MM-DD', 'YYYYMMDD', with optional ';HHMMSS' (whenGenerated, dateTime). */
function ibkrTime(raw: string | undefined): number | null {
  if (!raw) return null
  const m = /^(\d{4})-?(\d{2})-?(\d{2})(?:[;, ](\d{2}):?(\d{2}):?(\d{2}))?$/.exec(raw.trim())
  if (!m) return parseTime(raw)
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0))
}

function instrumentOf(a: Attrs): InstrumentRef | string {
  const multiplier = Number(a.multiplier || '1')
  const hints: SymbolHints = { contractSize: multiplier > 0 ? multiplier : 1 }
  if (a.assetCategory === 'FUT') {
    const d = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(a.expiry ?? '')
    if (!d) return `future ${a.symbol} has no expiry`
    // Exchange settlement times vary by product; the New York close bounds the expiry day.
    hints.expiryMs = newYorkCloseUtc(+d[1]!, +d[2]! - 1, +d[3]!)
  }
  if (!a.symbol) return 'no symbol'
  return { venue: 'ibkr', symbol: a.symbol, hints }
}

export function parseIbkrFlex(text: string, file: string): ParsedStatement {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    isArray: (name) => ['FlexStatement', 'Trade', 'OpenPosition', 'CashTransaction'].includes(name)
  })
  let doc: { FlexQueryResponse?: { FlexStatements?: { FlexStatement?: Record<string, unknown>[] } } }
  try {
    doc = parser.parse(text, true) as typeof doc
  } catch (e) {
    throw new Error(`${file}: not well-formed XML: ${(e as Error).message}`, { cause: e })
  }
  const statements = doc.FlexQueryResponse?.FlexStatements?.FlexStatement ?? []
  if (statements.length === 0) throw new Error(`${file}: an IBKR Flex query with no FlexStatement`)
  const elements = elementLines(text, ['Trade', 'OpenPosition', 'CashTransaction'])
  const tradeLines = elements.get('Trade')!
  const positionLines = elements.get('OpenPosition')!
  const cashLines = elements.get('CashTransaction')!
  const issues: RowIssue[] = []
  const trades: StatementTrade[] = []
  const positions: StatementPosition[] = []
  const cashFlows: StatementCashFlow[] = []
  const identity = new ContentIdentity('ibkr')
  let tradeIndex = 0
  let positionIndex = 0
  let cashIndex = 0
  let accountId = ''
  let asOfMs: number | null = null
  const reject = (line: number, column: string | null, reason: string): void => {
    issues.push({ file, line, column, reason, severity: 'rejected' })
  }

  for (const statement of statements) {
    const s = statement as Attrs & { Trades?: { Trade?: Attrs[] }; OpenPositions?: { OpenPosition?: Attrs[] }; CashTransactions?: { CashTransaction?: Attrs[] } }
    accountId ||= s.accountId ?? ''
    asOfMs = ibkrTime(s.toDate) ?? ibkrTime(s.whenGenerated) ?? asOfMs
    for (const a of s.Trades?.Trade ?? []) {
      const line = tradeLines[tradeIndex++] ?? 0
      const instrument = instrumentOf(a)
      const quantity = strictNumber(a.quantity)
      const price = strictNumber(a.tradePrice)
      const commission = a.ibCommission === undefined || a.ibCommission.trim() === '' ? 0 : strictNumber(a.ibCommission)
      const atMs = ibkrTime(a.dateTime) ?? ibkrTime(a.tradeDate)
      if (typeof instrument === 'string') reject(line, 'symbol', instrument)
      else if (!Number.isFinite(quantity) || quantity === 0) reject(line, 'quantity', `'${a.quantity}' is not a non-zero number`)
      else if (!Number.isFinite(price)) reject(line, 'tradePrice', `'${a.tradePrice}' is not a number`)
      else if (atMs === null) reject(line, 'tradeDate', `'${a.tradeDate ?? ''}' is not a date`)
      else if (!Number.isFinite(commission)) reject(line, 'ibCommission', `'${a.ibCommission}' is not a number`)
      else {
        const externalId = a.tradeID
          ? venueId('ibkr', 'trade', a.tradeID)
          : a.transactionID
            ? venueId('ibkr', 'txn', a.transactionID)
            : identity.of('trade', [a.accountId ?? '', a.conid || a.symbol || '', a.dateTime || a.tradeDate || '', a.quantity ?? '', a.tradePrice ?? '', a.transactionType ?? ''])
        trades.push({
          line,
          externalId,
          instrument,
          tradedAtMs: atMs,
          side: quantity > 0 ? 'buy' : 'sell',
          sizeContracts: Math.abs(quantity),
          price,
          fee: -commission,
          feeCurrency: a.ibCommissionCurrency || a.currency || null,
          kind: (a.transactionType || 'trade').toLowerCase()
        })
      }
    }
    for (const a of s.OpenPositions?.OpenPosition ?? []) {
      const line = positionLines[positionIndex++] ?? 0
      const instrument = instrumentOf(a)
      const position = strictNumber(a.position)
      if (typeof instrument === 'string') reject(line, 'symbol', instrument)
      else if (!Number.isFinite(position)) reject(line, 'position', `'${a.position}' is not a number`)
      else {
        // Per unit of underlying (per share for options), like tradePrice; commissions included.
        const avg = Number(a.costBasisPrice || a.openPrice)
        positions.push({ line, instrument, sizeContracts: position, avgPrice: Number.isFinite(avg) && avg !== 0 ? avg : null })
      }
    }
    for (const a of s.CashTransactions?.CashTransaction ?? []) {
      const line = cashLines[cashIndex++] ?? 0
      const amount = strictNumber(a.amount)
      const atMs = ibkrTime(a.dateTime) ?? ibkrTime(a.settleDate)
      if (!Number.isFinite(amount) || atMs === null) {
        reject(line, Number.isFinite(amount) ? 'dateTime' : 'amount', 'not a usable cash transaction')
        continue
      }
      cashFlows.push({
        line,
        externalId: a.transactionID ? venueId('ibkr', 'cash', a.transactionID) : identity.of('cash', [a.dateTime ?? '', a.type ?? '', a.amount ?? '', a.currency ?? '']),
        atMs,
        kind: /deposit|withdraw/i.test(a.type ?? '') ? (amount >= 0 ? 'deposit' : 'withdrawal') : (a.type || 'cash').toLowerCase().replace(/\s+/g, '_'),
        currency: a.currency || 'USD',
        amount,
        instrumentSymbol: a.symbol || undefined,
        note: a.description || undefined
      })
    }
  }

  return {
    file,
    format: 'ibkr-flex-xml',
    formatLabel: 'IBKR Activity Flex Query (XML)',
    venue: 'ibkr',
    accountName: accountId ? `IBKR ${accountId}` : 'IBKR',
    baseCurrency: 'USD',
    rowsTotal: tradeIndex + positionIndex + cashIndex,
    trades,
    cashFlows,
    positions,
    positionsAsOfMs: asOfMs, closingBalances: [], openingBalances: [], settlements: [], notes: [],
    issues
  }
}
