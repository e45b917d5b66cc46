/** IPC channel names and HTTP routes, in one place so hosts and clients cannot drift. */
import type { MethodName } from './api'

export const IPC_EVENT_CHANNEL = 'marginal:event'
export const ipcChannel = (method: MethodName): string => `marginal:call:${method}`

export const HTTP_CALL_PREFIX = '/api/call/'
export const HTTP_EVENTS_PATH = '/api/events'
export const HTTP_TOKEN_HEADER = 'x-marginal-token'
export const TOKEN_QUERY_PARAM = 'token'
