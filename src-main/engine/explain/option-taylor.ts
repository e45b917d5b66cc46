/**
 * The second-order Taylor attribution of an option's value change (Hull, "Options, Futures, and Other
 * Derivatives", the Greek letters chapter, appendix "Taylor series expansions and hedge parameters"):
 *
 *   ΔV ≈ V_F·ΔF + ½·V_FF·ΔF² + V_σ·Δσ + (V_t·Δt + ½·V_tt·Δt²) + V_Fσ·ΔF·Δσ + ½·V_σσ·Δσ² + V_Ft·ΔF·Δt + V_σt·Δσ·Δt
 *        delta    gamma        vega     theta                    vanna         volga         charm        veta
 *
 * every term of second order, with the derivatives taken at the `from` market and the actual moves ΔF
 * (the forward of the option's expiry), Δσ (its implied vol at the strike: sticky strike, as the engine
 * prices) and Δt (calendar time, ACT/365). What is left (third order and beyond) is the residual.
 * Time's own second order and its cross terms matter for short-dated options: over a day, a 7-day
 * option's decay is not linear (Δt/τ = 1/7), and its delta drifts (charm).
 *
 * Black-76 at rate 0 (the crypto convention, pricing/black76.ts), τ years to expiry, t = −τ calendar
 * time, d1,2 = ln(F/K)/(σ√τ) ± σ√τ/2, φ the normal density (Haug, "The Complete Guide to Option
 * Pricing Formulas", 2nd ed., §2.2 on the generalised Black-Scholes Greeks; derived here from ∂d1/∂τ = −d2/(2τ)):
 *   B_τ = vega·σ/(2τ),  B_ττ = B_τ·(d1·d2 − 1)/(2τ),  B_Fτ = −φ(d1)·d2/(2τ),  B_στ = vega·(1 + d1·d2)/(2τ).
 *
 * V is the value per coin of underlying in the **settlement currency**: Black-76 in USD for linear
 * options (USDC-settled), B/F in coin for inverse ones (Deribit, OKX coin-margined). For the latter the
 * derivatives follow from the quotient rule (ours, exact calculus on the engine's own pricing):
 *   ∂(B/F)/∂F = Δ/F − B/F²,  ∂²(B/F)/∂F² = Γ/F − 2Δ/F² + 2B/F³,
 *   ∂(B/F)/∂σ = vega/F,  ∂²(B/F)/∂σ² = volga/F,  ∂²(B/F)/∂F∂σ = vanna/F − vega/F²,  ∂(B/F)/∂t = θ/F.
 */
import { black76Greeks, black76PriceUsd, DAYS_PER_YEAR, type Black76Input } from '../pricing/black76'

/** Settlement-currency value per coin of underlying and its derivatives; σ per 1.00 of vol, t per year of calendar time. */
export interface OptionSensitivities {
  value: number
  dF: number
  dFF: number
  dVol: number
  dVolVol: number
  dFVol: number
  /** ∂V/∂t: the value's change per year of calendar time passing (negative for a long option). */
  dTime: number
  /** ∂²V/∂t², per year². */
  dTimeTime: number
  /** ∂²V/∂F∂t (charm), per USD per year. */
  dFTime: number
  /** ∂²V/∂σ∂t (veta), per 1.00 of vol per year. */
  dVolTime: number
}

export function optionSensitivities(input: Black76Input, inverse: boolean): OptionSensitivities {
  if (input.rate) throw new RangeError('the P&L explain prices options undiscounted (rate 0), as the engine does')
  const g = black76Greeks(input)
  const thetaPerYear = g.thetaPerDay * DAYS_PER_YEAR
  const { forwardUsd: f, strikeUsd: k, years: tau, vol } = input
  const sd = vol * Math.sqrt(tau)
  const d1 = Math.log(f / k) / sd + sd / 2
  const d2 = d1 - sd
  const pdf = Math.exp(-0.5 * d1 * d1) / Math.sqrt(2 * Math.PI)
  // Derivatives in τ (time to expiry); calendar time t runs the other way: ∂/∂t = −∂/∂τ.
  const bTau = -thetaPerYear
  const bTauTau = (bTau * (d1 * d2 - 1)) / (2 * tau)
  const bFTau = (-pdf * d2) / (2 * tau)
  const bVolTau = (g.vega * (1 + d1 * d2)) / (2 * tau)
  if (!inverse) return { value: g.priceUsd, dF: g.delta, dFF: g.gamma, dVol: g.vega, dVolVol: g.volga, dFVol: g.vanna, dTime: thetaPerYear, dTimeTime: bTauTau, dFTime: -bFTau, dVolTime: -bVolTau }
  const b = g.priceUsd
  return {
    value: b / f,
    dF: g.delta / f - b / (f * f),
    dFF: g.gamma / f - (2 * g.delta) / (f * f) + (2 * b) / (f * f * f),
    dVol: g.vega / f,
    dVolVol: g.volga / f,
    dFVol: g.vanna / f - g.vega / (f * f),
    dTime: thetaPerYear / f,
    dTimeTime: bTauTau / f,
    dFTime: -(bFTau / f - bTau / (f * f)),
    dVolTime: -bVolTau / f
  }
}

/** Settlement-currency value per coin of underlying (B in USD, or B/F in coin). */
export function optionSettleValue(input: Black76Input, inverse: boolean): number {
  const b = black76PriceUsd(input)
  return inverse ? b / input.forwardUsd : b
}

export interface TaylorTerms {
  delta: number
  gamma: number
  vega: number
  theta: number
  vanna: number
  volga: number
  charm: number
  veta: number
}

/** The eight terms per coin of underlying for moves dF (USD), dVol (fraction), dYears (calendar years elapsed). */
export function taylorTerms(s: OptionSensitivities, dF: number, dVol: number, dYears: number): TaylorTerms {
  return {
    delta: s.dF * dF,
    gamma: 0.5 * s.dFF * dF * dF,
    vega: s.dVol * dVol,
    theta: s.dTime * dYears + 0.5 * s.dTimeTime * dYears * dYears,
    vanna: s.dFVol * dF * dVol,
    volga: 0.5 * s.dVolVol * dVol * dVol,
    charm: s.dFTime * dF * dYears,
    veta: s.dVolTime * dVol * dYears
  }
}
