/**
 * Validate the sender of every IPC call (Electron security checklist 17, after VS Code's
 * validatedIpcMain): only the main window's own main frame, showing a page of the renderer's exact
 * origin, may call the API. A report window, a subframe, or the main window after a navigation that
 * slipped past the guard are all refused.
 */
import { hasOrigin } from './origins'

export interface SenderFrame {
  url: string
}
export interface IpcSenderEvent<C, F extends SenderFrame> {
  sender: C
  senderFrame: F | null
}

export function isTrustedSender<C, F extends SenderFrame>(event: IpcSenderEvent<C, F>, main: { contents: C; mainFrame: F } | null, trustedOrigin: string): boolean {
  const frame = event.senderFrame
  return main !== null && event.sender === main.contents && frame !== null && frame === main.mainFrame && hasOrigin(frame.url, trustedOrigin)
}
