/**
 * The contract over HTTP, for the browser host: each method POSTs to /api/call/<method> with the
 * per-launch token; events arrive by Server-Sent Events. Replies are unwrapped and parsed with the
 * contract's schemas by bindApi, exactly as in the Electron bridge.
 */
import { bindApi, MarginalApiError, type MarginalApi } from '@contract/api'
import { HTTP_CALL_PREFIX, HTTP_EVENTS_PATH, HTTP_TOKEN_HEADER, TOKEN_QUERY_PARAM } from '@contract/channels'

export function createHttpApi(baseUrl: string, token: string): MarginalApi {
  const base = baseUrl.replace(/\/$/, '')
  const listeners = new Set<(raw: unknown) => void>()
  let source: EventSource | null = null

  return bindApi(
    async (method, req) => {
      const res = await fetch(`${base}${HTTP_CALL_PREFIX}${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [HTTP_TOKEN_HEADER]: token },
        body: JSON.stringify(req)
      })
      try {
        return (await res.json()) as unknown
      } catch {
        throw new MarginalApiError({ code: 'internal', message: `${method}: HTTP ${res.status} without a JSON reply` })
      }
    },
    (listener) => {
      listeners.add(listener)
      if (!source) {
        source = new EventSource(`${base}${HTTP_EVENTS_PATH}?${TOKEN_QUERY_PARAM}=${encodeURIComponent(token)}`)
        source.onmessage = (m: MessageEvent<string>) => {
          const event: unknown = JSON.parse(m.data)
          for (const l of listeners) l(event)
        }
      }
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0 && source) {
          source.close()
          source = null
        }
      }
    }
  )
}
