/**
 * The report's P&L explain section as data (issue 22 §2): the `explainPnl` reply as the API gives it,
 * and the book-level table's columns — each account's amounts in its settlement currency (the reply's
 * account × underlying × currency groups summed over underlyings, one column per account and
 * currency) and the book's (or the reported account's) USD amounts. Sums only; nothing revalued.
 */
import type { ResponseOf } from '@contract/api'

type ExplainReply = ResponseOf<'explainPnl'>
export type ExplainAmounts = ExplainReply['book']['usd']

export interface ExplainColumn {
  account: string
  venue: string
  currency: string
  amounts: ExplainAmounts
}

export interface ReportExplain {
  reply: ExplainReply
  /** Settlement-currency columns: account · currency, in the reply's account order. */
  columns: ExplainColumn[]
  /** The USD column: the book's, or the reported account's. */
  usd: ExplainAmounts
  usdLabel: string
}

const KEYS = ['delta', 'gamma', 'vega', 'theta', 'vanna', 'volga', 'charm', 'veta', 'newTrades', 'closes', 'funding', 'fees', 'currency', 'residual', 'revaluation', 'total'] as const satisfies readonly (keyof ExplainAmounts)[]
const zero = (): ExplainAmounts => Object.fromEntries(KEYS.map((k) => [k, 0])) as ExplainAmounts

/** The section's columns for the whole book (account null) or one account. */
export function reportExplain(reply: ExplainReply, account: string | null): ReportExplain {
  const columns = new Map<string, ExplainColumn>()
  for (const g of reply.groups) {
    if (account !== null && g.account !== account) continue
    const key = `${g.account}\u0000${g.settleCurrency}`
    let c = columns.get(key)
    if (!c) columns.set(key, (c = { account: g.account, venue: g.venue, currency: g.settleCurrency, amounts: zero() }))
    for (const k of KEYS) c.amounts[k] += g.settle[k]
  }
  const usd = account === null ? reply.book.usd : (reply.byAccount.find((a) => a.account === account)?.usd ?? zero())
  // A one-account report names no other account's positions.
  const scoped = account === null ? reply : { ...reply, notExplained: reply.notExplained.filter((n) => n.account === account) }
  return { reply: scoped, columns: [...columns.values()], usd, usdLabel: account === null ? 'Book (USD)' : `${account} (USD)` }
}
