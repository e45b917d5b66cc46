/**
 * Standard normal CDF to double precision.
 * Algorithm 5666 of Hart et al. (1968) as presented by G. West, "Better approximations to cumulative
 * normal functions", Wilmott Magazine (2005), Figure 2; absolute error below 1e-14.
 */
export function normCdf(x: number): number {
  const ax = Math.abs(x)
  let c: number
  if (ax > 37) {
    c = 0
  } else {
    const e = Math.exp((-ax * ax) / 2)
    if (ax < 7.07106781186547) {
      let n = 3.52624965998911e-2 * ax + 0.700383064443688
      n = n * ax + 6.37396220353165
      n = n * ax + 33.912866078383
      n = n * ax + 112.079291497871
      n = n * ax + 221.213596169931
      n = n * ax + 220.206867912376
      let d = 8.83883476483184e-2 * ax + 1.75566716318264
      d = d * ax + 16.064177579207
      d = d * ax + 86.7807322029461
      d = d * ax + 296.564248779674
      d = d * ax + 637.333633378831
      d = d * ax + 793.826512519948
      d = d * ax + 440.413735824752
      c = (e * n) / d
    } else {
      let b = ax + 0.65
      b = ax + 4 / b
      b = ax + 3 / b
      b = ax + 2 / b
      b = ax + 1 / b
      c = e / b / 2.506628274631
    }
  }
  return x > 0 ? 1 - c : c
}
