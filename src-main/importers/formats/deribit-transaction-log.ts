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
import { CellReader, readCsv } from '../csv-records'
import { parseSymbol } from '../../engine/instruments/parse-symbol'
import type { ParsedStatement, RowIssue, StatementCashFlow, StatementSettlement, StatementTrade } from '../statement'
import { venueId } from '../row-identity'
import { quoteInput } from '../../engine/instruments/bounds'
import { balanceChain, flowsOf, printedDecimals, readAmount, type ChainRow, type FlowPart, type UnreadableRow } from '../balance-chain'

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

/**
 * A future's or perpetual's trade row: Change is the fee alone and Cash Flow the session P&L the
 * trade realised, which reaches cash at the next settlement (research notes §1.3). A Change of 0
 * means the fee was paid from the Fee Balance. Should a row's Change instead be the Cash Flow
 * less the fee, the P&L reached cash with the trade: booked as realised_pnl, so the ledger still
 * follows Change.
 */
function futuresTradeParts(id: string, change: number, cashFlow: number, fee: number, unit: number): { parts: FlowPart[]; odd: boolean } {
  const feeId = venueId('deribit', 'fee', id)
  const feeOnly = change === 0 || sameAmount(change, -fee, unit)
  if (!feeOnly && cashFlow !== 0 && sameAmount(change, cashFlow - fee, unit)) {
    return { parts: [{ kind: 'fee', amount: -fee, externalId: feeId }, { kind: 'realised_pnl', amount: change + fee, externalId: venueId('deribit', 'log', id) }], odd: false }
  }
  const session: FlowPart = { kind: 'session_pnl', amount: cashFlow, externalId: venueId('deribit', 'session', id), movesCash: false }
  return { parts: [{ kind: 'fee', amount: change, externalId: feeId }, session], odd: !feeOnly }
}

export function parseDeribitLog(text: string, file: string, currencyHint?: string): ParsedStatement {
  const table = readCsv(text, file, detectDeribitLog)
  const { header, records, problems } = table
  const amountCol = amountColumn(header)
  const feeCol = feeColumn(header)
  const issues: RowIssue[] = problems.map((p) => ({ file, line: p.line, column: null, reason: `not readable as CSV: ${p.message}`, severity: 'rejected' }))
  const notes: string[] = ['Deribit prints its log times without a zone: taken as UTC (its settlements and deliveries are stamped 08:00, the UTC settlement time).']
  const trades: StatementTrade[] = []
  const cashFlows: StatementCashFlow[] = []
  const settlements: StatementSettlement[] = []
  const deliveryPrices: NonNullable<ParsedStatement['deliveryPrices']> = []
  const chainRows: ChainRow[] = []
  const unreadable: UnreadableRow[] = []
  const lastPosition = new Map<string, { line: number; position: number; contractSize: number }>()

  // One currency per file: the file name says it; else the first instrument's settlement currency.
  const instrumentAt = table.columns.get('Instrument')!
  const firstSymbol = records.map((r) => (r.values[instrumentAt] ?? '').trim()).find((s) => s !== '' && s !== '-')
  let currency = currencyHint ?? currencyFromFileName(file)
  if (!currency && firstSymbol) {
    currency = settleCurrencyOf(firstSymbol)
    notes.push(`Currency ${currency} taken from the instruments: the file name does not say it (Deribit names its logs transaction_log-<uid>-<CCY>-….csv).`)
  }

  // UserSeq is the account's own sequence; exports list newest first (BittyTax orders by it too).
  const seqAt = table.columns.get('UserSeq')!
  const ordered: { record: (typeof records)[number]; seq: number }[] = []
  for (const record of records) {
    const raw = (record.values[seqAt] ?? '').trim()
    const seq = Number(raw)
    if (raw === '' || !Number.isFinite(seq)) issues.push({ file, line: record.line, column: 'UserSeq', reason: raw === '' ? 'empty' : `${quoteInput(raw)} is not a number`, severity: 'rejected' })
    else ordered.push({ record, seq })
  }
  ordered.sort((a, b) => a.seq - b.seq)

  /** Per instrument: session P&L realised by trades since its last settlement (not cash yet). */
  const pendingSession = new Map<string, number>()

  for (const { record, seq } of ordered) {
    const r = new CellReader(file, table, record)
    const line = record.line
    const id = r.text('ID')
    const atMs = r.time('Date')
    const type = (r.text('Type') ?? '').toLowerCase()
    const symbolText = r.text('Instrument', false)
    const symbol = symbolText === '-' ? null : symbolText
    const change = readAmount(r, 'Change')
    const balance = readAmount(r, 'Balance')
    if (currency && atMs !== null && change !== null && balance !== null) {
      chainRows.push({ line, atMs, currency, order: seq, tiebreak: 0, change, balance, decimals: printedDecimals(r.raw('Balance')) })
    } else if (currency) unreadable.push({ line, currency, order: seq })
    if (!r.ok || id === null || atMs === null || change === null || balance === null) {
      issues.push(...r.issues)
      continue
    }
    if (!currency) {
      issues.push({ file, line, column: 'Instrument', reason: 'currency unknown: name the file …transaction_log-<uid>-<CCY>-….csv', severity: 'rejected' })
      continue
    }
    // Parts are rounded to the precision the row prints them with.
    const decimals = Math.max(...['Change', 'Cash Flow', 'Funding', feeCol].map((c) => printedDecimals(r.raw(c))))
    const common = { line, atMs, currency, instrumentSymbol: symbol ?? undefined, note: r.text('Info', false) ?? undefined }
    const main = venueId('deribit', 'log', id)
    const feeId = venueId('deribit', 'fee', id)

    if (POSITION_TYPES.has(type)) {
      if (!symbol) {
        issues.push({ file, line, column: 'Instrument', reason: `a ${type} row needs an instrument`, severity: 'rejected' })
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
        issues.push(...r.issues)
        continue
      }
      const futures = type !== 'delivery' && !isOption(symbol)
      const split = futures
        ? futuresTradeParts(id, change, cashFlow, fee, 10 ** -decimals)
        : { parts: [{ kind: type === 'delivery' ? 'delivery' : 'premium', amount: cashFlow, externalId: main }, { kind: 'fee', amount: change - cashFlow, externalId: feeId }] as FlowPart[], odd: false }
      if (split.odd) issues.push({ file, line, column: 'Change', reason: `Change ${change} is neither the fee −${fee} nor Cash Flow ${cashFlow} less the fee: booked as the fee`, severity: 'warning' })
      cashFlows.push(...flowsOf(common, split.parts, decimals))
      if (split.parts.some((p) => p.kind === 'session_pnl')) pendingSession.set(symbol, (pendingSession.get(symbol) ?? 0) + cashFlow)
      if (type === 'delivery') pendingSession.delete(symbol)
      if (amount === 0) {
        issues.push({ file, line, column: amountCol, reason: `a ${type} of size 0 changes nothing`, severity: 'skipped' })
        continue
      }
      const signed = side === 'buy' ? Math.abs(amount) : -Math.abs(amount)
      const previous = lastPosition.get(symbol)
      if (previous && Math.abs(previous.position + signed - position) > 1e-9 * Math.max(1, Math.abs(position))) {
        issues.push({
          file, line, column: 'Position',
          reason: `position ${position} does not follow from line ${previous.line}'s ${previous.position} ${side === 'buy' ? '+' : '−'} ${Math.abs(amount)}`,
          severity: 'warning'
        })
      }
      lastPosition.set(symbol, { line, position, contractSize })
      if (type === 'delivery' && price !== null && price > 0) {
        // The delivery price settles every instrument of this underlying and expiry (Deribit: the
        // 30-minute index average before 08:00 UTC), positions this log does not hold included.
        try {
          const i = parseSymbol('deribit', symbol)
          if (i.expiryMs !== null) deliveryPrices.push({ line, venue: 'deribit', underlying: i.underlying, expiryMs: i.expiryMs, priceUsd: price })
        } catch {
          // an unknown symbol: no expiry to settle
        }
      }
      trades.push({
        line,
        externalId: main,
        instrument: { venue: 'deribit', symbol },
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
      continue
    }
    if (type === 'settlement') {
      const funding = readAmount(r, 'Funding', false) ?? 0
      const price = readAmount(r, 'Price', false, 'price')
      if (!r.ok) {
        issues.push(...r.issues)
        continue
      }
      cashFlows.push(...flowsOf(common, [
        { kind: 'settlement', amount: change - funding, externalId: main },
        { kind: 'funding', amount: funding, externalId: venueId('deribit', 'funding', id) }
      ], decimals))
      if (symbol) pendingSession.delete(symbol)
      if (symbol && !isOption(symbol)) {
        if (price !== null && price > 0) settlements.push({ line, atMs, instrument: { venue: 'deribit', symbol }, price })
        else issues.push({ file, line, column: 'Price', reason: `a settlement of ${symbol} without its settlement price: the position's unsettled P&L cannot be measured from it`, severity: 'warning' })
      }
      continue
    }
    const cashKind = CASH_TYPES[type]
    if (cashKind) {
      cashFlows.push(...flowsOf(common, [{ kind: cashKind, amount: change, externalId: main }], decimals))
      continue
    }
    issues.push({ file, line, column: 'Type', reason: `unknown transaction type ${quoteInput(type)}`, severity: 'rejected' })
  }

  const chain = balanceChain(file, chainRows, 'Balance', false, unreadable)
  issues.push(...chain.issues)
  notes.push(...chain.notes)
  for (const o of chain.opening) {
    if (o.amount !== 0) notes.push(`The file starts with a balance of ${o.amount} ${o.currency} (before line ${o.line}): the account's earlier history is not in it.`)
  }
  const pending = [...pendingSession.values()].reduce((s, p) => s + p, 0)
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
    rowsTotal: records.length,
    trades,
    cashFlows,
    positions: null,
    positionsAsOfMs: null,
    closingBalances: chain.closing,
    openingBalances: chain.opening,
    settlements,
    deliveryPrices,
    notes,
    reportedPositions: [...lastPosition].map(([symbol, p]) => ({ line: p.line, instrument: { venue: 'deribit', symbol }, sizeContracts: p.position / p.contractSize })),
    issues
  }
}
