/**
 * Permissions (Electron security checklist 5): the workstation needs none. No camera, microphone,
 * notifications, geolocation, clipboard reads, MIDI, HID/serial/USB devices, fullscreen API or
 * anything else: every request is answered no, every check says no, and each refused request is
 * logged. `<input type="file">`, drag-and-drop of a statement and downloads need no permission.
 * A permission the app comes to need is one entry in ALLOWED_PERMISSIONS, with its reason.
 */

export const ALLOWED_PERMISSIONS: readonly string[] = []

export interface PermissionSession {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string, requestingOrigin: string) => boolean): void
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void
}

export function installPermissionHandlers(session: PermissionSession, log: (line: string) => void, allowed: readonly string[] = ALLOWED_PERMISSIONS): void {
  session.setPermissionRequestHandler((_webContents, permission, callback) => {
    const granted = allowed.includes(permission)
    if (!granted) log(`refused the permission request '${permission}'`)
    callback(granted)
  })
  session.setPermissionCheckHandler((_webContents, permission) => allowed.includes(permission))
  session.setDevicePermissionHandler(() => false)
}
