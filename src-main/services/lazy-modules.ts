/**
 * What only a report or an export needs is loaded when one is asked for, not at start: Chromium's
 * driver (playwright-core), ExcelJS and ECharts cost ~1.4 s of module loading that `cli books` or
 * the first grid row would otherwise pay (issue 20: `cli books` 1.7 s vs 29 ms for bare Node).
 * The bundler splits each dynamic import into its own chunk, so nothing of them loads before.
 */
import type { PdfPrinter } from '../reports/pdf/pdf-printer'
import type { reportMethods } from '@contract/report'
import type { HandlerSlice, ServiceContext } from './service-context'

/** The system Chromium printer, its module loaded (and the browser started) on the first print. */
export function lazyChromiumPrinter(): PdfPrinter {
  let printer: Promise<PdfPrinter> | undefined
  const started = (): Promise<PdfPrinter> => (printer ??= import('../reports/pdf/chromium-printer').then((m) => m.chromiumPrinter()))
  return {
    print: async (html, options) => (await started()).print(html, options),
    // Start the module load and the browser now; a failure is reported by the print that follows.
    warm: () => void started().then((p) => p.warm?.(), () => undefined),
    async close() {
      if (printer) await (await printer).close()
    }
  }
}

type ReportSlice = HandlerSlice<keyof typeof reportMethods>

/** The report and export handlers, their module (and ExcelJS, ECharts) loaded on first use. */
export function lazyReportHandlers(ctx: ServiceContext): ReportSlice {
  let slice: Promise<ReportSlice> | undefined
  const loaded = (): Promise<ReportSlice> => (slice ??= import('./report/handlers').then((m) => m.reportHandlers(ctx)))
  return {
    exportBook: async (req) => (await loaded()).exportBook(req),
    marginReport: async (req) => (await loaded()).marginReport(req)
  }
}
