/**
 * A local stand-in for a venue's public HTTP API: a node:http server on 127.0.0.1 (port 0, so the
 * system picks a free one) that replays recorded replies by path and query and records every
 * request it got, so a test can assert exactly what was sent. A request no route matches gets 404
 * (and is recorded too). No test touches the internet.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'

export interface ReplayRoute {
  path: string
  /** Every parameter given must match; parameters not named here (e.g. timestamps) are free. */
  query?: Record<string, string>
  /** The reply: a JSON file, a value (sent as JSON), or raw text (a broken reply). */
  file?: string
  json?: unknown
  text?: string
  status?: number
}

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  headers: IncomingHttpHeaders
}

export interface ReplayServer {
  /** http://127.0.0.1:PORT, plus the prefix given (e.g. /api/v2 for Deribit). */
  baseUrl: string
  requests: RecordedRequest[]
  close(): Promise<void>
}

export async function startReplayServer(routes: readonly ReplayRoute[], prefix = ''): Promise<ReplayServer> {
  const requests: RecordedRequest[] = []
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const query = Object.fromEntries(url.searchParams)
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname
    requests.push({ method: req.method ?? '', path, query, headers: req.headers })
    const route = routes.find((r) => r.path === path && Object.entries(r.query ?? {}).every(([k, v]) => query[k] === v))
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `no recorded reply for ${path}?${url.searchParams}` }))
      return
    }
    const body = route.text ?? (route.file !== undefined ? readFileSync(route.file, 'utf8') : JSON.stringify(route.json))
    res.writeHead(route.status ?? 200, { 'content-type': 'application/json' }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}${prefix}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((e) => (e ? reject(e) : resolve()))
      })
  }
}
