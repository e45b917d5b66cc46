/**
 * The Deribit PM replica on a pme/simulate response's own portfolio and own model_params (issue 21
 * machinery), side by side with the venue's numbers: every aggregated_risk_vectors entry, every
 * pre_aggregated and initial_risk_vectors entry, and the margins with their risk-matrix details.
 * Differences are replica − venue, in the settlement currency; % of the venue's figure.
 *
 * The portfolio's sizes are in coin as Deribit states them (docs.deribit.com/api-reference/
 * account-management/private-simulate: simulated_positions "in base currency"); each position is
 * valued at its ticker's mark_price, the index at index_price["<coin>_usd"], the as-of instant at
 * model_params.general.timestamp. Options need the ticker's mark_iv (and take underlying_price as
 * their forward, else the index: ours, labelled); without it the currency is not replicated, said so.
 */
import { parseDeribit } from '../../engine/instruments/venues/deribit'
import { deribitPmMargin, pmAggregatedRiskVectors, pmScenarioLabels, PM_STANDARD_SCENARIOS, type DeribitPmParams } from '../../engine/margin/deribit-pm'
import { isCoinCurrency } from '../../engine/market/currency'
import { deltaOnePosition, optionPosition, type MarginPosition } from '../../engine/margin/margin-position'
import type { MarginResult } from '../../engine/margin/margin-result'
import type { PmeMargins, PmeSimulate, PmVector } from './deribit-readers'

/** One figure, venue beside replica: the venue's key path, its unit, difference replica − venue. */
export interface FigureComparison {
  name: string
  key: string
  unit: string
  venue: number | null
  replica: number | null
  difference: number | null
  /** (replica − venue) / |venue| × 100; null when the venue's figure is 0 or either is missing. */
  differencePct: number | null
  /** false where the replica's figure rests on a rule of ours (the note says which). */
  published: boolean
  note: string | null
}

/** One scenario of one risk vector, venue beside replica. */
export interface VectorEntryComparison {
  /** The venue's key: aggregated_risk_vectors.btc_btc, initial_risk_vectors.BTC-PERPETUAL … */
  vector: string
  part: 'standard' | 'extended'
  /** Index in the venue's array (standard 0–26, extended 0–7). */
  index: number
  scenario: string
  unit: string
  venue: number
  replica: number | null
  difference: number | null
}

export interface PmeReplicaComparison {
  currency: string
  figures: FigureComparison[]
  vectors: VectorEntryComparison[]
  /** The largest |replica − venue| over every vector entry (settlement currency); null when not replicated. */
  maxVectorDifference: number | null
  /** The replica's own result (IM, MM, components) when computed. */
  replica: Pick<MarginResult, 'initialMargin' | 'maintenanceMargin' | 'components'> | null
  notes: string[]
}

export function compareFigure(name: string, key: string, unit: string, venue: number | null, replica: number | null, published = true, note: string | null = null): FigureComparison {
  const difference = venue === null || replica === null ? null : replica - venue
  const differencePct = difference === null || venue === 0 ? null : (difference / Math.abs(venue!)) * 100
  return { name, key, unit, venue, replica, difference, differencePct, published, note }
}

/** The settlement currency of Deribit's vector key "<underlying>_<settlement>" (usd: USDC). */
const keyParts = (key: string): { underlying: string; settlement: string } => {
  const [u = '', s = ''] = key.split('_')
  return { underlying: u.toUpperCase(), settlement: s === 'usd' ? 'USDC' : s.toUpperCase() }
}

interface Built {
  name: string
  underlying: string
  settlement: string
  position: MarginPosition
}

/** The simulation's positions as the engine's margin positions; a position that cannot be built names why. */
function buildPositions(sim: PmeSimulate): { built: Built[]; problems: Map<string, string> } {
  const built: Built[] = []
  const problems = new Map<string, string>()
  for (const [name, sizeCoin] of sim.positions) {
    let inst
    try {
      inst = parseDeribit(name)
    } catch (e) {
      problems.set('*', `${name}: ${(e as Error).message}`)
      continue
    }
    const settlement = inst.settleCurrency
    const ticker = sim.ticker.get(name)
    const indexUsd = sim.indexUsd.get(`${inst.underlying.toLowerCase()}_usd`) ?? ticker?.indexPrice ?? null
    if (!ticker) {
      problems.set(settlement, `${name} has no ticker in the file (result.ticker.${name}): no price to value it at`)
      continue
    }
    if (indexUsd === null) {
      problems.set(settlement, `no index for ${inst.underlying} in the file (result.index_price.${inst.underlying.toLowerCase()}_usd)`)
      continue
    }
    const inverse = inst.settlement === 'inverse'
    if (inst.kind === 'option') {
      if (ticker.markIv === null) {
        problems.set(settlement, `${name} is an option and its ticker has no mark_iv: the replica cannot value it`)
        continue
      }
      const forwardUsd = ticker.underlyingPrice ?? indexUsd
      built.push({ name, underlying: inst.underlying, settlement, position: optionPosition({ underlying: inst.underlying, inverse, sizeCoin, forwardUsd, strikeUsd: inst.strikeUsd!, expiryMs: inst.expiryMs!, vol: ticker.markIv / 100, optionType: inst.optionType!, indexUsd }) })
      continue
    }
    const kind = inst.kind === 'future' ? 'future' : inst.kind === 'perpetual' ? 'perpetual' : 'spot'
    built.push({ name, underlying: inst.underlying, settlement, position: deltaOnePosition({ underlying: inst.underlying, kind, inverse, sizeCoin, priceUsd: ticker.markPrice, expiryMs: inst.expiryMs, indexUsd }) })
  }
  return { built, problems }
}

function vectorRows(vector: string, venue: PmVector, replica: { standard: ArrayLike<number>; extended: ArrayLike<number> } | null, labels: string[], unit: string): VectorEntryComparison[] {
  const rows: VectorEntryComparison[] = []
  const push = (part: 'standard' | 'extended', values: number[], mine: ArrayLike<number> | undefined): void => {
    values.forEach((v, i) => {
      const r = mine && i < mine.length ? mine[i]! : null
      rows.push({ vector, part, index: i, scenario: labels[part === 'standard' ? i : PM_STANDARD_SCENARIOS + i] ?? `${part} ${i}`, unit, venue: v, replica: r, difference: r === null ? null : r - v })
    })
  }
  push('standard', venue.standard, replica?.standard)
  push('extended', venue.extended, replica?.extended)
  return rows
}

const split = (pnl: Float64Array): { standard: Float64Array; extended: Float64Array } => ({ standard: pnl.subarray(0, PM_STANDARD_SCENARIOS), extended: pnl.subarray(PM_STANDARD_SCENARIOS) })

function settlementOfName(name: string): string | null {
  try {
    return parseDeribit(name).settleCurrency
  } catch {
    return null
  }
}

/** The replica of one margins currency of the simulation, beside the venue. */
function compareCurrency(sim: PmeSimulate, m: PmeMargins, built: Built[], problems: Map<string, string>): PmeReplicaComparison {
  const unit = m.currency
  const params: DeribitPmParams | undefined = sim.params.currencies[m.currency]
  const notes: string[] = []
  const problem = problems.get(m.currency) ?? problems.get('*') ?? (params ? null : `the file's model_params give no ${m.currency} set (${sim.params.notes.filter((n) => !n.startsWith('ignored')).join('; ') || 'no currency block'})`)
  const mine = built.filter((b) => b.settlement === m.currency)
  const coin = isCoinCurrency(m.currency)
  const indexUsd = coin ? sim.indexUsd.get(`${m.currency.toLowerCase()}_usd`) : undefined
  const labels = params ? pmScenarioLabels(params) : []
  const run = (positions: MarginPosition[]): MarginResult | null =>
    params && positions.length ? deribitPmMargin(positions, { currency: m.currency, asOfMs: sim.asOfMs, params, paramsId: sim.params.id, marketId: 'pme/simulate', indexUsd }) : null
  const ok = problem === null
  if (!ok) notes.push(`${m.currency} not replicated: ${problem}`)
  const whole = ok ? run(mine.map((b) => b.position)) : null
  if (ok && !whole) notes.push(`${m.currency}: the simulated portfolio holds no ${m.currency}-settled position`)

  const vectors: VectorEntryComparison[] = []
  for (const [key, venue] of sim.aggregated) {
    const { underlying, settlement } = keyParts(key)
    if (settlement !== m.currency) continue
    const group = ok ? run(mine.filter((b) => b.underlying === underlying).map((b) => b.position)) : null
    const agg = group && params ? pmAggregatedRiskVectors(group.scenarioPnl!, 0, params, coin, indexUsd) : null
    vectors.push(...vectorRows(`aggregated_risk_vectors.${key}`, venue, agg, labels, unit))
    const pre = sim.preAggregated.get(key)
    if (pre) vectors.push(...vectorRows(`pre_aggregated_risk_vectors.${key}`, pre, group ? split(group.scenarioPnl!) : null, labels, unit))
  }
  for (const [name, venue] of sim.initial) {
    // Each instrument belongs to its settlement currency's comparison; a name that does not parse to the first one's.
    const settlement = settlementOfName(name) ?? sim.margins[0]!.currency
    if (settlement !== m.currency) continue
    const b = mine.find((x) => x.name === name)
    const one = b && ok ? run([b.position]) : null
    vectors.push(...vectorRows(`initial_risk_vectors.${name}`, venue, one ? split(one.scenarioPnl!) : null, labels, unit))
  }

  const c = (name: string): number | null => whole?.components.find((x) => x.name === name)?.amount ?? null
  const worst = whole ? (c('worst case') ?? 0) + (c('extended scenarios') ?? 0) : null
  const worstNote = whole?.components.find((x) => x.name === 'worst case' && !x.published)?.note ?? null
  const rollNote = whole?.components.find((x) => x.name === 'roll shock')?.note ?? null
  const deltaNote = whole?.components.find((x) => x.name === 'delta shock')?.note ?? null
  // A sum is ours where any part that counts is (the note names them).
  const oursInSum = whole?.components.filter((x) => !x.published && x.amount !== 0).map((x) => x.name) ?? []
  const sumNote = oursInSum.length ? `sums the components; ${oursInSum.join(', ')}: ours (see ${oursInSum.length > 1 ? 'their rows' : 'its row'})` : null
  const base = `result.margins.${m.key}`
  const rm = `${base}.initial_margin_details.risk_matrix_margin_details`
  const figures: FigureComparison[] = [
    compareFigure('worst case (standard and extended scenarios)', `${rm}.worst_case`, unit, m.worstCase, worst, worstNote === null, worstNote),
    compareFigure('roll shock', `${rm}.roll_shock`, unit, m.rollShock, c('roll shock'), false, rollNote),
    compareFigure('delta shock', `${rm}.delta_shock`, unit, m.deltaShock, c('delta shock'), false, deltaNote),
    compareFigure('correlation contingency', `${rm}.correlation_contingency`, unit, m.correlationContingency, null, false, 'not replicated (Deribit publishes no formula)'),
    compareFigure('risk-matrix margin (replica IM)', `${base}.initial_margin_details.risk_matrix_margin`, unit, m.riskMatrixMargin, whole?.initialMargin ?? null, sumNote === null, sumNote),
    compareFigure('maintenance margin', `${base}.maintenance_margin`, unit, m.maintenanceMargin, whole?.maintenanceMargin ?? null, sumNote === null, params ? `mm_factor ${params.mmFactor} × the risk-matrix margin${sumNote ? `, which ${sumNote}` : ''}` : null),
    compareFigure('initial margin (venue total)', `${base}.initial_margin`, unit, m.initialMargin, null, true, `the venue's IM adds mmp_margin ${m.mmpMargin ?? 0}, open_orders_margin ${m.openOrdersMargin ?? 0} and spot_margin ${m.spotMargin ?? 0} (orders and market-maker protection, not positions): compare the risk-matrix margin`)
  ]
  const differences = vectors.flatMap((v) => (v.difference === null ? [] : [Math.abs(v.difference)]))
  if (vectors.some((v) => v.replica === null) && ok) notes.push(`${m.currency}: some venue vectors have no replica entry (an instrument the portfolio does not hold, or a key of another shape)`)
  return {
    currency: m.currency,
    figures,
    vectors,
    maxVectorDifference: differences.length && vectors.every((v) => v.replica !== null) ? differences.reduce((a, b) => Math.max(a, b), 0) : null,
    replica: whole ? { initialMargin: whole.initialMargin, maintenanceMargin: whole.maintenanceMargin, components: whole.components } : null,
    notes
  }
}

/** Every margins currency of a pme/simulate response, replica beside venue. */
export function comparePmeSimulate(sim: PmeSimulate): PmeReplicaComparison[] {
  const { built, problems } = buildPositions(sim)
  return sim.margins.map((m) => compareCurrency(sim, m, built, problems))
}
