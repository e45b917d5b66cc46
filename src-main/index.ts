/**
 * The Electron host: one sandboxed window over the shared backend. The only module that imports
 * 'electron' (besides the preload), so tests, the browser host and the CLI never load it. The
 * hardening lives in pure modules under ./electron/ that take the Electron objects as parameters
 * (tested with fakes in tests/electron/): this file only wires them to the real ones.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, Notification, protocol, session, shell, type IpcMainInvokeEvent } from 'electron'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect, parseArgs } from 'node:util'
import { methodNames } from '@contract/api'
import { IPC_EVENT_CHANNEL, ipcChannel } from '@contract/channels'
import { resolveBookPath } from './app/book-location'
import { startBackend, type Backend } from './app/backend'
import { dispatch } from './services/dispatch'
import { CONTENT_SECURITY_POLICY } from './hosts/csp'
import { PDF_EXTRAS, PRINT_OPTIONS, type PdfPrinter } from './reports/pdf/pdf-printer'
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './electron/app-protocol'
import { aboutText, buildMenuTemplate, shortcutScript } from './electron/app-menu'
import { installContentsGuard } from './electron/contents-guard'
import { handleDownload } from './electron/downloads'
import { openExternalSafely } from './electron/external-links'
import { isTrustedSender } from './electron/ipc-sender'
import { APP_ENTRY_URL, APP_ORIGIN, APP_SCHEME, originOf } from './electron/origins'
import { installPermissionHandlers } from './electron/permissions'
import { installAlertNotifications } from './electron/alert-notifications'
import { createRotatingLog } from './electron/rotating-log'
import { acquireBookLock, focusOnSecondInstance } from './electron/single-instance'
import { mainWindowOptions } from './electron/window-options'

const PRINT_PARTITION = 'marginal-report-print'

let backend: Backend | null = null
let mainWindow: BrowserWindow | null = null

// Before `ready`: where things are, the log, the lock, the scheme, the guard.
const { values } = parseArgs({ args: process.argv.slice(2), options: { book: { type: 'string' } }, strict: false })
const userDataDir = app.getPath('userData')
const log = createRotatingLog({ dir: join(userDataDir, 'logs') })
// Warnings and errors of the back end reach the log file too (the console stays as it was).
for (const [name, write] of [['warn', log.warn], ['error', log.error]] as const) {
  const original = console[name].bind(console)
  console[name] = (...args: unknown[]) => {
    original(...args)
    write(args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : typeof a === 'string' ? a : inspect(a, { depth: 2, breakLength: Infinity }))).join(' '))
  }
}
const bookPath = resolveBookPath({ cliBook: typeof values.book === 'string' ? values.book : undefined, userDataDir })
// The dev server's URL only when running from source: a packaged app never loads a page named by the environment.
const rendererUrl = !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : APP_ENTRY_URL
const trustedOrigin = originOf(rendererUrl) ?? APP_ORIGIN

const openExternal = (url: string): boolean => openExternalSafely(shell, url, log.warn)
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])
installContentsGuard(app, { trustedOrigin, openExternal, log: log.warn })
// A monitor only: Electron's own handling of an uncaught exception (its error dialog) stays.
process.on('uncaughtExceptionMonitor', (e) => log.error(`uncaught exception: ${e.stack ?? e.message}`))
app.on('render-process-gone', (_e, _wc, details) => log.error(`a renderer process ended: ${details.reason} (exit code ${details.exitCode})`))
app.on('child-process-gone', (_e, details) => log.error(`a ${details.type} process ended: ${details.reason} (exit code ${details.exitCode})`))

/**
 * The desktop app's report printer: webContents.printToPDF of a hidden window with scripts off, in
 * its own session (the app session's CSP forbids the report's inline styles). The HTML goes through
 * a temp file: data: URLs are capped in size. Same template and options as the Chromium printer.
 */
function electronPrinter(): PdfPrinter {
  return {
    async print(html, options = {}) {
      const dir = await mkdtemp(join(tmpdir(), 'marginal-report-'))
      const file = join(dir, 'report.html')
      const win = new BrowserWindow({ show: false, webPreferences: { partition: PRINT_PARTITION, javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false, plugins: false } })
      try {
        await writeFile(file, html)
        await win.loadFile(file)
        return await win.webContents.printToPDF({ ...PRINT_OPTIONS, generateTaggedPDF: options.tagged ?? PDF_EXTRAS.tagged, generateDocumentOutline: PDF_EXTRAS.outline })
      } finally {
        win.destroy()
        await rm(dir, { recursive: true, force: true })
      }
    },
    close: () => Promise.resolve()
  }
}

function createWindow(): void {
  const devIcon = join(import.meta.dirname, '../../resources/icons/512x512.png')
  mainWindow = new BrowserWindow(
    mainWindowOptions({
      preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
      dark: nativeTheme.shouldUseDarkColors,
      ...(!app.isPackaged && existsSync(devIcon) ? { iconPath: devIcon } : {})
    })
  )
  mainWindow.on('ready-to-show', () => mainWindow?.show())
  mainWindow.on('closed', () => (mainWindow = null))
  void mainWindow.loadURL(rendererUrl)
}

function installMenu(): void {
  const showLogFile = (): void => shell.showItemInFolder(log.path)
  const template = buildMenuTemplate({
    platform: process.platform,
    isPackaged: app.isPackaged,
    actions: {
      sendShortcut: (s) => {
        const wc = mainWindow?.webContents
        if (wc) wc.executeJavaScript(shortcutScript(s)).catch((e: Error) => log.warn(`menu shortcut failed: ${e.message}`))
      },
      showLogFile,
      showAbout: () => {
        const text = aboutText({ appVersion: app.getVersion(), bookPath, logPath: log.path, versions: process.versions })
        const options = { type: 'info' as const, title: 'About Marginal', ...text, buttons: ['OK', 'Show the log file'], defaultId: 0, cancelId: 0 }
        const shown = mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options)
        void shown.then((r) => r.response === 1 && showLogFile())
      }
    }
  })
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}

async function main(): Promise<void> {
  log.info(`Marginal ${app.getVersion()} starting on ${bookPath} (Electron ${process.versions.electron}, ${process.platform})`)
  focusOnSecondInstance(app, { bookPath, window: () => mainWindow, log: log.info })
  await app.whenReady()
  nativeTheme.themeSource = 'system'
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ root: join(import.meta.dirname, '../renderer'), csp: CONTENT_SECURITY_POLICY }))
  for (const ses of [session.defaultSession, session.fromPartition(PRINT_PARTITION)]) installPermissionHandlers(ses, log.warn)
  // The dev server's responses get the policy as a header too (app:// responses carry it already).
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
  session.defaultSession.on('will-download', (_e, item, contents) => {
    handleDownload(item, {
      trustedOrigin,
      documentsDir: app.getPath('documents'),
      previewDir: join(tmpdir(), 'marginal-reports'),
      fromReportWindow: contents !== mainWindow?.webContents,
      openPath: (p) => shell.openPath(p),
      closeSource: () => {
        if (contents !== mainWindow?.webContents) BrowserWindow.fromWebContents(contents)?.close()
      },
      log: log.info
    })
  })

  backend = startBackend({ bookPath, host: 'electron', printer: electronPrinter() })
  const { handlers, events } = backend.services
  for (const method of methodNames) {
    ipcMain.handle(ipcChannel(method), (event: IpcMainInvokeEvent, payload: unknown) => {
      const main = mainWindow ? { contents: mainWindow.webContents, mainFrame: mainWindow.webContents.mainFrame } : null
      if (!isTrustedSender(event, main, trustedOrigin)) {
        log.warn(`refused ${method}: call from an untrusted frame (${event.senderFrame?.url ?? 'no frame'})`)
        return { ok: false, error: { code: 'refused', message: 'refused: call from an untrusted frame' } }
      }
      return dispatch(handlers, method, payload)
    })
  }
  events.on((event) => mainWindow?.webContents.send(IPC_EVENT_CHANNEL, event))
  // Margin alerts as OS notifications: the renderer is refused the web Notification permission.
  const bookNames = backend.services.db.prepare('SELECT name FROM books WHERE id = ?')
  installAlertNotifications(
    events,
    {
      isSupported: () => Notification.isSupported(),
      show: (n, onClick) => {
        const note = new Notification({ title: n.title, body: n.body })
        note.on('click', onClick)
        note.show()
      }
    },
    (bookId) => (bookNames.get(bookId) as { name: string } | undefined)?.name ?? null,
    () => {
      if (mainWindow?.isMinimized()) mainWindow.restore()
      mainWindow?.focus()
    }
  )

  installMenu()
  createWindow()
  // The first grid's answer while the window loads (services/warm-up.ts).
  setImmediate(() => void backend?.warmUp())
  backend?.services.startMarketRefresh()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
app.on('will-quit', () => {
  log.info('quitting')
  void backend?.services.close()
})

if (!acquireBookLock(app, { userDataDir, bookPath })) {
  // Another instance has this book open: it was told and brings its window forward.
  log.info(`${bookPath} is already open in another Marginal window: handed over to it`)
  app.quit()
} else {
  main().catch((e: Error) => {
    console.error(`Marginal could not start: ${e.stack ?? e.message}`)
    dialog.showErrorBox('Marginal could not start', `${e.message}\n\nBook file: ${bookPath}\nLog file: ${log.path}`)
    app.exit(1)
  })
}
