/**
 * Statistical risk: VaR/ES (historical, Monte Carlo), the stress library and backtests. Amounts in USD.
 */
import { z } from 'zod'
import { id, isoUtc, taskId, utcDay } from './primitives'
import { MarginMethodName } from './margin'
import type { MethodTable } from './method-table'

// ── Statistical risk (issue 6): VaR/ES, stress tests, backtests. Amounts in USD. ──────────────

export const confidence = z.number().gt(0.5).lt(1)
/** A number JSON can carry: NaN (an estimate that does not exist) travels as null. */
export const estimate = z.number().nullable()

export const VarRequest = z
  .object({
    taskId,
    bookId: id,
    method: z.enum(['historical', 'monte-carlo']),
    horizonDays: z.union([z.literal(1), z.literal(2)]),
    lookbackDays: z.number().int().min(30).max(20_000).optional(),
    confidences: z.array(confidence).min(1).max(4).default([0.99, 0.995]),
    ewmaLambda: z.number().gt(0).lt(1).optional(),
    useVolIndex: z.boolean().default(true),
    stressedFloor: z.boolean().default(false),
    apcBuffer: z.boolean().default(false),
    simulations: z.number().int().min(100).max(200_000).optional(),
    seed: z.number().int().nonnegative().optional(),
    nu: z.number().gt(2).max(1000).optional(),
    correlation: z.enum(['estimated', 'one', 'zero']).optional()
  })
  .strict()
  .refine((r) => r.method === 'historical' || !(r.stressedFloor || r.ewmaLambda !== undefined), { message: 'the stressed floor and EWMA filtering apply to historical simulation', path: ['stressedFloor'] })

export const HistoryView = z.object({
  firstDay: z.string(),
  lastDay: z.string(),
  days: z.number().int(),
  series: z.array(z.object({ underlying: z.string(), quoteCurrency: z.string(), source: z.string() }))
})
export const NotCovered = z.array(z.object({ account: z.string(), symbol: z.string(), reason: z.string() }))
/** Where each underlying's history was cut: its market's as-of and the newest daily close that allows (no look-ahead). */
export const AsOfCutView = z.object({ underlying: z.string(), asOfUtc: isoUtc, lastAllowedDay: utcDay })
/** The history a result ran over, cut at the market's as-of: UTC days; `text` says it in one line. */
export const HistoryWindowView = z.object({
  firstDay: z.string(),
  lastDay: z.string(),
  count: z.number().int(),
  /** windows: historical h-day windows; daily returns: a Monte Carlo calibration; days tested: a backtest. */
  unit: z.enum(['windows', 'daily returns', 'days tested']),
  horizonDays: z.number().int(),
  /** The first and last window (close → close); null for a Monte Carlo calibration. */
  firstWindow: z.object({ from: utcDay, to: utcDay }).nullable(),
  lastWindow: z.object({ from: utcDay, to: utcDay }).nullable(),
  cuts: z.array(AsOfCutView),
  text: z.string()
})

export const VarResponse = z.object({
  method: z.enum(['historical', 'monte-carlo']),
  currency: z.literal('USD'),
  horizonDays: z.number().int(),
  scenarioSetId: z.string(),
  scenarios: z.number().int(),
  history: HistoryView,
  /** Historical: the windows used; Monte Carlo: the calibration period. */
  window: HistoryWindowView,
  volMoves: z.string(),
  requirementRule: z.string(),
  levels: z.array(
    z.object({
      confidence: z.number(),
      valueAtRisk: z.number(),
      expectedShortfall: z.number(),
      varStandardError: estimate,
      esStandardError: estimate,
      varScenario: z.string(),
      stressedVar: z.number().nullable(),
      requirement: z.number()
    })
  ),
  /** P&L distribution: bin edges (USD, one more than counts) and scenarios per bin. */
  histogram: z.object({ edges: z.array(z.number()), counts: z.array(z.number().int()) }),
  /** The worst scenarios, worst first. */
  worst: z.array(z.object({ label: z.string(), pnl: z.number() })),
  /** Euler allocations per position at each level (same order as levels): they add up to ES and VaR. */
  components: z.array(z.object({ positionId: id, symbol: z.string(), expectedShortfall: z.array(z.number()), valueAtRisk: z.array(z.number()) })),
  notCovered: NotCovered,
  durationMs: z.number()
})

export const StressRequest = z.object({ bookId: id }).strict()

export const StressResponse = z.object({
  libraryId: z.string(),
  currency: z.literal('USD'),
  underlyings: z.array(z.string()),
  historyNote: z.string(),
  /** The history the historical scenarios came from, cut at the market's as-of; episodes after it are left out and named. */
  historyWindow: z.object({
    lastDay: utcDay.nullable(),
    byUnderlying: z.array(z.object({ underlying: z.string(), firstDay: utcDay, lastDay: utcDay })),
    cuts: z.array(AsOfCutView),
    episodesLeftOut: z.array(z.string()),
    text: z.string()
  }),
  scenarios: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(['worst move', 'episode', 'hypothetical']),
      window: z.string().nullable(),
      /** Relative move per underlying, in the order of `underlyings`. */
      moves: z.array(z.number()),
      unmoved: z.array(z.string()),
      volMove: z.string(),
      elapsedDays: z.number(),
      note: z.string().nullable(),
      pnl: z.number(),
      /** Each position's P&L (order of `positions`). */
      positionPnl: z.array(z.number())
    })
  ),
  positions: z.array(z.object({ positionId: id, account: z.string(), symbol: z.string() })),
  notCovered: NotCovered
})

export const BacktestMethodName = z.enum(['hs-var', ...MarginMethodName.options])

export const BacktestRequest = z
  .object({
    taskId,
    bookId: id,
    method: BacktestMethodName,
    horizonDays: z.union([z.literal(1), z.literal(2)]),
    confidence: confidence.default(0.99),
    lookbackDays: z.number().int().min(30).max(20_000).optional(),
    from: utcDay.optional(),
    to: utcDay.optional(),
    stressedFloor: z.boolean().default(false),
    apcBuffer: z.boolean().default(false),
    useVolIndex: z.boolean().default(true)
  })
  .strict()
  .refine((r) => r.method === 'hs-var' || !(r.stressedFloor || r.apcBuffer || r.lookbackDays !== undefined), { message: 'lookback, stressed floor and buffer apply to hs-var', path: ['method'] })

export const Zone = z.enum(['green', 'yellow', 'red'])
export const LikelihoodRatioView = z.object({ lr: z.number(), pValue: z.number(), reject: z.boolean() })

export const BacktestResponse = z.object({
  method: BacktestMethodName,
  label: z.string(),
  currency: z.literal('USD'),
  horizonDays: z.number().int(),
  confidence: z.number(),
  lookbackDays: z.number().int().nullable(),
  requirementRule: z.string(),
  volMoves: z.string(),
  history: HistoryView,
  /** The days tested, on history cut at the market's as-of. */
  window: HistoryWindowView,
  positions: z.number().int(),
  notCovered: NotCovered,
  days: z.array(z.string()),
  requirementUsd: z.array(z.number()),
  realisedLossUsd: z.array(z.number()),
  exception: z.array(z.boolean()),
  /** Zone of the 250-day window ending on each day (null before the first full window). */
  zone: z.array(Zone.nullable()),
  stats: z.object({
    days: z.number().int(),
    exceptions: z.number().int(),
    expectedRate: z.number(),
    observedRate: z.number(),
    coverage: z.number(),
    kupiec: LikelihoodRatioView,
    christoffersen: LikelihoodRatioView,
    worstZone: Zone,
    /**
     * The zones at this confidence by Basel's rule: yellow from the count whose binomial probability
     * of that many exceptions or fewer reaches 95 %, red from 99.99 % (99 %, 250 days: 5 and 10).
     */
    zones: z.object({
      days: z.number().int(),
      confidence: z.number(),
      yellowFrom: z.number().int(),
      redFrom: z.number().int(),
      /** P(X ≤ k), k = 0 … redFrom. */
      cumulative: z.array(z.number())
    })
  }),
  zoneCounts: z.object({ green: z.number().int(), yellow: z.number().int(), red: z.number().int() }),
  durationMs: z.number()
})

export type VarResponse = z.output<typeof VarResponse>
export type StressResponse = z.output<typeof StressResponse>
export type BacktestResponse = z.output<typeof BacktestResponse>

/** The zones as every output states them: "green 0–4, yellow 5–9, red 10 or more exceptions in 250 days at 99 % (…)". */
export function trafficLightZonesText(z: BacktestResponse['stats']['zones']): string {
  const pct = `${Number((z.confidence * 100).toFixed(4))} %`
  const range = (from: number, to: number): string => (from > to ? 'none' : from === to ? `${from}` : `${from}–${to}`)
  return (
    `green ${range(0, z.yellowFrom - 1)}, yellow ${range(z.yellowFrom, z.redFrom - 1)}, red ${z.redFrom > z.days ? 'none' : `${z.redFrom} or more`} exceptions in ${z.days} days at ${pct} ` +
    "(Basel's rule at this confidence: yellow from 95 %, red from 99.99 % binomial probability of that many or fewer)"
  )
}
export type BacktestMethodName = z.output<typeof BacktestMethodName>

export const riskMethods = {
  /** VaR and ES of a book (historical or Monte Carlo), in the worker pool: progress events, cancelTask. */
  runVar: { request: VarRequest, response: VarResponse },
  /** The stress library on a book: P&L per scenario and per position, worst first. */
  runStress: { request: StressRequest, response: StressResponse },
  /** A method's requirement each day vs the realised loss of the book over the imported history. */
  runBacktest: { request: BacktestRequest, response: BacktestResponse }
} as const satisfies MethodTable
