/**
 * The main window's options: the preload bridge in a sandboxed, context-isolated renderer with no
 * Node (Electron security checklist 2–4, 6, 8–10), and a background that matches the OS colour
 * scheme so the window does not flash white in dark mode before the renderer paints. The renderer
 * itself follows `prefers-color-scheme` until the user picks a theme (use-session-store.ts), and
 * Electron's `nativeTheme.themeSource` stays 'system', so that media query tracks the OS.
 */

/** --bg of src-renderer/src/theme/app.css, light and dark. */
export const WINDOW_BACKGROUND = { light: '#f6f7f9', dark: '#0f1115' } as const

export function mainWindowOptions(opts: { preloadPath: string; dark: boolean; iconPath?: string }) {
  return {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'Marginal',
    show: false,
    backgroundColor: opts.dark ? WINDOW_BACKGROUND.dark : WINDOW_BACKGROUND.light,
    ...(opts.iconPath ? { icon: opts.iconPath } : {}),
    webPreferences: {
      preload: opts.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      plugins: false,
      navigateOnDragDrop: false,
      spellcheck: false
    }
  }
}
