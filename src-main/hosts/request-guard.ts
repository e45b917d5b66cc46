/**
 * Who may talk to the browser host. It binds 127.0.0.1 only, but any web page the user opens could
 * still send requests to it, so:
 * - Host must be our own address (defeats DNS rebinding: an attacker's name resolving to 127.0.0.1);
 * - Origin, when a browser sends one, must be our own origin (defeats cross-site requests);
 * - API calls carry the random per-launch token (defeats everything that never saw the printed URL).
 */
import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export interface GuardVerdict {
  status: number
  message: string
}

export function allowedOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`]
}

export function checkHostAndOrigin(req: IncomingMessage, port: number): GuardVerdict | null {
  const host = req.headers.host
  if (!host || !allowedOrigins(port).includes(`http://${host}`)) {
    return { status: 403, message: `refused: Host "${host ?? ''}" is not this workstation` }
  }
  const origin = req.headers.origin
  if (origin !== undefined && !allowedOrigins(port).includes(origin)) {
    return { status: 403, message: `refused: Origin "${origin}" is not this workstation` }
  }
  return null
}

export function tokenMatches(presented: string | null | undefined, token: string): boolean {
  if (!presented) return false
  const a = Buffer.from(presented)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}
