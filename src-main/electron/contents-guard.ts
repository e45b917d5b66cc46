/**
 * One guard on every web contents the app ever creates (Electron security checklist 13 and 14):
 * `app.on('web-contents-created')` attaches it before the contents loads anything, so the main
 * window, the report preview windows, the hidden print window and anything Chromium opens on its
 * own all get the same rules:
 *
 * - navigation (`will-navigate`, `will-frame-navigate` for every frame, `will-redirect`) only to
 *   the renderer's exact origin (app://marginal, or the dev server's in `npm run dev`);
 * - no `<webview>`;
 * - `window.open`: a blob: URL the renderer made (the PDF report) opens in a locked-down child
 *   window; an https link on the venue/docs allow-list goes to the system browser; all else is
 *   denied.
 *
 * Pure: it takes the Electron objects as parameters typed by the small interfaces below, so tests
 * pass fakes (tests/electron/contents-guard.test.ts).
 */
import { hasOrigin, isOwnBlob, schemeOf } from './origins'

export interface PreventableEvent {
  preventDefault(): void
}
/** What `will-navigate`, `will-frame-navigate` and `will-redirect` pass first (Electron's Event<…Params>). */
export interface NavigationEvent extends PreventableEvent {
  url: string
  isMainFrame?: boolean
}

/** The report preview window: no Node, no preload, sandboxed, isolated, no plugins, no scripts. A fresh object each time (Electron may merge into it). */
export const reportWindowOptions = () => ({
  width: 960,
  height: 1200,
  title: 'Margin report',
  autoHideMenuBar: true,
  webPreferences: {
    // Child windows inherit the opener's preferences, its preload included: take the preload away.
    preload: undefined,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    contextIsolation: true,
    sandbox: true,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    plugins: false,
    javascript: false,
    navigateOnDragDrop: false,
    spellcheck: false
  }
})

export type WindowOpenDecision = { action: 'deny' } | { action: 'allow'; overrideBrowserWindowOptions: ReturnType<typeof reportWindowOptions> }

export interface GuardedContents {
  on(event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect', listener: (event: NavigationEvent) => void): unknown
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown
  setWindowOpenHandler(handler: (details: { url: string }) => WindowOpenDecision): void
}

export interface ContentsCreatedSource {
  on(event: 'web-contents-created', listener: (event: unknown, contents: GuardedContents) => void): unknown
}

export interface GuardPolicy {
  /** The renderer's origin: app://marginal, or the dev server's. */
  trustedOrigin: string
  /** Opens an allow-listed https URL in the system browser (external-links.ts); false when refused. */
  openExternal: (url: string) => boolean
  log: (line: string) => void
}

const short = (url: string): string => (url.length > 200 ? `${url.slice(0, 200)}…` : url)

export function decideWindowOpen(url: string, policy: GuardPolicy): WindowOpenDecision {
  if (isOwnBlob(url, policy.trustedOrigin)) return { action: 'allow', overrideBrowserWindowOptions: reportWindowOptions() }
  if (schemeOf(url) === 'https:') policy.openExternal(url)
  else policy.log(`refused to open a window for ${short(url)}`)
  return { action: 'deny' }
}

export function isAllowedNavigation(url: string, trustedOrigin: string): boolean {
  return hasOrigin(url, trustedOrigin)
}

/** Attaches the navigation, webview and window-open rules to one web contents. */
export function guardContents(contents: GuardedContents, policy: GuardPolicy): void {
  for (const kind of ['will-navigate', 'will-frame-navigate', 'will-redirect'] as const) {
    contents.on(kind, (event) => {
      if (isAllowedNavigation(event.url, policy.trustedOrigin)) return
      event.preventDefault()
      policy.log(`blocked ${kind} to ${short(event.url)}`)
    })
  }
  contents.on('will-attach-webview', (event) => {
    event.preventDefault()
    policy.log('blocked a <webview>')
  })
  contents.setWindowOpenHandler(({ url }) => decideWindowOpen(url, policy))
}

/** The global guard: every web contents, as it is created. */
export function installContentsGuard(app: ContentsCreatedSource, policy: GuardPolicy): void {
  app.on('web-contents-created', (_event, contents) => guardContents(contents, policy))
}
