/**
 * Monte Carlo scenarios (docs/METHODOLOGY.md §5.7): joint h-day log returns from a
 * multivariate Student-t with EWMA covariance, seeded and reproducible. X = L·z·√((ν − 2)/W), with
 * z standard normal, W ~ χ²(ν) shared by all underlyings of a scenario (so crashes are joint, the
 * fat tail of the t copula) and L the Cholesky factor of the h-day covariance, so Cov(X) = Σ.
 * Moves are exp(X) − 1. Correlation stress replaces the estimated correlations by 1 or 0.
 * Random numbers: xoroshiro128+ (pure-rand), normals by Marsaglia's polar method, χ² as 2·Gamma(ν/2)
 * by Marsaglia & Tsang (2000), "A simple method for generating gamma variables".
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64'
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'

export type CorrelationChoice = 'estimated' | 'one' | 'zero'

export interface StudentTOptions {
  count: number
  seed: number
  /** Degrees of freedom (> 2 so the variance exists); default 4. */
  nu?: number
  correlation?: CorrelationChoice
}

/** A seeded stream of uniforms, normals and χ² draws. */
export class RandomStream {
  private readonly rng: ReturnType<typeof xoroshiro128plus>
  private spare: number | null = null

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`seed ${seed} is not an integer`)
    this.rng = xoroshiro128plus(seed)
    // xoroshiro's first outputs from a small seed are correlated with it: step past them.
    for (let i = 0; i < 16; i++) uniformFloat64(this.rng)
  }

  uniform(): number {
    return uniformFloat64(this.rng)
  }

  normal(): number {
    if (this.spare !== null) {
      const s = this.spare
      this.spare = null
      return s
    }
    let u: number
    let v: number
    let q: number
    do {
      u = 2 * this.uniform() - 1
      v = 2 * this.uniform() - 1
      q = u * u + v * v
    } while (q >= 1 || q === 0)
    const f = Math.sqrt((-2 * Math.log(q)) / q)
    this.spare = v * f
    return u * f
  }

  /** Gamma(shape, 1). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * this.uniform() ** (1 / shape)
    const d = shape - 1 / 3
    const c = 1 / Math.sqrt(9 * d)
    for (;;) {
      let x: number
      let v: number
      do {
        x = this.normal()
        v = 1 + c * x
      } while (v <= 0)
      v = v * v * v
      const u = this.uniform()
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v
    }
  }

  chiSquare(nu: number): number {
    return 2 * this.gamma(nu / 2)
  }
}

/** Lower Cholesky factor of a symmetric positive-definite U × U matrix (row-major). */
export function cholesky(a: Float64Array, u: number): Float64Array {
  const l = new Float64Array(u * u)
  for (let i = 0; i < u; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i * u + j]!
      for (let k = 0; k < j; k++) s -= l[i * u + k]! * l[j * u + k]!
      if (i === j) {
        if (!(s > 0)) throw new RangeError(`covariance matrix is not positive definite at row ${i}: two underlyings move identically, or one never moves`)
        l[i * u + i] = Math.sqrt(s)
      } else l[i * u + j] = s / l[j * u + j]!
    }
  return l
}

/**
 * The factor L with L·Lᵀ = the covariance under the chosen correlation: estimated (Cholesky),
 * one (every underlying driven by the first normal: rank one), or zero (diagonal).
 */
export function correlationFactor(cov: Float64Array, u: number, correlation: CorrelationChoice): Float64Array {
  if (correlation === 'estimated') return cholesky(cov, u)
  const l = new Float64Array(u * u)
  for (let i = 0; i < u; i++) l[i * u + (correlation === 'one' ? 0 : i)] = Math.sqrt(cov[i * u + i]!)
  return l
}

/** count × U relative moves, scenario-major, for an h-day covariance `cov` (U × U, log returns). */
export function studentTMoves(cov: Float64Array, u: number, opts: StudentTOptions): Float64Array {
  const nu = opts.nu ?? 4
  if (!(nu > 2)) throw new RangeError(`Student-t degrees of freedom ${nu} must exceed 2 for the covariance to exist`)
  if (!(Number.isInteger(opts.count) && opts.count > 0)) throw new RangeError(`scenario count ${opts.count} is not a positive whole number`)
  const l = correlationFactor(cov, u, opts.correlation ?? 'estimated')
  const rs = new RandomStream(opts.seed)
  const out = new Float64Array(opts.count * u)
  const z = new Float64Array(u)
  for (let s = 0; s < opts.count; s++) {
    for (let i = 0; i < u; i++) z[i] = rs.normal()
    const scale = Math.sqrt((nu - 2) / rs.chiSquare(nu))
    for (let i = 0; i < u; i++) {
      let x = 0
      for (let k = 0; k <= i; k++) x += l[i * u + k]! * z[k]!
      out[s * u + i] = Math.expm1(x * scale)
    }
  }
  return out
}
