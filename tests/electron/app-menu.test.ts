/**
 * The native menu (src-main/electron/app-menu.ts): every renderer view with its Alt+key, the
 * report, the ticket and the palette; a click replays the shortcut in the page through the same
 * keydown the renderer already handles; accelerators are shown but left to the page on Linux and
 * Windows; About names the book and log files.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { VIEWS } from '@contract/views'
import { aboutText, acceleratorOf, buildMenuTemplate, shortcutScript, VIEW_ITEMS, type MenuItemSpec, type Shortcut } from '../../src-main/electron/app-menu'

const flat = (items: MenuItemSpec[]): MenuItemSpec[] => items.flatMap((i) => [i, ...flat(i.submenu ?? [])])
const menu = (platform: NodeJS.Platform, isPackaged = true) => {
  const actions = { sendShortcut: vi.fn<(s: Shortcut) => void>(), showAbout: vi.fn(), showLogFile: vi.fn() }
  return { template: buildMenuTemplate({ platform, isPackaged, actions }), actions }
}

describe('application menu', () => {
  it("lists exactly the renderer's views and keys: App.vue and the menu read one list", () => {
    const app = readFileSync(new URL('../../src-renderer/src/shell/App.vue', import.meta.url), 'utf8')
    expect(app).toMatch(/const NAV = VIEWS\b/)
    expect(VIEW_ITEMS).toBe(VIEWS)
    expect(VIEWS.length).toBeGreaterThan(10)
  })

  it('has a View item per view with its Alt shortcut; a click replays the key in the page', () => {
    const { template, actions } = menu('linux')
    const items = flat(template)
    for (const v of VIEW_ITEMS) {
      const item = items.find((i) => i.id === `view-${v.view}`)!
      expect(item.label).toBe(v.label)
      expect(item.accelerator).toBe(`Alt+${v.key.toUpperCase()}`)
      item.click!()
      expect(actions.sendShortcut).toHaveBeenLastCalledWith({ key: v.key, altKey: true })
    }
    const byId = (id: string) => items.find((i) => i.id === id)!
    expect(byId('report').accelerator).toBe('CmdOrCtrl+P')
    expect(byId('ticket').accelerator).toBe('F9')
    expect(byId('palette').accelerator).toBe('CmdOrCtrl+K')
    expect(byId('book-switcher').accelerator).toBe('Alt+B')
    byId('report').click!()
    expect(actions.sendShortcut).toHaveBeenLastCalledWith({ key: 'p', ctrlKey: true })
    byId('about').click!()
    expect(actions.showAbout).toHaveBeenCalledOnce()
    byId('log').click!()
    expect(actions.showLogFile).toHaveBeenCalledOnce()
  })

  it('leaves the keys to the page on Linux and Windows (shown, not registered)', () => {
    for (const platform of ['linux', 'win32'] as const) {
      const withKeys = flat(menu(platform).template).filter((i) => i.accelerator && !i.role)
      expect(withKeys.length).toBe(VIEW_ITEMS.length + 5)
      expect(withKeys.every((i) => i.registerAccelerator === false)).toBe(true)
    }
    expect(flat(menu('darwin').template).some((i) => 'registerAccelerator' in i)).toBe(false)
  })

  it('has no mnemonic that steals a view key (Alt+H is Hedging, Alt+B the book switcher)', () => {
    const mnemonics = menu('win32').template.map((i) => /&(\w)/.exec(i.label ?? '')?.[1]?.toLowerCase()).filter(Boolean)
    const viewKeys = new Set([...VIEW_ITEMS.map((v) => v.key), 'b'])
    expect(mnemonics.filter((m) => viewKeys.has(m!))).toEqual([])
  })

  it('follows the platform: app menu on macOS, Quit elsewhere; developer tools only unpackaged', () => {
    expect(menu('darwin').template[0]).toEqual({ role: 'appMenu' })
    expect(flat(menu('linux').template).some((i) => i.role === 'quit')).toBe(true)
    expect(flat(menu('linux').template).some((i) => i.role === 'toggleDevTools')).toBe(false)
    expect(flat(menu('linux', false).template).some((i) => i.role === 'toggleDevTools')).toBe(true)
    expect(menu('linux').template.some((i) => i.role === 'editMenu')).toBe(true)
  })

  it('replays a shortcut as the keydown App.vue listens for', () => {
    const seen: { type: string; init: Record<string, unknown> }[] = []
    class KeyboardEvent {
      constructor(public type: string, public init: Record<string, unknown>) {}
    }
    const window = { dispatchEvent: (e: KeyboardEvent) => void seen.push(e) }
    for (const s of [{ key: '3', altKey: true }, { key: 'k', ctrlKey: true }, { key: 'F9' }]) new Function('window', 'KeyboardEvent', shortcutScript(s))(window, KeyboardEvent)
    expect(seen).toEqual([
      { type: 'keydown', init: { key: '3', altKey: true, ctrlKey: false, bubbles: true, cancelable: true } },
      { type: 'keydown', init: { key: 'k', altKey: false, ctrlKey: true, bubbles: true, cancelable: true } },
      { type: 'keydown', init: { key: 'F9', altKey: false, ctrlKey: false, bubbles: true, cancelable: true } }
    ])
    expect(acceleratorOf({ key: 'h', altKey: true })).toBe('Alt+H')
  })

  it('About names the version, the book file and the log file', () => {
    const t = aboutText({ appVersion: '0.1.0', bookPath: '/home/u/.config/Marginal/book.sqlite', logPath: '/home/u/.config/Marginal/logs/marginal.log', versions: { electron: '45.4.1', chrome: '142', node: '22' } })
    expect(t.message).toBe('Marginal 0.1.0')
    expect(t.detail).toContain('Book file: /home/u/.config/Marginal/book.sqlite')
    expect(t.detail).toContain('Log file: /home/u/.config/Marginal/logs/marginal.log')
    expect(t.detail).toContain('Electron 45.4.1')
  })
})
