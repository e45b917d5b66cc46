/**
 * What every statement parser produces: venue-neutral trades, cash flows and (when the statement
 * has them) closing positions, each with the line it came from and a stable identity, plus every
 * row it could not use and why. Parsers never touch the book; preview and commit do.
 */
import type { SymbolHints } from '../engine/instruments/symbol-error'
import { clipMessage, MAX_REASON_CHARS } from '../engine/instruments/bounds'

/**
 * rejected: the row is unusable and blocks a commit unless the user allows a partial import;
 * skipped: deliberately not imported (e.g. a zero-size row), with the reason;
 * warning: imported, but something about it deserves a look (e.g. a position column that disagrees).
 */
export type IssueSeverity = 'rejected' | 'skipped' | 'warning'

/** A row the import did not use as is, and why. */
export interface RowIssue {
  file: string
  /** 1-based line in the file (the row's first line for multi-line records). */
  line: number
  column: string | null
  reason: string
  severity: IssueSeverity
}

/**
 * Every reason and note clipped to MAX_REASON_CHARS: the last guard behind quoteInput, so that no
 * report echoes megabytes of a file (engine/instruments/bounds.ts).
 */
export function clippedIssues<T extends { issues: RowIssue[]; notes?: string[] }>(parsed: T): T {
  const long = (s: string): boolean => s.length > MAX_REASON_CHARS
  if (!parsed.issues.some((i) => long(i.reason)) && !(parsed.notes ?? []).some(long)) return parsed
  return {
    ...parsed,
    issues: parsed.issues.map((i) => (long(i.reason) ? { ...i, reason: clipMessage(i.reason) } : i)),
    ...(parsed.notes ? { notes: parsed.notes.map(clipMessage) } : {})
  }
}

export interface InstrumentRef {
  venue: string
  symbol: string
  hints?: SymbolHints
}

export interface StatementTrade {
  line: number
  /** Stable identity: the venue's id where it has one, else a content hash (see row-identity.ts). */
  externalId: string
  instrument: InstrumentRef
  tradedAtMs: number
  side: 'buy' | 'sell'
  /** Positive, in contracts of the instrument. */
  sizeContracts: number
  /** In the instrument's price currency (coin for inverse options); null when the statement has none. */
  price: number | null
  fee: number
  feeCurrency: string | null
  /** What kind of row made the position change: a trade, an expiry delivery, an assignment… */
  kind: string
}

export interface StatementCashFlow {
  line: number
  externalId: string
  atMs: number
  /** deposit, withdrawal, funding, fee, realised_pnl, settlement, transfer, interest, … */
  kind: string
  currency: string
  amount: number
  instrumentSymbol?: string
  note?: string
  /** Balance statements (Binance) move spot holdings with the same row: applied only if the row is new. */
  positionEffect?: { instrument: InstrumentRef; deltaContracts: number }
  /**
   * false: recorded in the ledger but not a move of the account's cash in `currency`: a spot coin's
   * own holding moving (it is a position, valued as one), or futures P&L a venue books to cash only
   * at its next settlement (Deribit's session P&L, kind 'session_pnl'). Default true.
   */
  movesCash?: boolean
}

/**
 * The venue's own cash balance in one currency as the statement prints it: after the statement's
 * last row in that currency (closing), or before its first one (opening = that row's balance minus
 * its change).
 */
export interface StatementBalance {
  currency: string
  amount: number
  atMs: number
  line: number
  /** Decimal places the statement prints the balance with: the reconciliation's tolerance. */
  decimals: number
}

/**
 * A venue settling a futures or perpetual position's P&L into cash (Deribit at 08:00 UTC daily,
 * Bybit's USDC contracts every 8 h): from then on, its unsettled P&L runs from `price`.
 */
export interface StatementSettlement {
  line: number
  atMs: number
  instrument: InstrumentRef
  /** In the instrument's price currency (USD for inverse futures). */
  price: number
}

export interface StatementPosition {
  line: number
  instrument: InstrumentRef
  /** Signed. */
  sizeContracts: number
  avgPrice: number | null
  /** Futures the venue settles into cash daily (IBKR): the price its cash already holds P&L up to. */
  sessionPrice?: number | null
}

export interface ParsedStatement {
  file: string
  format: string
  formatLabel: string
  venue: string
  /** Suggested book account: "<venue> <account id>" where the statement names one. */
  accountName: string
  baseCurrency: string
  rowsTotal: number
  trades: StatementTrade[]
  cashFlows: StatementCashFlow[]
  /** Closing positions as the statement states them (IBKR OpenPositions): authoritative when present. */
  positions: StatementPosition[] | null
  /** The instant the closing positions are as of, for refusing an older snapshot over a newer one. */
  positionsAsOfMs: number | null
  /**
   * What the file itself says each position is after its last row (Deribit's Position column),
   * in contracts: the plan checks the book's result against it.
   */
  reportedPositions?: { line: number; instrument: InstrumentRef; sizeContracts: number }[]
  /**
   * The venue's running balance per currency after the statement's last row in it (Deribit
   * Balance, OKX Balance, Bybit Wallet Balance, IBKR CashReport endingCash); empty when the
   * statement carries flows only (Binance). The book's cash is set to these.
   */
  closingBalances: StatementBalance[]
  /**
   * Per currency, the balance before the statement's first row in it, when the statement carries
   * running balances (IBKR: startingCash). Non-zero means the file does not start at the account's
   * opening: the preview asks for (or takes) it as the opening balance.
   */
  openingBalances: StatementBalance[]
  settlements: StatementSettlement[]
  /**
   * Delivery prices the venue printed (Deribit's delivery rows): each settles every instrument of
   * its underlying and expiry at that venue, held in this account or not.
   */
  deliveryPrices?: { line: number; venue: string; underlying: string; expiryMs: number; priceUsd: number }[]
  /** What the preview says about the file as a whole (e.g. "trades only: cash comes from …"). */
  notes: string[]
  issues: RowIssue[]
  /**
   * True when the parser knows no two trades and no two cash flows share an externalId (Deribit:
   * every row's ID a number, in one direction): the within-file duplicate check has nothing to find
   * and is not run (on 1M rows it held a map of 2.9M ids: issue 20).
   */
  externalIdsUnique?: boolean
}
