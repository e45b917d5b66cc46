/**
 * `cli explain --from DATE --to DATE [--book-id N] [--eod HH:MM] [--json]`: the book's P&L between two
 * dates (or instants) explained by component (issue 22 §2), from the same `explainPnl` handler the
 * workstation and the report use. Per account, one line per underlying × settlement currency in that
 * currency and one in USD; then per underlying and for the book in USD; the residual always shown.
 */
import { EOD_TIME, notExplainedByReason, type ExplainAmountsView, type ExplainPnlRequest, type ExplainPnlResponse } from '@contract/explain'
import type { CliIo } from './commands'
import { formatTable } from './format-table'
import { explainInstantProblem } from '../services/explain/explain-service'

export interface ExplainArgs {
  bookId: number
  from: string | undefined
  to: string | undefined
  eod?: string
  json: boolean
}

/** Why the arguments cannot make a request, or null. */
export function explainUsageError(a: Pick<ExplainArgs, 'from' | 'to' | 'eod'>): string | null {
  if (!a.from || !a.to) return 'explain needs --from DATE and --to DATE (YYYY-MM-DD, or an instant with its zone)'
  if (a.eod !== undefined && !EOD_TIME.test(a.eod)) return `--eod "${a.eod}" is not a UTC time (HH:MM)`
  return explainInstantProblem(a.from, '--from') ?? explainInstantProblem(a.to, '--to')
}

// Coins to 8 decimals (a satoshi), USD-like amounts to cents; a non-finite figure shows as missing.
const fixed = (x: number, decimals: number): number | null => (Number.isFinite(x) ? Number(x.toFixed(decimals)) : null)
// The engine's isUsdLike (engine/market/currency.ts), which the CLI layer may not import.
const decimalsFor = (currency: string): number => (/^(USD|USDT|USDC|FDUSD|BUSD)$/i.test(currency) ? 2 : 8)

const HEADERS = ['Delta', 'Gamma', 'Vega', 'Theta', 'Vanna', 'Volga', 'Charm', 'Veta', 'New trades', 'Closes', 'Funding', 'Fees', 'Currency', 'Residual', 'Total']
const cells = (a: ExplainAmountsView, decimals: number): (number | null)[] =>
  [a.delta, a.gamma, a.vega, a.theta, a.vanna, a.volga, a.charm, a.veta, a.newTrades, a.closes, a.funding, a.fees, a.currency, a.residual, a.total].map((x) => fixed(x, decimals))

const utc = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`

/** Prints the explain; returns the exit code. `fetch` is `explainPnl` through dispatch (cli/main.ts). */
export async function explainCommand(fetch: (req: ExplainPnlRequest) => Promise<ExplainPnlResponse>, io: CliIo, a: ExplainArgs): Promise<number> {
  // The per-position rows only for --json: the tables below are the aggregates (a desk book's rows are megabytes).
  const e = await fetch({ bookId: a.bookId, fromUtc: a.from!, toUtc: a.to!, ...(a.eod ? { eodUtc: a.eod } : {}), positions: a.json })
  if (a.json) {
    io.out(JSON.stringify(e, null, 2))
    return 0
  }
  io.out(`Book ${e.bookId}: P&L explain ${utc(e.fromUtc)} → ${utc(e.toUtc)}, gain positive`)
  io.out(`Markets: from ${e.fromMarket.id} (as of ${utc(e.fromMarket.asOfUtc)}), to ${e.toMarket.id} (as of ${utc(e.toMarket.asOfUtc)}); ${e.elapsedDays.toFixed(2)} days of theta`)
  for (const n of e.notes) io.out(`Note: ${n}`)
  if (e.groups.length === 0 && e.notExplained.length === 0) {
    io.out('Nothing to explain: the book held no position or coin cash and traded nothing between the two instants.')
    return 0
  }

  for (const account of e.byAccount) {
    io.out('')
    io.out(`${account.account} (${account.venue})`)
    const groups = e.groups.filter((g) => g.account === account.account)
    const rows = groups.flatMap((g) => [
      [g.underlying, g.settleCurrency, ...cells(g.settle, decimalsFor(g.settleCurrency))],
      [g.underlying, 'USD', ...cells(g.usd, 2)]
    ])
    rows.push(['All', 'USD', ...cells(account.usd, 2)])
    io.out(formatTable(['Underlying', 'Unit', ...HEADERS], rows))
  }

  io.out('')
  io.out('Book by underlying (USD)')
  io.out(formatTable(['Underlying', ...HEADERS], [...e.byUnderlying.map((u) => [u.underlying, ...cells(u.usd, 2)]), ['Book', ...cells(e.book.usd, 2)]]))
  const book = e.book.usd
  const share = book.total !== 0 ? ` (${((Math.abs(book.residual) / Math.abs(book.total)) * 100).toFixed(2)} % of the P&L)` : ''
  io.out(`Residual (full revaluation minus the explained parts): ${book.residual.toFixed(2)} USD${share}`)
  io.out('Coin amounts in the coin (8 decimals), USD-like amounts in that currency; Currency: USD only (coins held at the start, revalued).')

  if (e.notExplained.length) {
    io.out(`\nNot explained (${e.notExplained.length} position${e.notExplained.length === 1 ? '' : 's'}; --json lists every one):`)
    for (const g of notExplainedByReason(e.notExplained)) io.out(`  ${g.reason}: ${g.count} — ${g.first.join(', ')}${g.count > g.first.length ? `, … ${g.count - g.first.length} more` : ''}`)
  }
  const ours = e.components.filter((c) => !c.published)
  if (ours.length) io.out(`\n${ours.map((c) => c.label).join(', ')}: our documented rule (docs/METHODOLOGY.md, P&L explain), not a venue's.`)
  return 0
}
