// The margin code as it was before issue 20 (git HEAD 80dca66), kept as the twin the faster code
// is held equal to (tests/engine/margin-speed-twin.test.ts). Not used by the app.
/**
 * House add-ons on top of any margin method (docs/METHODOLOGY.md §5.9), shown separately
 * because no venue charges them in its own margin:
 * - Liquidity: the cost of closing each position, half the bid-ask spread × size, scaled up when the
 *   position is large against the depth the market offers: multiplier = clamp((notional / depth)^α,
 *   1, maxMultiplier). α = 0.5 is the square-root market-impact law (Tóth et al., "Anomalous price
 *   impact and the critical nature of liquidity", PRX 2011; Almgren et al. 2005 measure ≈ 0.6).
 *   The spread is the quoted one when the market snapshot has bid and ask, else a default from the
 *   parameter set (a spread in bps of price for delta-one, a fraction of the underlying for options).
 * - Concentration: a tiered rate on the absolute net delta per underlying in USD, slice by slice
 *   like OKX's MR9 position-size charge: a large one-way exposure costs more to unwind than the
 *   scenario grid assumes.
 * Both are our documented approximations (published: false). IM and MM carry the same amount.
 */
import type { MarginModel, ModelEvaluation } from './additive-model'
import { moveDelta, type MarginPosition } from './margin-position'
import { tiered, type Tier } from '../../engine/margin/okx-tiers'

export interface LiquidityParams {
  /** Half spread of futures, perpetuals and spot when unquoted, as a fraction of price. */
  defaultHalfSpreadLinear: number
  /** Half spread of an option when unquoted, as a fraction of its underlying's price (per coin). */
  defaultHalfSpreadOption: number
  /** Market depth per instrument in USD notional, by underlying ('*' = any other). */
  depthUsd: Record<string, { linear: number; option: number }>
  impactExponent: number
  maxMultiplier: number
}

export interface AddOnParams {
  id: string
  liquidity: LiquidityParams
  /** Tiers on |net delta| per underlying, USD ('*' = any other); factor = rate within the tier. */
  concentration: Record<string, Tier[]>
}

const pick = <T>(table: Record<string, T>, underlying: string, what: string, id: string): T => {
  const v = table[underlying] ?? table['*']
  if (v === undefined) throw new RangeError(`add-ons: no ${what} for ${underlying} (nor a '*' default) in ${id}`)
  return v
}

export interface LiquidityCharge {
  /** Half spread per coin of underlying, USD. */
  halfSpreadUsd: number
  quoted: boolean
  notionalUsd: number
  multiplier: number
  /** Charge in USD. */
  chargeUsd: number
}

/** Liquidity cost of closing one position, USD. */
export function liquidityCharge(pos: MarginPosition, p: LiquidityParams, id: string): LiquidityCharge {
  const option = pos.kind === 'option'
  const quoted = pos.halfSpreadUsd !== undefined && pos.halfSpreadUsd !== null
  const halfSpreadUsd = quoted ? pos.halfSpreadUsd! : option ? p.defaultHalfSpreadOption * pos.indexUsd : p.defaultHalfSpreadLinear * pos.priceUsd
  const notionalUsd = Math.abs(pos.sizeCoin) * pos.indexUsd
  const depth = pick(p.depthUsd, pos.underlying, 'market depth', id)
  const ratio = notionalUsd / (option ? depth.option : depth.linear)
  const multiplier = Math.min(Math.max(ratio ** p.impactExponent, 1), p.maxMultiplier)
  return { halfSpreadUsd, quoted, notionalUsd, multiplier, chargeUsd: halfSpreadUsd * Math.abs(pos.sizeCoin) * multiplier }
}

/** Concentration add-on of one underlying's net delta, USD. */
export function concentrationCharge(netDeltaUsd: number, tiers: readonly Tier[]): number {
  return tiered(Math.abs(netDeltaUsd), tiers)
}

export interface AddOnContext {
  currency: string
  /** USD value of one unit of `currency` (1 for USD-like currencies, the coin's index otherwise). */
  currencyUsd: number
  asOfMs: number
  params: AddOnParams
  marketId: string
}

/**
 * Add-ons as an additive model with no scenarios. Record: [liquidity charge in `currency`,
 * 1 if its spread was quoted, 1, net delta USD per underlying…]; the sum gives the book's liquidity
 * charge, how many spreads were quoted, and each underlying's net delta.
 */
export function addOnsModel(positions: readonly MarginPosition[], ctx: AddOnContext): MarginModel<'add-ons'> {
  const underlyings = [...new Set(positions.map((p) => p.underlying))].sort()
  const column = new Map(underlyings.map((u, k) => [u, 3 + k]))
  const tiers = underlyings.map((u) => pick(ctx.params.concentration, u, 'concentration tiers', ctx.params.id))
  /** Where charging starts: the lower bound of the first tier with a positive rate. */
  const chargedFrom = (k: number): number => {
    const i = tiers[k]!.findIndex((t) => t.factor > 0)
    return i < 0 ? Infinity : i === 0 ? 0 : tiers[k]![i - 1]!.upTo
  }
  return {
    method: 'add-ons',
    currency: ctx.currency,
    paramsId: ctx.params.id,
    marketId: ctx.marketId,
    scenarioLabels: [],
    width: 3 + underlyings.length,
    accepts: (pos) => column.has(pos.underlying),
    record(pos, out, o) {
      const l = liquidityCharge(pos, ctx.params.liquidity, ctx.params.id)
      out[o] = l.chargeUsd / ctx.currencyUsd
      out[o + 1] = l.quoted ? 1 : 0
      out[o + 2] = 1
      out[o + column.get(pos.underlying)!] = moveDelta(false, pos, ctx.asOfMs)
    },
    evaluate(t, o, detail = true): ModelEvaluation {
      const liquidity = t[o]!
      let concentrationUsd = 0
      const parts: string[] = []
      underlyings.forEach((u, k) => {
        const delta = t[o + 3 + k]!
        const c = concentrationCharge(delta, tiers[k]!)
        concentrationUsd += c
        if (!detail) return
        const from = chargedFrom(k)
        parts.push(`${u} net delta ${Math.round(delta).toLocaleString('en-US')} USD${c === 0 ? (Number.isFinite(from) ? ` (charged above ${from.toLocaleString('en-US')} USD)` : ' (no charged tier)') : ''}`)
      })
      const concentration = concentrationUsd / ctx.currencyUsd
      const im = liquidity + concentration
      const quoted = Math.round(t[o + 1]!)
      const count = Math.round(t[o + 2]!)
      return {
        initialMargin: im,
        maintenanceMargin: im,
        worstIndex: null,
        components: detail
          ? [
              {
                name: 'liquidity',
                amount: liquidity,
                published: false,
                note: `house: half spread × size × size-over-depth multiplier (exponent ${ctx.params.liquidity.impactExponent}); quoted spread for ${quoted} of ${count} position(s), default spread for the rest`
              },
              { name: 'concentration', amount: concentration, published: false, note: `house: tiered rate on |net delta| per underlying; ${parts.join('; ')}` }
            ]
          : []
      }
    }
  }
}
