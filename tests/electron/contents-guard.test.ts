/**
 * The global web-contents guard (src-main/electron/contents-guard.ts) with fake web contents:
 * every contents the app creates gets exact-origin navigation checks on will-navigate,
 * will-frame-navigate and will-redirect, no <webview>, and a window-open handler that allows only
 * the renderer's own blob: reports (in a locked-down window) and sends allow-listed https links to
 * the system browser.
 */
import { describe, expect, it, vi } from 'vitest'
import { decideWindowOpen, installContentsGuard, reportWindowOptions, type GuardPolicy } from '../../src-main/electron/contents-guard'
import { APP_ORIGIN, hasOrigin, isOwnBlob, originOf } from '../../src-main/electron/origins'
import { FakeContents, FakeEmitter, memoryLog, preventable } from './fakes'

function setup(trustedOrigin = APP_ORIGIN) {
  const app = new FakeEmitter()
  const { lines, log } = memoryLog()
  const openExternal = vi.fn((url: string) => url.startsWith('https://www.deribit.com/'))
  const policy: GuardPolicy = { trustedOrigin, openExternal, log }
  installContentsGuard(app, policy)
  const contents = new FakeContents()
  app.emit('web-contents-created', {}, contents)
  return { app, contents, lines, openExternal }
}

describe('origins', () => {
  it('builds exact origins, including for the app: scheme and blob: URLs Node calls opaque', () => {
    expect(originOf('app://marginal/index.html')).toBe('app://marginal')
    expect(originOf('APP://Marginal/assets/x.js')).toBe('app://marginal')
    expect(originOf('blob:app://marginal/6c1f0c1e-1234')).toBe('app://marginal')
    expect(originOf('http://localhost:5173/index.html')).toBe('http://localhost:5173')
    expect(originOf('https://www.deribit.com:443/x')).toBe('https://www.deribit.com')
    for (const opaque of ['file:///etc/passwd', 'data:text/html,x', 'about:blank', 'javascript:alert(1)', 'not a url', 'blob:blob:app://marginal/x', 'https://user:pw@app.example/']) {
      expect(originOf(opaque), opaque).toBeNull()
    }
  })

  it('never matches by prefix', () => {
    expect(hasOrigin('app://marginal/index.html', APP_ORIGIN)).toBe(true)
    expect(hasOrigin('app://marginal.evil.net/index.html', APP_ORIGIN)).toBe(false)
    expect(hasOrigin('app://marginalx/', APP_ORIGIN)).toBe(false)
    expect(hasOrigin('app://marginal@evil.net/', APP_ORIGIN)).toBe(false)
    expect(hasOrigin('http://localhost:5173/', 'http://localhost:5173/index.html')).toBe(true)
    expect(hasOrigin('http://localhost:51730/', 'http://localhost:5173')).toBe(false)
    expect(hasOrigin('http://localhost:5173.evil.net/', 'http://localhost:5173')).toBe(false)
    expect(hasOrigin('file:///anything', 'file:///anything')).toBe(false)
    expect(isOwnBlob('blob:app://marginal/uuid', APP_ORIGIN)).toBe(true)
    expect(isOwnBlob('blob:https://evil.net/uuid', APP_ORIGIN)).toBe(false)
    expect(isOwnBlob('app://marginal/blob:x', APP_ORIGIN)).toBe(false)
  })
})

describe('the web-contents-created guard', () => {
  it('is installed on every web contents the app creates', () => {
    const { app } = setup()
    const a = new FakeContents()
    const b = new FakeContents()
    app.emit('web-contents-created', {}, a)
    app.emit('web-contents-created', {}, b)
    for (const c of [a, b]) {
      for (const e of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview']) expect(c.count(e), e).toBe(1)
      expect(c.windowOpenHandler).not.toBeNull()
    }
  })

  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'] as const)('%s: allows the renderer origin only, by exact origin', (kind) => {
    const { contents, lines } = setup()
    expect(contents.navigate(kind, 'app://marginal/index.html')).toBe(true)
    expect(contents.navigate(kind, 'app://marginal/index.html#/risk')).toBe(true)
    for (const url of [
      'app://marginal.evil.net/index.html',
      'app://evil/index.html',
      'https://www.deribit.com/',
      'http://127.0.0.1:8080/',
      'file:///etc/passwd',
      'file:///work/out/renderer/index.html',
      'data:text/html,<script>alert(1)</script>',
      'javascript:alert(1)',
      'about:blank',
      'chrome://settings'
    ]) {
      expect(contents.navigate(kind, url), url).toBe(false)
    }
    expect(lines.every((l) => l.startsWith(`blocked ${kind} to `))).toBe(true)
    expect(lines).toHaveLength(10)
  })

  it('checks subframes too (will-frame-navigate)', () => {
    const { contents } = setup()
    expect(contents.navigate('will-frame-navigate', 'https://evil.net/frame', false)).toBe(false)
    expect(contents.navigate('will-frame-navigate', 'app://marginal/frame.html', false)).toBe(true)
  })

  it('follows the dev server origin when that is the renderer', () => {
    const { contents } = setup('http://localhost:5173')
    expect(contents.navigate('will-navigate', 'http://localhost:5173/index.html')).toBe(true)
    expect(contents.navigate('will-navigate', 'http://localhost:5174/index.html')).toBe(false)
    expect(contents.navigate('will-navigate', 'app://marginal/index.html')).toBe(false)
  })

  it('refuses every <webview>', () => {
    const { contents, lines } = setup()
    const event = preventable({})
    contents.emit('will-attach-webview', event, {}, {})
    expect(event.defaultPrevented).toBe(true)
    expect(lines).toEqual(['blocked a <webview>'])
  })
})

describe('window.open', () => {
  it("opens the renderer's own blob: report in a locked-down window", () => {
    const { contents, openExternal } = setup()
    const decision = contents.open('blob:app://marginal/0b7c2f4e-8a51-4c1f-9d0e-2f6a1b3c4d5e')
    expect(decision.action).toBe('allow')
    if (decision.action !== 'allow') return
    const prefs = decision.overrideBrowserWindowOptions.webPreferences
    expect(prefs).toMatchObject({
      plugins: false,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      contextIsolation: true,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      javascript: false,
      experimentalFeatures: false
    })
    // The opener's preload is not inherited.
    expect('preload' in prefs && prefs.preload === undefined).toBe(true)
    expect(openExternal).not.toHaveBeenCalled()
  })

  it('denies blob: URLs of any other origin, and every other scheme', () => {
    const { contents, openExternal, lines } = setup()
    for (const url of ['blob:https://evil.net/uuid', 'blob:null/uuid', 'file:///etc/passwd', 'http://www.deribit.com/', 'javascript:alert(1)', 'about:blank', '', 'app://marginal/index.html']) {
      expect(contents.open(url), url).toEqual({ action: 'deny' })
    }
    expect(openExternal).not.toHaveBeenCalled()
    expect(lines).toHaveLength(8)
  })

  it('hands https links to openExternal (which applies the allow-list) and still denies the window', () => {
    const { contents, openExternal } = setup()
    expect(contents.open('https://www.deribit.com/kb/portfolio-margin')).toEqual({ action: 'deny' })
    expect(contents.open('https://evil.net/')).toEqual({ action: 'deny' })
    expect(openExternal.mock.calls.map((c) => c[0])).toEqual(['https://www.deribit.com/kb/portfolio-margin', 'https://evil.net/'])
  })

  it('hands out fresh report window options each time, so a merge into one cannot loosen the next', () => {
    const { log } = memoryLog()
    const policy = { trustedOrigin: APP_ORIGIN, openExternal: () => false, log }
    const first = decideWindowOpen('blob:app://marginal/x', policy)
    if (first.action === 'allow') Object.assign(first.overrideBrowserWindowOptions.webPreferences, { plugins: true, nodeIntegration: true })
    expect(decideWindowOpen('blob:app://marginal/y', policy)).toEqual({ action: 'allow', overrideBrowserWindowOptions: reportWindowOptions() })
    expect(reportWindowOptions().webPreferences).toMatchObject({ plugins: false, nodeIntegration: false })
  })
})
