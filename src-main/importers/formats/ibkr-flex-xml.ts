/**
 * IBKR Activity Flex Query XML (FlexQueryResponse type="AF"): Trades, OpenPositions,
 * CashTransactions and CashReport of each FlexStatement (element and attribute names:
 * csingley/ibflex ibflex/Types.py; IBKR Reporting Guide, Open Positions and Trades pages; cash
 * rules in ibkr-flex-cash.ts, dates in ibkr-flex-time.ts). OpenPositions, when the query has the
 * section, are the account's closing positions at the report date and are taken as
 * authoritative; without it, positions follow the trades. The CashReport's endingCash per
 * currency is the closing balance. fast-xml-parser gives no line numbers, so each element's line
 * is found by scanning the text (comments blanked first).
 */
import { createRequire } from 'node:module'
import type { XMLParser } from 'fast-xml-parser'
import { newYorkCloseUtc } from '../../engine/instruments/expiry'
import type { SymbolHints } from '../../engine/instruments/symbol-error'
import { ContentIdentity, venueId } from '../row-identity'
import type { InstrumentRef, ParsedStatement, RowIssue, StatementCashFlow, StatementPosition, StatementTrade } from '../statement'
import { IbkrClock, slashOrderOf } from './ibkr-flex-time'
import { quoteInput } from '../../engine/instruments/bounds'

/** Longer than any IBKR symbol (OCC symbols are 21 characters, descriptions a few more). */
const MAX_SYMBOL = 200
import { cashAction, cashBalances, cashTransactionId, numberProblem, readCashReportRow, reconcileCash, strictNumber, tradeCash, tradeCashId, type Attrs, type CashReportRow, type LedgerEntry } from './ibkr-flex-cash'

export const detectIbkrFlex = (text: string): boolean => /<FlexQueryResponse[\s>]/.test(text.slice(0, 2000))

const TAGS = ['FlexStatement', 'Trade', 'OpenPosition', 'CashTransaction', 'CashReportCurrency'] as const
type Tag = (typeof TAGS)[number]

/**
 * fast-xml-parser, loaded the first time an XML statement is read. Imported at the top, its ES
 * module build (a graph of small modules and an entity table) took 65 ms to load, and every
 * command line run paid it, XML or not (issue 20, target 6: a command starts in 300 ms); its
 * CommonJS bundle, the same parser, loads in about 12 ms, and only when a Flex statement comes.
 */
let xmlParser: typeof XMLParser | null = null
function xmlParserClass(): typeof XMLParser {
  return (xmlParser ??= (createRequire(import.meta.url)('fast-xml-parser') as { XMLParser: typeof XMLParser }).XMLParser)
}

/**
 * Line (1-based) of each `<Tag ` element, per tag, in document order: one pass over the text with
 * comments blanked, counting newlines from the previous match (linear in the file's size).
 */
function elementLines(text: string): Map<Tag, number[]> {
  const blanked = text.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' '))
  const lines = new Map(TAGS.map((t) => [t, [] as number[]]))
  const re = new RegExp(`<(${TAGS.join('|')})[\\s/>]`, 'g')
  let line = 1
  let from = 0
  let m: RegExpExecArray | null
  while ((m = re.exec(blanked))) {
    for (let i = blanked.indexOf('\n', from); i !== -1 && i < m.index; i = blanked.indexOf('\n', i + 1)) line++
    from = m.index
    lines.get(m[1] as Tag)!.push(line)
  }
  return lines
}

type Statement = Attrs & {
  AccountInformation?: Attrs
  Trades?: { Trade?: Attrs[] }
  OpenPositions?: { OpenPosition?: Attrs[] } | ''
  CashTransactions?: { CashTransaction?: Attrs[] }
  CashReport?: { CashReportCurrency?: Attrs[] }
}

/** The row's instrument, or the problem with it: [column, reason]. */
function instrumentOf(a: Attrs, clock: IbkrClock): InstrumentRef | [string, string] {
  const multiplier = strictNumber(a.multiplier || '1', 'contractSize')
  if (Number.isNaN(multiplier) && (a.multiplier ?? '').trim() !== '') return ['multiplier', numberProblem(a.multiplier, 'contractSize')]
  const hints: SymbolHints = { contractSize: multiplier > 0 ? multiplier : 1 }
  if (a.assetCategory === 'FUT') {
    const d = clock.date(a.expiry)
    if (!d) return ['expiry', `future ${quoteInput(a.symbol ?? '')} has no expiry`]
    // Exchange settlement times vary by product; the New York close bounds the expiry day.
    hints.expiryMs = newYorkCloseUtc(d.year, d.month0, d.day)
  }
  if (!a.symbol) return ['symbol', 'no symbol']
  if (a.symbol.length > MAX_SYMBOL) return ['symbol', `${quoteInput(a.symbol)} is longer than any symbol (at most ${MAX_SYMBOL} characters)`]
  return { venue: 'ibkr', symbol: a.symbol, hints }
}

/**
 * An option leaving the book is a BookTrade whose `notes` (';'-separated codes, IBKR Flex codes
 * page) say Ep (expired), A (assignment) or Ex (exercise); older and synthetic files spell the
 * event in transactionType.
 */
function tradeKind(a: Attrs): string {
  const codes = (a.notes ?? '').split(';').map((c) => c.trim())
  const type = (a.transactionType ?? '').trim()
  if (codes.includes('Ep') || /^expir/i.test(type)) return 'expiry'
  if (codes.includes('A') || /^assignment$/i.test(type)) return 'assignment'
  if (codes.includes('Ex') || /^exercise$/i.test(type)) return 'exercise'
  return type === '' || type === 'ExchTrade' ? 'trade' : type.toLowerCase()
}

/** One statement's OpenPosition rows, per instrument: SUMMARY rows when there are, else LOT rows summed. */
interface Holding {
  line: number
  instrument: InstrumentRef
  size: number
  /** Σ |size| × price over rows with a price, and Σ |size| over them: the weighted average. */
  cost: number
  costSize: number
  /**
   * Futures: the statement's mark (closing price). IBKR settles futures P&L into cash every night
   * ("each night the gain or loss for futures contracts settles into cash", CashReport
   * cashSettlingMtm), so the cash already holds P&L up to this price: equity counts from here.
   */
  markPrice: number | null
}

function addHolding(into: Map<string, Holding>, key: string, h: Holding): void {
  const seen = into.get(key)
  if (!seen) into.set(key, { ...h })
  else Object.assign(seen, { size: seen.size + h.size, cost: seen.cost + h.cost, costSize: seen.costSize + h.costSize, line: Math.min(seen.line, h.line) })
}

export function parseIbkrFlex(text: string, file: string): ParsedStatement {
  const parser = new (xmlParserClass())({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    isArray: (name) => ['FlexStatement', 'Trade', 'OpenPosition', 'CashTransaction', 'CashReportCurrency'].includes(name)
  })
  let doc: { FlexQueryResponse?: { FlexStatements?: { FlexStatement?: Statement[] } } }
  try {
    doc = parser.parse(text, true) as typeof doc
  } catch (e) {
    throw new Error(`${file}: not well-formed XML: ${(e as Error).message}`, { cause: e })
  }
  const statements = doc.FlexQueryResponse?.FlexStatements?.FlexStatement ?? []
  if (statements.length === 0) throw new Error(`${file}: an IBKR Flex query with no FlexStatement`)
  const lines = elementLines(text)
  const next = new Map<Tag, number>(TAGS.map((t) => [t, 0]))
  const lineOf = (tag: Tag): number => {
    const i = next.get(tag)!
    next.set(tag, i + 1)
    return lines.get(tag)![i] ?? 0
  }
  const slash = slashOrderOf(text)
  const clock = new IbkrClock(slash.order)
  const issues: RowIssue[] = []
  const notes: string[] = []
  const trades: StatementTrade[] = []
  const cashFlows: StatementCashFlow[] = []
  const ledger: LedgerEntry[] = []
  const cashRows: CashReportRow[] = []
  const identity = new ContentIdentity('ibkr')
  const issue = (line: number, column: string | null, reason: string, severity: RowIssue['severity'] = 'rejected'): void => {
    issues.push({ file, line, column, reason, severity })
  }
  /** Per account, the latest statement's holdings (null: that statement has no OpenPositions section). */
  const holdings = new Map<string, { toMs: number; line: number; rows: Map<string, Holding> | null; lines: number[] }>()
  const accounts: { id: string; line: number }[] = []
  let rowsTotal = 0
  let conversions = 0
  let asOfMs: number | null = null
  let baseCurrency: string | null = null

  if (slash.conflicting || slash.ambiguous) {
    issue(1, null, slash.conflicting ? 'dates like 13/01/2025 and 01/13/2025 both occur: read as MM/dd/yyyy' : 'no slash date has a day above 12, so MM/dd/yyyy and dd/MM/yyyy cannot be told apart: read as MM/dd/yyyy (IBKR\'s US format); a yyyyMMdd query avoids this', 'warning')
  }

  statements.forEach((s, k) => {
    const statementLine = lineOf('FlexStatement')
    const accountId = s.accountId ?? ''
    if (!accounts.some((a) => a.id === accountId)) accounts.push({ id: accountId, line: statementLine })
    const from = clock.date(s.fromDate)
    const to = clock.date(s.toDate) ?? clock.date(s.whenGenerated)
    const toMs = to ? clock.endOfDay(to) : null
    if (toMs !== null) asOfMs = Math.max(asOfMs ?? toMs, toMs)
    baseCurrency ??= s.AccountInformation?.currency?.trim() || null

    for (const a of s.Trades?.Trade ?? []) {
      const line = lineOf('Trade')
      rowsTotal++
      const instrument = instrumentOf(a, clock)
      const quantity = strictNumber(a.quantity, 'sizeContracts')
      const kind = tradeKind(a)
      // An expiry's BookTrade closes the position at 0 even where the query leaves the price out.
      const price = kind === 'expiry' && (a.tradePrice ?? '').trim() === '' ? 0 : strictNumber(a.tradePrice, 'price')
      const commission = a.ibCommission === undefined || a.ibCommission.trim() === '' ? 0 : strictNumber(a.ibCommission, 'fee')
      const atMs = clock.instant(a.dateTime) ?? clock.instant(a.tradeDate, a.tradeTime)
      const badCash = ['netCash', 'proceeds', 'taxes', 'mtmPnl'].find((c) => a[c] !== undefined && a[c]!.trim() !== '' && !Number.isFinite(strictNumber(a[c])))
      if (Array.isArray(instrument)) issue(line, instrument[0], instrument[1])
      else if (!Number.isFinite(quantity) || quantity === 0) {
        const raw = a.quantity ?? ''
        // A number beyond the size bound says so; anything else is no size at all.
        issue(line, 'quantity', quantity === 0 || raw.trim() === '' || Number.isNaN(Number(raw)) ? `${quoteInput(raw)} is not a non-zero number` : numberProblem(raw, 'sizeContracts'))
      }
      else if (!Number.isFinite(price)) issue(line, 'tradePrice', numberProblem(a.tradePrice, 'price'))
      else if (atMs === null) issue(line, a.dateTime ? 'dateTime' : 'tradeDate', `${quoteInput(a.dateTime ?? a.tradeDate ?? '')} is not a date and time in a Flex format`)
      else if (!Number.isFinite(commission)) issue(line, 'ibCommission', numberProblem(a.ibCommission, 'fee'))
      else if (badCash) issue(line, badCash, numberProblem(a[badCash]))
      else {
        const externalId = a.tradeID
          ? venueId('ibkr', 'trade', a.tradeID)
          : a.transactionID
            ? venueId('ibkr', 'txn', a.transactionID)
            : identity.of('trade', [a.accountId ?? '', a.conid || a.symbol || '', a.dateTime || a.tradeDate || '', a.quantity ?? '', a.tradePrice ?? '', a.transactionType ?? ''])
        const cash = tradeCash(a, quantity)
        if (cash.problem) issue(line, 'netCash', `${cash.problem}; the position is booked`, 'warning')
        if (cash.warning) issue(line, 'netCash', cash.warning, 'warning')
        for (const part of cash.parts) {
          cashFlows.push({ line, externalId: tradeCashId(externalId, part.suffix), atMs, kind: part.kind, currency: part.currency, amount: part.amount, instrumentSymbol: a.symbol, note: `${a.symbol}: ${part.component}` })
          ledger.push({ statement: k, currency: part.currency, amount: part.amount, component: part.component })
        }
        // A currency conversion moves two cash balances and leaves no position.
        if (a.assetCategory === 'CASH') {
          conversions++
          continue
        }
        trades.push({ line, externalId, instrument, tradedAtMs: atMs, side: quantity > 0 ? 'buy' : 'sell', sizeContracts: Math.abs(quantity), price, fee: -commission, feeCurrency: a.ibCommissionCurrency || a.currency || null, kind })
      }
    }

    // An absent section is not an empty one: fast-xml-parser gives no key for the first, '' for <OpenPositions/>.
    const hasPositions = s.OpenPositions !== undefined
    const positionRows = (s.OpenPositions || {}).OpenPosition ?? []
    const byInstrument = new Map<string, { summary: Holding[]; other: Holding[] }>()
    const rowLines: number[] = []
    for (const a of positionRows) {
      const line = lineOf('OpenPosition')
      rowLines.push(line)
      rowsTotal++
      const instrument = instrumentOf(a, clock)
      const position = strictNumber(a.position, 'sizeContracts')
      if (Array.isArray(instrument)) issue(line, instrument[0], instrument[1])
      else if (!Number.isFinite(position)) issue(line, 'position', numberProblem(a.position, 'sizeContracts'))
      else {
        // Per unit of underlying (per share for options), like tradePrice; a costBasisPrice of 0
        // (futures in some exports) is no price, so openPrice stands in.
        const basis = strictNumber(a.costBasisPrice, 'price')
        const open = strictNumber(a.openPrice, 'price')
        const price = Number.isFinite(basis) && basis !== 0 ? basis : Number.isFinite(open) && open !== 0 ? open : null
        const mark = strictNumber(a.markPrice, 'price')
        const futures = (a.assetCategory ?? '').toUpperCase() === 'FUT' && Number.isFinite(mark) && mark > 0
        const h: Holding = { line, instrument, size: position, cost: price === null ? 0 : Math.abs(position) * price, costSize: price === null ? 0 : Math.abs(position), markPrice: futures ? mark : null }
        const key = a.conid || a.symbol!
        const group = byInstrument.get(key) ?? { summary: [], other: [] }
        byInstrument.set(key, group)
        ;(/^summary$/i.test(a.levelOfDetail ?? '') ? group.summary : group.other).push(h)
      }
    }
    const rows = new Map<string, Holding>()
    for (const [key, group] of byInstrument) {
      // SUMMARY is the instrument's total; LOT rows split it (IBKR Open Positions: "Summary or Lot").
      const used = group.summary.length ? group.summary : group.other
      if (group.summary.length) for (const h of group.other) issue(h.line, 'levelOfDetail', 'a LOT row; the SUMMARY row of this instrument holds the position', 'skipped')
      for (const h of used) addHolding(rows, key, h)
    }
    const superseded = (l: number): void => issue(l, null, 'a position of an earlier period of this account; the latest period\'s positions are taken', 'skipped')
    const seen = holdings.get(accountId)
    if (!hasPositions) {
      if (!seen) holdings.set(accountId, { toMs: -Infinity, line: statementLine, rows: null, lines: [] })
    } else if (!seen || (toMs ?? 0) >= seen.toMs) {
      seen?.lines.forEach(superseded)
      holdings.set(accountId, { toMs: toMs ?? 0, line: statementLine, rows, lines: rowLines })
    } else rowLines.forEach(superseded)

    const cashRowsOfStatement = s.CashTransactions?.CashTransaction ?? []
    const levels = new Set(cashRowsOfStatement.map((a) => (a.levelOfDetail ?? '').toUpperCase()))
    // Summary and Detail both ticked would count each transaction twice.
    const detailOnly = levels.has('DETAIL') && levels.size > 1
    for (const a of cashRowsOfStatement) {
      const line = lineOf('CashTransaction')
      rowsTotal++
      if (detailOnly && (a.levelOfDetail ?? '').toUpperCase() !== 'DETAIL') {
        issue(line, 'levelOfDetail', `a ${a.levelOfDetail || 'summary'} row; the DETAIL rows of this statement hold the transactions`, 'skipped')
        continue
      }
      const amount = strictNumber(a.amount)
      const atMs = clock.instant(a.dateTime) ?? clock.instant(a.settleDate) ?? clock.instant(a.reportDate)
      const currency = a.currency?.trim()
      const type = a.type?.trim()
      if (!Number.isFinite(amount)) issue(line, 'amount', numberProblem(a.amount))
      else if (atMs === null) issue(line, 'dateTime', `${quoteInput(a.dateTime ?? '')} is not a date and time in a Flex format`)
      else if (!currency) issue(line, 'currency', 'empty')
      else if (!type) issue(line, 'type', 'empty')
      else {
        const action = cashAction(type, amount)
        if (!action.known) issue(line, 'type', `${quoteInput(type)} is not a cash transaction type IBKR documents; booked as ${quoteInput(action.kind)}`, 'warning')
        cashFlows.push({
          line,
          externalId: a.transactionID ? cashTransactionId(a.transactionID) : identity.of('cash', [a.dateTime ?? '', a.type ?? '', a.amount ?? '', a.currency ?? '']),
          atMs,
          kind: action.kind,
          currency,
          amount,
          instrumentSymbol: a.symbol || undefined,
          note: a.description || undefined
        })
        ledger.push({ statement: k, currency, amount, component: action.component })
      }
    }

    for (const a of s.CashReport?.CashReportCurrency ?? []) {
      const line = lineOf('CashReportCurrency')
      const row = readCashReportRow(a, { file, line }, k, accountId, clock, { from, to })
      if (row === null) continue
      rowsTotal++
      if ('severity' in row) issues.push(row)
      else cashRows.push(row)
    }
  })

  if (accounts.length > 1) {
    issue(accounts[1]!.line, 'accountId', `the file holds the statements of ${accounts.length} accounts (${accounts.map((a) => a.id).join(', ')}): they are merged into one book account, their positions and balances added up. Run the query per account to keep them apart.`, 'warning')
  }
  const positions = closingPositions(holdings, accounts, issue, notes)
  const { closing, opening } = cashBalances(cashRows, clock)
  issues.push(...reconcileCash(cashRows, ledger, file))
  const withReport = statements.some((s) => s.CashReport !== undefined)
  notes.push(
    withReport
      ? 'Cash: the Cash Report\'s endingCash per currency (trade-date balance) is the closing balance, as of the end of the statement\'s last day in New York; startingCash is the opening balance. Trades and cash transactions are the ledger.'
      : 'This Flex query has no Cash Report section, so the statement states no balances: the ledger (trades\' cash and cash transactions) is all there is. Add the Cash Report section to the query to set the book\'s cash.'
  )
  if (conversions) notes.push(`${conversions} currency conversion(s) (assetCategory CASH) are booked as cash in both currencies, not as positions.`)

  return {
    file,
    format: 'ibkr-flex-xml',
    formatLabel: 'IBKR Activity Flex Query (XML)',
    venue: 'ibkr',
    accountName: accounts[0]?.id ? `IBKR ${accounts[0].id}` : 'IBKR',
    baseCurrency: baseCurrency ?? 'USD',
    rowsTotal,
    trades,
    cashFlows,
    positions,
    positionsAsOfMs: positions ? asOfMs : null,
    closingBalances: closing,
    openingBalances: opening,
    settlements: [],
    notes,
    issues
  }
}

/**
 * The file's closing positions: each account's latest OpenPositions, added up across accounts;
 * null when an account's statements have no such section, so that held positions stay open.
 */
function closingPositions(
  holdings: Map<string, { line: number; rows: Map<string, Holding> | null }>,
  accounts: { id: string }[],
  issue: (line: number, column: string | null, reason: string, severity: RowIssue['severity']) => void,
  notes: string[]
): StatementPosition[] | null {
  const lacking = accounts.filter((a) => !holdings.get(a.id)?.rows)
  if (lacking.length === accounts.length) {
    notes.push('This Flex query has no Open Positions section: positions follow the trades, and positions the file does not trade stay as they are.')
    return null
  }
  if (lacking.length) {
    for (const a of lacking) issue(holdings.get(a.id)?.line ?? 0, null, `account ${a.id}'s statement has no Open Positions section, so the file's positions are not taken as the closing positions; they follow the trades`, 'warning')
    return null
  }
  const total = new Map<string, Holding>()
  for (const { rows } of holdings.values()) for (const [key, h] of rows!) addHolding(total, key, h)
  return [...total.values()].map((h) => ({ line: h.line, instrument: h.instrument, sizeContracts: h.size, avgPrice: h.costSize > 0 ? h.cost / h.costSize : null, sessionPrice: h.markPrice }))
}
