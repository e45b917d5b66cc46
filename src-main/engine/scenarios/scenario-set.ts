/**
 * A scenario set (docs/METHODOLOGY.md §4): per scenario, a relative price move per underlying
 * (applied to each instrument's own forward or mark), a vol move, and a time shift. Columns of the
 * P&L matrix follow the scenario order.
 */
export interface VolTermStructure {
  /** Vol shifts are scaled by (refDays / days-to-expiry)^power: short expiries move more. */
  refDays: number
  power: number
}

export interface ScenarioSet {
  id: string
  /** Underlyings in the order of priceMoves' inner dimension. */
  underlyings: string[]
  count: number
  /** count × underlyings.length relative moves, scenario-major (−0.1 = −10 %). */
  priceMoves: Float64Array
  /** Absolute vol shift per scenario, as a fraction of vol (0.05 = +5 vol points). */
  volAbs: Float64Array
  /** Relative vol shift per scenario (0.1 = vols × 1.1). */
  volRel: Float64Array
  /** Time elapsed in each scenario, years (1/365 = one day of decay). */
  timeShiftYears: Float64Array
  volTerm: VolTermStructure | null
  labels: string[]
  /**
   * Sticky moneyness (statistical and stress sets): each strike's vol slides along today's smile
   * with the move, σ(K) → σ(K/g) ≈ σ(K) − slope·ln g with the smile's slope on the side K/g lies
   * (above the strike for a fall), before volRel/volAbs apply. Margin grids leave it off: the venues' scenarios are sticky-strike.
   */
  stickyMoneyness?: boolean
}

/** Smallest vol a shifted scenario may reach: a vol shock cannot make an option riskless. */
export const MIN_SCENARIO_VOL = 0.01

export function validateScenarioSet(s: ScenarioSet): void {
  const u = s.underlyings.length
  if (s.priceMoves.length !== s.count * u) throw new RangeError(`scenario set ${s.id}: ${s.priceMoves.length} price moves, expected ${s.count} × ${u}`)
  for (const [name, arr] of [['volAbs', s.volAbs], ['volRel', s.volRel], ['timeShiftYears', s.timeShiftYears]] as const) {
    if (arr.length !== s.count) throw new RangeError(`scenario set ${s.id}: ${name} has ${arr.length} entries, expected ${s.count}`)
  }
  for (let i = 0; i < s.priceMoves.length; i++) {
    if (!(s.priceMoves[i]! > -1)) throw new RangeError(`scenario set ${s.id}: scenario ${Math.floor(i / u)} moves ${s.underlyings[i % u]} by ${s.priceMoves[i]}, not above −100 %`)
  }
}

/**
 * Every combination of price moves (the same for all underlyings, jointly) and vol shifts, with
 * an optional time shift: the shape of SPAN and venue portfolio-margin grids.
 */
export function priceVolGrid(opts: {
  id: string
  underlyings: string[]
  priceMoves: number[]
  volShiftsAbs?: number[]
  timeShiftDays?: number
  volTerm?: VolTermStructure | null
}): ScenarioSet {
  const vols = opts.volShiftsAbs ?? [0]
  const count = opts.priceMoves.length * vols.length
  const u = opts.underlyings.length
  const priceMoves = new Float64Array(count * u)
  const volAbs = new Float64Array(count)
  const labels: string[] = []
  let s = 0
  for (const move of opts.priceMoves) {
    for (const vol of vols) {
      priceMoves.fill(move, s * u, (s + 1) * u)
      volAbs[s] = vol
      labels.push(`price ${move >= 0 ? '+' : ''}${(move * 100).toFixed(1)} %, vol ${vol >= 0 ? '+' : ''}${(vol * 100).toFixed(1)} pts`)
      s++
    }
  }
  const set: ScenarioSet = {
    id: opts.id,
    underlyings: opts.underlyings,
    count,
    priceMoves,
    volAbs,
    volRel: new Float64Array(count),
    timeShiftYears: new Float64Array(count).fill((opts.timeShiftDays ?? 0) / 365),
    volTerm: opts.volTerm ?? null,
    labels
  }
  validateScenarioSet(set)
  return set
}

/**
 * The scenarios at `indices` (in that order) of a set, as a set of their own: what a second pass
 * revalues when only a few scenarios matter (the tail, for component ES). Every per-scenario field
 * is copied as is, so each cell revalues to the same bits as in the whole set.
 */
export function scenarioSubset(s: ScenarioSet, indices: Int32Array): ScenarioSet {
  const u = s.underlyings.length
  const priceMoves = new Float64Array(indices.length * u)
  indices.forEach((j, i) => {
    if (!(j >= 0 && j < s.count)) throw new RangeError(`scenario set ${s.id}: no scenario ${j} (it has ${s.count})`)
    priceMoves.set(s.priceMoves.subarray(j * u, (j + 1) * u), i * u)
  })
  const pick = (a: Float64Array): Float64Array => Float64Array.from(indices, (j) => a[j]!)
  return {
    id: `${s.id}[${indices.length} of ${s.count}]`,
    underlyings: s.underlyings,
    count: indices.length,
    priceMoves,
    volAbs: pick(s.volAbs),
    volRel: pick(s.volRel),
    timeShiftYears: pick(s.timeShiftYears),
    volTerm: s.volTerm,
    labels: Array.from(indices, (j) => s.labels[j]!),
    stickyMoneyness: s.stickyMoneyness
  }
}
