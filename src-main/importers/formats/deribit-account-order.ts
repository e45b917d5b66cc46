/**
 * The Deribit log's order-dependent pass (deribit-transaction-log.ts): what a row makes, read on
 * its own (RowOutcome), taken in UserSeq order by AccountOrder, held compactly until then when the
 * log is out of that order (HeldOutcomes); and whether the log's IDs make every externalId unique
 * (IdsMonotonic).
 */
import type { ParsedStatement, RowIssue, StatementCashFlow, StatementSettlement, StatementTrade } from '../statement'
import type { UnreadableRow } from '../balance-chain'
import { float64Column, int32Column, uint8Column } from '../columns'
import type { DeribitFlows, DeribitTrades, FlowView, InstrumentRefs, TradeView } from './deribit-rows'

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

/** HeldOutcomes' flag bits: what a held row has. */
const IN_CHAIN = 1
const CHAIN_UNREADABLE = 2
const SESSION_PNL = 4
const SESSION_SETTLED = 8
const POSITION = 16
const BUYS = 32
/** The outcome is not of the common shape: kept whole (HeldOutcomes.whole). */
const WHOLE = 64

/**
 * The outcomes of a log read out of UserSeq order (Deribit's exports list the newest row first),
 * held until every row is read and then handed out in UserSeq order. The common outcome (a trade
 * or settlement row without issues: its cash flows, trade, position and session P&L) is kept in
 * columns, ~58 bytes a row, its trade and cash flows as their row numbers in the log's tables;
 * any other (issues, a delivery price, a settlement price) is kept whole, as few logs have many.
 * Issue 20: 1M held RowOutcome objects, with their arrays, views and position objects, were ~500
 * MB, and a newest-first 1M-row import peaked near 1 GB.
 */
export class HeldOutcomes {
  private readonly seq = float64Column()
  private readonly line = int32Column()
  private readonly flags = uint8Column()
  /** The row's first cash flow (its flows are added one after another) and how many. */
  private readonly firstFlow = int32Column()
  private readonly flowCount = uint8Column()
  /** −1: no trade. */
  private readonly trade = int32Column()
  /** The instrument (InstrumentRefs index) of the session P&L, settlement and position; −1: none. */
  private readonly instrument = int32Column()
  private readonly sessionPnl = float64Column()
  private readonly position = float64Column()
  /** The row's Amount; its signed change is ±|Amount| by its side, as RowReader computes it. */
  private readonly amount = float64Column()
  /** Per instrument (a symbol's contract size is parsed once, so one per instrument). */
  private readonly contractSizes = new Map<number, number>()
  private readonly whole = new Map<number, RowOutcome>()
  constructor(
    private readonly trades: DeribitTrades,
    private readonly flows: DeribitFlows,
    private readonly refs: InstrumentRefs
  ) {}

  get length(): number {
    return this.seq.length
  }

  add(o: RowOutcome): void {
    const i = this.seq.push(o.seq)
    this.line.push(o.line)
    let flags = o.chain === true ? IN_CHAIN : o.chain === 'unreadable' ? CHAIN_UNREADABLE : 0
    const symbol = o.position?.symbol ?? o.sessionPnl?.symbol ?? o.sessionSettled
    const sameSymbol = (s: string | null | undefined): boolean => s == null || s === symbol
    const flows = o.flows ?? []
    let contiguous = flows.length < 256
    for (let k = 1; k < flows.length && contiguous; k++) contiguous = flows[k]!.row === flows[0]!.row + k
    const instrument = symbol == null ? -1 : this.refs.indexOf(symbol)
    const p = o.position
    const positionFits = !p || (p.signed === (p.side === 'buy' ? Math.abs(p.amount) : -Math.abs(p.amount)) && (this.contractSizes.get(instrument) ?? p.contractSize) === p.contractSize)
    const common =
      !o.issues && !o.delivery && !o.settlement && contiguous && positionFits && sameSymbol(o.sessionPnl?.symbol) && sameSymbol(o.sessionSettled) && sameSymbol(p?.symbol)
    if (!common) {
      this.whole.set(i, o)
      flags |= WHOLE
    }
    if (common && o.sessionPnl) flags |= SESSION_PNL
    if (common && o.sessionSettled !== null) flags |= SESSION_SETTLED
    if (common && o.position) flags |= POSITION | (o.position.side === 'buy' ? BUYS : 0)
    this.flags.push(flags)
    this.firstFlow.push(common && flows.length ? flows[0]!.row : -1)
    this.flowCount.push(common ? flows.length : 0)
    this.trade.push(common && o.trade ? o.trade.row : -1)
    this.instrument.push(common ? instrument : -1)
    this.sessionPnl.push(common && o.sessionPnl ? o.sessionPnl.amount : 0)
    const kept = common ? p : null
    this.position.push(kept ? kept.position : 0)
    this.amount.push(kept ? kept.amount : 0)
    if (kept) this.contractSizes.set(instrument, kept.contractSize)
  }

  /** The `i`-th outcome added, as it was. */
  at(i: number): RowOutcome {
    const flags = this.flags.data[i]!
    if (flags & WHOLE) return this.whole.get(i)!
    const k = this.instrument.data[i]!
    const symbol = k < 0 ? '' : this.refs.refs[k]!.symbol
    const count = this.flowCount.data[i]!
    let flows: FlowView[] | null = null
    if (count > 0) {
      const first = this.firstFlow.data[i]!
      flows = []
      for (let f = 0; f < count; f++) flows.push(this.flows.view(first + f))
    }
    const trade = this.trade.data[i]!
    const buys = (flags & BUYS) !== 0
    const amount = this.amount.data[i]!
    return {
      seq: this.seq.data[i]!,
      line: this.line.data[i]!,
      chain: flags & IN_CHAIN ? true : flags & CHAIN_UNREADABLE ? 'unreadable' : false,
      issues: null,
      flows,
      sessionPnl: flags & SESSION_PNL ? { symbol, amount: this.sessionPnl.data[i]! } : null,
      sessionSettled: flags & SESSION_SETTLED ? symbol : null,
      position:
        flags & POSITION
          ? { symbol, position: this.position.data[i]!, signed: buys ? Math.abs(amount) : -Math.abs(amount), side: buys ? 'buy' : 'sell', amount, contractSize: this.contractSizes.get(k)! }
          : null,
      delivery: null,
      trade: trade < 0 ? null : this.trades.view(trade),
      settlement: null
    }
  }

  /**
   * The outcomes' numbers in UserSeq order, rows of one UserSeq in the order they were read: what
   * a stable sort by UserSeq gives. A log wholly newest first (UserSeq strictly falling, Deribit's
   * export) is simply reversed.
   */
  inSeqOrder(): Uint32Array {
    const n = this.seq.length
    const seq = this.seq.data
    const at = new Uint32Array(n)
    let falling = true
    for (let i = 1; i < n && falling; i++) falling = seq[i - 1]! > seq[i]!
    if (falling) {
      for (let i = 0; i < n; i++) at[i] = n - 1 - i
      return at
    }
    for (let i = 0; i < n; i++) at[i] = i
    return at.sort((a, b) => seq[a]! - seq[b]! || a - b)
  }
}
