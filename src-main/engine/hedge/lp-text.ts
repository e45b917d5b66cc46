/** Writing CPLEX LP-format model text, shared by the hedging LPs. */

/** A coefficient in shortest round-trip decimal (LP readers take exponent notation); refuses NaN and ±∞ naming the model. */
export const lpNumber = (model: string, x: number): string => {
  if (!Number.isFinite(x)) throw new RangeError(`${model}: ${x} is not a finite coefficient`)
  return String(x)
}

/** " + c name" / " - c name", or nothing for a zero coefficient. */
export const lpTerm = (model: string, coef: number, name: string): string => (coef === 0 ? '' : ` ${coef < 0 ? '-' : '+'} ${lpNumber(model, Math.abs(coef))} ${name}`)
