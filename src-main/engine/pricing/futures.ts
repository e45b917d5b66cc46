/**
 * Futures, perpetuals and spot valuation (docs/METHODOLOGY.md §3). P&L is positive for a gain.
 * Linear contracts pay in the quote currency; inverse ones (USD notional, coin margined) in coin.
 */

/** Linear contract P&L in quote currency for `sizeCoin` (signed) from price `entry` to `exit`. */
export const linearPnlQuote = (sizeCoin: number, entry: number, exit: number): number => sizeCoin * (exit - entry)

/**
 * Inverse contract P&L in coin for a signed USD notional: N·(1/F0 − 1/F1).
 * Long USD 1,000 at 600 closed at 700: 1000·(1/600 − 1/700) = +0.238095 BTC.
 */
export const inversePnlCoin = (notionalUsd: number, entry: number, exit: number): number =>
  notionalUsd * (1 / entry - 1 / exit)

/**
 * The same in terms of a size in coin q = N/F0 and a relative move m = F1/F0 − 1: q·m/(1+m).
 * The form scenario revaluation uses, since scenarios are relative moves.
 */
export const inversePnlCoinForMove = (sizeCoinAtEntry: number, move: number): number => (sizeCoinAtEntry * move) / (1 + move)

/** Coin value of an inverse option's payoff at settlement price S: max(S−K,0)/S for a call. */
export function inverseOptionSettlementCoin(strikeUsd: number, settlementUsd: number, call: boolean): number {
  if (!(settlementUsd > 0)) throw new RangeError(`settlement price ${settlementUsd} is not a positive price`)
  return Math.max(call ? settlementUsd - strikeUsd : strikeUsd - settlementUsd, 0) / settlementUsd
}
