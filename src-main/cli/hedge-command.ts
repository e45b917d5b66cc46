/**
 * `cli hedge`: the margin-minimising hedge of one margining group, through the same API method the
 * workstation's suggestions panel calls. Without --account/--currency it takes the first group the
 * objective's method margins. Every hedge sells no new options unless --allow-new-short-options;
 * every output lists what the trades make worse and how their cost reconciles with equity.
 */
import type { MarginMethodName, ResponseOf } from '@contract/api'
import type { Services } from '../services/api-service'
import { ALL_METHODS } from '../services/margin-service'
import { call, type CliIo } from './commands'
import { formatTable } from './format-table'

export interface HedgeArgs {
  objective: string | undefined
  account: string | undefined
  currency: string | undefined
  riskUnit: string | undefined
  maxLegs: string | undefined
  /** Accepted for older scripts: no new short options is the default now. */
  noNewShortOptions?: boolean
  /** Opt out of the default: the hedge may sell options the account does not hold short. */
  allowNewShortOptions?: boolean
  underlying: string | undefined
  instrument: string | undefined
  confidence: string | undefined
  lookback: string | undefined
}

export const HEDGE_OBJECTIVES: readonly MarginMethodName[] = ALL_METHODS

/** Whether the hedge may write new options: never unless asked (issue 17 §6). */
function noNewShorts(args: HedgeArgs): boolean {
  if (args.allowNewShortOptions && args.noNewShortOptions) throw new Error('--allow-new-short-options and --no-new-short-options contradict each other')
  return !args.allowNewShortOptions
}

type Reviewed = Pick<ResponseOf<'suggestHedge'>, 'worsens' | 'reconciliation'>

const figure = (x: number | null, unit: string): string => {
  if (x === null) return '∞'
  const d = unit === '%' ? 1 : /^USD/.test(unit) ? 0 : 4
  return `${x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })}${unit === '%' ? ' %' : ` ${unit}`}`
}

/** What the trades make worse, and how the cost reconciles with equity per pool: the same text after every hedge. */
export function reviewText(r: Reviewed): string {
  const worse = r.worsens.length
    ? `WARNING: the trades make ${r.worsens.length} figure${r.worsens.length === 1 ? '' : 's'} worse:\n${formatTable(
        ['What', 'Name', 'Method', 'Before', 'After'],
        r.worsens.map((w) => [w.measure, w.name, w.method ?? '', figure(w.before, w.unit), figure(w.after, w.unit)])
      )}`
    : 'Nothing gets worse: no method, pool or stress scenario.'
  const pools = r.reconciliation.map((p) => `${p.pool}: equity ${figure(p.equityBefore, p.currency)} → ${figure(p.equityAfter, p.currency)}. ${p.explanation}`)
  return `${worse}${pools.length ? `\n\nCost and equity, per pool:\n${pools.join('\n')}` : ''}`
}

export async function hedgeCommand(services: Services, bookId: number, io: CliIo, args: HedgeArgs, json: boolean): Promise<number> {
  if (args.objective === 'delta') return deltaCommand(services, bookId, io, args, json)
  if (args.objective === 'es') return esCommand(services, bookId, io, args, json)
  const method = (args.objective ?? 'deribit-pm') as MarginMethodName
  if (!HEDGE_OBJECTIVES.includes(method)) throw new Error(`--objective ${args.objective}: expected one of ${HEDGE_OBJECTIVES.join(', ')}, es, delta`)
  const maxLegs = args.maxLegs === undefined ? undefined : Number(args.maxLegs)
  if (maxLegs !== undefined && !(Number.isInteger(maxLegs) && maxLegs >= 1)) throw new Error(`--max-legs ${args.maxLegs}: expected a whole number ≥ 1`)
  let group = { account: args.account, currency: args.currency, riskUnit: args.riskUnit ?? null }
  if (!group.account || !group.currency) {
    const margin = await call(services, 'bookMargin', { bookId })
    const g = margin.accounts.find((a) => a.results.some((r) => r.method === method) && (!args.account || a.account === args.account) && (!args.currency || a.currency === args.currency))
    if (!g) throw new Error(`no margin group of this book is margined by ${method}`)
    group = { account: g.account, currency: g.currency, riskUnit: g.riskUnit }
  }
  const noNewShortOptions = noNewShorts(args)
  const h = await call(services, 'suggestHedge', { bookId, account: group.account!, currency: group.currency!, riskUnit: group.riskUnit, method, maxLegs, noNewShortOptions })
  if (json) {
    io.out(JSON.stringify(h, null, 2))
    return 0
  }
  const c = h.currency
  const amount = (x: number): string => x.toLocaleString('en-US', { minimumFractionDigits: /^USD/.test(c) ? 0 : 4, maximumFractionDigits: /^USD/.test(c) ? 0 : 4 })
  const trades = h.trades.length
    ? formatTable(['Side', 'Contracts', 'Instrument', 'Kind', 'Mark', 'Fill', `Est. cost (${c})`, 'Est. cost (USD)'], h.trades.map((t) => [t.side, String(t.contracts), t.symbol, t.kind, `${t.markPrice} ${t.priceCurrency}`, `${Number(t.fillPrice.toPrecision(10))} ${t.priceCurrency}`, amount(t.cost), t.costUsd.toFixed(0)]))
    : 'No trade lowers the margin by more than it costs.'
  io.out(
    `${h.group}, ${method} (LP: ${h.lpScope === 'exact' ? 'the method itself, exact' : 'its worst scenario; the full method recomputed'}; ${h.candidates} candidates; HiGHS ${h.solveMs.toFixed(0)} ms; ${noNewShortOptions ? 'no new short options (--allow-new-short-options to allow)' : 'new short options allowed'})\n` +
      `IM ${amount(h.before.initialMargin)} → ${amount(h.after.initialMargin)} ${c}, MM ${amount(h.before.maintenanceMargin)} → ${amount(h.after.maintenanceMargin)} ${c}; estimated cost ${amount(h.costTotal)} ${c}\n\n${trades}\n\n${reviewText(h)}`
  )
  return 0
}

/** `hedge --objective delta`: the account's delta in one underlying, hedged with the perpetual (or --instrument). */
async function deltaCommand(services: Services, bookId: number, io: CliIo, args: HedgeArgs, json: boolean): Promise<number> {
  const positions = await call(services, 'listPositions', { bookId })
  const account = args.account ?? positions.rows[0]?.accountName
  const underlying = (args.underlying ?? positions.rows.find((r) => r.accountName === account && r.underlying)?.underlying ?? '').toUpperCase()
  if (!account || !underlying) throw new Error('the book has no positions to delta-hedge')
  const h = await call(services, 'greekHedge', { bookId, account, underlying, mode: 'delta', instrument: args.instrument, noNewShortOptions: noNewShorts(args) })
  if (json) {
    io.out(JSON.stringify(h, null, 2))
    return 0
  }
  const trade = h.trades[0]
  io.out(
    `${account} · ${underlying}: delta ${h.before.delta.toFixed(4)} → ${h.after.delta.toFixed(4)} ${underlying}` +
      (trade ? `\n${trade.side} ${trade.contracts} ${trade.symbol} at ${Number(trade.fillPrice.toPrecision(10))} ${trade.priceCurrency} (mark ${trade.markPrice}; estimated cost ${trade.costUsd.toFixed(0)} USD)\n\n${reviewText(h)}` : '\nAlready within half a lot of flat: no trade.')
  )
  return 0
}

/** `hedge --objective es`: the trades (at --account's venue) minimising the book's historical-simulation ES. */
async function esCommand(services: Services, bookId: number, io: CliIo, args: HedgeArgs, json: boolean): Promise<number> {
  const confidencePct = args.confidence === undefined ? 97.5 : Number(args.confidence)
  if (!(confidencePct > 50 && confidencePct < 100)) throw new Error(`--confidence ${args.confidence}: expected a percentage between 50 and 100 (97.5 = 97.5 %)`)
  const lookbackDays = args.lookback === undefined ? undefined : Number(args.lookback)
  if (lookbackDays !== undefined && !(Number.isInteger(lookbackDays) && lookbackDays >= 30)) throw new Error(`--lookback ${args.lookback}: expected whole days ≥ 30`)
  const positions = await call(services, 'listPositions', { bookId })
  const account = args.account ?? positions.rows[0]?.accountName
  if (!account) throw new Error('the book has no positions to hedge')
  const maxLegs = args.maxLegs === undefined ? undefined : Number(args.maxLegs)
  const h = await call(services, 'esHedge', { bookId, account, confidence: confidencePct / 100, horizonDays: 1, lookbackDays, maxLegs, noNewShortOptions: noNewShorts(args) })
  if (json) {
    io.out(JSON.stringify(h, null, 2))
    return 0
  }
  const trades = h.trades.length
    ? formatTable(['Side', 'Contracts', 'Instrument', 'Kind', 'Est. cost (USD)'], h.trades.map((t) => [t.side, String(t.contracts), t.symbol, t.kind, t.costUsd.toFixed(0)]))
    : 'No trade lowers ES by more than it costs.'
  io.out(
    `Book ES ${confidencePct} %, 1 day, historical simulation over ${h.scenarios} windows (${h.historyFrom} … ${h.historyTo}); trades at ${account} (${h.candidates} candidates; HiGHS ${h.solveMs.toFixed(0)} ms)\n` +
      `ES ${h.before.expectedShortfallUsd.toFixed(0)} → ${h.after.expectedShortfallUsd.toFixed(0)} USD; estimated cost ${h.costUsd.toFixed(0)} USD\n\n${trades}\n\n${reviewText(h)}`
  )
  return 0
}
