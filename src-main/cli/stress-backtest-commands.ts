/**
 * `cli stress` and `cli backtest`: the stress library and the backtest of a method over the imported
 * history, on a book or a portfolio file, amounts in USD.
 */
import type { ResponseOf } from '@contract/api'
import { trafficLightZonesText } from '@contract/risk'
import type { Services } from '../services/api-service'
import { BACKTEST_METHODS, type BacktestMethod, type BacktestOptions } from '../services/backtest-service'
import { backtestOf, stressOf } from '../services/risk/handlers'
import { call, type CliIo } from './commands'
import { formatTable } from './format-table'
import { fileRiskInputs, onBookAlone, type RiskFiles } from './risk-inputs'

export type { RiskFiles } from './risk-inputs'

const usd = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 0 })
const pct = (x: number): string => `${x >= 0 ? '+' : '−'}${(Math.abs(x) * 100).toFixed(1)} %`

/** The stress library on the book through the API, as the workstation runs it; on files, the same assembly. */
export async function stressCommand(services: Services, bookId: number, io: CliIo, files: RiskFiles, json: boolean): Promise<number> {
  const r = onBookAlone(files) ? await call(services, 'runStress', { bookId }) : await stressOf(fileRiskInputs(services.db, bookId, files))
  io.out(json ? JSON.stringify(r, null, 2) : stressTable(r))
  return 0
}

function stressTable(r: ResponseOf<'runStress'>): string {
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

/** A method's backtest of the book through the API, as the workstation runs it; on files, the same assembly. */
export async function backtestCommand(services: Services, bookId: number, io: CliIo, files: RiskFiles, o: Omit<BacktestOptions, 'params' | 'paramsSource'>, json: boolean): Promise<number> {
  const r = onBookAlone(files) ? await call(services, 'runBacktest', { taskId: 'cli-backtest', bookId, ...o }) : await backtestOf(fileRiskInputs(services.db, bookId, files), o)
  io.out(json ? JSON.stringify(r, null, 2) : backtestTable(r))
  return 0
}

function backtestTable(r: ResponseOf<'runBacktest'>): string {
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
      ['Zones', trafficLightZonesText(s.zones)],
      ['Requirement (first … last day)', `${usd(r.requirementUsd[0]!)} … ${usd(r.requirementUsd.at(-1)!)}`]
    ]
  )
  const worst = [...r.days.keys()]
    .filter((i) => r.exception[i])
    .sort((a, b) => r.realisedLossUsd[b]! - r.realisedLossUsd[a]!)
    .slice(0, 10)
  const exceptions = worst.length ? `\n\nLargest exceptions:\n${formatTable(['Day', 'Requirement', 'Realised loss'], worst.map((i) => [r.days[i]!, usd(r.requirementUsd[i]!), usd(r.realisedLossUsd[i]!)]))}` : ''
  const skipped = r.notCovered.length ? `\nNot in the backtest (${r.notCovered.length}): ${r.notCovered.map((n) => `${n.account} ${n.symbol}: ${n.reason}`).join('; ')}` : ''
  return `${head}\nPeriod: ${r.window.text}.\n\n${stats}${exceptions}${skipped}`
}
