/**
 * The explain view's arithmetic-free shaping (issue 22 §2): default dates from the book's market,
 * the table's rows for a grouping in USD or in the settlement currency, and the waterfall's bars.
 * Every amount is the API's own (explainPnl); rows in a settlement currency are sums of the API's
 * account × underlying × currency groups, never converted here.
 */
import type { ExplainAmountsView, ExplainComponentName, ExplainPnlResponse } from '@contract/explain'

export type ExplainGroupBy = 'book' | 'account' | 'underlying' | 'position'
export type ExplainUnits = 'usd' | 'settle'

export const GROUP_BY_LABELS: Record<ExplainGroupBy, string> = { book: 'Book', account: 'Account', underlying: 'Underlying', position: 'Position' }

const DAY_MS = 24 * 3600 * 1000
const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

/**
 * Default dates: `to` is the first end of day at or after the book's market (so that market values
 * it: the explain takes the newest market at or before each instant), `from` the end of day before.
 * Without a market, today and yesterday.
 */
export function defaultExplainDates(marketAsOfUtc: string | null, eodUtc: string, nowMs: number): { from: string; to: string } {
  const asOf = marketAsOfUtc ? Date.parse(marketAsOfUtc) : nowMs
  const day = isoDate(asOf)
  const eodThatDay = Date.parse(`${day}T${eodUtc}:00Z`)
  const toMs = eodThatDay >= asOf ? eodThatDay : eodThatDay + DAY_MS
  return { from: isoDate(toMs - DAY_MS), to: isoDate(toMs) }
}

export interface ExplainTableRow {
  key: string
  /** What the row is: the book, an account, an underlying, a position (account · symbol), a cash balance. */
  label: string
  detail: string
  /** The unit every amount of the row is in. */
  unit: string
  amounts: ExplainAmountsView
  /** The book's total row (USD) — bold, last. */
  total: boolean
}

const AMOUNT_KEYS = ['delta', 'gamma', 'vega', 'theta', 'vanna', 'volga', 'charm', 'veta', 'newTrades', 'closes', 'funding', 'fees', 'currency', 'residual', 'revaluation', 'total'] as const satisfies readonly (keyof ExplainAmountsView)[]

function addAmounts(a: ExplainAmountsView | undefined, b: ExplainAmountsView): ExplainAmountsView {
  if (!a) return { ...b }
  const out = { ...a }
  for (const k of AMOUNT_KEYS) out[k] += b[k]
  return out
}

/** Sum the account × underlying × currency groups into `keyOf`'s buckets, one per settlement currency. */
function settleBuckets(e: ExplainPnlResponse, keyOf: (g: ExplainPnlResponse['groups'][number]) => { key: string; label: string; detail: string }): ExplainTableRow[] {
  const out = new Map<string, ExplainTableRow>()
  for (const g of e.groups) {
    const k = keyOf(g)
    const key = `${k.key}\u0000${g.settleCurrency}`
    const row = out.get(key)
    out.set(key, { key, label: k.label, detail: k.detail, unit: g.settleCurrency, amounts: addAmounts(row?.amounts, g.settle), total: false })
  }
  return [...out.values()].sort((a, b) => a.label.localeCompare(b.label) || a.unit.localeCompare(b.unit))
}

/** The table's rows for a grouping; in USD the book's total row comes last. */
export function explainTableRows(e: ExplainPnlResponse, groupBy: ExplainGroupBy, units: ExplainUnits): ExplainTableRow[] {
  const bookRow: ExplainTableRow = { key: 'book', label: 'Book', detail: 'every account', unit: 'USD', amounts: e.book.usd, total: true }
  if (units === 'usd') {
    const rows: ExplainTableRow[] =
      groupBy === 'account'
        ? e.byAccount.map((a) => ({ key: `a:${a.account}`, label: a.account, detail: a.venue, unit: 'USD', amounts: a.usd, total: false }))
        : groupBy === 'underlying'
          ? e.byUnderlying.map((u) => ({ key: `u:${u.underlying}`, label: u.underlying, detail: '', unit: 'USD', amounts: u.usd, total: false }))
          : groupBy === 'position'
            ? e.rows.map((r, i) => ({ key: `p:${i}`, label: r.symbol ?? `${r.settleCurrency} cash`, detail: `${r.account} · ${sizeText(r)}`, unit: 'USD', amounts: r.usd, total: false }))
            : []
    return [...rows, bookRow]
  }
  if (groupBy === 'position') {
    return e.rows.map((r, i) => ({ key: `p:${i}`, label: r.symbol ?? `${r.settleCurrency} cash`, detail: `${r.account} · ${sizeText(r)}`, unit: r.settleCurrency, amounts: r.settle, total: false }))
  }
  return settleBuckets(e, (g) =>
    groupBy === 'account'
      ? { key: g.account, label: g.account, detail: g.venue }
      : groupBy === 'underlying'
        ? { key: g.underlying, label: g.underlying, detail: '' }
        : { key: 'book', label: 'Book', detail: 'every account' }
  )
}

function sizeText(r: ExplainPnlResponse['rows'][number]): string {
  if (r.kind === 'cash') return 'cash'
  const n = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 4 })
  return r.sizeFromContracts === r.sizeToContracts ? `${n(r.sizeToContracts)} contracts` : `${n(r.sizeFromContracts)} → ${n(r.sizeToContracts)} contracts`
}

export interface WaterfallBar {
  name: ExplainComponentName | 'total'
  label: string
  /** The bar's own amount (the component, or the total). */
  amount: number
  /** Where the bar starts and ends on the running sum. */
  from: number
  to: number
  published: boolean
}

/** The waterfall: each component from the running sum before it, then the total from zero. */
export function waterfallBars(components: ExplainPnlResponse['components'], amounts: ExplainAmountsView): WaterfallBar[] {
  let running = 0
  const bars: WaterfallBar[] = components.map((c) => {
    const amount = amounts[c.name]
    const bar = { name: c.name, label: c.label, amount, from: running, to: running + amount, published: c.published }
    running += amount
    return bar
  })
  bars.push({ name: 'total', label: 'Total', amount: amounts.total, from: 0, to: amounts.total, published: true })
  return bars
}
