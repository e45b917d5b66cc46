/**
 * What every statement parser produces: venue-neutral trades, cash flows and (when the statement
 * has them) closing positions, each with the line it came from and a stable identity, plus every
 * row it could not use and why. Parsers never touch the book; preview and commit do.
 */
import type { SymbolHints } from '../engine/instruments/symbol-error'

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
}

export interface StatementPosition {
  line: number
  instrument: InstrumentRef
  /** Signed. */
  sizeContracts: number
  avgPrice: number | null
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
  issues: RowIssue[]
}
