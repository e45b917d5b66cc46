/**
 * Statistical risk of a book: VaR/ES (historical or Monte Carlo) and backtests as cancellable
 * tasks in the worker pool, and the stress library. `cli var|stress|backtest` print these same
 * assemblies, for a book through the handlers and for portfolio or market files through
 * varOf/stressOf/backtestOf.
 */
import type { riskMethods } from '@contract/risk'
import { backtest, type BacktestOptions } from '../backtest-service'
import { stressTest } from '../stress-service'
import { valueAtRisk, type RunOptions, type VarOptions } from '../var-service'
import { backtestView, stressView, varView } from '../risk-views'
import type { BookContext } from '../book-context'
import type { HandlerSlice, ServiceContext } from '../service-context'

/** What the statistical methods read: a book context, or the same assembled from files. */
export type RiskInputs = Pick<BookContext, 'held' | 'view' | 'history' | 'stressHistory' | 'params' | 'stressLibrary'>

export const varOf = async (r: RiskInputs, options: VarOptions, run?: RunOptions) => varView(await valueAtRisk(r.held, r.view, r.history, options, run))

export const stressOf = async (r: RiskInputs) => stressView(await stressTest(r.held, r.view, r.stressHistory, r.stressLibrary))

export const backtestOf = async (r: RiskInputs, options: Omit<BacktestOptions, 'params' | 'paramsSource'>, run?: RunOptions) =>
  backtestView(await backtest(r.held, r.view, r.history, { ...options, ...r.params }, run))

export function riskHandlers(ctx: ServiceContext): HandlerSlice<keyof typeof riskMethods> {
  return {
    runVar: ({ taskId, bookId, confidences, ...opts }) =>
      ctx.tasks.run(taskId, async (run) => {
        const started = performance.now()
        const view = await varOf(ctx.bookContext(bookId), { ...opts, confidences }, run)
        return { ...view, durationMs: performance.now() - started }
      }),
    runStress: ({ bookId }) => stressOf(ctx.bookContext(bookId)),
    runBacktest: ({ taskId, bookId, ...opts }) => ctx.tasks.run(taskId, (run) => backtestOf(ctx.bookContext(bookId), opts, run))
  }
}
