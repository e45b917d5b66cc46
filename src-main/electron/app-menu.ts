/**
 * The native application menu: the renderer's views with their Alt+key shortcuts, the report,
 * the trade ticket, the command palette, and About (version, book file and log file).
 *
 * The renderer already owns these shortcuts (src-renderer/src/shell/App.vue, `onKey`), so the menu
 * does not compete with it: on Linux and Windows the accelerators are shown but not registered
 * (`registerAccelerator: false`), the keys reach the page as before, and a click on the item sends
 * the page the same keydown the key would (`shortcutScript`). No new IPC channel, no contract change.
 * On macOS the page sees a key before the menu does and its handlers preventDefault, so one press
 * acts once there too.
 */
import { VIEWS } from '@contract/views'

export interface Shortcut {
  key: string
  altKey?: boolean
  ctrlKey?: boolean
}

/** The View menu: the renderer's own list of views and keys. */
export const VIEW_ITEMS = VIEWS

/** The script that replays a shortcut in the page: a keydown on window, where App.vue listens. Built from constants only. */
export function shortcutScript(s: Shortcut): string {
  const init = { key: s.key, altKey: s.altKey === true, ctrlKey: s.ctrlKey === true, bubbles: true, cancelable: true }
  return `window.dispatchEvent(new KeyboardEvent('keydown', ${JSON.stringify(init)}))`
}

/** What Electron shows for a shortcut ("Alt+1", "CmdOrCtrl+P", "F9"). */
export function acceleratorOf(s: Shortcut): string {
  return [s.ctrlKey ? 'CmdOrCtrl' : null, s.altKey ? 'Alt' : null, s.key.length === 1 ? s.key.toUpperCase() : s.key].filter(Boolean).join('+')
}

/** The subset of Electron's MenuItemConstructorOptions the menu uses. */
export interface MenuItemSpec {
  label?: string
  id?: string
  role?: 'appMenu' | 'editMenu' | 'windowMenu' | 'quit' | 'close' | 'resetZoom' | 'zoomIn' | 'zoomOut' | 'togglefullscreen' | 'reload' | 'toggleDevTools' | 'help'
  type?: 'separator' | 'submenu' | 'normal'
  accelerator?: string
  registerAccelerator?: boolean
  click?: () => void
  submenu?: MenuItemSpec[]
}

export interface MenuActions {
  /** Replays a shortcut in the main window's page (executeJavaScript of shortcutScript). */
  sendShortcut: (s: Shortcut) => void
  showAbout: () => void
  showLogFile: () => void
}

export function buildMenuTemplate(opts: { platform: NodeJS.Platform; isPackaged: boolean; actions: MenuActions }): MenuItemSpec[] {
  const mac = opts.platform === 'darwin'
  const item = (label: string, id: string, s: Shortcut): MenuItemSpec => ({
    label,
    id,
    accelerator: acceleratorOf(s),
    // Linux/Windows: show the key, let the page keep it (see the file comment).
    ...(mac ? {} : { registerAccelerator: false }),
    click: () => opts.actions.sendShortcut(s)
  })
  const sep: MenuItemSpec = { type: 'separator' }
  const about: MenuItemSpec = { label: 'About Marginal', id: 'about', click: opts.actions.showAbout }
  return [
    ...(mac ? [{ role: 'appMenu' } as MenuItemSpec] : []),
    {
      label: '&File',
      submenu: [
        item('Margin report (PDF)…', 'report', { key: 'p', ctrlKey: true }),
        item('New trade…', 'ticket', { key: 'F9' }),
        item('Import a statement…', 'import-statement', { key: '5', altKey: true }),
        sep,
        { label: 'Show the log file', id: 'log', click: opts.actions.showLogFile },
        sep,
        mac ? { role: 'close' } : { role: 'quit' }
      ]
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        ...VIEW_ITEMS.map((v) => item(v.label, `view-${v.view}`, { key: v.key, altKey: true })),
        sep,
        item('Command palette…', 'palette', { key: 'k', ctrlKey: true }),
        item('Switch book', 'book-switcher', { key: 'b', altKey: true }),
        sep,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        sep,
        { role: 'togglefullscreen' },
        ...(opts.isPackaged ? [] : [sep, { role: 'reload' } as MenuItemSpec, { role: 'toggleDevTools' } as MenuItemSpec])
      ]
    },
    { role: 'windowMenu' },
    // No mnemonic on Help: Alt+H is the Hedging view's key.
    { label: 'Help', role: 'help', submenu: [about, { label: 'Show the log file', id: 'help-log', click: opts.actions.showLogFile }] }
  ]
}

export interface AboutFacts {
  appVersion: string
  bookPath: string
  logPath: string
  versions: { electron?: string; chrome?: string; node?: string }
}

/** The About box's text (a native message box). */
export function aboutText(f: AboutFacts): { message: string; detail: string } {
  return {
    message: `Marginal ${f.appVersion}`,
    detail: [
      `Book file: ${f.bookPath}`,
      `Log file: ${f.logPath}`,
      `Electron ${f.versions.electron ?? '?'} · Chromium ${f.versions.chrome ?? '?'} · Node ${f.versions.node ?? '?'}`
    ].join('\n')
  }
}
