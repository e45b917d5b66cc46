/**
 * Hedging suggestions, each solved exactly (LP), lot-rounded, recomputed by the method, and
 * reviewed as the trader would live with it (hedge-review.ts): fills, every method and pool before
 * → after, stress, what the trades make worse, and the cost reconciled with the equity change.
 */
import type { hedgeMethods } from '@contract/hedge'
import { findAccountByName } from '../../book/accounts-repository'
import { suggestHedge } from './hedge-service'
import { reduceToTarget } from './reduce-service'
import { greekHedge } from './greek-service'
import { esHedge } from './es-service'
import { reviewTrades } from './hedge-review'
import { greeksByUnderlying, greeksDiff } from '../whatif/book-diff'
import { NotFoundError } from '../errors'
import type { BookContext } from '../book-context'
import type { HandlerSlice, ServiceContext } from '../service-context'

/** A suggestion's trades (signed contracts) at the named account, reviewed as every hedging method shows them. */
async function review(bc: BookContext, account: string, trades: readonly { symbol: string; contracts: number }[]) {
  if (!findAccountByName(bc.db, bc.book.id, account)) throw new NotFoundError(`account ${account} is not in book ${bc.book.id}`)
  const r = await reviewTrades({ db: bc.db, bookId: bc.book.id, held: bc.held, balances: bc.balances, view: bc.view, ...bc.params }, account, trades)
  const fill = (k: number) => ({ side: r.fills[k]!.side, markPrice: r.fills[k]!.markPrice, fillPrice: r.fills[k]!.fillPrice, priceCurrency: r.fills[k]!.priceCurrency })
  return { ...r, fill, reviewed: { diff: r.diff, worsens: r.worsens, reconciliation: r.reconciliation } }
}

export function hedgeHandlers(ctx: ServiceContext): HandlerSlice<keyof typeof hedgeMethods> {
  const { db } = ctx
  return {
    suggestHedge: ({ bookId, taskId, ...req }) =>
      ctx.tasks.maybe(taskId, async (run) => {
        const bc = ctx.bookContext(bookId)
        const { view, held } = bc
        const s = await suggestHedge(db, held, view, { ...req, ...bc.params }, run)
        const alternatives = (s.alternatives ?? [s])
          .map((a) => ({ legs: a.trades.length, initialMarginAfter: a.after.initialMargin, costTotal: a.costTotal, symbols: a.trades.map((t) => t.symbol) }))
          .sort((a, b) => a.initialMarginAfter + a.costTotal - (b.initialMarginAfter + b.costTotal))
        const r = await review(bc, req.account, s.trades)
        return {
          group: s.group,
          method: s.method,
          currency: s.currency,
          lpScope: s.lpScope,
          candidates: s.candidates,
          trades: s.trades.map((t, k) => ({ accountId: r.accountId, symbol: t.symbol, kind: t.kind, contracts: Math.abs(t.contracts), cost: t.cost, costUsd: t.costUsd, ...r.fill(k) })),
          before: s.before,
          after: s.after,
          costTotal: s.costTotal,
          lpObjective: s.lpObjective,
          deltaBefore: s.deltaBefore,
          deltaAfter: s.deltaAfter,
          solveMs: s.solveMs,
          ...r.reviewed,
          greeks: greeksDiff(greeksByUnderlying(held, view), greeksByUnderlying(r.heldAfter, view)),
          stress: r.stress,
          alternatives
        }
      }),
    reduceToTarget: ({ bookId, taskId, ...req }) =>
      ctx.tasks.maybe(taskId, async (run) => {
        const bc = ctx.bookContext(bookId)
        const r = await reduceToTarget(bc.held, bc.view, { ...req, balances: bc.balances, ...bc.params }, run)
        const q = await review(bc, req.account, r.closes)
        return { ...r, closes: r.closes.map((c, k) => ({ accountId: q.accountId, symbol: c.symbol, contracts: Math.abs(c.contracts), fraction: c.fraction, cost: c.cost, ...q.fill(k) })), ...q.reviewed }
      }),
    greekHedge: ({ bookId, taskId, ...req }) =>
      ctx.tasks.maybe(taskId, async (run) => {
        const bc = ctx.bookContext(bookId)
        const r = await greekHedge(db, bc.held, bc.view, { ...req, ...bc.params }, run)
        const q = await review(bc, req.account, r.trades.map((t) => ({ symbol: t.instrument.symbol, contracts: t.contracts })))
        return { ...r, trades: r.trades.map((t, k) => ({ accountId: q.accountId, symbol: t.instrument.symbol, kind: t.instrument.kind, contracts: Math.abs(t.contracts), costUsd: t.costUsd, ...q.fill(k) })), ...q.reviewed }
      }),
    esHedge: ({ bookId, taskId, ...req }) =>
      ctx.tasks.maybe(taskId, async (run) => {
        const bc = ctx.bookContext(bookId)
        const r = await esHedge(db, bc.held, bc.view, bc.history, { ...req, ...bc.params }, run)
        const q = await review(bc, req.account, r.trades.map((t) => ({ symbol: t.instrument.symbol, contracts: t.contracts })))
        return { ...r, trades: r.trades.map((t, k) => ({ accountId: q.accountId, symbol: t.instrument.symbol, kind: t.instrument.kind, contracts: Math.abs(t.contracts), costUsd: t.costUsd, ...q.fill(k) })), ...q.reviewed }
      })
  }
}
