/**
 * Exports: the book as XLSX/CSV and the PDF margin report.
 */
import { z } from 'zod'
import { id, isoUtc, taskId } from './primitives'
import type { MethodTable } from './method-table'
import { EOD_TIME } from './explain'

// ── Exports ─────────────────────────────────────────────────────────────────────────────────

export const ExportSheetName = z.enum(['Positions', 'Margin', 'Health', 'Greeks by expiry', 'About'])
export const ExportBookRequest = z
  .object({
    bookId: id,
    format: z.enum(['xlsx', 'csv']),
    /** CSV is one sheet (default Positions); XLSX has them all. */
    sheet: ExportSheetName.optional()
  })
  .strict()
export const ExportBookResponse = z.object({ fileName: z.string(), mimeType: z.string(), base64: z.string() })

/**
 * The report's P&L explain section (issue 22 §2), the same dates as `explainPnl`: a date (its
 * end-of-day instant) or an instant with its zone. Without `toUtc`, the last day: the end of day at
 * or after the report's market; without `fromUtc`, one day before `toUtc`.
 */
export const ReportExplainRequest = z
  .object({
    fromUtc: z.string().min(10).max(40).optional(),
    toUtc: z.string().min(10).max(40).optional(),
    /** End-of-day time for dates, HH:MM UTC; default 08:00 (the venues' daily settlement). */
    eodUtc: z
      .string()
      .regex(EOD_TIME, 'a UTC time, HH:MM')
      .optional()
  })
  .strict()
export type ReportExplainRequest = z.output<typeof ReportExplainRequest>

/** The PDF margin report (issue 9): progress as task.progress when taskId is given, cancelTask. */
export const MarginReportRequest = z
  .object({
    bookId: id,
    taskId: taskId.optional(),
    /** One account's positions and balances; the whole book when absent. */
    account: z.string().min(1).max(200).optional(),
    pageSize: z.enum(['A4', 'Letter']).default('A4'),
    /** VaR/ES and the HS-VaR backtest (needs imported daily history; the section says why when absent). */
    statistics: z.boolean().default(true),
    /** The margin-minimising hedge of each margin group (an LP per group). */
    hedges: z.boolean().default(false),
    /**
     * Appendix A (issue 20): 'summary' — by underlying, expiry and account, and the top margin
     * consumers — or 'full', every position listed after the summary (a 10,000-position book is
     * some 150 more pages; the XLSX export has the list too).
     */
    positionsAppendix: z.enum(['summary', 'full']).default('summary'),
    /** Issue 22 §2: a "P&L explain" section between two dates; absent, no section. */
    explain: ReportExplainRequest.optional()
  })
  .strict()
export const MarginReportResponse = z.object({ fileName: z.string(), mimeType: z.literal('application/pdf'), base64: z.string(), generatedAtUtc: isoUtc, bytes: z.number().int() })


export const reportMethods = {
  /** The book's grids as an XLSX workbook (every sheet) or one sheet as CSV: numbers as numbers, units in headers. */
  exportBook: { request: ExportBookRequest, response: ExportBookResponse },
  /** The PDF margin report of a book (or one account), printed by Chromium: progress events, cancelTask. */
  marginReport: { request: MarginReportRequest, response: MarginReportResponse }
} as const satisfies MethodTable
