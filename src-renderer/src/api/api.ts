/**
 * Picks the transport once at start-up: the Electron preload's `window.marginal`, else the browser
 * host's HTTP API with the token from the launch URL. Nothing else in the renderer knows which.
 */
import type { MarginalApi } from '@contract/api'
import { TOKEN_QUERY_PARAM } from '@contract/channels'
import { createHttpApi } from './http-api'

declare global {
  interface Window {
    marginal?: MarginalApi
  }
}

const TOKEN_STORAGE_KEY = 'marginal.token'

let api: MarginalApi | null = null

/** Returns null when running in a browser without a token (opened without the printed URL). */
export function connectApi(): MarginalApi | null {
  if (window.marginal) return (api = window.marginal)
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get(TOKEN_QUERY_PARAM)
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl)
    // Keep the token out of the address bar, screenshots and history; the tab keeps it.
    url.searchParams.delete(TOKEN_QUERY_PARAM)
    window.history.replaceState(null, '', url.pathname + url.search + url.hash)
  }
  const token = fromUrl ?? sessionStorage.getItem(TOKEN_STORAGE_KEY)
  return token ? (api = createHttpApi(window.location.origin, token)) : null
}

/**
 * The connected API, for the stores and composables: views reach it through a store or the
 * per-domain composables of lib/api/ (one per contract domain), never by calling this.
 */
export function useApi(): MarginalApi {
  if (!api) throw new Error('the API is not connected')
  return api
}
