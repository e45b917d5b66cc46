/**
 * HTML → PDF. One report template, printed by Chromium whichever host asks: Electron's
 * webContents.printToPDF in the desktop app, the system Chromium driven by playwright-core in the
 * browser host and the CLI. Page size, margins, running header and page numbers all come from the
 * template's CSS (@page and its margin boxes), so both printers are given the same few options and
 * the same HTML gives the same pages.
 */
export interface PdfPrinter {
  print(html: string): Promise<Uint8Array>
  close(): Promise<void>
}

/** The print options both printers use: the page box is the template's @page rule. */
export const PRINT_OPTIONS = { printBackground: true, preferCSSPageSize: true } as const

export class PdfUnavailableError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PdfUnavailableError'
  }
}

/** Tagged (accessible) PDF with the headings as its outline: Playwright's names; Electron's are generateTaggedPDF/generateDocumentOutline. */
export const PDF_EXTRAS = { tagged: true, outline: true } as const
