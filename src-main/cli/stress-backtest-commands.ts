/**
 * `cli stress` and `cli backtest`: the stress library and the backtest of a method over the imported
 * history, on a book or a portfolio file, amounts in USD.
 */
import type { BookDb } from '../book/database'
import { backtest, BACKTEST_METHODS, type BacktestMethod, type BacktestOptions, type BacktestReport } from '../services/backtest-service'
import { marginParamSets } from '../services/margin-params'
import { stressHistory, stressTest, type StressReport } from '../services/stress-service'
import { bookHistory, valuedPositions } from '../services/var-service'
import { backtestView, stressView } from '../services/risk-views'
import type { CliIo } from './commands'
import { formatTable } from './format-table'
import { readMarginInputs } from './margin-command'

export interface RiskFiles {
  portfolio?: string
  market?: string
  params?: string
}

const usd = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 0 })
const pct = (x: number): string => `${x >= 0 ? '+' : '−'}${(Math.abs(x) * 100).toFixed(1)} %`

export async function stressCommand(db: BookDb, bookId: number, io: CliIo, files: RiskFiles, json: boolean): Promise<number> {
  const { held, view, options } = readMarginInputs({ ...files, method: 'all' }, { db, bookId })
  const library = marginParamSets(options.params, options.paramsSource).stress
  const report = await stressTest(held, view, stressHistory(db, valuedPositions(held, view).underlyings), library)
  io.out(json ? JSON.stringify(stressView(report), null, 2) : stressTable(report))
  return 0
}

function stressTable(r: StressReport): string {
  const table = formatTable(
    ['Scenario', 'Window', ...r.underlyings, 'Vols', 'P&L (USD)'],
    r.scenarios.map((s) => [s.name, s.window ?? 'hypothetical', ...s.moves.map((m, k) => (s.unmoved.includes(r.underlyings[k]!) ? 'no history' : pct(m))), s.volMove, usd(s.pnl)])
  )
  const skipped = r.notCovered.length ? `\nNot stressed (${r.notCovered.length}): ${r.notCovered.map((n) => `${n.account} ${n.symbol}: ${n.reason}`).join('; ')}` : ''
  return `Stress library ${r.libraryId}, worst first; full revaluation, P&L in USD. History: ${r.historyNote}.\nHistory window: ${r.historyWindow.text}.\n\n${table}${skipped}`
}

export interface BacktestArgs extends RiskFiles {
  method: string
  horizon?: string
  confidence?: string
  lookback?: string
  from?: string
  to?: string
  stressedFloor: boolean
  apcBuffer: boolean
  noVolIndex: boolean
}

/** The options, or the usage error naming the flag. */
export function backtestOptions(a: BacktestArgs): Omit<BacktestOptions, 'params' | 'paramsSource'> | string {
  const method = a.method === 'all' ? 'hs-var' : a.method
  if (!(BACKTEST_METHODS as readonly string[]).includes(method)) return `--method "${a.method}" cannot be backtested (${BACKTEST_METHODS.join(', ')})`
  const horizon = a.horizon === undefined ? 1 : Number(a.horizon)
  if (horizon !== 1 && horizon !== 2) return `--horizon "${a.horizon}" must be 1 or 2 (days, the margin period of risk)`
  const confidence = a.confidence === undefined ? 0.99 : Number(a.confidence) / 100
  if (!(confidence >= 0.5 && confidence < 1)) return `--confidence "${a.confidence}" must be one percentage between 50 and 100 (99)`
  const lookback = a.lookback === undefined ? undefined : Number(a.lookback)
  if (lookback !== undefined && !(Number.isInteger(lookback) && lookback >= 30)) return `--lookback "${a.lookback}" is not a whole number ≥ 30`
  for (const [flag, d] of [['from', a.from], ['to', a.to]] as const)
    if (d !== undefined && !(/^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(d)))) return `--${flag} "${d}" is not a UTC day (YYYY-MM-DD)`
  if (method !== 'hs-var' && (lookback !== undefined || a.stressedFloor || a.apcBuffer)) return '--lookback, --stressed-floor and --apc-buffer apply to --method hs-var'
  return {
    method: method as BacktestMethod,
    horizonDays: horizon,
    confidence,
    ...(lookback === undefined ? {} : { lookbackDays: lookback }),
    ...(a.from === undefined ? {} : { from: a.from }),
    ...(a.to === undefined ? {} : { to: a.to }),
    stressedFloor: a.stressedFloor,
    apcBuffer: a.apcBuffer,
    useVolIndex: !a.noVolIndex
  }
}

export async function backtestCommand(db: BookDb, bookId: number, io: CliIo, files: RiskFiles, o: Omit<BacktestOptions, 'params' | 'paramsSource'>, json: boolean): Promise<number> {
  const { held, view, options } = readMarginInputs({ ...files, method: 'all' }, { db, bookId })
  const report = await backtest(held, view, bookHistory(db, valuedPositions(held, view).underlyings), { ...o, params: options.params, paramsSource: options.paramsSource })
  io.out(json ? JSON.stringify(backtestView(report), null, 2) : backtestTable(report))
  return 0
}

function backtestTable(r: BacktestReport): string {
  const s = r.stats
  const head = `${r.label}: ${r.requirementRule}. Realised ${r.horizonDays}-day loss of the book held today, ${r.days[0]} … ${r.days.at(-1)} (${s.days.toLocaleString('en-US')} days); ${r.volMoves}. Amounts in USD at today's prices.`
  const stats = formatTable(
    ['Statistic', 'Value'],
    [
      ['Exceptions', `${s.exceptions} of ${s.days} (expected ${(s.expectedRate * s.days).toFixed(1)})`],
      ['Coverage', `${(s.coverage * 100).toFixed(2)} %`],
      ['Kupiec POF LR', `${s.kupiec.lr.toFixed(3)} (p = ${s.kupiec.pValue.toFixed(4)}${s.kupiec.reject ? ', rejected at 95 %' : ''})`],
      ['Christoffersen independence LR', `${s.christoffersen.lr.toFixed(3)} (p = ${s.christoffersen.pValue.toFixed(4)}${s.christoffersen.reject ? ', rejected at 95 %' : ''})`],
      ['250-day windows green / yellow / red', `${r.zoneCounts.green} / ${r.zoneCounts.yellow} / ${r.zoneCounts.red} (worst ${s.worstZone})`],
      ['Requirement (first … last day)', `${usd(r.requirement[0]!)} … ${usd(r.requirement.at(-1)!)}`]
    ]
  )
  const worst = [...r.days.keys()]
    .filter((i) => r.exception[i])
    .sort((a, b) => r.realisedLoss[b]! - r.realisedLoss[a]!)
    .slice(0, 10)
  const exceptions = worst.length ? `\n\nLargest exceptions:\n${formatTable(['Day', 'Requirement', 'Realised loss'], worst.map((i) => [r.days[i]!, usd(r.requirement[i]!), usd(r.realisedLoss[i]!)]))}` : ''
  const skipped = r.notCovered.length ? `\nNot in the backtest (${r.notCovered.length}): ${r.notCovered.map((n) => `${n.account} ${n.symbol}: ${n.reason}`).join('; ')}` : ''
  return `${head}\nPeriod: ${r.window.text}.\n\n${stats}${exceptions}${skipped}`
}
