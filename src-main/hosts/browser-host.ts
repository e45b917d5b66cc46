/**
 * The browser host: a local HTTP server on 127.0.0.1 serving the built renderer and the same typed
 * API the Electron preload exposes — POST /api/call/<method> for calls, Server-Sent Events on
 * /api/events for progress. Thin by design: every call goes through dispatch().
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { HTTP_CALL_PREFIX, HTTP_EVENTS_PATH, HTTP_TOKEN_HEADER, TOKEN_QUERY_PARAM } from '@contract/channels'
import type { Envelope } from '@contract/api'
import type { Services } from '../services/api-service'
import { dispatch } from '../services/dispatch'
import { isSettledReply } from '../services/settled-reply'
import { CONTENT_SECURITY_POLICY } from './csp'
import { checkHostAndOrigin, tokenMatches } from './request-guard'
import { readStaticFile } from './static-files'

export interface BrowserHostOptions {
  services: Services
  rendererDir: string
  /** 0 picks a free port. */
  port?: number
  token?: string
}

export interface BrowserHost {
  port: number
  token: string
  /** The URL to open, token included. */
  url: string
  close(): Promise<void>
}

const MAX_BODY_BYTES = 1_000_000
/** Statement imports carry the file: up to 64 M characters, up to 4 bytes each in UTF-8 JSON. */
const MAX_IMPORT_BODY_BYTES = 260_000_000
const bodyLimit = (method: string): number => (['previewImport', 'commitImport', 'inspectCsv'].includes(method) ? MAX_IMPORT_BODY_BYTES : MAX_BODY_BYTES)
const SSE_HEARTBEAT_MS = 15_000

const STATUS_OF: Record<string, number> = {
  invalid_request: 400, refused: 403, rejected_rows: 422, unreadable_file: 422, not_found: 404, cancelled: 409, internal: 500,
  // The book file: busy is worth a retry; a view-only or newer book refuses the write; the disk lacks room.
  book_busy: 503, book_read_only: 409, book_damaged: 409, book_newer: 409, disk_full: 507
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8'): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': CONTENT_SECURITY_POLICY
  })
  res.end(body)
}

/** The JSON of settled replies (services/settled-reply.ts), written once per reply, not once per request. */
const settledJson = new WeakMap<object, string>()
function envelopeJson(envelope: Envelope): string {
  if (!envelope.ok || !isSettledReply(envelope.value)) return JSON.stringify(envelope)
  let json = settledJson.get(envelope.value)
  if (json === undefined) settledJson.set(envelope.value, (json = JSON.stringify(envelope.value)))
  return `{"ok":true,"value":${json}}`
}

const sendEnvelope = (res: ServerResponse, status: number, envelope: Envelope): void => send(res, status, envelopeJson(envelope))

const refuse = (res: ServerResponse, status: number, message: string): void =>
  sendEnvelope(res, status, { ok: false, error: { code: status === 401 || status === 403 ? 'refused' : 'invalid_request', message } })

async function readJsonBody(req: IncomingMessage, limit: number): Promise<{ ok: true; value: unknown } | { ok: false; status: number; message: string }> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) return { ok: false, status: 413, message: `request body is larger than ${limit} bytes` }
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return { ok: true, value: {} }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (e) {
    return { ok: false, status: 400, message: `request body is not valid JSON: ${(e as Error).message}` }
  }
}

export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url')
  const sseClients = new Set<ServerResponse>()
  let port = 0

  const server = createServer((req, res) => {
    void handle(req, res).catch((e: Error) => {
      if (!res.headersSent) refuse(res, 500, `internal error: ${e.message}`)
      else res.end()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const verdict = checkHostAndOrigin(req, port)
    if (verdict) return refuse(res, verdict.status, verdict.message)
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)

    if (url.pathname.startsWith('/api/')) {
      const presented = req.headers[HTTP_TOKEN_HEADER] ?? url.searchParams.get(TOKEN_QUERY_PARAM)
      if (!tokenMatches(Array.isArray(presented) ? presented[0] : presented, token)) {
        return refuse(res, 401, 'refused: missing or wrong workstation token (use the URL printed at start-up)')
      }
      if (url.pathname === HTTP_EVENTS_PATH && req.method === 'GET') return openEventStream(res)
      if (url.pathname.startsWith(HTTP_CALL_PREFIX) && req.method === 'POST') {
        const method = url.pathname.slice(HTTP_CALL_PREFIX.length)
        const body = await readJsonBody(req, bodyLimit(method))
        if (!body.ok) return refuse(res, body.status, body.message)
        const envelope = await dispatch(opts.services.handlers, method, body.value)
        return sendEnvelope(res, envelope.ok ? 200 : (STATUS_OF[envelope.error.code] ?? 500), envelope)
      }
      return refuse(res, 404, `no API route ${req.method} ${url.pathname}`)
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, `${req.method} is not allowed here`)
    const file = await readStaticFile(opts.rendererDir, url.pathname)
    if (!file) return send(res, 404, 'not found', 'text/plain; charset=utf-8')
    res.writeHead(200, {
      'content-type': file.type,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'referrer-policy': 'no-referrer'
    })
    res.end(req.method === 'HEAD' ? undefined : file.body)
  }

  function openEventStream(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive'
    })
    res.write(': connected\n\n')
    sseClients.add(res)
    res.on('close', () => sseClients.delete(res))
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve())
  })
  port = (server.address() as AddressInfo).port

  // Subscribe only once listening, so a failed listen (port taken) leaves nothing behind.
  const unsubscribe = opts.services.events.on((event) => {
    const frame = `data: ${JSON.stringify(event)}\n\n`
    for (const client of sseClients) client.write(frame)
  })
  const heartbeat = setInterval(() => {
    for (const client of sseClients) client.write(': heartbeat\n\n')
  }, SSE_HEARTBEAT_MS)
  heartbeat.unref()

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?${TOKEN_QUERY_PARAM}=${token}`,
    async close() {
      unsubscribe()
      clearInterval(heartbeat)
      for (const client of sseClients) client.end()
      // close() waits for every open connection; a browser tab keeps keep-alive and SSE
      // connections open indefinitely, so drop them once no new ones are accepted.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    }
  }
}
