/**
 * Origins compared exactly, never by prefix: `https://app.example.com.evil.net` starts with
 * `https://app.example.com`, and `file:///home/u/app/../../etc` starts with `file:///home/u/app`.
 * Node's URL gives the opaque origin "null" to schemes it does not know (app:, blob: of app:), so
 * the origin is built here: scheme, lower-cased host and port; a blob: URL has its creator's origin.
 */

/** The scheme and host the packaged renderer is served from (src-main/electron/app-protocol.ts). */
export const APP_SCHEME = 'app'
export const APP_HOST = 'marginal'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/** `scheme://host[:port]` of a hierarchical URL, the creator's for blob:, null for anything else (file:, data:, about:, garbage). */
export function originOf(raw: string): string | null {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return null
  }
  if (url.protocol === 'blob:') return url.pathname.startsWith('blob:') ? null : originOf(url.pathname)
  if (url.protocol === 'file:' || url.protocol === 'data:' || url.protocol === 'about:' || url.protocol === 'javascript:') return null
  if (!url.host || url.username || url.password) return null
  return `${url.protocol}//${url.host.toLowerCase()}`
}

/** True only when `url` has exactly the origin `trusted` (itself given as an origin or a URL). */
export function hasOrigin(url: string, trusted: string): boolean {
  const want = originOf(trusted)
  return want !== null && originOf(url) === want
}

/** A blob: URL made by a page of the trusted origin (a report the renderer built). */
export function isOwnBlob(url: string, trusted: string): boolean {
  return schemeOf(url) === 'blob:' && hasOrigin(url, trusted)
}

/** The lower-cased scheme with its colon ('https:'), or null when `raw` is no URL. */
export function schemeOf(raw: string): string | null {
  try {
    return new URL(raw).protocol
  } catch {
    return null
  }
}
