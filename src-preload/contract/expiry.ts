/**
 * Books and their market, and positions past expiry: whether a what-if book follows the live
 * book's market or holds its own copy, and the positions settled at their expiry (at what price,
 * from which source, for how much cash) or still awaiting a settlement price.
 */
import { z } from 'zod'

const isoUtc = z.string().describe('ISO-8601 instant in UTC')
const id = z.number().int().positive()

export const SetBookMarketRequest = z.object({ bookId: id, follow: z.boolean() }).strict()

export const SettledPosition = z.object({
  account: z.string(),
  venue: z.string(),
  symbol: z.string(),
  expiryUtc: isoUtc,
  sizeContracts: z.number(),
  /** USD; null while awaiting one. */
  settlementPriceUsd: z.number().nullable(),
  /** Where the price comes from: the venue's delivery row (file, line), the index history (an approximation of ours), or none yet. */
  priceSource: z.string(),
  /** Cash the settlement moved (payoff, or the future's last P&L), in `currency`; null while awaiting. */
  cash: z.number().nullable(),
  currency: z.string(),
  state: z.enum(['settled', 'awaiting settlement price'])
})

export const SettledPositionsResponse = z.object({ bookId: id, positions: z.array(SettledPosition) })
