/**
 * The Electron preload bridge: exposes exactly the typed contract (`MarginalApi`) as
 * `window.marginal`, never a generic ipcRenderer. Each method invokes its own channel; the main
 * process validates payload and sender. Replies are envelopes, unwrapped and schema-checked here.
 */
import { contextBridge, ipcRenderer } from 'electron'
import { bindApi, type MarginalApi } from './contract/api'
import { IPC_EVENT_CHANNEL, ipcChannel } from './contract/channels'

const bridge: MarginalApi = bindApi(
  (method, req) => ipcRenderer.invoke(ipcChannel(method), req),
  (listener) => {
    const wrapped = (_: unknown, event: unknown): void => listener(event)
    ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped)
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, wrapped)
  }
)

contextBridge.exposeInMainWorld('marginal', bridge)
