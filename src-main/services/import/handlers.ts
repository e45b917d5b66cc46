/**
 * Imports: the formats known, a dry-run preview, the all-or-nothing commit (progress as
 * task.progress events, cancelTask rolls it back), and a CSV's header for mapping its columns by
 * hand. Previews and commits of a book file run in the import worker (import-runner.ts), so the
 * host answers other calls while a large statement is parsed and written. An in-memory book (no
 * file another connection could open) and a view-only one (its connection is the read-only one;
 * a commit is refused before it gets here) are previewed on this thread.
 */
import type { importMethods } from '@contract/import-statements'
import { commitImport, previewImport } from '../import-service'
import { previewReply } from '../import-preview'
import { MARKET_FORMATS, STATEMENT_FORMATS } from '../../importers/registry'
import { inspectCsv } from '../../importers/formats/generic-csv'
import type { HandlerSlice, ServiceContext } from '../service-context'
import { commitInWorker, previewInWorker } from './import-runner'

export function importHandlers(ctx: ServiceContext): HandlerSlice<keyof typeof importMethods> {
  const onThisThread = (): boolean => ctx.db.memory || ctx.file.state !== 'ok'
  return {
    importFormats: () => [...STATEMENT_FORMATS, ...MARKET_FORMATS].map((f) => ({ id: f.id, label: f.label })),
    previewImport: (req) => (onThisThread() ? previewReply(previewImport(ctx.db, req)) : previewInWorker(ctx.file.path, req)),
    commitImport: ({ taskId, ...req }) =>
      ctx.tasks.maybe(taskId, async (run) => (onThisThread() ? commitImport(ctx.db, { ...req, onProgress: run.onProgress }) : commitInWorker(ctx.file.path, req, run))),
    inspectCsv: ({ fileName, text }) => inspectCsv(text, fileName)
  }
}
