/**
 * What an import would do to one account, decided without writing: which trades and cash flows
 * are new (by stable identity), and each position before and after. Pure: the caller supplies
 * what the book already holds. Preview shows a plan; commit recomputes it inside its transaction
 * and writes exactly that.
 */
import { parseSymbol } from '../engine/instruments/parse-symbol'
import { instrumentKey, type Instrument, type UnpricedInstrument } from '../engine/instruments/instrument'
import { applyFill } from '../engine/positions/fills'
import type { HeldLot, HeldRecord } from '../engine/positions/held'
import type { InstrumentRef, ParsedStatement, RowIssue, StatementCashFlow, StatementSettlement, StatementTrade } from './statement'

export type { HeldLot, HeldRecord } from '../engine/positions/held'

export interface PositionChange {
  key: string
  instrument: Instrument | UnpricedInstrument
  before: HeldLot
  after: HeldLot
  /** trades: fills applied; balance: ledger rows; statement: the statement's closing position. */
  source: 'trades' | 'balance' | 'statement'
}

export interface ImportPlan {
  newTrades: StatementTrade[]
  duplicateTrades: number
  newCashFlows: StatementCashFlow[]
  duplicateCashFlows: number
  /** Settlements newer than the held position's own (they reset its session price). */
  settlements: StatementSettlement[]
  instruments: Map<string, Instrument | UnpricedInstrument>
  changes: PositionChange[]
  /** Where the book's result would differ from what the file says the position is. */
  reconciliation: RowIssue[]
}

export function resolveInstrument(ref: InstrumentRef): Instrument | UnpricedInstrument {
  try {
    return parseSymbol(ref.venue, ref.symbol, ref.hints)
  } catch (e) {
    return { venue: ref.venue, symbol: ref.symbol, kind: 'unknown', parseError: (e as Error).message }
  }
}

/** Positions of `times` in ascending order, ties in index order (a stable sort); none moved when already in order. */
function ascending(count: number, timeAt: (i: number) => number): Uint32Array {
  const order = new Uint32Array(count)
  let sorted = true
  for (let i = 0; i < count; i++) {
    order[i] = i
    if (i > 0 && timeAt(i) < timeAt(i - 1)) sorted = false
  }
  if (!sorted) order.sort((a, b) => timeAt(a) - timeAt(b) || a - b)
  return order
}

/**
 * Fills and settlements in time order, file order breaking ties among fills and a settlement
 * before the fills of its instant: the order a sort of (time, settlement 0 / fill 1 + index)
 * gives, merged from two index orders instead of an array of a million event objects (issue 20).
 */
function* inTimeOrder(trades: readonly StatementTrade[], settlements: readonly StatementSettlement[]): Generator<StatementTrade | StatementSettlement> {
  const t = ascending(trades.length, (i) => trades[i]!.tradedAtMs)
  const s = ascending(settlements.length, (i) => settlements[i]!.atMs)
  let i = 0
  let j = 0
  while (i < t.length || j < s.length) {
    if (j < s.length && (i === t.length || settlements[s[j]!]!.atMs <= trades[t[i]!]!.tradedAtMs)) yield settlements[s[j++]!]!
    else yield trades[t[i++]!]!
  }
}

export function planImport(
  parsed: ParsedStatement,
  held: ReadonlyMap<string, HeldRecord>,
  knownTradeIds: ReadonlySet<string>,
  knownCashFlowIds: ReadonlySet<string>
): ImportPlan {
  // The book's own instruments first: a held position keeps the identity it was imported with.
  const instruments = new Map<string, Instrument | UnpricedInstrument>([...held].map(([key, h]) => [key, h.instrument]))
  const resolve = (ref: InstrumentRef): string => {
    const key = instrumentKey(ref.venue, ref.symbol)
    if (!instruments.has(key)) instruments.set(key, resolveInstrument(ref))
    return key
  }
  // The statement's own arrays when the book knows none of their ids (a new account: a 1M-row
  // log's first import), not a copy of them (issue 20).
  const newTrades = knownTradeIds.size === 0 ? parsed.trades : parsed.trades.filter((t) => !knownTradeIds.has(t.externalId))
  const newCashFlows = knownCashFlowIds.size === 0 ? parsed.cashFlows : parsed.cashFlows.filter((c) => !knownCashFlowIds.has(c.externalId))
  const working = new Map<string, HeldLot>()
  const source = new Map<string, PositionChange['source']>()
  const lot = (key: string): HeldLot => {
    const h = working.get(key) ?? held.get(key)
    return h ? { sizeContracts: h.sizeContracts, avgPrice: h.avgPrice, sessionPrice: h.sessionPrice ?? null } : { sizeContracts: 0, avgPrice: null, sessionPrice: null }
  }

  const lastLine = new Map<string, number>()
  // Fills and settlements in time order (file order breaks ties among fills: venues list
  // same-millisecond fills in sequence; a settlement at the same instant comes first, since
  // trading resumes after the 08:00 UTC settlement).
  for (const e of inTimeOrder(newTrades, parsed.settlements)) {
    if (!('side' in e)) {
      const key = resolve(e.instrument)
      const l = lot(key)
      working.set(key, { ...l, sessionPrice: e.price })
      if (!source.has(key)) source.set(key, 'trades')
      continue
    }
    const t = e as StatementTrade
    const key = resolve(t.instrument)
    const i = instruments.get(key)!
    const harmonic = i.kind !== 'unknown' && i.kind !== 'option' && i.settlement === 'inverse'
    const before = lot(key)
    const signed = t.side === 'buy' ? t.sizeContracts : -t.sizeContracts
    const after = applyFill(before, signed, t.price, harmonic)
    // The session price follows the same averaging from its own starting point.
    const session = before.sessionPrice != null ? applyFill({ sizeContracts: before.sizeContracts, avgPrice: before.sessionPrice }, signed, t.price, harmonic).avgPrice : null
    working.set(key, { ...after, sessionPrice: after.sizeContracts === 0 ? null : session })
    source.set(key, 'trades')
    lastLine.set(key, t.line)
  }
  for (const c of newCashFlows) {
    if (!c.positionEffect) continue
    const key = resolve(c.positionEffect.instrument)
    const l = lot(key)
    working.set(key, { ...applyFill(l, c.positionEffect.deltaContracts, null), sessionPrice: l.sessionPrice ?? null })
    lastLine.set(key, c.line)
    if (!source.has(key)) source.set(key, 'balance')
  }
  const closedBySnapshot: RowIssue[] = []
  if (parsed.positions) {
    // The statement's closing positions are the account's positions: listed ones are set,
    // held ones it does not list are closed.
    const listed = new Set<string>()
    for (const p of parsed.positions) {
      const key = resolve(p.instrument)
      listed.add(key)
      working.set(key, { sizeContracts: p.sizeContracts, avgPrice: p.avgPrice, sessionPrice: p.sessionPrice ?? null })
      source.set(key, 'statement')
    }
    for (const key of new Set([...held.keys(), ...working.keys()])) {
      if (listed.has(key) || held.get(key)?.settled) continue
      const wasHeld = lot(key).sizeContracts
      working.set(key, { sizeContracts: 0, avgPrice: null, sessionPrice: null })
      source.set(key, 'statement')
      // Said before commit: a full snapshot of open positions closes what it does not list.
      if (wasHeld !== 0) {
        closedBySnapshot.push({
          file: parsed.file, line: 1, column: null, severity: 'warning',
          reason: `closes ${instruments.get(key)?.symbol ?? key} (${wasHeld} contracts): the statement's open positions${parsed.positionsAsOfMs !== null ? ` as of ${new Date(parsed.positionsAsOfMs).toISOString().slice(0, 10)}` : ''} are a full snapshot and do not list it`
        })
      }
    }
  }

  const changes: PositionChange[] = []
  for (const [key, after] of working) {
    const h = held.get(key)
    const before: HeldLot = h ? { sizeContracts: h.sizeContracts, avgPrice: h.avgPrice, sessionPrice: h.sessionPrice ?? null } : { sizeContracts: 0, avgPrice: null, sessionPrice: null }
    if (before.sizeContracts === after.sizeContracts && before.avgPrice === after.avgPrice && (before.sessionPrice ?? null) === (after.sessionPrice ?? null)) continue
    changes.push({ key, instrument: instruments.get(key)!, before, after, source: source.get(key)! })
  }
  changes.sort((a, b) => a.key.localeCompare(b.key))

  const reconciliation: RowIssue[] = [...closedBySnapshot]
  for (const c of changes) {
    // A spot holding below zero is not a position anyone holds: a statement (or the holding the
    // account started with) is missing. Flagged, never priced as a short.
    if (c.instrument.kind === 'spot' && c.after.sizeContracts < 0) {
      reconciliation.push({
        file: parsed.file, line: lastLine.get(c.key) ?? 1, column: null, severity: 'warning',
        reason: `negative spot holding: ${c.instrument.symbol} would be ${c.after.sizeContracts} after this row; an earlier statement (or the holding the account started with) is missing`
      })
    }
  }
  for (const r of parsed.reportedPositions ?? []) {
    const key = instrumentKey(r.instrument.venue, r.instrument.symbol)
    const after = working.get(key)?.sizeContracts ?? held.get(key)?.sizeContracts ?? 0
    if (Math.abs(after - r.sizeContracts) > 1e-9 * Math.max(1, Math.abs(r.sizeContracts))) {
      reconciliation.push({
        file: parsed.file,
        line: r.line,
        column: 'Position',
        reason: `the file says ${r.instrument.symbol} is ${r.sizeContracts} contracts after this row, the book would hold ${after}: an earlier statement may be missing`,
        severity: 'warning'
      })
    }
  }
  return {
    reconciliation,
    newTrades,
    duplicateTrades: parsed.trades.length - newTrades.length,
    newCashFlows,
    duplicateCashFlows: parsed.cashFlows.length - newCashFlows.length,
    settlements: parsed.settlements,
    instruments,
    changes
  }
}
