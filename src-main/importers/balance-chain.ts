/**
 * The running-balance arithmetic the Deribit, OKX and Bybit statement parsers share: every row of
 * these exports prints the cash change it made and the venue's balance after it (Deribit
 * Change/Balance, OKX Balance Change/Balance, Bybit Change/Wallet Balance). From that chain come
 * the statement's opening and closing balance per currency, and a warning for every row whose
 * change does not lead from the previous balance to its own.
 */
import type { CellReader } from './csv-records'
import type { BoundKind } from '../engine/instruments/bounds'
import type { RowIssue, StatementBalance, StatementCashFlow } from './statement'

/**
 * Decimal places a cell prints: '1.487932' → 6, '2.318E-03' → 6 (mantissa decimals minus the
 * exponent), '0E-8' → 8, '17' → 0. The precision the venue states the number with.
 */
export function printedDecimals(raw: string): number {
  // Plain decimals ('0.00001200', '-3', '') are read by a scan: a 1M-row Deribit log asks this of
  // five cells a row, and the regular expression took ~0.4 s of the import (issue 20). Anything
  // else (an exponent, a stray character, spaces) goes to the expression, which is the definition.
  let i = 0
  const n = raw.length
  const c0 = n > 0 ? raw.charCodeAt(0) : 0
  if (c0 === 43 || c0 === 45) i = 1
  while (i < n && isDigitCode(raw.charCodeAt(i))) i++
  if (i === n) return 0
  if (raw.charCodeAt(i) === 46) {
    const dot = i++
    while (i < n && isDigitCode(raw.charCodeAt(i))) i++
    if (i === n) return n - dot - 1
  }
  return printedDecimalsByPattern(raw)
}

const isDigitCode = (c: number): boolean => c >= 48 && c <= 57

/** printedDecimals' definition, for every cell its scan does not read to the end. */
export function printedDecimalsByPattern(raw: string): number {
  const m = /^[+-]?\d*(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(raw.trim())
  if (!m) return 0
  return Math.max(0, (m[1] ?? '').length - Number(m[2] ?? 0))
}

/**
 * Decimals a double can actually hold for a number of this size (about 15 significant digits):
 * Bybit prints 20 fixed decimals, of which those past the 15th digit are padding, and a
 * tolerance of 1e-20 would fail on rounding alone.
 */
export function usableDecimals(decimals: number, magnitude: number): number {
  const intDigits = magnitude >= 1 ? Math.floor(Math.log10(magnitude)) + 1 : 0
  return Math.max(0, Math.min(decimals, 15 - intDigits))
}

/** x rounded to d decimals (d capped where toFixed stops meaning anything). */
export const roundTo = (x: number, d: number): number => Number(x.toFixed(Math.min(d, 20)))

/**
 * An amount cell: a finite, plausible number, or a rejected issue naming file, line and column.
 * `optional` columns may be empty or the venue's "not applicable" mark ('--' at Bybit): then null.
 * `bound`: what the cell holds (a cash amount unless said: a price, a fee…).
 */
export function readAmount(r: CellReader, column: string, required = true, bound: BoundKind = 'cash'): number | null {
  const raw = r.raw(column)
  if (!required && (raw === '' || raw === '--' || raw === '-')) return null
  // CellReader.number rejects what is not a finite number within its input bound (1e308, a pasted id).
  return r.number(column, required, bound)
}

/** One row's place in a currency's balance chain. */
export interface ChainRow {
  line: number
  atMs: number
  currency: string
  /** The venue's own sequence (Deribit UserSeq) or the row's time; equal values are resolved by the chain. */
  order: number
  /** Older first among equal `order` when the chain cannot tell (files list newest first: −line). */
  tiebreak: number
  change: number
  balance: number
  /** Decimal places printed in the row's balance cell. */
  decimals: number
}

/** A row of a currency whose change or balance cell is unreadable (already rejected). */
export interface UnreadableRow {
  line: number
  currency: string
  order: number
}

export interface Chain {
  closing: StatementBalance[]
  opening: StatementBalance[]
  issues: RowIssue[]
  /** Currencies whose first or last balance is unreadable: said once for the file. */
  notes: string[]
}

/**
 * Rows of one instant in the order the balances chain them: OKX and Bybit list the legs of one
 * second in no reliable order (OKX ids are not monotonic inside an order; research notes §1.1),
 * but each row's balance is the previous one plus its change. Starts from `start` when known,
 * else from the row whose opening balance is no other row's closing one.
 */
function chainInstant(rows: ChainRow[], start: number | null, tol: (a: number, b: number) => boolean): ChainRow[] {
  const left = [...rows]
  const out: ChainRow[] = []
  let at = start
  while (left.length) {
    let i = at === null ? -1 : left.findIndex((r) => tol(r.balance - r.change, at!))
    if (i < 0) i = left.findIndex((r) => !left.some((o) => o !== r && tol(o.balance, r.balance - r.change)))
    if (i < 0) i = 0
    const [next] = left.splice(i, 1)
    out.push(next!)
    at = next!.balance
  }
  return out
}

/**
 * Opening and closing balance per currency and the chain's breaks. `sameInstantByChain`: rows
 * with the same `order` are reordered so that the balances chain (OKX, Bybit: one-second times);
 * Deribit's UserSeq is unique and taken as is. Closing = the last row's printed balance; opening
 * = the first row's balance minus its change, at the currency's printed precision (the most
 * decimals any of its balance cells shows: Deribit drops trailing zeros, 1.5 beside 1.487932).
 */
export function balanceChain(file: string, all: readonly ChainRow[], balanceColumn: string, sameInstantByChain: boolean, unreadable: readonly UnreadableRow[] = []): Chain {
  const byCurrency = new Map<string, ChainRow[]>()
  for (const r of all) {
    const list = byCurrency.get(r.currency)
    if (list) list.push(r)
    else byCurrency.set(r.currency, [r])
  }
  const chain: Chain = { closing: [], opening: [], issues: [], notes: [] }
  for (const [currency, unsorted] of byCurrency) {
    const sorted = [...unsorted].sort((a, b) => a.order - b.order || a.tiebreak - b.tiebreak)
    const { close } = chainPrecision(arrayRows(sorted))
    let rows = sorted
    if (sameInstantByChain) {
      rows = []
      for (let i = 0; i < sorted.length; ) {
        let j = i
        while (j < sorted.length && sorted[j]!.order === sorted[i]!.order) j++
        rows.push(...chainInstant(sorted.slice(i, j), rows.length ? rows[rows.length - 1]!.balance : null, close))
        i = j
      }
    }
    currencyChain(file, currency, arrayRows(rows), balanceColumn, unreadable, chain)
  }
  return chain
}

/** One currency's rows in chain order, read one at a time (a 1M-row log keeps them in columns: deribit-rows.ts). */
export interface ChainRows {
  length: number
  at(k: number): ChainRow
}

const arrayRows = (rows: readonly ChainRow[]): ChainRows => ({ length: rows.length, at: (k) => rows[k]! })

/** The currency's printed precision (the most decimals any of its balance cells shows) and the tolerance it gives. */
function chainPrecision(rows: ChainRows): { decimals: number; close: (a: number, b: number) => boolean } {
  // A loop, not Math.max(...rows): a three-year log has more rows than a call takes arguments.
  let magnitude = 0
  let printed = 0
  for (let k = 0; k < rows.length; k++) {
    const r = rows.at(k)
    magnitude = Math.max(magnitude, Math.abs(r.balance))
    printed = Math.max(printed, r.decimals)
  }
  const decimals = usableDecimals(printed, magnitude)
  const unit = 10 ** -decimals
  // Rounding of two printed balances (half a unit each) plus the double's own error.
  const close = (a: number, b: number): boolean => Math.abs(a - b) <= unit * (1 + 1e-9) + 8 * Number.EPSILON * Math.max(1, Math.abs(a), Math.abs(b))
  return { decimals, close }
}

/**
 * balanceChain of one currency whose rows come already in chain order (Deribit: UserSeq, then file
 * order), without an object per row held: the same opening, closing, issues and notes.
 */
export function orderedBalanceChain(file: string, currency: string, rows: ChainRows, balanceColumn: string, unreadable: readonly UnreadableRow[] = []): Chain {
  const chain: Chain = { closing: [], opening: [], issues: [], notes: [] }
  if (rows.length > 0) currencyChain(file, currency, rows, balanceColumn, unreadable, chain)
  return chain
}

/** The chain's breaks, opening and closing of one currency's rows (in chain order), added to `chain`. */
function currencyChain(file: string, currency: string, rows: ChainRows, balanceColumn: string, unreadable: readonly UnreadableRow[], chain: Chain): void {
  const { decimals, close } = chainPrecision(rows)
  const gaps = unreadable.filter((u) => u.currency === currency)
  let prev = rows.at(0)
  const first = prev
  for (let i = 1; i < rows.length; i++) {
    const r = rows.at(i)
    // An unreadable row in between already has its issue; the chain simply resumes after it.
    if (!(close(prev.balance + r.change, r.balance) || gaps.some((g) => g.order >= prev.order && g.order <= r.order))) {
      chain.issues.push({
        file, line: r.line, column: balanceColumn, severity: 'warning',
        reason: `${currency} balance ${r.balance} does not follow from line ${prev.line}'s ${prev.balance} and this row's change ${r.change} (${roundTo(prev.balance + r.change, decimals)}): a row is missing or the file was edited`
      })
    }
    prev = r
  }
  const last = prev
  const lastGap = gaps.find((g) => g.order > last.order || (g.order === last.order && g.line !== last.line))
  const firstGap = gaps.find((g) => g.order < first.order)
  if (lastGap) chain.notes.push(`No closing ${currency} balance: the last ${currency} row (line ${lastGap.line}) has no readable balance`)
  else chain.closing.push({ currency, amount: last.balance, atMs: last.atMs, line: last.line, decimals })
  if (firstGap) chain.notes.push(`No opening ${currency} balance: the first ${currency} row (line ${firstGap.line}) has no readable balance`)
  else chain.opening.push({ currency, amount: roundTo(first.balance - first.change, decimals) + 0, atMs: first.atMs, line: first.line, decimals })
}

/** One part of a row's change, booked as its own cash flow. */
export interface FlowPart {
  kind: string
  amount: number
  externalId: string
  movesCash?: boolean
  positionEffect?: StatementCashFlow['positionEffect']
  note?: string
}

/**
 * A row's cash flows: its parts, each rounded to the row's printed precision (so a difference
 * like Change − Cash Flow carries no binary residue) and left out when zero.
 */
export function flowsOf(common: Omit<StatementCashFlow, 'kind' | 'amount' | 'externalId'>, parts: readonly FlowPart[], decimals: number): StatementCashFlow[] {
  const out: StatementCashFlow[] = []
  for (const p of parts) {
    const amount = roundTo(p.amount, decimals) + 0
    if (amount === 0) continue
    const flow: StatementCashFlow = { ...common, kind: p.kind, amount, externalId: p.externalId }
    if (p.movesCash === false) flow.movesCash = false
    if (p.positionEffect) flow.positionEffect = { ...p.positionEffect, deltaContracts: roundTo(p.positionEffect.deltaContracts, decimals) }
    if (p.note) flow.note = p.note
    out.push(flow)
  }
  return out
}

/** Currencies that are cash wherever they are held (stablecoins and fiat). */
export const CASH_COINS = new Set(['USD', 'USDT', 'USDC', 'EUR', 'GBP', 'DAI', 'TUSD', 'FDUSD', 'PYUSD', 'USDG', 'USDE', 'BUSD', 'AUD', 'BRL', 'TRY', 'AED', 'SGD', 'HKD', 'JPY', 'CHF'])
