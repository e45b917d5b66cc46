/**
 * Standard normal CDF to double precision.
 * Algorithm 5666 of Hart et al. (1968) as presented by G. West, "Better approximations to cumulative
 * normal functions", Wilmott Magazine (2005), Figure 2; absolute error below 1e-14.
 */

/**
 * Φ(x) given e = exp(−x²/2). The revaluation kernel supplies e itself: for Black-76,
 * e^(−d2²/2) = e^(−d1²/2)·F/K, so one exp serves both d1 and d2.
 */
export function normCdfWithExp(x: number, e: number): number {
  const ax = x < 0 ? -x : x
  let c: number
  if (ax > 37) {
    c = 0
  } else if (ax < 7.07106781186547) {
    const n = ((((((3.52624965998911e-2 * ax + 0.700383064443688) * ax + 6.37396220353165) * ax + 33.912866078383) * ax + 112.079291497871) * ax + 221.213596169931) * ax + 220.206867912376)
    const d = (((((((8.83883476483184e-2 * ax + 1.75566716318264) * ax + 16.064177579207) * ax + 86.7807322029461) * ax + 296.564248779674) * ax + 637.333633378831) * ax + 793.826512519948) * ax + 440.413735824752)
    c = (e * n) / d
  } else {
    let b = ax + 0.65
    b = ax + 4 / b
    b = ax + 3 / b
    b = ax + 2 / b
    b = ax + 1 / b
    c = e / b / 2.506628274631
  }
  return x > 0 ? 1 - c : c
}

export function normCdf(x: number): number {
  return normCdfWithExp(x, Math.abs(x) > 37 ? 0 : Math.exp(-0.5 * x * x))
}
