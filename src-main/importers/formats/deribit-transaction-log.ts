/**
 * Deribit transaction log CSV, one file per currency, in every header generation Deribit has
 * exported (BittyTax's deribit.py, research notes §1.1; Deribit support, "Transaction log",
 * https://support.deribit.com/hc/en-us/articles/25944587269021-Transaction-log):
 *   current: ID,UserSeq,Date,Instrument,Type,Side,Amount,Base Amount,Position,Price,…,Fee Charged,…,Trade ID,Order ID,Info,Note
 *   middle:  ID,UserSeq,Date,Instrument,Type,Side,Base Amount,Position,Price,…,Fee Charged,…,Trade ID,Order ID,Info[,Note]
 *   oldest:  ID,UserSeq,Date,Instrument,Type,Side,Size,Position,Price,Mark Price,Cash Flow,Funding,Fee Rate,Fee Paid,…
 * Amounts are venue units: USD for inverse futures and perpetuals, coin for options. Position is
 * the position after the row; it is checked against the running sum of the row changes.
 *
 * Cash: `Change` is the change of the cash balance and `Balance` the cash balance after the row
 * (API transaction_log schema, https://docs.deribit.com/#private-get_transaction_log). Every row's
 * Change is booked, split into its parts (research notes §1.3, checked on Deribit's own example):
 * - option trade:   premium = Cash Flow (paid −, received +), fee = Change − Cash Flow;
 * - future/perpetual trade: fee = Change (the fee only). Its Cash Flow is the session P&L realised
 *   by the trade, which Deribit moves into cash only at the next 08:00 UTC settlement
 *   (https://www.deribit.com/pages/docs/perpetual): kept as 'session_pnl' that moves no cash;
 * - settlement:     settlement = Change − Funding, funding = Funding (Cash Flow includes funding:
 *   BittyTax issue #373), plus the settlement price the position's unsettled P&L runs from;
 * - delivery:       delivery = Cash Flow (option payoff, or a future's last session P&L),
 *   fee = Change − Cash Flow (the delivery fee; BittyTax commit 23fb36a);
 * - deposit, withdrawal (Change includes its fee), transfer, …: the whole Change.
 * Rows are taken in UserSeq order, the account's own sequence (exports list newest first).
 */
import { CellReader, streamCsv, type CsvHead, type CsvRecord } from '../csv-records'
import { parseSymbol } from '../../engine/instruments/parse-symbol'
import type { ParsedStatement, RowIssue } from '../statement'
import { quoteInput } from '../../engine/instruments/bounds'
import { orderedBalanceChain, printedDecimals, readAmount, roundTo, type FlowPart } from '../balance-chain'
import { StringTable } from '../columns'
import type { StatementText } from '../statement-text'
import { DeribitChain, DeribitFlows, DeribitTrades, InstrumentRefs, ownCopy, type DeribitIdKind, type FlowView } from './deribit-rows'
import { AccountOrder, HeldOutcomes, IdsMonotonic, type RowOutcome } from './deribit-account-order'

const COMMON = ['ID', 'UserSeq', 'Date', 'Instrument', 'Type', 'Side', 'Position', 'Price', 'Cash Flow', 'Change', 'Balance', 'Trade ID']

export function detectDeribitLog(header: readonly string[]): boolean {
  return COMMON.every((c) => header.includes(c)) && (header.includes('Amount') || header.includes('Base Amount') || header.includes('Size'))
}

/** Which column holds the traded amount in venue units, per header generation. */
const amountColumn = (header: readonly string[]): string => (header.includes('Amount') ? 'Amount' : header.includes('Size') ? 'Size' : 'Base Amount')
const feeColumn = (header: readonly string[]): string => (header.includes('Fee Charged') ? 'Fee Charged' : 'Fee Paid')

/** The currency of a one-currency log, from its file name (…transaction_log-<uid>-<CCY>-….csv). */
/** The account's user id, from the file name (…transaction_log-<uid>-<CCY>-….csv). */
export function uidFromFileName(file: string): string | null {
  return /transaction_log-(\d+)-[A-Z]{2,6}-/i.exec(file)?.[1] ?? null
}

export function currencyFromFileName(file: string): string | null {
  const m = /transaction_log-[^-]+-([A-Z]{2,6})-/i.exec(file)
  return m ? m[1]!.toUpperCase() : null
}

/** The settlement currency of a Deribit instrument: BTC for BTC-PERPETUAL, USDC for BTC_USDC-…. */
const settleCurrencyOf = (symbol: string): string => {
  const m = /^([A-Z0-9]+)(?:_([A-Z]+))?-/.exec(symbol)
  return m ? (m[2] ?? m[1]!) : symbol.split(/[-_]/)[0]!
}
const isOption = (symbol: string): boolean => /-[CP]$/.test(symbol)

const POSITION_TYPES = new Set(['trade', 'delivery', 'position move'])
/** One string per known type, kept by every trade (`kind`) instead of a copy per row. */
const KNOWN_TYPES = new Map(['trade', 'delivery', 'position move', 'settlement', 'deposit', 'withdrawal', 'transfer', 'transfer from insurance', 'socialized fund', 'correction', 'negative_balance_fee', 'swap'].map((t) => [t, t]))
const CASH_TYPES: Record<string, string> = {
  deposit: 'deposit',
  withdrawal: 'withdrawal',
  transfer: 'transfer',
  'transfer from insurance': 'insurance',
  'socialized fund': 'socialized_loss',
  correction: 'correction',
  negative_balance_fee: 'fee',
  swap: 'conversion'
}

/** An option's value per contract at delivery, in its price currency (coin for inverse options). */
function deliveryValue(symbol: string, deliveryPrice: number): number | null {
  try {
    const i = parseSymbol('deribit', symbol)
    if (i.kind !== 'option' || i.strikeUsd === null || deliveryPrice <= 0) return deliveryPrice
    const intrinsic = Math.max(0, i.optionType === 'call' ? deliveryPrice - i.strikeUsd : i.strikeUsd - deliveryPrice)
    return i.settlement === 'inverse' ? intrinsic / deliveryPrice : intrinsic
  } catch {
    return null
  }
}

const sameAmount = (a: number, b: number, unit: number): boolean => Math.abs(a - b) <= unit * (1 + 1e-9)

/** One part of a row's Change, booked as its own cash flow; its id is `deribit:<idKind>:<ID>`. */
type Part = Omit<FlowPart, 'externalId'> & { idKind: DeribitIdKind }

/**
 * A future's or perpetual's trade row: Change is the fee alone and Cash Flow the session P&L the
 * trade realised, which reaches cash at the next settlement (research notes §1.3). A Change of 0
 * means the fee was paid from the Fee Balance. Should a row's Change instead be the Cash Flow
 * less the fee, the P&L reached cash with the trade: booked as realised_pnl, so the ledger still
 * follows Change.
 */
function futuresTradeParts(change: number, cashFlow: number, fee: number, unit: number): { parts: Part[]; odd: boolean } {
  const feeOnly = change === 0 || sameAmount(change, -fee, unit)
  if (!feeOnly && cashFlow !== 0 && sameAmount(change, cashFlow - fee, unit)) {
    return { parts: [{ kind: 'fee', amount: -fee, idKind: 'fee' }, { kind: 'realised_pnl', amount: change + fee, idKind: 'log' }], odd: false }
  }
  const session: Part = { kind: 'session_pnl', amount: cashFlow, idKind: 'session', movesCash: false }
  return { parts: [{ kind: 'fee', amount: change, idKind: 'fee' }, session], odd: !feeOnly }
}

/** Where a log's rows go as they are read: the columns their trades, cash flows and chain rows are kept in. */
interface RowTables {
  refs: InstrumentRefs
  trades: DeribitTrades
  flows: DeribitFlows
  /** Null until the log's currency is known (rows read before then have none). */
  chain: DeribitChain | null
}

/** Reads one row of a log into its outcome (RowOutcome); the order-dependent checks come after. */
class RowReader {
  private readonly amountCol: string
  private readonly feeCol: string
  private readonly seqAt: number
  readonly ids = new IdsMonotonic()
  constructor(
    private readonly file: string,
    private readonly head: CsvHead,
    private readonly tables: RowTables,
    private readonly seqIssues: RowIssue[]
  ) {
    this.amountCol = amountColumn(head.header)
    this.feeCol = feeColumn(head.header)
    this.seqAt = head.columns.get('UserSeq')!
  }

  /**
   * A row's cash flows: its parts, each rounded to the row's printed precision (so a difference
   * like Change − Cash Flow carries no binary residue) and left out when zero (flowsOf's rule).
   */
  private flowsOf(common: { line: number; atMs: number; currency: string; instrumentIndex: number; note?: string }, id: string, parts: readonly Part[], decimals: number): FlowView[] {
    const out: FlowView[] = []
    for (const p of parts) {
      const amount = roundTo(p.amount, decimals) + 0
      if (amount === 0) continue
      out.push(this.tables.flows.add({ ...common, kind: p.kind, amount, id, idKind: p.idKind, movesCash: p.movesCash !== false }))
    }
    return out
  }

  /** Contract size per instrument (tables.refs index), parsed from its symbol once (a log names a few dozen). */
  private readonly contractSizes: number[] = []
  private contractSizeOf(instrumentIndex: number, symbol: string): number {
    let size = this.contractSizes[instrumentIndex]
    if (size === undefined) {
      try {
        size = parseSymbol('deribit', symbol).contractSize
      } catch {
        size = 1
      }
      this.contractSizes[instrumentIndex] = size
    }
    return size
  }

  /** The row's outcome; null when its UserSeq is unreadable (rejected: the row has no place in the account's order). */
  read(record: CsvRecord, currency: string | null): RowOutcome | null {
    const { file, amountCol, feeCol } = this
    const rawSeq = (record.values[this.seqAt] ?? '').trim()
    const seq = Number(rawSeq)
    if (rawSeq === '' || !Number.isFinite(seq)) {
      this.seqIssues.push({ file, line: record.line, column: 'UserSeq', reason: rawSeq === '' ? 'empty' : `${quoteInput(rawSeq)} is not a number`, severity: 'rejected' })
      return null
    }
    const line = record.line
    const o: RowOutcome = { seq, line, chain: false, issues: null, flows: null, sessionPnl: null, sessionSettled: null, position: null, delivery: null, trade: null, settlement: null }
    const issue = (i: RowIssue): void => void (o.issues ??= []).push(i)
    const r = new CellReader(file, this.head, record)
    const id = r.text('ID')
    if (id !== null) this.ids.see(id)
    const atMs = r.time('Date')
    const typeText = (r.text('Type') ?? '').toLowerCase()
    const type = KNOWN_TYPES.get(typeText) ?? typeText
    const symbolText = r.text('Instrument', false)
    const instrumentIndex = symbolText === null || symbolText === '-' ? -1 : this.tables.refs.indexOf(symbolText)
    const symbol = instrumentIndex < 0 ? null : this.tables.refs.refs[instrumentIndex]!.symbol
    const change = readAmount(r, 'Change')
    const balance = readAmount(r, 'Balance')
    if (currency && atMs !== null && change !== null && balance !== null) {
      this.tables.chain!.add({ line, atMs, order: seq, change, balance, decimals: printedDecimals(r.raw('Balance')) })
      o.chain = true
    } else if (currency) o.chain = 'unreadable'
    if (!r.ok || id === null || atMs === null || change === null || balance === null) {
      if (r.issues.length) o.issues = [...r.issues]
      return o
    }
    if (!currency) {
      issue({ file, line, column: 'Instrument', reason: 'currency unknown: name the file …transaction_log-<uid>-<CCY>-….csv', severity: 'rejected' })
      return o
    }
    // Parts are rounded to the precision the row prints them with.
    const decimals = Math.max(printedDecimals(r.raw('Change')), printedDecimals(r.raw('Cash Flow')), printedDecimals(r.raw('Funding')), printedDecimals(r.raw(feeCol)))
    const info = r.text('Info', false)
    const common = { line, atMs, currency, instrumentIndex, note: info === null ? undefined : ownCopy(info) }

    if (POSITION_TYPES.has(type)) {
      if (!symbol) {
        issue({ file, line, column: 'Instrument', reason: `a ${type} row needs an instrument`, severity: 'rejected' })
        return o
      }
      // A symbol no parser knows still changes a real position: the commit keeps it as "not priced",
      // in the venue's own units.
      const contractSize = this.contractSizeOf(instrumentIndex, symbol)
      const amount = r.number(amountCol, true, 'sizeContracts')
      const position = r.number('Position', true, 'sizeContracts')
      // A position move may carry no price: it moves the size, never the average price.
      const price = readAmount(r, 'Price', type !== 'position move', 'price')
      const fee = readAmount(r, feeCol, false, 'fee') ?? 0
      const cashFlow = readAmount(r, 'Cash Flow', false) ?? 0
      const sideText = (r.text('Side', false) ?? '').toLowerCase()
      const side = sideText.includes('buy') ? 'buy' : sideText.includes('sell') ? 'sell' : null
      if (side === null) r.issues.push({ file, line, column: 'Side', reason: `${quoteInput(sideText)} is neither buy nor sell`, severity: 'rejected' })
      if (!r.ok || amount === null || position === null || side === null) {
        if (r.issues.length) o.issues = [...r.issues]
        return o
      }
      const futures = type !== 'delivery' && !isOption(symbol)
      const split = futures
        ? futuresTradeParts(change, cashFlow, fee, 10 ** -decimals)
        : { parts: [{ kind: type === 'delivery' ? 'delivery' : 'premium', amount: cashFlow, idKind: 'log' }, { kind: 'fee', amount: change - cashFlow, idKind: 'fee' }] as Part[], odd: false }
      if (split.odd) issue({ file, line, column: 'Change', reason: `Change ${change} is neither the fee −${fee} nor Cash Flow ${cashFlow} less the fee: booked as the fee`, severity: 'warning' })
      o.flows = this.flowsOf(common, id, split.parts, decimals)
      if (split.parts.some((p) => p.kind === 'session_pnl')) o.sessionPnl = { symbol, amount: cashFlow }
      if (type === 'delivery') o.sessionSettled = symbol
      if (amount === 0) {
        issue({ file, line, column: amountCol, reason: `a ${type} of size 0 changes nothing`, severity: 'skipped' })
        return o
      }
      const signed = side === 'buy' ? Math.abs(amount) : -Math.abs(amount)
      o.position = { symbol, position, signed, side, amount, contractSize }
      if (type === 'delivery' && price !== null && price > 0) {
        // The delivery price settles every instrument of this underlying and expiry (Deribit: the
        // 30-minute index average before 08:00 UTC), positions this log does not hold included.
        try {
          const i = parseSymbol('deribit', symbol)
          if (i.expiryMs !== null) o.delivery = { line, venue: 'deribit', underlying: i.underlying, expiryMs: i.expiryMs, priceUsd: price }
        } catch {
          // an unknown symbol: no expiry to settle
        }
      }
      o.trade = this.tables.trades.add({
        line,
        id,
        instrument: this.tables.refs.refs[instrumentIndex]!,
        instrumentIndex,
        tradedAtMs: atMs,
        side,
        sizeContracts: Math.abs(amount) / contractSize,
        // A delivery's Price is the USD delivery price (Deribit API: "Settlement/delivery price");
        // an option's fill is in coin, so it is delivered at its payoff per contract.
        price: type === 'delivery' && price !== null ? deliveryValue(symbol, price) : price,
        fee,
        feeCurrency: currency,
        kind: type
      })
      return o
    }
    if (type === 'settlement') {
      const funding = readAmount(r, 'Funding', false) ?? 0
      const price = readAmount(r, 'Price', false, 'price')
      if (!r.ok) {
        o.issues = [...r.issues]
        return o
      }
      o.flows = this.flowsOf(common, id, [
        { kind: 'settlement', amount: change - funding, idKind: 'log' },
        { kind: 'funding', amount: funding, idKind: 'funding' }
      ], decimals)
      if (symbol) o.sessionSettled = symbol
      if (symbol && !isOption(symbol)) {
        if (price !== null && price > 0) o.settlement = { line, atMs, instrument: this.tables.refs.refs[instrumentIndex]!, price }
        else issue({ file, line, column: 'Price', reason: `a settlement of ${symbol} without its settlement price: the position's unsettled P&L cannot be measured from it`, severity: 'warning' })
      }
      return o
    }
    const cashKind = CASH_TYPES[type]
    if (cashKind) {
      o.flows = this.flowsOf(common, id, [{ kind: cashKind, amount: change, idKind: 'log' }], decimals)
      return o
    }
    issue({ file, line, column: 'Type', reason: `unknown transaction type ${quoteInput(type)}`, severity: 'rejected' })
    return o
  }
}

/**
 * A log, read a row at a time (the file is streamed, never held as rows), then taken in UserSeq
 * order for what depends on the rows before (Position continuity, session P&L, the chain). A log
 * already in UserSeq order (oldest first) is taken as it is read, so no row's outcome is held; a
 * log in another order (exports list newest first) is read again with every outcome held in
 * columns (HeldOutcomes) and taken in UserSeq order (issue 20: 1M rows' outcomes as objects were
 * ~500 MB, and a newest-first 1M-row import peaked near 1 GB).
 */
export function parseDeribitLog(text: StatementText, file: string, currencyHint?: string): ParsedStatement {
  return parseInOrder(text, file, currencyHint, true) ?? parseInOrder(text, file, currencyHint, false)!
}

/** The log parsed; `asRead`: taking rows as they are read, giving up (null) at the first row out of UserSeq order. */
function parseInOrder(text: StatementText, file: string, currencyHint: string | undefined, asRead: boolean): ParsedStatement | null {
  const problemIssues: RowIssue[] = []
  const seqIssues: RowIssue[] = []
  const notes: string[] = ['Deribit prints its log times without a zone: taken as UTC (its settlements and deliveries are stamped 08:00, the UTC settlement time).']
  const strings = new StringTable()
  const refs = new InstrumentRefs()
  const tables: RowTables = { refs, trades: new DeribitTrades(refs, strings), flows: new DeribitFlows(refs, strings), chain: null }
  let outcomes = asRead ? null : new HeldOutcomes(tables.trades, tables.flows, refs)
  const order = new AccountOrder(file)
  let rowsTotal = 0
  let lastSeq = -Infinity
  let outOfOrder = false

  // One currency per file: the file name says it; else the first instrument's settlement currency,
  // known only once that row is read (then the rows are held and read after).
  let currency = currencyHint ?? currencyFromFileName(file)
  if (currency) tables.chain = new DeribitChain(currency)
  const held: CsvRecord[] = []
  let firstSymbol: string | undefined
  let reader: RowReader | null = null
  /** Reads a row; false when the rows are taken as read and this one is out of UserSeq order. */
  const read = (record: CsvRecord, rr: RowReader): boolean => {
    const o = rr.read(record, currency)
    if (!o) return true
    if (outcomes) {
      outcomes.add(o)
      return true
    }
    if (o.seq < lastSeq) {
      outOfOrder = true
      return false
    }
    lastSeq = o.seq
    order.take(o, currency)
    return true
  }
  const head = streamCsv(
    text,
    file,
    (record, h) => {
      rowsTotal++
      reader ??= new RowReader(file, h, tables, seqIssues)
      if (currency) return read(record, reader)
      if (firstSymbol === undefined) {
        const s = (record.values[h.columns.get('Instrument')!] ?? '').trim()
        if (s !== '' && s !== '-') firstSymbol = s
      }
      held.push(record)
    },
    (p) => problemIssues.push({ file, line: p.line, column: null, reason: `not readable as CSV: ${p.message}`, severity: 'rejected' }),
    detectDeribitLog
  )
  if (outOfOrder) return null
  const { header } = head
  const amountCol = amountColumn(header)
  if (!currency && firstSymbol) {
    currency = settleCurrencyOf(firstSymbol)
    tables.chain = new DeribitChain(currency)
    notes.push(`Currency ${currency} taken from the instruments: the file name does not say it (Deribit names its logs transaction_log-<uid>-<CCY>-….csv).`)
  }
  for (const record of held) if (!read(record, reader!)) return null
  held.length = 0

  if (outcomes) {
    // UserSeq is the account's own sequence; exports list newest first (BittyTax orders by it too).
    // Rows of one UserSeq keep the file's order.
    for (const i of outcomes.inSeqOrder()) order.take(outcomes.at(i), currency)
    // Its columns (~75 MB at 1M rows) are not needed while the chain is checked.
    outcomes = null
  }

  const chain = tables.chain ? orderedBalanceChain(file, tables.chain.currency, tables.chain.rows(), 'Balance', order.unreadable) : { closing: [], opening: [], issues: [], notes: [] }
  const issues: RowIssue[] = [...problemIssues, ...seqIssues, ...order.issues, ...chain.issues]
  notes.push(...chain.notes)
  for (const o of chain.opening) {
    if (o.amount !== 0) notes.push(`The file starts with a balance of ${o.amount} ${o.currency} (before line ${o.line}): the account's earlier history is not in it.`)
  }
  const pending = [...order.pendingSession.values()].reduce((s, p) => s + p, 0)
  if (currency && Math.abs(pending) > 0) {
    notes.push(`${pending.toFixed(8)} ${currency} of futures P&L realised after the last settlement is not cash yet: Deribit books it at the next 08:00 UTC settlement.`)
  }

  return {
    file,
    format: 'deribit-transaction-log',
    formatLabel: `Deribit transaction log (${amountCol === 'Amount' ? 'current' : amountCol === 'Size' ? 'oldest' : 'middle'} header)`,
    venue: 'deribit',
    // One Deribit account (its user id, in the file name) holds a wallet per currency: its BTC and
    // ETH logs are one book account, and two accounts' logs never merge.
    accountName: uidFromFileName(file) ? `Deribit ${uidFromFileName(file)}` : `Deribit ${currency ?? ''}`.trim(),
    baseCurrency: currency ?? 'BTC',
    rowsTotal,
    trades: order.trades,
    cashFlows: order.cashFlows,
    positions: null,
    positionsAsOfMs: null,
    closingBalances: chain.closing,
    openingBalances: chain.opening,
    settlements: order.settlements,
    deliveryPrices: order.deliveryPrices,
    notes,
    reportedPositions: [...order.lastPosition].map(([symbol, p]) => ({ line: p.line, instrument: refs.of(symbol), sizeContracts: p.position / p.contractSize })),
    issues,
    externalIdsUnique: (reader as RowReader | null)?.ids.holds ?? true
  }
}
