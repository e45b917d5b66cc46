/**
 * Statistical risk of a book: VaR/ES (historical or Monte Carlo) and backtests as cancellable
 * tasks in the worker pool, and the stress library.
 */
import type { riskMethods } from '@contract/risk'
import { backtest } from '../backtest-service'
import { stressTest } from '../stress-service'
import { valueAtRisk } from '../var-service'
import { backtestView, stressView, varView } from '../risk-views'
import type { HandlerSlice, ServiceContext } from '../service-context'

export function riskHandlers(ctx: ServiceContext): HandlerSlice<keyof typeof riskMethods> {
  return {
    runVar: ({ taskId, bookId, confidences, ...opts }) =>
      ctx.tasks.run(taskId, async (run) => {
        const started = performance.now()
        const bc = ctx.bookContext(bookId)
        const report = await valueAtRisk(bc.held, bc.view, bc.history, { ...opts, confidences }, run)
        return { ...varView(report), durationMs: performance.now() - started }
      }),
    runStress: async ({ bookId }) => {
      const bc = ctx.bookContext(bookId)
      return stressView(await stressTest(bc.held, bc.view, bc.stressHistory, bc.stressLibrary))
    },
    runBacktest: ({ taskId, bookId, ...opts }) =>
      ctx.tasks.run(taskId, async (run) => {
        const bc = ctx.bookContext(bookId)
        return backtestView(await backtest(bc.held, bc.view, bc.history, { ...opts, ...bc.params }, run))
      })
  }
}
