/**
 * `cli var [--book-id N | --portfolio FILE] [--market FILE] [--monte-carlo] [--horizon 1|2]
 * [--lookback DAYS] [--confidence 99,99.5] [--ewma λ] [--no-vol-index] [--simulations N]
 * [--seed S] [--nu ν] [--correlation estimated|one|zero] [--stressed-floor] [--apc-buffer] [--json]`: VaR and ES in USD of a book or a
 * portfolio file, with the history imported into the book file.
 */
import type { ResponseOf } from '@contract/api'
import type { Services } from '../services/api-service'
import type { VarOptions } from '../services/var-service'
import { varOf } from '../services/risk/handlers'
import { call, type CliIo } from './commands'
import { formatTable } from './format-table'
import { fileRiskInputs } from './risk-inputs'

export interface VarArgs {
  portfolio?: string
  market?: string
  monteCarlo: boolean
  horizon?: string
  lookback?: string
  confidence?: string
  ewma?: string
  noVolIndex: boolean
  simulations?: string
  seed?: string
  nu?: string
  correlation?: string
  stressedFloor?: boolean
  apcBuffer?: boolean
}

/** The options, or the usage error naming the flag. */
export function varOptions(a: VarArgs): VarOptions | string {
  const int = (flag: string, v: string | undefined, min: number): number | undefined | string => {
    if (v === undefined) return undefined
    const n = Number(v)
    return Number.isInteger(n) && n >= min ? n : `--${flag} "${v}" is not a whole number ≥ ${min}`
  }
  const horizon = a.horizon === undefined ? 1 : Number(a.horizon)
  if (horizon !== 1 && horizon !== 2) return `--horizon "${a.horizon}" must be 1 or 2 (days, the margin period of risk)`
  const confidences = (a.confidence ?? '99,99.5').split(',').map((x) => Number(x) / 100)
  if (confidences.some((c) => !(c >= 0.5 && c < 1))) return `--confidence "${a.confidence}" must be percentages between 50 and 100, comma-separated (99,99.5)`
  const lookback = int('lookback', a.lookback, 30)
  const simulations = int('simulations', a.simulations, 100)
  const seed = int('seed', a.seed, 0)
  for (const x of [lookback, simulations, seed]) if (typeof x === 'string') return x
  const ewma = a.ewma === undefined ? undefined : Number(a.ewma)
  if (ewma !== undefined && !(ewma > 0 && ewma < 1)) return `--ewma "${a.ewma}" is not a decay factor in (0, 1), e.g. 0.94`
  const nu = a.nu === undefined ? undefined : Number(a.nu)
  if (nu !== undefined && !(nu > 2)) return `--nu "${a.nu}" must exceed 2 (degrees of freedom of the Student-t)`
  if (a.correlation !== undefined && !['estimated', 'one', 'zero'].includes(a.correlation)) return `--correlation "${a.correlation}" is not estimated, one or zero`
  if (!a.monteCarlo && (a.simulations ?? a.seed ?? a.nu ?? a.correlation) !== undefined) return '--simulations, --seed, --nu and --correlation need --monte-carlo'
  if (a.monteCarlo && (a.ewma !== undefined || a.noVolIndex || a.stressedFloor)) return '--ewma, --no-vol-index and --stressed-floor apply to historical simulation, not --monte-carlo'
  return {
    method: a.monteCarlo ? 'monte-carlo' : 'historical',
    horizonDays: horizon,
    confidences,
    ...(lookback === undefined ? {} : { lookbackDays: lookback as number }),
    ...(ewma === undefined ? {} : { ewmaLambda: ewma }),
    useVolIndex: !a.noVolIndex,
    ...(simulations === undefined ? {} : { simulations: simulations as number }),
    ...(seed === undefined ? {} : { seed: seed as number }),
    ...(nu === undefined ? {} : { nu }),
    ...(a.correlation === undefined ? {} : { correlation: a.correlation as VarOptions['correlation'] }),
    stressedFloor: a.stressedFloor === true,
    apcBuffer: a.apcBuffer === true
  }
}

type VarView = Omit<ResponseOf<'runVar'>, 'durationMs'>

/** The book's VaR through the API, as the workstation runs it; on portfolio or market files, the same assembly. */
export async function varCommand(services: Services, bookId: number, io: CliIo, a: VarArgs, options: VarOptions, json: boolean): Promise<number> {
  let r: VarView
  if (a.portfolio === undefined && a.market === undefined) {
    // The run time is the host's, not part of the result: two runs with one seed print the same JSON.
    const { durationMs: _durationMs, ...view } = await call(services, 'runVar', { taskId: 'cli-var', bookId, ...options })
    r = view
  } else r = await varOf(fileRiskInputs(services.db, bookId, a), options)
  io.out(json ? JSON.stringify(r, null, 2) : varTable(r))
  return 0
}

const usd = (x: number | null): string => (x === null ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: 0 }))

function varTable(r: VarView): string {
  const mc = r.method === 'monte-carlo'
  const adjusted = r.requirementRule !== 'VaR'
  const head = `${mc ? 'Monte Carlo' : 'Historical simulation'}, ${r.horizonDays}-day horizon, ${r.scenarios.toLocaleString('en-US')} scenarios (${r.scenarioSetId}); history ${r.history.firstDay} … ${r.history.lastDay} from ${r.history.series.map((s) => `${s.underlying}/${s.quoteCurrency} ${s.source}`).join(', ')}; ${r.volMoves}. Amounts in USD.`
  const levels = formatTable(
    ['Confidence', 'VaR', ...(mc ? ['± SE'] : []), 'ES', ...(mc ? ['± SE'] : []), ...(adjusted ? ['Stressed VaR', 'Requirement'] : []), 'VaR scenario'],
    r.levels.map((l) => [
      `${(l.confidence * 100).toFixed(1)} %`,
      usd(l.valueAtRisk),
      ...(mc ? [usd(l.varStandardError)] : []),
      usd(l.expectedShortfall),
      ...(mc ? [usd(l.esStandardError)] : []),
      ...(adjusted ? [l.stressedVar === null ? '–' : usd(l.stressedVar), usd(l.requirement)] : []),
      l.varScenario
    ])
  )
  const last = r.levels.length - 1
  const top = [...r.components].sort((x, y) => y.expectedShortfall[last]! - x.expectedShortfall[last]!).slice(0, 10)
  const components = formatTable(
    ['Position', ...r.levels.flatMap((l) => [`Component ES ${(l.confidence * 100).toFixed(1)} %`, `Component VaR ${(l.confidence * 100).toFixed(1)} %`])],
    top.map((c) => [c.symbol, ...r.levels.flatMap((_, k) => [usd(c.expectedShortfall[k]!), usd(c.valueAtRisk[k]!)])])
  )
  const skipped = r.notCovered.length ? `\nNot in VaR (${r.notCovered.length}): ${r.notCovered.map((n) => `${n.account} ${n.symbol}: ${n.reason}`).join('; ')}` : ''
  const window = `${mc ? 'Calibration' : 'Windows'}: ${r.window.text}.`
  return `${head}${adjusted ? ` Requirement: ${r.requirementRule}.` : ''}\n${window}\n\n${levels}\n\nLargest contributors to ES (Euler allocation; components add up to ES and VaR):\n${components}${skipped}`
}
