/**
 * The Deribit log's order-dependent pass (deribit-transaction-log.ts): what a row makes, read on
 * its own (RowOutcome), taken in UserSeq order by AccountOrder; and whether the log's IDs make
 * every externalId unique (IdsMonotonic).
 */
import type { ParsedStatement, RowIssue, StatementCashFlow, StatementSettlement, StatementTrade } from '../statement'
import type { UnreadableRow } from '../balance-chain'
import type { FlowView, TradeView } from './deribit-rows'

/**
 * What one row makes, read without the rows around it: its cash flows, trade, settlement and
 * issues, and what the account-order pass (UserSeq) still has to check (the Position column's
 * continuity, session P&L pending settlement, the balance chain).
 */
export interface RowOutcome {
  seq: number
  line: number
  /** Whether the row has its place in the balance chain; 'unreadable' when its Change or Balance is not readable. */
  chain: boolean | 'unreadable'
  issues: RowIssue[] | null
  flows: FlowView[] | null
  /** Session P&L a futures trade realised (added to its instrument's pending total). */
  sessionPnl: { symbol: string; amount: number } | null
  /** A delivery or settlement: the instrument's pending session P&L is cash now. */
  sessionSettled: string | null
  position: { symbol: string; position: number; signed: number; side: 'buy' | 'sell'; amount: number; contractSize: number } | null
  delivery: NonNullable<ParsedStatement['deliveryPrices']>[number] | null
  trade: TradeView | null
  settlement: StatementSettlement | null
}

/**
 * Whether every row's ID is a number, each further than the last in one direction (a log in either
 * order): then no two rows share an ID, and no two trades or cash flows an externalId.
 */
export class IdsMonotonic {
  private last = Number.NaN
  private direction = 0
  holds = true
  see(id: string): void {
    if (!this.holds) return
    const n = Number(id)
    if (!Number.isFinite(n)) return void (this.holds = false)
    if (!Number.isNaN(this.last)) {
      const d = Math.sign(n - this.last)
      if (d === 0 || (this.direction !== 0 && d !== this.direction)) this.holds = false
      this.direction = d
    }
    this.last = n
  }
}

/**
 * What depends on the rows before, taken in UserSeq order (the account's own sequence): the
 * statement's rows and issues in that order, the Position column's continuity, and futures session
 * P&L not yet settled into cash.
 */
export class AccountOrder {
  readonly issues: RowIssue[] = []
  readonly trades: StatementTrade[] = []
  readonly cashFlows: StatementCashFlow[] = []
  readonly settlements: StatementSettlement[] = []
  readonly deliveryPrices: NonNullable<ParsedStatement['deliveryPrices']> = []
  readonly unreadable: UnreadableRow[] = []
  readonly lastPosition = new Map<string, { line: number; position: number; contractSize: number }>()
  /** Per instrument: session P&L realised by trades since its last settlement (not cash yet). */
  readonly pendingSession = new Map<string, number>()
  constructor(private readonly file: string) {}

  take(o: RowOutcome, currency: string | null): void {
    const { file } = this
    const line = o.line
    if (o.chain === 'unreadable') this.unreadable.push({ line, currency: currency!, order: o.seq })
    if (o.issues) this.issues.push(...o.issues)
    if (o.flows) for (const f of o.flows) this.cashFlows.push(f)
    if (o.sessionPnl) this.pendingSession.set(o.sessionPnl.symbol, (this.pendingSession.get(o.sessionPnl.symbol) ?? 0) + o.sessionPnl.amount)
    if (o.sessionSettled) this.pendingSession.delete(o.sessionSettled)
    const p = o.position
    if (p) {
      const previous = this.lastPosition.get(p.symbol)
      if (previous && Math.abs(previous.position + p.signed - p.position) > 1e-9 * Math.max(1, Math.abs(p.position))) {
        this.issues.push({
          file, line, column: 'Position',
          reason: `position ${p.position} does not follow from line ${previous.line}'s ${previous.position} ${p.side === 'buy' ? '+' : '−'} ${Math.abs(p.amount)}`,
          severity: 'warning'
        })
      }
      this.lastPosition.set(p.symbol, { line, position: p.position, contractSize: p.contractSize })
    }
    if (o.delivery) this.deliveryPrices.push(o.delivery)
    if (o.trade) this.trades.push(o.trade)
    if (o.settlement) this.settlements.push(o.settlement)
  }
}
