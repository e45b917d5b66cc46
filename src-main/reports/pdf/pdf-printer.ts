/**
 * HTML → PDF. One report template, printed by Chromium whichever host asks: Electron's
 * webContents.printToPDF in the desktop app, the system Chromium driven by playwright-core in the
 * browser host and the CLI. Page size, margins, running header and page numbers all come from the
 * template's CSS (@page and its margin boxes), so both printers are given the same few options and
 * the same HTML gives the same pages.
 */
export interface PrintOptions {
  /**
   * A tagged (accessible) PDF: true unless asked otherwise. Tagging costs a structure element per
   * table cell: the 110,000 cells of a 10,000-position list made a 38 MB PDF (2 MB untagged) and
   * doubled the print time, so the report's full positions list is printed untagged (that list is
   * also the XLSX export's Positions sheet, the accessible form of it).
   */
  tagged?: boolean
}

export interface PdfPrinter {
  print(html: string, options?: PrintOptions): Promise<Uint8Array>
  /** Start the browser now, while the report is being gathered (a start failure is reported by print). */
  warm?(): void
  close(): Promise<void>
}

/**
 * The print options both printers use: the page box is the template's @page rule. Scale 0.87: the
 * report was always printed at about this scale, because Chromium shrank every page to fit the
 * positions list's wide table (0.87 for the demo book, 0.90 for a four-position account); the
 * template's sizes were set under it. With that list now a summary, or a fixed-width table, nothing
 * is wider than the page and the scale is said here instead (issue 20).
 */
export const PRINT_OPTIONS = { printBackground: true, preferCSSPageSize: true, scale: 0.87 } as const

export class PdfUnavailableError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PdfUnavailableError'
  }
}

/** Tagged (accessible) PDF with the headings as its outline: Playwright's names; Electron's are generateTaggedPDF/generateDocumentOutline. */
export const PDF_EXTRAS = { tagged: true, outline: true } as const

