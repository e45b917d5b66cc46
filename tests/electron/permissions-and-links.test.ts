/**
 * Permissions (src-main/electron/permissions.ts) and external links (external-links.ts) with a fake
 * session and a fake shell: every permission request and check is refused, devices too; only
 * https URLs on exact allow-listed venue/docs hosts reach shell.openExternal.
 */
import { describe, expect, it, vi } from 'vitest'
import { ALLOWED_PERMISSIONS, installPermissionHandlers, type PermissionSession } from '../../src-main/electron/permissions'
import { EXTERNAL_HOSTS, isAllowedExternal, openExternalSafely } from '../../src-main/electron/external-links'
import { memoryLog } from './fakes'

// Electron 45's permission names (Session.setPermissionRequestHandler in electron.d.ts).
const PERMISSIONS = ['ar', 'automatic-fullscreen', 'background-fetch', 'background-sync', 'captured-surface-control', 'clipboard-read', 'clipboard-sanitized-write', 'deprecated-sync-clipboard-read', 'display-capture', 'fileSystem', 'fullscreen', 'geolocation', 'geolocation-approximate', 'hand-tracking', 'hid', 'idle-detection', 'keyboardLock', 'local-fonts', 'local-network', 'local-network-access', 'loopback-network', 'media', 'mediaKeySystem', 'midi', 'midiSysex', 'nfc', 'notifications', 'openExternal', 'payment-handler', 'periodic-background-sync', 'persistent-storage', 'pointerLock', 'screen-wake-lock', 'sensors', 'serial', 'smart-card', 'speaker-selection', 'storage-access', 'system-wake-lock', 'top-level-storage-access', 'usb', 'vr', 'web-app-installation', 'web-printing', 'window-management', 'unknown']

function fakeSession() {
  const handlers: {
    request?: Parameters<PermissionSession['setPermissionRequestHandler']>[0]
    check?: Parameters<PermissionSession['setPermissionCheckHandler']>[0]
    device?: Parameters<PermissionSession['setDevicePermissionHandler']>[0]
  } = {}
  const session: PermissionSession = {
    setPermissionRequestHandler: (h) => void (handlers.request = h),
    setPermissionCheckHandler: (h) => void (handlers.check = h),
    setDevicePermissionHandler: (h) => void (handlers.device = h)
  }
  return { session, handlers }
}

describe('permission handlers', () => {
  it('the app needs no permission', () => {
    expect(ALLOWED_PERMISSIONS).toEqual([])
  })

  it('refuses every permission request, and logs it', () => {
    const { session, handlers } = fakeSession()
    const { lines, log } = memoryLog()
    installPermissionHandlers(session, log)
    for (const p of PERMISSIONS) {
      const callback = vi.fn()
      handlers.request!({}, p, callback)
      expect(callback, p).toHaveBeenCalledExactlyOnceWith(false)
    }
    expect(lines).toHaveLength(PERMISSIONS.length)
    expect(lines[0]).toBe("refused the permission request 'ar'")
  })

  it('answers every permission check no, and every device request no', () => {
    const { session, handlers } = fakeSession()
    installPermissionHandlers(session, () => {})
    for (const p of PERMISSIONS) expect(handlers.check!({}, p, 'app://marginal'), p).toBe(false)
    expect(handlers.device!({ deviceType: 'usb', origin: 'app://marginal' })).toBe(false)
  })

  it('grants a permission only when it is listed', () => {
    const { session, handlers } = fakeSession()
    installPermissionHandlers(session, () => {}, ['clipboard-sanitized-write'])
    const yes = vi.fn()
    const no = vi.fn()
    handlers.request!({}, 'clipboard-sanitized-write', yes)
    handlers.request!({}, 'media', no)
    expect(yes).toHaveBeenCalledWith(true)
    expect(no).toHaveBeenCalledWith(false)
    expect(handlers.check!({}, 'clipboard-sanitized-write', 'app://marginal')).toBe(true)
    expect(handlers.check!({}, 'notifications', 'app://marginal')).toBe(false)
  })
})

describe('openExternal allow-list', () => {
  it('opens https URLs on the listed venue and docs hosts', () => {
    for (const url of ['https://www.deribit.com/kb/portfolio-margin', 'https://docs.deribit.com/#private-get_account_summary', 'https://www.okx.com/help', 'https://www.cmegroup.com/clearing/risk-management/span-overview.html']) {
      expect(isAllowedExternal(url), url).toBe(true)
    }
    expect(EXTERNAL_HOSTS.every((h) => h === h.toLowerCase() && !h.includes('/'))).toBe(true)
  })

  it('refuses other schemes, other hosts, look-alikes, credentials and explicit ports', () => {
    for (const url of [
      'http://www.deribit.com/',
      'file:///etc/passwd',
      'smb://server/share',
      'ms-msdt:/id PCWDiagnostic',
      'javascript:alert(1)',
      'https://deribit.com.evil.net/',
      'https://www.deribit.com.evil.net/',
      'https://evil.net/www.deribit.com',
      'https://evil-deribit.com/',
      'https://www.deribit.com@evil.net/',
      'https://user:pw@www.deribit.com/',
      'https://www.deribit.com:8443/',
      'https://test.deribit.com/',
      'not a url'
    ]) {
      expect(isAllowedExternal(url), url).toBe(false)
    }
  })

  it('calls shell.openExternal only for allowed URLs, and logs refusals', async () => {
    const shell = { openExternal: vi.fn(() => Promise.resolve()) }
    const { lines, log } = memoryLog()
    expect(openExternalSafely(shell, 'https://www.bybit.com/en/help-center', log)).toBe(true)
    expect(openExternalSafely(shell, 'https://phishing.example/login', log)).toBe(false)
    expect(openExternalSafely(shell, 'file:///C:/Windows/System32/calc.exe', log)).toBe(false)
    expect(shell.openExternal).toHaveBeenCalledExactlyOnceWith('https://www.bybit.com/en/help-center')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^refused to open an external link/)
  })

  it('logs, and does not throw, when the system cannot open a link', async () => {
    const shell = { openExternal: vi.fn(() => Promise.reject(new Error('no browser'))) }
    const { lines, log } = memoryLog()
    openExternalSafely(shell, 'https://www.okx.com/', log)
    await new Promise((r) => setTimeout(r, 0))
    expect(lines).toEqual(['could not open https://www.okx.com/: no browser'])
  })
})
