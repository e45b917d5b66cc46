/**
 * Imports: the formats known, a dry-run preview, the all-or-nothing commit (progress as
 * task.progress events), and a CSV's header for mapping its columns by hand.
 */
import type { importMethods } from '@contract/import-statements'
import { commitImport, previewImport } from '../import-service'
import { MARKET_FORMATS, STATEMENT_FORMATS } from '../../importers/registry'
import { inspectCsv } from '../../importers/formats/generic-csv'
import type { HandlerSlice, ServiceContext } from '../service-context'

/** A preview lists at most this many issues (the counts stay complete): the UI grid needs no more. */
const MAX_PREVIEW_ISSUES = 5000

export function importHandlers(ctx: ServiceContext): HandlerSlice<keyof typeof importMethods> {
  return {
    importFormats: () => [...STATEMENT_FORMATS, ...MARKET_FORMATS].map((f) => ({ id: f.id, label: f.label })),
    previewImport: (req) => {
      const preview = previewImport(ctx.db, req)
      const issues = [...preview.issues].sort((a, b) => a.line - b.line)
      return { ...preview, issues: issues.slice(0, MAX_PREVIEW_ISSUES), issuesTotal: issues.length }
    },
    commitImport: ({ taskId, ...req }) => commitImport(ctx.db, { ...req, onProgress: ctx.tasks.progress(taskId) }),
    inspectCsv: ({ fileName, text }) => inspectCsv(text, fileName)
  }
}
