/**
 * Implied volatility from a Black-76 price: Newton steps on vega inside a bisection bracket, so it
 * converges fast near the money and cannot diverge in the wings (Brenner–Subrahmanyam start).
 */
import { black76Greeks, black76PriceUsd, type Black76Input } from './black76'

const VOL_LOW = 1e-4
const VOL_HIGH = 20
const MAX_ITERATIONS = 100

/** σ such that Black-76 reproduces `priceUsd`; throws RangeError when no volatility can. */
export function impliedVol(priceUsd: number, input: Omit<Black76Input, 'vol'>, tolerance = 1e-12): number {
  if (!(input.years > 0)) throw new RangeError('implied vol: the option has expired')
  const { forwardUsd: f, strikeUsd: k } = input
  const df = input.rate ? Math.exp(-input.rate * input.years) : 1
  const intrinsic = df * Math.max(input.optionType === 'call' ? f - k : k - f, 0)
  const upper = df * (input.optionType === 'call' ? f : k)
  if (!(priceUsd > intrinsic && priceUsd < upper)) {
    throw new RangeError(`implied vol: price ${priceUsd} is outside the no-arbitrage range (${intrinsic}, ${upper})`)
  }
  let lo = VOL_LOW
  let hi = VOL_HIGH
  let vol = Math.min(Math.max(Math.sqrt((2 * Math.PI) / input.years) * (priceUsd / (df * f)), 0.05), 5)
  for (let n = 0; n < MAX_ITERATIONS; n++) {
    const g = black76Greeks({ ...input, vol })
    const diff = g.priceUsd - priceUsd
    if (Math.abs(diff) <= tolerance * Math.max(1, priceUsd)) return vol
    if (diff > 0) hi = vol
    else lo = vol
    const newton = g.vega > 0 ? vol - diff / g.vega : NaN
    vol = newton > lo && newton < hi ? newton : (lo + hi) / 2
    if (hi - lo < 1e-15) return vol
  }
  const residual = black76PriceUsd({ ...input, vol }) - priceUsd
  if (Math.abs(residual) < 1e-8 * Math.max(1, priceUsd)) return vol
  throw new RangeError(`implied vol: no convergence for price ${priceUsd}`)
}
