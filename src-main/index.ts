/**
 * The Electron host: one sandboxed window over the shared backend. The only module that imports
 * 'electron' (besides the preload), so tests, the browser host and the CLI never load it.
 */
import { app, BrowserWindow, ipcMain, session, shell, type IpcMainInvokeEvent } from 'electron'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { methodNames } from '@contract/api'
import { IPC_EVENT_CHANNEL, ipcChannel } from '@contract/channels'
import { resolveBookPath } from './app/book-location'
import { startBackend, type Backend } from './app/backend'
import { dispatch } from './services/dispatch'
import { CONTENT_SECURITY_POLICY } from './hosts/csp'
import { PDF_EXTRAS, PRINT_OPTIONS, type PdfPrinter } from './reports/pdf/pdf-printer'

let backend: Backend | null = null
let mainWindow: BrowserWindow | null = null

const rendererUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(import.meta.dirname, '../renderer/index.html')).href

/** Only our own window's main frame, showing our own renderer, may call the API (VS Code's validatedIpcMain). */
function senderIsTrusted(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame
  return (
    mainWindow !== null &&
    event.sender === mainWindow.webContents &&
    frame !== null &&
    frame === mainWindow.webContents.mainFrame &&
    frame.url.startsWith(rendererUrl.replace(/index\.html$/, ''))
  )
}

/**
 * The desktop app's report printer: webContents.printToPDF of a hidden window with scripts off, in
 * its own session (the app session's CSP forbids the report's inline styles). The HTML goes through
 * a temp file: data: URLs are capped in size. Same template and options as the Chromium printer.
 */
function electronPrinter(): PdfPrinter {
  return {
    async print(html) {
      const dir = await mkdtemp(join(tmpdir(), 'marginal-report-'))
      const file = join(dir, 'report.html')
      const win = new BrowserWindow({ show: false, webPreferences: { partition: 'marginal-report-print', javascript: false, sandbox: true, contextIsolation: true } })
      try {
        await writeFile(file, html)
        await win.loadFile(file)
        return await win.webContents.printToPDF({ ...PRINT_OPTIONS, generateTaggedPDF: PDF_EXTRAS.tagged, generateDocumentOutline: PDF_EXTRAS.outline })
      } finally {
        win.destroy()
        await rm(dir, { recursive: true, force: true })
      }
    },
    close: () => Promise.resolve()
  }
}

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Marginal',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true
    }
  })
  mainWindow.on('ready-to-show', () => mainWindow?.show())
  mainWindow.webContents.setWindowOpenHandler(({ url }) => {
    // A report the renderer made (a blob: URL of its own origin) opens in Chromium's PDF viewer.
    if (url.startsWith('blob:')) {
      return { action: 'allow', overrideBrowserWindowOptions: { width: 960, height: 1200, title: 'Margin report', webPreferences: { plugins: true, sandbox: true, contextIsolation: true, nodeIntegration: false } } }
    }
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  mainWindow.webContents.on('will-navigate', (e, url) => {
    if (!url.startsWith(rendererUrl)) e.preventDefault()
  })
  void mainWindow.loadURL(rendererUrl)
}

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { book: { type: 'string' } }, strict: false })
  await app.whenReady()
  backend = startBackend({
    bookPath: resolveBookPath({ cliBook: typeof values.book === 'string' ? values.book : undefined, userDataDir: app.getPath('userData') }),
    host: 'electron',
    printer: electronPrinter()
  })
  const { handlers, events } = backend.services

  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })

  for (const method of methodNames) {
    ipcMain.handle(ipcChannel(method), (event, payload: unknown) => {
      if (!senderIsTrusted(event)) {
        return { ok: false, error: { code: 'refused', message: 'refused: call from an untrusted frame' } }
      }
      return dispatch(handlers, method, payload)
    })
  }
  events.on((event) => mainWindow?.webContents.send(IPC_EVENT_CHANNEL, event))

  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
app.on('will-quit', () => {
  void backend?.services.close()
})

main().catch((e: Error) => {
  console.error(`Marginal could not start: ${e.message}`)
  app.exit(1)
})
