/**
 * The packaged renderer is served from app://marginal/ instead of file:// (Electron security
 * checklist 18): file:// pages share one origin with every file on the disk and get extra
 * privileges; app://marginal is an origin of its own, which the CSP's 'self', the navigation guard
 * and the IPC sender check can name exactly. The handler serves files under the renderer folder
 * only (no `..`, no other host, GET/HEAD only) with the app's Content-Security-Policy as a header
 * (in addition to index.html's meta tag), its own content types, and nosniff.
 *
 * index.ts registers the scheme as privileged before `ready` (APP_SCHEME_PRIVILEGES) and passes
 * this handler to `protocol.handle`. Pure Node (fs and the global Response), so it is tested on
 * real files without Electron.
 */
import { readFile, stat } from 'node:fs/promises'
import { isAbsolute, relative, resolve } from 'node:path'
import { contentTypeOf } from '../hosts/static-files'
import { APP_HOST, APP_SCHEME } from './origins'

/** For protocol.registerSchemesAsPrivileged: a standard, secure scheme that fetch() may use (the renderer loads no other). */
export const APP_SCHEME_PRIVILEGES = { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }

export interface ProtocolRequest {
  url: string
  method: string
}

const plain = (status: number, text: string): Response => new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })

export function createAppProtocolHandler(opts: { root: string; csp: string }): (request: ProtocolRequest) => Promise<Response> {
  const root = resolve(opts.root)
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'method not allowed')
    let url: URL
    let path: string
    try {
      url = new URL(request.url)
      path = decodeURIComponent(url.pathname)
    } catch {
      return plain(400, 'bad request')
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host.toLowerCase() !== APP_HOST) return plain(404, 'not found')
    if (path.includes('\0')) return plain(400, 'bad request')
    const file = resolve(root, `.${path === '/' ? '/index.html' : path}`)
    const rel = relative(root, file)
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return plain(403, 'forbidden')
    try {
      if (!(await stat(file)).isFile()) return plain(404, 'not found')
    } catch {
      return plain(404, 'not found')
    }
    const headers = {
      'Content-Type': contentTypeOf(file),
      'Content-Security-Policy': opts.csp,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache'
    }
    if (request.method === 'HEAD') return new Response(null, { status: 200, headers })
    return new Response(new Uint8Array(await readFile(file)), { status: 200, headers })
  }
}
