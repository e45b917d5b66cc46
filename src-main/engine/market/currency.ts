/**
 * USD-like currencies (USD and the stablecoins counted 1:1 with it) versus coins. Accounts in a
 * USD-like currency keep P&L in USD; accounts in a coin are margined in that coin (inverse contracts).
 */
export const isUsdLike = (currency: string): boolean => /^(USD|USDT|USDC|FDUSD|BUSD)$/i.test(currency)

export const isCoinCurrency = (currency: string): boolean => !isUsdLike(currency)
