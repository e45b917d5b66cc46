/**
 * The app itself: what is running on which book file, UI state kept in the file, the engine pool
 * and its self-test, and cancelling tasks.
 */
import type { commonMethods } from '@contract/common'
import { version as appVersion } from '../../../package.json'
import { getUiState, setUiState } from '../../book/ui-state-repository'
import { runMatrixSelfTest } from '../matrix-self-test'
import type { HandlerSlice, ServiceContext } from '../service-context'

export function commonHandlers(ctx: ServiceContext): HandlerSlice<keyof typeof commonMethods> {
  // A view-only book (read-only or damaged) keeps the workstation's own UI state (theme, columns) for
  // the session in memory: the trader's data is refused, the screen's layout need not be.
  const viewOnly = ctx.file.state !== 'ok'
  const sessionUiState = new Map<string, unknown>()
  return {
    appInfo: () => ({
      appVersion,
      host: ctx.host,
      bookPath: ctx.file.path,
      schemaVersion: ctx.file.schemaVersion,
      sqliteVersion: ctx.file.sqliteVersion,
      workerCount: ctx.pool.size,
      bookState: ctx.file.state,
      bookStateReason: ctx.file.stateReason
    }),
    getUiState: ({ key }) => ({ key, value: sessionUiState.has(key) ? sessionUiState.get(key) : getUiState(ctx.db, key) }),
    setUiState: ({ key, value }) => {
      if (viewOnly) sessionUiState.set(key, value)
      else setUiState(ctx.db, key, value)
      return { ok: true as const }
    },
    runMatrixSelfTest: (req) => ctx.tasks.run(req.taskId, (run) => runMatrixSelfTest(req, ctx.pool, run)),
    cancelTask: ({ taskId }) => ({ cancelled: ctx.tasks.cancel(taskId) }),
    engineStatus: () => ctx.pool.status()
  }
}
