/**
 * Exports: the book's grids as an XLSX workbook or one sheet as CSV, and the PDF margin report
 * (a cancellable task: gathering in the pool, then printing). The sheets are built from the same
 * assembly the positions, margin and Greeks views show.
 */
import { shippedDeriveParams } from '../derive/derive-params'
import type { reportMethods } from '@contract/report'
import { version as appVersion } from '../../../package.json'
import { bookSheets } from '../../reports/book-export'
import { buildWorkbook, sheetCsv, workbookBuffer } from '../../reports/workbook'
import { marginReportModel, printMarginReport } from '../report-service'
import { paramSetViews } from '../margin-params-store'
import { positionRows } from '../positions/handlers'
import { bookMarginView } from '../margin/handlers'
import { greeksGridView } from '../whatif/handlers'
import type { HandlerSlice, ServiceContext } from '../service-context'

/** A book or account name as part of a download's file name: runs of other characters become '-'. */
const fileSafe = (name: string): string => name.replace(/[^\w.-]+/g, '-')

export function reportHandlers(ctx: ServiceContext): HandlerSlice<keyof typeof reportMethods> {
  return {
    exportBook: async ({ bookId, format, sheet }) => {
      const bc = ctx.bookContext(bookId)
      const { book } = bc
      const generatedAt = new Date()
      const sheets = bookSheets({
        book,
        positions: positionRows(bc),
        margin: bookMarginView(bc),
        greeks: bc.market ? greeksGridView(bc) : { bookId, vegaRefDays: 30, rows: [], notCovered: [] },
        generatedAt,
        appVersion
      })
      const stem = `${fileSafe(book.name)}-${generatedAt.toISOString().slice(0, 16).replace(/[:T]/g, '-')}`
      if (format === 'csv') {
        const one = sheets.find((x) => x.name === (sheet ?? 'Positions'))!
        return { fileName: `${stem}-${one.name.replace(/\s+/g, '-').toLowerCase()}.csv`, mimeType: 'text/csv', base64: Buffer.from(sheetCsv(one), 'utf8').toString('base64') }
      }
      const xlsx = await workbookBuffer(buildWorkbook(sheets, { creator: `Marginal ${appVersion}`, created: generatedAt }))
      return { fileName: `${stem}.xlsx`, mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', base64: xlsx.toString('base64') }
    },
    marginReport: ({ bookId, taskId, account, pageSize, statistics, hedges, positionsAppendix, explain }) =>
      ctx.tasks.maybe(taskId, async (run) => {
        const bc = ctx.bookContext(bookId)
        const { book, view } = bc
        ctx.printer.warm?.()
        const generatedAt = new Date()
        let steps = 1
        const model = await marginReportModel(
          {
            db: ctx.db,
            book,
            held: bc.held,
            view,
            balances: bc.balances,
            ...bc.params,
            paramSets: [
              ...paramSetViews(ctx.db).map((p) => ({ kind: p.kind, label: p.label, activeId: p.activeId, file: p.file, comment: p.comment, edited: p.userDocument !== null })),
              // Derive's set is the protocol's deployment script's, not editable in the book (METHODOLOGY §5.4a).
              ((d) => ({ kind: 'derive-pm', label: 'Derive portfolio margin (PMRM_2)', activeId: d.id, file: d.file, comment: `${d.comment} Source: ${d.source}`, edited: false }))(shippedDeriveParams())
            ],
            appVersion,
            now: generatedAt
          },
          { pageSize, account, statistics, hedges, positionsAppendix, explain },
          // Gathering is every step but the last; printing is the last.
          { pool: ctx.pool, signal: run.signal, onProgress: (done, total) => run.onProgress?.(done, (steps = total + 1)) }
        )
        const { pdf } = await printMarginReport(model, ctx.printer)
        run.onProgress?.(steps, steps)
        const stem = `margin-report-${fileSafe(book.name)}${account ? `-${fileSafe(account)}` : ''}-${model.market.asOfUtc.slice(0, 10)}`
        return { fileName: `${stem}.pdf`, mimeType: 'application/pdf' as const, base64: Buffer.from(pdf).toString('base64'), generatedAtUtc: model.generatedAtUtc, bytes: pdf.byteLength }
      })
  }
}
