/**
 * One public GET to a venue and its JSON reply, or a one-line error a trader can act on, naming the
 * venue, the endpoint and what went wrong (offline, refused, timed out, HTTP status, not JSON, a
 * field missing). Nothing but the URL goes out: no key, no cookie, no header identifying the book.
 */
import type { z } from 'zod'
import type { MarketFetchVenue } from '@contract/market-fetch'

/** The fetch the service uses (the global one; tests may pass their own). */
export type FetchFn = (url: string, init: { signal: AbortSignal; headers: Record<string, string> }) => Promise<{ ok: boolean; status: number; statusText: string; text(): Promise<string> }>

export const DEFAULT_TIMEOUT_MS = 10_000

export class MarketFetchError extends Error {
  constructor(readonly venue: MarketFetchVenue, message: string) {
    super(message)
    this.name = 'MarketFetchError'
  }
}

export interface VenueGet {
  venue: MarketFetchVenue
  label: string
  baseUrl: string
  fetchFn: FetchFn
  timeoutMs: number
  /** Every URL requested, in order (the reply lists them; tests assert them). */
  sent: string[]
}

/** The venue's label in messages: "Deribit", "OKX". */
export const VENUE_LABEL: Record<MarketFetchVenue, string> = { deribit: 'Deribit', okx: 'OKX' }

export function venueUrl(baseUrl: string, path: string, query: Record<string, string>): string {
  const qs = new URLSearchParams(query).toString()
  return `${baseUrl.replace(/\/+$/, '')}${path}${qs ? `?${qs}` : ''}`
}

/** Node's fetch wraps the socket's reason (ECONNREFUSED, ENOTFOUND) in `cause`. */
function networkReason(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause
  const code = cause?.code ?? (e as { code?: string }).code
  if (code === 'ECONNREFUSED') return 'connection refused'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found (offline?)'
  if (code === 'ECONNRESET') return 'connection reset'
  return cause?.message ?? (e as Error).message
}

/** The first issue of a reply that breaks the documented shape, as "field path: what" (`prefix`: where the part parsed sits). */
export function shapeIssue(error: z.ZodError, prefix: (string | number)[] = []): string {
  const issue = error.issues[0]!
  const path = [...prefix, ...issue.path].map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '')
  return `field ${path || '(reply)'}: ${issue.message.toLowerCase()}`
}

export async function getVenueJson<S extends z.ZodType>(get: VenueGet, endpoint: string, query: Record<string, string>, schema: S): Promise<z.output<S>> {
  const url = venueUrl(get.baseUrl, endpoint, query)
  get.sent.push(url)
  const where = `${get.label} ${endpoint} (${url})`
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), get.timeoutMs)
  let text: string
  try {
    const res = await get.fetchFn(url, { signal: controller.signal, headers: { accept: 'application/json' } })
    text = await res.text()
    if (!res.ok) throw new MarketFetchError(get.venue, `${where}: HTTP ${res.status} ${res.statusText}`.trim())
  } catch (e) {
    if (e instanceof MarketFetchError) throw e
    const reason = controller.signal.aborted ? `no reply within ${get.timeoutMs / 1000} s` : networkReason(e)
    throw new MarketFetchError(get.venue, `${where}: ${reason}`)
  } finally {
    clearTimeout(timer)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new MarketFetchError(get.venue, `${where}: the reply is not JSON`)
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) throw new MarketFetchError(get.venue, `${where}: ${shapeIssue(parsed.error)}`)
  return parsed.data
}
