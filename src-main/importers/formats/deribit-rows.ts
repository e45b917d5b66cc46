/**
 * A Deribit log's trades, cash flows and balance-chain rows kept in columns (columns.ts), each
 * trade and cash flow handed out as a small view object that reads its fields from them: the
 * StatementTrade and StatementCashFlow every consumer reads, at ~90 bytes a row instead of ~200
 * (issue 20: a 1M-row log makes 1M trades and 1.9M cash flows). Ids are kept as the row's ID cell
 * (a number where it is one) and spelt `deribit:<kind>:<ID>` when asked for, exactly as venueId
 * spells them. A view spread
 * with `{ ...x }` copies its own field (the row number), not the row: use toJSON() (JSON.stringify does) for a
 * plain copy.
 */
import { float64Column, int32Column, StringTable, uint16Column, uint8Column } from '../columns'
import { venueId } from '../row-identity'
import type { InstrumentRef, StatementCashFlow, StatementTrade } from '../statement'
import type { ChainRow, ChainRows } from '../balance-chain'

/** Where a row's id comes from: its ID cell, and which of the row's parts (log, fee, session, funding). */
const ID_KINDS = ['log', 'fee', 'session', 'funding'] as const
export type DeribitIdKind = (typeof ID_KINDS)[number]
const ID_KIND_INDEX = new Map<string, number>(ID_KINDS.map((k, i) => [k, i]))

/** The same characters in a string of their own (not a slice keeping the chunk it was cut from alive). */
export const ownCopy = (s: string): string => s.split('').join('')

/**
 * Rows' ID cells: a number when the cell is one as String() spells it (Deribit's are: 8 bytes, no
 * string per row), else the text itself.
 */
class RowIds {
  private readonly number = float64Column()
  private readonly text = new Map<number, string>()
  push(id: string): void {
    const i = this.number.push(CANONICAL_ID.test(id) ? Number(id) : Number.NaN)
    if (Number.isNaN(this.number.data[i]!)) this.text.set(i, ownCopy(id))
  }
  at(i: number): string {
    const n = this.number.data[i]!
    return Number.isNaN(n) ? this.text.get(i)! : String(n)
  }
}
/** An integer String(Number(id)) gives back unchanged: no leading zero, no sign, under 2^53. */
const CANONICAL_ID = /^(?:0|[1-9]\d{0,14})$/

/**
 * One `{ venue, symbol }` per instrument, shared by its rows (a 1M-row log names a few dozen), its
 * symbol a copy of its own: a cell is a slice of the chunk papaparse read it from, and a slice kept
 * in every row would keep every chunk, a second copy of the file (issue 20).
 */
export class InstrumentRefs {
  private readonly bySymbol = new Map<string, number>()
  readonly refs: InstrumentRef[] = []
  indexOf(symbol: string): number {
    let i = this.bySymbol.get(symbol)
    if (i === undefined) {
      i = this.refs.length
      this.refs.push({ venue: 'deribit', symbol: ownCopy(symbol) })
      this.bySymbol.set(symbol, i)
    }
    return i
  }
  of(symbol: string): InstrumentRef {
    return this.refs[this.indexOf(symbol)]!
  }
}

/** A trade of the log, read from its columns (DeribitTrades) at `row`; toJSON gives it as a plain object. */
export type TradeView = StatementTrade & { readonly row: number; toJSON(): StatementTrade }

export class DeribitTrades {
  readonly line = int32Column()
  readonly atMs = float64Column()
  readonly size = float64Column()
  /** NaN: no price (a position move). */
  readonly price = float64Column()
  readonly fee = float64Column()
  /** 1 buy, 0 sell. */
  readonly buy = uint8Column()
  readonly instrument = int32Column()
  readonly kind = uint16Column()
  readonly currency = uint16Column()
  readonly id = new RowIds()
  /** The view class of these columns: a view holds only its row number (32 bytes a trade). */
  private readonly View = tradeViewOf(this)
  constructor(
    readonly refs: InstrumentRefs,
    readonly strings: StringTable
  ) {}

  add(t: Omit<StatementTrade, 'externalId'> & { id: string; instrumentIndex: number }): TradeView {
    const i = this.line.push(t.line)
    this.atMs.push(t.tradedAtMs)
    this.size.push(t.sizeContracts)
    this.price.push(t.price ?? Number.NaN)
    this.fee.push(t.fee)
    this.buy.push(t.side === 'buy' ? 1 : 0)
    this.instrument.push(t.instrumentIndex)
    this.kind.push(this.strings.of(t.kind))
    // A trade without a fee currency does not occur in a log (one currency per file).
    this.currency.push(this.strings.of(t.feeCurrency ?? ''))
    this.id.push(t.id)
    return new this.View(i)
  }

  /** The trade added `row`-th, as a view again (a held row outcome keeps its row number, not its view). */
  view(row: number): TradeView {
    return new this.View(row)
  }
}

function tradeViewOf(t: DeribitTrades): new (i: number) => TradeView {
  return class DeribitTrade implements TradeView {
    constructor(readonly row: number) {}
    get line(): number {
      return t.line.data[this.row]!
    }
    get externalId(): string {
      return venueId('deribit', 'log', t.id.at(this.row))
    }
    get instrument(): InstrumentRef {
      return t.refs.refs[t.instrument.data[this.row]!]!
    }
    get tradedAtMs(): number {
      return t.atMs.data[this.row]!
    }
    get side(): 'buy' | 'sell' {
      return t.buy.data[this.row] === 1 ? 'buy' : 'sell'
    }
    get sizeContracts(): number {
      return t.size.data[this.row]!
    }
    get price(): number | null {
      const p = t.price.data[this.row]!
      return Number.isNaN(p) ? null : p
    }
    get fee(): number {
      return t.fee.data[this.row]!
    }
    get feeCurrency(): string | null {
      return t.strings.values[t.currency.data[this.row]!]!
    }
    get kind(): string {
      return t.strings.values[t.kind.data[this.row]!]!
    }
    toJSON(): StatementTrade {
      const { line, externalId, instrument, tradedAtMs, side, sizeContracts, price, fee, feeCurrency, kind } = this
      return { line, externalId, instrument, tradedAtMs, side, sizeContracts, price, fee, feeCurrency, kind }
    }
  }
}

/** A cash flow of the log, read from its columns (DeribitFlows) at `row`; toJSON gives it as a plain object. */
export type FlowView = StatementCashFlow & { readonly row: number; toJSON(): StatementCashFlow }

export class DeribitFlows {
  readonly line = int32Column()
  readonly atMs = float64Column()
  readonly amount = float64Column()
  readonly kind = uint16Column()
  readonly currency = uint16Column()
  /** −1: no instrument. */
  readonly instrument = int32Column()
  /** ID_KINDS index. */
  readonly idKind = uint8Column()
  /** 1 unless the flow moves no cash (session P&L). */
  readonly movesCash = uint8Column()
  readonly id = new RowIds()
  /** The row's Info cell, for the few flows that have one. */
  readonly notes = new Map<number, string>()
  /** The view class of these columns: a view holds only its row number (32 bytes a flow). */
  private readonly View = flowViewOf(this)
  constructor(
    readonly refs: InstrumentRefs,
    readonly strings: StringTable
  ) {}

  add(f: { line: number; atMs: number; kind: string; currency: string; amount: number; instrumentIndex: number; id: string; idKind: DeribitIdKind; movesCash: boolean; note?: string }): FlowView {
    const i = this.line.push(f.line)
    this.atMs.push(f.atMs)
    this.amount.push(f.amount)
    this.kind.push(this.strings.of(f.kind))
    this.currency.push(this.strings.of(f.currency))
    this.instrument.push(f.instrumentIndex)
    this.idKind.push(ID_KIND_INDEX.get(f.idKind)!)
    this.movesCash.push(f.movesCash ? 1 : 0)
    this.id.push(f.id)
    if (f.note !== undefined) this.notes.set(i, f.note)
    return new this.View(i)
  }

  /** The cash flow added `row`-th, as a view again (a held row outcome keeps its row numbers, not its views). */
  view(row: number): FlowView {
    return new this.View(row)
  }
}

function flowViewOf(f: DeribitFlows): new (i: number) => FlowView {
  return class DeribitCashFlow implements FlowView {
    constructor(readonly row: number) {}
    get line(): number {
      return f.line.data[this.row]!
    }
    get externalId(): string {
      return venueId('deribit', ID_KINDS[f.idKind.data[this.row]!]!, f.id.at(this.row))
    }
    get atMs(): number {
      return f.atMs.data[this.row]!
    }
    get kind(): string {
      return f.strings.values[f.kind.data[this.row]!]!
    }
    get currency(): string {
      return f.strings.values[f.currency.data[this.row]!]!
    }
    get amount(): number {
      return f.amount.data[this.row]!
    }
    get instrumentSymbol(): string | undefined {
      const k = f.instrument.data[this.row]!
      return k < 0 ? undefined : f.refs.refs[k]!.symbol
    }
    get note(): string | undefined {
      return f.notes.get(this.row)
    }
    get movesCash(): boolean | undefined {
      return f.movesCash.data[this.row] === 1 ? undefined : false
    }
    get positionEffect(): undefined {
      return undefined
    }
    toJSON(): StatementCashFlow {
      const { line, externalId, atMs, kind, currency, amount, instrumentSymbol, note, movesCash } = this
      const plain: StatementCashFlow = { line, atMs, currency, instrumentSymbol, note, kind, amount, externalId }
      if (movesCash === false) plain.movesCash = false
      return plain
    }
  }
}

/** The log's balance-chain rows (one currency per log), in file order; read in UserSeq order by balanceChain. */
export class DeribitChain {
  readonly line = int32Column()
  readonly atMs = float64Column()
  readonly order = float64Column()
  readonly change = float64Column()
  readonly balance = float64Column()
  readonly decimals = uint16Column()
  private sorted = true
  constructor(readonly currency: string) {}

  add(r: Omit<ChainRow, 'currency' | 'tiebreak'>): void {
    const n = this.line.length
    if (n > 0 && r.order < this.order.data[n - 1]!) this.sorted = false
    this.line.push(r.line)
    this.atMs.push(r.atMs)
    this.order.push(r.order)
    this.change.push(r.change)
    this.balance.push(r.balance)
    this.decimals.push(r.decimals)
  }

  /** The rows in (order, file order): what balanceChain's stable sort of them gives. */
  rows(): ChainRows {
    const n = this.line.length
    let at: Uint32Array | null = null
    if (!this.sorted) {
      at = new Uint32Array(n)
      const order = this.order.data
      // Newest first (Deribit's export: UserSeq strictly falling), the stable sort is the reverse.
      let falling = true
      for (let i = 1; i < n && falling; i++) falling = order[i - 1]! > order[i]!
      for (let i = 0; i < n; i++) at[i] = falling ? n - 1 - i : i
      if (!falling) at.sort((a, b) => order[a]! - order[b]! || a - b)
    }
    const row = (k: number): ChainRow => {
      const i = at ? at[k]! : k
      return { line: this.line.data[i]!, atMs: this.atMs.data[i]!, currency: this.currency, order: this.order.data[i]!, tiebreak: 0, change: this.change.data[i]!, balance: this.balance.data[i]!, decimals: this.decimals.data[i]! }
    }
    return { length: n, at: row }
  }
}

