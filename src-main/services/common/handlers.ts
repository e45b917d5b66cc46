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
  return {
    appInfo: () => ({
      appVersion,
      host: ctx.host,
      bookPath: ctx.file.path,
      schemaVersion: ctx.file.schemaVersion,
      sqliteVersion: ctx.file.sqliteVersion,
      workerCount: ctx.pool.size
    }),
    getUiState: ({ key }) => ({ key, value: getUiState(ctx.db, key) }),
    setUiState: ({ key, value }) => {
      setUiState(ctx.db, key, value)
      return { ok: true as const }
    },
    runMatrixSelfTest: (req) => ctx.tasks.run(req.taskId, (run) => runMatrixSelfTest(req, ctx.pool, run)),
    cancelTask: ({ taskId }) => ({ cancelled: ctx.tasks.cancel(taskId) }),
    engineStatus: () => ctx.pool.status()
  }
}
