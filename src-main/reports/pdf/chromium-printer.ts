/**
 * The browser host's and the CLI's printer: the system Chromium, headless, through playwright-core
 * (no browser download: the executable is found on the machine). One browser is started on the
 * first report and kept until close(); a crashed browser is replaced on the next print.
 */
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'
import { PDF_EXTRAS, PRINT_OPTIONS, PdfUnavailableError, type PdfPrinter, type PrintOptions } from './pdf-printer'

/** Where Debian/Ubuntu, Fedora, macOS and Windows put Chromium or Chrome; MARGINAL_CHROMIUM first. */
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe'
]

export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.MARGINAL_CHROMIUM
  if (configured) {
    if (!existsSync(configured)) throw new PdfUnavailableError(`MARGINAL_CHROMIUM is ${configured}, which does not exist`)
    return configured
  }
  const found = CANDIDATES.find((p) => existsSync(p))
  if (!found) throw new PdfUnavailableError(`PDF reports need Chromium or Chrome and none was found (looked in ${CANDIDATES.slice(0, 4).join(', ')} …): install it (Debian: apt-get install chromium) or set MARGINAL_CHROMIUM to its executable`)
  return found
}

// The closed-network flags: without them Chromium keeps trying to reach Google's update and sync services.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic']

export function chromiumPrinter(executablePath?: string): PdfPrinter {
  let browser: Promise<Browser> | null = null
  const start = (): Promise<Browser> => {
    if (!browser) {
      const path = executablePath ?? findChromium()
      browser = chromium.launch({ executablePath: path, headless: true, args: ARGS }).catch((e: Error) => {
        browser = null
        throw new PdfUnavailableError(`Chromium at ${path} did not start: ${e.message.split('\n')[0]}`)
      })
    }
    return browser
  }
  const live = async (): Promise<Browser> => {
    const b = await start()
    if (b.isConnected()) return b
    browser = null
    return start()
  }
  return {
    async print(html: string, options: PrintOptions = {}) {
      const context = await (await live()).newContext({ javaScriptEnabled: false, offline: true })
      try {
        const page = await context.newPage()
        await page.setContent(html, { waitUntil: 'load' })
        await page.emulateMedia({ media: 'print' })
        return await page.pdf({ ...PRINT_OPTIONS, ...PDF_EXTRAS, tagged: options.tagged ?? PDF_EXTRAS.tagged })
      } finally {
        await context.close()
      }
    },
    warm() {
      // Chromium's start (about 1–2 s) overlaps the gathering instead of following it; an error here
      // is thrown again by print, which starts the browser afresh.
      void live().catch(() => undefined)
    },
    async close() {
      const b = browser
      browser = null
      if (b) await (await b.catch(() => null))?.close()
    }
  }
}
