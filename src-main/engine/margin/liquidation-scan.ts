/**
 * Every band of moves where an account's cushion (equity − MM, MM recomputed at the moved market)
 * is gone, on each side of today's index, nearest first (docs/METHODOLOGY.md §5.11; issue 21, work
 * item 2). The cushion of a book with options need not be monotone in the move: a long perpetual
 * with a long put dips below MM between about −15 % and −19 % and recovers by −20 %, so stopping at
 * the first ladder point under water (the search before issue 21) can miss a band or report none.
 *
 * The scan walks each side from today to the end of its ladder. It evaluates the cushion at every
 * ladder point (the anchors, the search's old ladder, so results shared between pools at those
 * moves stay shared) and at every feature the caller names (options' strikes, shifted by the
 * scenario grid's moves), and between them at a step sized by the cushion itself; it bisects every
 * sign change to `tolerance` of the move. A crossing alone between two anchors is bisected from the
 * anchors' bracket, as the ladder search did, so a cushion that crosses once per ladder interval
 * gets the old levels bit for bit.
 *
 * Step rule (ours, an approximation: no venue defines a liquidation search). At a point with cushion
 * c no sign change occurs within |c| / L if L bounds |cushion'| over that stretch. No cheap bound is
 * tight enough (a hedged book's gross option exposure bends the cushion 100× faster than it ever
 * does), so L = `slopeAllowance` (a caller's bound, if it has one; 0 from account health) + 2 × the
 * steepest of the last three secants on this side; the step is never below `fineStep`, never past
 * the next anchor or feature. Inside a band the caller's upper bound of the cushion (a cheap lower
 * bound of the margin) replaces the revaluation whenever it says "gone", with its own secants.
 *
 * What it guarantees, and what not: a band is found when it is wider than the step taken over it,
 * i.e. when it is wider than `fineStep` and the cushion's slope before it never exceeds twice the
 * steepest recent secant; a band around a named feature is found if it contains the feature. A
 * narrower band, or a bend sharper than the slope seen so far between two stops, can be missed:
 * the residual risk the caller labels (liquidation's `scanStepPct`). A missed island above MM
 * inside a band merges two bands into one, the conservative error.
 *
 * Pure: no I/O; the cushion and its lower-bound certificate are the caller's functions.
 */

/** A band of moves where the cushion is ≤ 0: `from` nearest today, `to` farther; to = null when it runs to the end of the scan. */
export interface CushionBand {
  from: number
  to: number | null
}

export interface LiquidationScanInput {
  /** equity − MM at a relative move m of the index (pool currency; > 0: above MM). */
  cushion: (m: number) => number
  /** cushion(0), already known. */
  today: number
  /**
   * Optional certificate: a cheap upper bound of cushion(m) (the cushion with a lower bound of the
   * margin), or null when there is none. When it is ≤ 0 the cushion is gone at m and at least as
   * deep, so it settles a bisection step and sizes a step inside a band without the revaluation;
   * it changes no decision the cushion itself would take.
   */
  cushionUpperBound?: (m: number) => number | null
  /** Moves always evaluated below today (negative, nearest first); the last is the end of the scan. */
  anchorsDown: readonly number[]
  /** Moves always evaluated above today (positive, nearest first); the last is the end of the scan. */
  anchorsUp: readonly number[]
  /**
   * Moves where the cushion bends (options' strikes, shifted by the scenario grid's moves), always
   * evaluated like anchors but never used as the ladder's bracket; either side, any order.
   */
  features?: readonly number[]
  /** Smallest step of the scan, relative move: bands narrower than this can be missed. */
  fineStep: number
  /** How fast the cushion may turn, pool currency per unit move (the book's option exposure); 0: none. */
  slopeAllowance: number
  /** Bisection tolerance on the move; 1e-7 unless given. */
  tolerance?: number
}

export interface LiquidationScan {
  /** Bands below today's index (moves < 0), nearest first. */
  down: CushionBand[]
  /** Bands above today's index (moves > 0), nearest first. */
  up: CushionBand[]
  /** The nearest crossing below / above (the first band's `from`); 0 when the cushion is gone today; null when none. */
  nearestDown: number | null
  nearestUp: number | null
  /** Cushion evaluations the scan made (full revaluations; upper-bound certificates not counted). */
  evaluations: number
}

const BISECTION_STEPS = 60

/**
 * The bands on both sides. When the cushion is gone today (today ≤ 0) nothing is scanned: the
 * nearest crossing is today (0) on both sides and no band is listed, as the account is liquidated
 * where it stands.
 */
export function scanLiquidation(input: LiquidationScanInput): LiquidationScan {
  if (!(input.today > 0)) return { down: [], up: [], nearestDown: 0, nearestUp: 0, evaluations: 0 }
  const counter = { n: 0 }
  const features = input.features ?? []
  const stops = (anchors: readonly number[], below: boolean): number[] => {
    const end = anchors[anchors.length - 1] ?? 0
    const own = features.filter((m) => (below ? m < 0 && m > end : m > 0 && m < end) && !anchors.includes(m))
    return [...own, ...anchors].sort((a, b) => Math.abs(a) - Math.abs(b))
  }
  const down = scanSide(input, stops(input.anchorsDown, true), new Set(input.anchorsDown), counter)
  const up = scanSide(input, stops(input.anchorsUp, false), new Set(input.anchorsUp), counter)
  return { down, up, nearestDown: down[0]?.from ?? null, nearestUp: up[0]?.from ?? null, evaluations: counter.n }
}

/** A point of the walk: its move and cushion (bound: c is only an upper bound, ≤ 0). */
interface Point {
  m: number
  c: number
  bound?: boolean
}

/** Secants remembered for the slope: the steepest of the last few sizes the next step. */
const SLOPE_MEMORY = 3

const gone = (p: Point): boolean => !(p.c > 0)

/** One side: `stops` are the anchors and features in walking order; `anchors` which of them bracket like the ladder. */
function scanSide(input: LiquidationScanInput, stops: readonly number[], anchors: ReadonlySet<number>, counter: { n: number }): CushionBand[] {
  const tol = input.tolerance ?? 1e-7
  const dir = stops.length && stops[0]! < 0 ? -1 : 1
  const countAndEvaluate = (m: number): number => {
    counter.n++
    return input.cushion(m)
  }
  /** The certificate's bound when it says the cushion is gone at m, else null. */
  const surelyGone = (m: number): number | null => {
    const ub = input.cushionUpperBound?.(m) ?? null
    return ub !== null && ub <= 0 ? ub : null
  }
  /**
   * The crossing between a (one sign) and b (the other): bisection to tol, the positive end moved
   * toward the gone one. Root-bracketed, so it cannot run away; returns the midpoint, as the ladder
   * search did (same operations on the same bracket: the same level).
   */
  const bisect = (a: Point, b: Point): number => {
    let pos = gone(a) ? b.m : a.m
    let neg = gone(a) ? a.m : b.m
    for (let k = 0; k < BISECTION_STEPS && Math.abs(neg - pos) > tol; k++) {
      const mid = (pos + neg) / 2
      if (surelyGone(mid) === null && countAndEvaluate(mid) > 0) pos = mid
      else neg = mid
    }
    // (a + b) / 2 in the ladder search's order: its lo was the positive end, hi the gone one.
    return (pos + neg) / 2
  }
  const bands: CushionBand[] = []
  const secants: number[] = []
  let here: Point = { m: 0, c: input.today }
  // The last anchor passed and whether the cushion crossed since: a lone crossing between two
  // anchors is bisected from the anchors' bracket, the ladder search's, so a book whose cushion
  // crosses once per ladder interval gets the levels the ladder search gave, bit for bit. An entry
  // into a band waits for the next anchor to learn whether it stayed alone (`entry`).
  let anchorPoint: Point = here
  let crossedSinceAnchor = false
  let entry: { above: Point; below: Point; anchor: Point | null } | null = null
  let enteredAt: number | null = null
  const resolveEntry = (ladderBracket: Point | null): void => {
    if (!entry) return
    enteredAt = ladderBracket ? bisect(entry.anchor!, ladderBracket) : bisect(entry.above, entry.below)
    entry = null
  }
  for (let stop = 0; stop < stops.length; ) {
    const target = stops[stop]!
    const remaining = Math.abs(target - here.m)
    const slope = input.slopeAllowance + 2 * Math.max(0, ...secants)
    // No crossing within |c| / L of a point whose cushion is c (a cushion that is not a number: the fine step).
    const free = !Number.isFinite(here.c) ? 0 : slope > 0 ? Math.abs(here.c) / slope : Infinity
    const step = Math.min(remaining, Math.max(input.fineStep, free))
    const atStop = step >= remaining
    const atAnchor = atStop && anchors.has(target)
    // Inside a band the certificate, when it says gone, gives a depth at least the cushion's: a safe step.
    const nextM = atStop ? target : here.m + dir * step
    const ub = gone(here) ? surelyGone(nextM) : null
    const next: Point = ub !== null ? { m: nextM, c: ub, bound: true } : { m: nextM, c: countAndEvaluate(nextM) }
    // Secants between points of one kind (two cushions, or two bounds inside a band): the slope seen.
    if (!here.bound === !next.bound && Number.isFinite(here.c) && Number.isFinite(next.c)) {
      secants.push(Math.abs(next.c - here.c) / Math.abs(next.m - here.m))
      if (secants.length > SLOPE_MEMORY) secants.shift()
    }
    if (gone(here) !== gone(next)) {
      if (!gone(here)) entry = { above: here, below: next, anchor: crossedSinceAnchor ? null : anchorPoint }
      else {
        // Leaving the band before the next anchor: two crossings in one ladder interval, each its own bracket.
        resolveEntry(null)
        bands.push({ from: enteredAt ?? 0, to: bisect(here, next) })
        enteredAt = null
      }
      crossedSinceAnchor = true
    }
    here = next
    if (atStop) stop++
    if (atAnchor) {
      if (entry) resolveEntry(entry.anchor ? here : null)
      anchorPoint = here
      crossedSinceAnchor = false
    }
  }
  resolveEntry(null)
  // A band still open at the end of the scan runs beyond it.
  if (enteredAt !== null) bands.push({ from: enteredAt, to: null })
  return bands
}
