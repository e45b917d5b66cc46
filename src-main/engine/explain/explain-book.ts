/**
 * P&L explain of a book between two snapshots (docs/METHODOLOGY.md, "P&L explain"): every position
 * held or traded in the window (explain-position.ts), funding and fees (explain-cash.ts), the USD
 * revaluation of coin amounts, then sums per account × underlying × settlement currency, per account,
 * per underlying and for the book.
 *
 * USD (ours, stated): settlement-currency amounts convert at the `to` market's rate X1 (the coin's
 * index; 1 for USD-like currencies), and what the coin's own move adds is the `currency` component:
 * the settlement-currency value held at `from` × (X1 − X0) — the option premium for coin-settled
 * options, the cash balance for coin cash; delta-one contracts hold no value of their own (their P&L is
 * cash). So an account's USD P&L is its coin P&L at today's index plus yesterday's coins revalued.
 */
import { instrumentKey, isPriced, type Instrument } from '../instruments/instrument'
import { isUsdLike } from '../market/currency'
import { yearsBetween } from '../pricing/black76'
import { explainPosition, resolveAt, resolvedAtExpiry, usdPerUnit, type PositionFill } from './explain-position'
import { cashFlowsInWindow, estimateFunding } from './explain-cash'
import { utcMinute } from '../positions/resolve-position'
import {
  EXPLAIN_COMPONENTS,
  addAmounts,
  zeroAmounts,
  type ExplainAmounts,
  type ExplainFill,
  type ExplainGroup,
  type ExplainInput,
  type ExplainResult,
  type ExplainRow,
  type ExplainSettlementPrice,
  type NotExplained
} from './explain-types'

interface PositionSlot {
  account: string
  venue: string
  instrument: ExplainFill['instrument']
  sizeFrom: number
  sizeTo: number
  fills: ExplainFill[]
}

const slotKey = (account: string, venue: string, symbol: string): string => `${account}\u0000${instrumentKey(venue, symbol)}`
const cashKey = (account: string, currency: string): string => `${account}\u0000${currency.toUpperCase()}`
/** One expiry of one venue's underlying: the key settlement prices are looked up by. */
export const settlementKey = (venue: string, underlying: string, expiryMs: number): string => `${venue}\u0000${underlying}\u0000${expiryMs}`
/** Expires after the `from` market's instant (it is alive there), at or before `byMs`. */
const expiresInside = (i: Instrument, fromMs: number, byMs: number): boolean => i.expiryMs !== null && i.expiryMs > fromMs && i.expiryMs <= byMs
/** A size difference below this (relative) is rounding, not a trade. */
const SIZE_TOLERANCE = 1e-9

/** USD amounts from settlement ones: components at X1; residual too; `currency` is the coin's own move. */
function toUsd(settle: ExplainAmounts, x1: number, currency: number): ExplainAmounts {
  const usd = zeroAmounts()
  for (const c of EXPLAIN_COMPONENTS) usd[c] = settle[c] * x1
  usd.currency = currency
  usd.revaluation = settle.revaluation * x1 + currency
  usd.total = usd.revaluation + usd.funding + usd.fees
  return usd
}

/** Explain the P&L of a book from `input.from` to `input.to` (their markets' as-of instants). */
export function explainPnl(input: ExplainInput): ExplainResult {
  const views = { from: input.from.view, to: input.to.view }
  const fromMs = views.from.snapshot.asOfMs
  const toMs = views.to.snapshot.asOfMs
  if (!(toMs >= fromMs)) throw new RangeError(`the explain runs forward in time: the "to" market (${new Date(toMs).toISOString()}) is before the "from" market (${new Date(fromMs).toISOString()})`)
  const elapsedYears = yearsBetween(fromMs, toMs)
  const window = input.window ?? { fromMs, toMs }
  if (!(window.toMs >= window.fromMs)) throw new RangeError('the explain window ends before it starts')

  const settlementPrices = new Map((input.settlementPrices ?? []).map((p) => [settlementKey(p.venue, p.underlying, p.expiryMs), p]))
  const settlementOf = (i: Instrument): ExplainSettlementPrice | undefined => settlementPrices.get(settlementKey(i.venue, i.underlying, i.expiryMs!))

  const settlementsUsed = new Map<ExplainSettlementPrice, number>()

  const slots = new Map<string, PositionSlot>()
  const slot = (account: string, venue: string, instrument: ExplainFill['instrument']): PositionSlot => {
    const key = slotKey(account, venue, instrument.symbol)
    let s = slots.get(key)
    if (!s) slots.set(key, (s = { account, venue, instrument, sizeFrom: 0, sizeTo: 0, fills: [] }))
    return s
  }
  for (const h of input.from.holdings) slot(h.account, h.venue, h.instrument).sizeFrom += h.sizeContracts
  for (const h of input.to.holdings) slot(h.account, h.venue, h.instrument).sizeTo += h.sizeContracts
  const fills = input.fills.filter((f) => f.atMs > window.fromMs && f.atMs <= window.toMs)
  // Time order, ties in input order (Array.prototype.sort is stable).
  for (const f of [...fills].sort((a, b) => a.atMs - b.atMs)) slot(f.account, f.venue, f.instrument).fills.push(f)

  const rows: ExplainRow[] = []
  const notExplained: NotExplained[] = []
  const positionRows = new Map<string, ExplainRow>()
  const cashRows = new Map<string, ExplainRow>()
  const valueFrom = new Map<ExplainRow, number>()

  for (const [key, s] of slots) {
    if (s.sizeFrom === 0 && s.sizeTo === 0 && s.fills.length === 0) continue
    const i = s.instrument
    if (!isPriced(i)) {
      notExplained.push({ account: s.account, symbol: i.symbol, reason: `not priced: ${i.parseError}` })
      continue
    }
    let rTo = resolveAt(i, s.sizeTo || s.sizeFrom, views.to, 'to')
    const rFrom = s.sizeFrom !== 0 ? resolveAt(i, s.sizeFrom, views.from, 'from') : null
    // Expired after the `from` market and by the `to` instant (even when the `to` market was taken
    // before the expiry: a window that ends after it must not value alive what has settled): valued
    // at its expiry's settlement price when the book knows it. Its P&L runs to its payoff, and its
    // settlement or delivery closes it there.
    // Without a price it is listed, whichever side of its expiry the `to` market was taken on.
    let settlement: ExplainSettlementPrice | undefined
    if (typeof rFrom !== 'string' && expiresInside(i, fromMs, Math.max(toMs, window.toMs))) {
      settlement = settlementOf(i)
      rTo = settlement
        ? resolvedAtExpiry(i, s.sizeTo || s.sizeFrom || s.fills[0]?.signedContracts || 1, settlement.priceUsd, rFrom)
        : `expired between the two instants and no settlement price is known: expired ${utcMinute(i.expiryMs!)}, awaiting its settlement price (import the venue's statement with its delivery, or daily ${i.underlying} history covering the expiry)`
    }
    if (typeof rTo === 'string' || typeof rFrom === 'string') {
      notExplained.push({ account: s.account, symbol: i.symbol, reason: typeof rFrom === 'string' ? rFrom : (rTo as string) })
      continue
    }
    const notes: string[] = []
    if (settlement) notes.push(`expired ${utcMinute(i.expiryMs!)}, before the "to" instant: valued at its settlement price, ${settlement.priceUsd} USD (${settlement.source})`)
    // A fill at or after the expiry is its delivery: at the settlement price by definition, the
    // "to" mark here, whatever price the statement prints (Deribit the payoff, others the index).
    const delivered = (f: ExplainFill): boolean => settlement !== undefined && f.atMs >= i.expiryMs!
    const positionFills: PositionFill[] = s.fills.map((f) => ({ signedContracts: f.signedContracts, price: delivered(f) ? null : f.price }))
    const gap = s.sizeTo - s.sizeFrom - positionFills.reduce((t, f) => t + f.signedContracts, 0)
    if (Math.abs(gap) > SIZE_TOLERANCE * Math.max(1, Math.abs(s.sizeFrom), Math.abs(s.sizeTo))) {
      positionFills.push({ signedContracts: gap, price: null })
      // A settled expiry leaves the book without a trade, at its settlement price: the "to" mark here.
      const contracts = (x: number): number => Number(x.toPrecision(12))
      notes.push(settlement && s.sizeTo === 0 ? `${gap < 0 ? 'long' : 'short'} ${contracts(Math.abs(gap))} contracts settled at expiry` : `the size changed by ${contracts(gap)} contracts without a trade in the window: counted at the "to" mark`)
    }
    if (s.fills.some((f) => f.price === null)) notes.push('a fill without a price: counted at the "to" mark')
    let explained
    try {
      explained = explainPosition(i, s.sizeFrom, positionFills, rFrom, rTo, views)
    } catch (e) {
      notExplained.push({ account: s.account, symbol: i.symbol, reason: (e as Error).message })
      continue
    }
    // At expiry there is no vol, and no time left.
    if (settlement) {
      explained.to = { ...explained.to, vol: null, years: 0 }
      const used = settlementsUsed.get(settlement)
      settlementsUsed.set(settlement, (used ?? 0) + 1)
    }
    const row: ExplainRow = {
      kind: 'position',
      account: s.account,
      venue: s.venue,
      underlying: i.underlying,
      symbol: i.symbol,
      instrumentKind: i.kind,
      settleCurrency: rTo.settleCurrency.toUpperCase(),
      sizeFromContracts: s.sizeFrom,
      sizeToContracts: s.sizeTo,
      from: explained.from,
      to: explained.to,
      settle: explained.settle,
      usd: zeroAmounts(),
      fundingSource: null,
      notes
    }
    rows.push(row)
    positionRows.set(key, row)
    valueFrom.set(row, explained.valueFromSettle)
    if (i.kind === 'perpetual' && rFrom) {
      // Funding of the `from` size; the ledger's rows (below) replace the estimate.
      const estimate = estimateFunding(i, rFrom, views.from, input.fundingRates ?? [], window.fromMs, window.toMs)
      if (estimate) {
        row.settle.funding = estimate.amountSettle
        row.fundingSource = estimate.source
      }
    }
  }

  const cashRow = (account: string, venue: string, currency: string): ExplainRow => {
    const key = cashKey(account, currency)
    let row = cashRows.get(key)
    if (!row) {
      const ccy = currency.toUpperCase()
      row = { kind: 'cash', account, venue, underlying: ccy, symbol: null, instrumentKind: 'cash', settleCurrency: ccy, sizeFromContracts: 0, sizeToContracts: 0, from: null, to: null, settle: zeroAmounts(), usd: zeroAmounts(), fundingSource: null, notes: [] }
      cashRows.set(key, row)
      rows.push(row)
    }
    return row
  }
  /** The row a cash amount lands in: its position's when in the position's settlement currency, else the account's cash row. */
  const rowFor = (account: string, venue: string, symbol: string | null, currency: string): ExplainRow => {
    const p = symbol === null ? undefined : positionRows.get(slotKey(account, venue, symbol))
    return p && p.settleCurrency === currency.toUpperCase() ? p : cashRow(account, venue, currency)
  }

  const { funding, fees } = cashFlowsInWindow(input.cashFlows, window.fromMs, window.toMs)
  // An account whose ledger holds funding in the window: the statement is the record of its funding,
  // so its perpetuals' estimates go (as the fills' fees give way to ledger fees below). A funding row
  // that names no instrument (Binance's) lands in the account's cash row, and the estimate on the
  // perpetual's own row would otherwise count the same funding twice.
  const accountKey = (account: string, venue: string): string => `${account}\u0000${venue}`
  const ledgerFundingAccounts = new Set(funding.map((f) => accountKey(f.account, f.venue)))
  for (const row of positionRows.values()) {
    if (row.fundingSource === null || !ledgerFundingAccounts.has(accountKey(row.account, row.venue))) continue
    row.settle.funding = 0
    row.fundingSource = 'statement'
  }
  const ledgerFunded = new Set<ExplainRow>()
  for (const f of funding) {
    const row = rowFor(f.account, f.venue, f.instrumentSymbol, f.currency)
    if (!ledgerFunded.has(row)) {
      ledgerFunded.add(row)
      row.settle.funding = 0
      row.fundingSource = 'statement'
    }
    row.settle.funding += f.amount
  }
  const ledgerFeeAccounts = new Set(fees.map((f) => f.account))
  for (const f of fees) rowFor(f.account, f.venue, f.instrumentSymbol, f.currency).settle.fees += f.amount
  for (const f of fills) {
    if (ledgerFeeAccounts.has(f.account) || !f.fee) continue
    const row = positionRows.get(slotKey(f.account, f.venue, f.instrument.symbol))
    const currency = f.feeCurrency ?? row?.settleCurrency
    if (!currency) continue
    rowFor(f.account, f.venue, f.instrument.symbol, currency).settle.fees -= f.fee
  }

  // Coin cash held at `from`, revalued in USD (the `currency` component of the account's cash row).
  const collateral = new Map<ExplainRow, number>()
  for (const b of input.from.balances) {
    if (isUsdLike(b.currency) || b.amount === 0) continue
    const row = cashRow(b.account, b.venue, b.currency)
    collateral.set(row, (collateral.get(row) ?? 0) + b.amount)
  }

  for (const row of rows) {
    const s = row.settle
    s.residual = row.kind === 'cash' ? 0 : s.residual
    s.total = s.revaluation + s.funding + s.fees
    try {
      const x1 = row.to?.usdPerSettle ?? usdPerUnit(views.to, row.settleCurrency)
      const held = row.kind === 'cash' ? (collateral.get(row) ?? 0) : (valueFrom.get(row) ?? 0)
      const x0 = held === 0 ? x1 : (row.from?.usdPerSettle ?? usdPerUnit(views.from, row.settleCurrency))
      row.usd = toUsd(s, x1, held * (x1 - x0))
    } catch (e) {
      // A currency with no index on one side: its USD amounts cannot be stated; the row is listed.
      notExplained.push({ account: row.account, symbol: row.symbol ?? row.settleCurrency, reason: `USD amounts not explained: ${(e as Error).message}` })
      row.usd = zeroAmounts()
      row.notes.push('USD amounts not explained (see notExplained)')
    }
  }
  rows.sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0) || (a.underlying < b.underlying ? -1 : a.underlying > b.underlying ? 1 : 0) || (a.kind === b.kind ? 0 : a.kind === 'position' ? -1 : 1) || ((a.symbol ?? '') < (b.symbol ?? '') ? -1 : (a.symbol ?? '') > (b.symbol ?? '') ? 1 : 0))
  return { fromAsOfMs: fromMs, toAsOfMs: toMs, window, elapsedYears, rows, ...aggregate(rows), notExplained, settlementsUsed: [...settlementsUsed].map(([price, positions]) => ({ price, positions })) }
}

/** Sums per account × underlying × settlement currency (both currencies), per account, per underlying and book (USD). */
export function aggregate(rows: readonly ExplainRow[]): Pick<ExplainResult, 'groups' | 'byAccount' | 'byUnderlying' | 'book'> {
  const groups = new Map<string, ExplainGroup>()
  const accounts = new Map<string, { account: string; venue: string; usd: ExplainAmounts }>()
  const underlyings = new Map<string, { underlying: string; usd: ExplainAmounts }>()
  const book = { usd: zeroAmounts() }
  for (const r of rows) {
    const gk = `${r.account}\u0000${r.underlying}\u0000${r.settleCurrency}`
    let g = groups.get(gk)
    if (!g) groups.set(gk, (g = { account: r.account, venue: r.venue, underlying: r.underlying, settleCurrency: r.settleCurrency, settle: zeroAmounts(), usd: zeroAmounts() }))
    addAmounts(g.settle, r.settle)
    addAmounts(g.usd, r.usd)
    let a = accounts.get(r.account)
    if (!a) accounts.set(r.account, (a = { account: r.account, venue: r.venue, usd: zeroAmounts() }))
    addAmounts(a.usd, r.usd)
    let u = underlyings.get(r.underlying)
    if (!u) underlyings.set(r.underlying, (u = { underlying: r.underlying, usd: zeroAmounts() }))
    addAmounts(u.usd, r.usd)
    addAmounts(book.usd, r.usd)
  }
  return { groups: [...groups.values()], byAccount: [...accounts.values()], byUnderlying: [...underlyings.values()].sort((a, b) => (a.underlying < b.underlying ? -1 : a.underlying > b.underlying ? 1 : 0)), book }
}
