/**
 * The main window's options (src-main/electron/window-options.ts) and the IPC sender check
 * (ipc-sender.ts) with fake frames: a sandboxed, isolated, Node-free window whose background follows
 * the OS colour scheme; only the main window's main frame on the renderer's exact origin may call.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { mainWindowOptions, WINDOW_BACKGROUND } from '../../src-main/electron/window-options'
import { isTrustedSender } from '../../src-main/electron/ipc-sender'
import { APP_ORIGIN } from '../../src-main/electron/origins'

describe('main window', () => {
  it('keeps the renderer sandboxed, isolated and without Node', () => {
    const o = mainWindowOptions({ preloadPath: '/app/out/preload/index.cjs', dark: false })
    expect(o.webPreferences).toEqual({
      preload: '/app/out/preload/index.cjs',
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
    })
    expect(o.show).toBe(false)
  })

  it("paints the OS scheme's background, the renderer's own --bg", () => {
    const css = readFileSync(new URL('../../src-renderer/src/theme/app.css', import.meta.url), 'utf8')
    const bg = [...css.matchAll(/--bg:\s*(#[0-9a-f]{6})/gi)].map((m) => m[1]!.toLowerCase())
    expect(bg.slice(0, 2)).toEqual([WINDOW_BACKGROUND.light, WINDOW_BACKGROUND.dark])
    expect(mainWindowOptions({ preloadPath: 'p', dark: true }).backgroundColor).toBe(WINDOW_BACKGROUND.dark)
    expect(mainWindowOptions({ preloadPath: 'p', dark: false }).backgroundColor).toBe(WINDOW_BACKGROUND.light)
  })
})

describe('IPC sender check', () => {
  const contents = { id: 1 }
  const mainFrame = { url: 'app://marginal/index.html' }
  const main = { contents, mainFrame }

  it('trusts the main frame of the main window on the app origin', () => {
    expect(isTrustedSender({ sender: contents, senderFrame: mainFrame }, main, APP_ORIGIN)).toBe(true)
  })

  it('refuses other windows, subframes, foreign origins, missing frames and a closed window', () => {
    expect(isTrustedSender({ sender: { id: 2 }, senderFrame: mainFrame }, main, APP_ORIGIN)).toBe(false)
    expect(isTrustedSender({ sender: contents, senderFrame: { url: 'app://marginal/index.html' } }, main, APP_ORIGIN)).toBe(false)
    expect(isTrustedSender({ sender: contents, senderFrame: null }, main, APP_ORIGIN)).toBe(false)
    expect(isTrustedSender({ sender: contents, senderFrame: mainFrame }, null, APP_ORIGIN)).toBe(false)
    for (const url of ['https://evil.net/', 'app://marginal.evil.net/index.html', 'file:///work/out/renderer/index.html', 'data:text/html,x']) {
      const frame = { url }
      expect(isTrustedSender({ sender: contents, senderFrame: frame }, { contents, mainFrame: frame }, APP_ORIGIN), url).toBe(false)
    }
  })
})
