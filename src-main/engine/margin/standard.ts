/**
 * Deribit standard (isolated) margin (docs/METHODOLOGY.md §5.1): each position margined on
 * its own; the sum is the baseline portfolio margin is compared to.
 * Futures and perpetuals: IM = notional × (imBase + size_coin × perCoin), MM likewise with mmBase
 * (Deribit's 'margin increases with position size'); 25 BTC at 100,000 → IM 2.125 % = 53,125.
 * Short inverse options, per coin (coin amounts; OTM in USD, U the underlying price):
 *   call IM = max(otmBase − OTM/U, floor) + mark, call MM = mmBase + mark,
 *   put MM = max(mmBase, mmBase × mark) + mark, put IM = max(max(otmBase − OTM/U, floor) + mark, put MM).
 * Long options need only their premium, already paid: no margin.
 */
import type { MarginModel } from './additive-model'

/** An amount in a note: 6 significant digits (a label, not an input). */
const num = (x: number): string => String(Number(x.toPrecision(6)))

export interface StandardParams {
  id: string
  futures: Record<string, { imBase: number; mmBase: number; perCoin: number }>
  options: { otmBase: number; floor: number; mmBase: number }
}

export interface StandardFutureInput {
  underlying: string
  /** Position size in coin (signed). */
  sizeCoin: number
  priceUsd: number
}

/** IM and MM of one future or perpetual, in USD notional terms (× price). */
export function standardFutureMargin(p: StandardFutureInput, params: StandardParams): { im: number; mm: number; imRate: number; mmRate: number } {
  const rates = params.futures[p.underlying]
  if (!rates) throw new RangeError(`standard margin: no futures rates for ${p.underlying} in ${params.id}`)
  const size = Math.abs(p.sizeCoin)
  const imRate = rates.imBase + size * rates.perCoin
  const mmRate = rates.mmBase + size * rates.perCoin
  const notional = size * p.priceUsd
  return { im: notional * imRate, mm: notional * mmRate, imRate, mmRate }
}

export interface StandardOptionInput {
  optionType: 'call' | 'put'
  strikeUsd: number
  underlyingUsd: number
  /** Mark in coin per coin. */
  markCoin: number
  /** Signed size in coin. */
  sizeCoin: number
}

/** IM and MM in coin of one inverse option position; zero for a long. */
export function standardOptionMargin(p: StandardOptionInput, params: StandardParams): { im: number; mm: number } {
  if (p.sizeCoin >= 0) return { im: 0, mm: 0 }
  const { otmBase, floor, mmBase } = params.options
  const otm = Math.max(p.optionType === 'call' ? p.strikeUsd - p.underlyingUsd : p.underlyingUsd - p.strikeUsd, 0)
  const base = Math.max(otmBase - otm / p.underlyingUsd, floor) + p.markCoin
  const size = -p.sizeCoin
  if (p.optionType === 'call') return { im: size * base, mm: size * (mmBase + p.markCoin) }
  const mm = Math.max(mmBase, mmBase * p.markCoin) + p.markCoin
  return { im: size * Math.max(base, mm), mm: size * mm }
}

/**
 * Standard margin as an additive model (record = [IM, MM] of the position alone, in the account's
 * currency, then the short options' IM), so the comparison grid and attribution treat it like every
 * other method. The option formulas are the secondary sources' (METHODOLOGY §5.1): a group whose
 * margin includes them says so (published: false), one of futures alone is Deribit's published rates.
 * Coin accounts: futures' USD requirement at the position's own price, options as quoted in coin.
 * USD accounts: futures in USD, options' coin amounts × the index.
 */
export function standardModel(ctx: { currency: string; coinAccount: boolean; params: StandardParams; marketId: string }): MarginModel<'standard'> {
  return {
    method: 'standard',
    currency: ctx.currency,
    paramsId: ctx.params.id,
    marketId: ctx.marketId,
    scenarioLabels: [],
    width: 3,
    accepts: () => true,
    record(pos, out, o) {
      if (pos.kind === 'spot') return // paid in full: nothing to margin
      if (pos.kind === 'option') {
        const m = standardOptionMargin({ optionType: pos.optionType!, strikeUsd: pos.strikeUsd, underlyingUsd: pos.indexUsd, markCoin: pos.markCoin, sizeCoin: pos.sizeCoin }, ctx.params)
        const k = ctx.coinAccount ? 1 : pos.indexUsd
        out[o] = m.im * k
        out[o + 1] = m.mm * k
        out[o + 2] = m.im * k
        return
      }
      const m = standardFutureMargin({ underlying: pos.underlying, sizeCoin: pos.sizeCoin, priceUsd: pos.priceUsd }, ctx.params)
      const k = ctx.coinAccount ? 1 / pos.priceUsd : 1
      out[o] = m.im * k
      out[o + 1] = m.mm * k
    },
    evaluate: (t, o) => ({
      initialMargin: t[o]!,
      maintenanceMargin: t[o + 1]!,
      components: [
        t[o + 2] === 0
          ? { name: 'sum of isolated position margins', amount: t[o]!, published: true }
          : { name: 'sum of isolated position margins', amount: t[o]!, published: false, note: `futures and perpetuals at Deribit's published rates; short options (${num(t[o + 2]!)} of it) by the option formulas as secondary sources state them, not a Deribit document (METHODOLOGY §5.1)` }
      ],
      worstIndex: null
    })
  }
}
