/**
 * The one API contract between the renderer and the main process, merged from one file per domain
 * (common, books, cash, positions, import-statements, margin, risk, whatif, hedge, report, alerts, market-fetch, explain, venue-summary): each
 * names its methods with their request and response schemas. Adding a method is one entry in its
 * domain's table; `MarginalApi`, `bindApi` and the hosts' dispatch follow from the table.
 * The Electron preload bridge and the browser host's HTTP client are both built by `bindApi`, and
 * both main-side hosts validate against the schemas.
 */
import type { z } from 'zod'
import { ApiEvent, Envelope, type ApiError, commonMethods } from './common'
import { booksMethods } from './books'
import { cashMethods } from './cash'
import { positionsMethods } from './positions'
import { importMethods } from './import-statements'
import { marginMethods } from './margin'
import { riskMethods } from './risk'
import { whatifMethods } from './whatif'
import { hedgeMethods } from './hedge'
import { reportMethods } from './report'
import { alertsMethods } from './alerts'
import { marketFetchMethods } from './market-fetch'
import { explainMethods } from './explain'
import { venueSummaryMethods } from './venue-summary'

export type * from './common'
export type * from './books'
export type * from './cash'
export type * from './positions'
export type * from './import-statements'
export type * from './margin'
export type * from './risk'
export type * from './whatif'
export type * from './hedge'
export type * from './report'
export type * from './alerts'
export type * from './market-fetch'
export type * from './explain'
export type * from './venue-summary'

export const apiMethods = {
  ...commonMethods,
  ...booksMethods,
  ...cashMethods,
  ...positionsMethods,
  ...importMethods,
  ...marginMethods,
  ...riskMethods,
  ...whatifMethods,
  ...hedgeMethods,
  ...reportMethods,
  ...alertsMethods,
  ...marketFetchMethods,
  ...explainMethods,
  ...venueSummaryMethods
} as const

export type MethodName = keyof typeof apiMethods
export const methodNames = Object.keys(apiMethods) as MethodName[]

export type RequestOf<M extends MethodName> = z.input<(typeof apiMethods)[M]['request']>
export type ParsedRequestOf<M extends MethodName> = z.output<(typeof apiMethods)[M]['request']>
export type ResponseOf<M extends MethodName> = z.output<(typeof apiMethods)[M]['response']>

/** What the renderer calls: every method of the table (its documentation is on its table entry), and the event stream. */
export type MarginalApi = { [M in MethodName]: (req: RequestOf<M>) => Promise<ResponseOf<M>> } & {
  /** Subscribe to main-process events (task progress, engine status); returns the unsubscribe. */
  onEvent(listener: (event: ApiEvent) => void): () => void
}

/** One call over some transport: returns the raw reply envelope. */
export type Invoke = <M extends MethodName>(method: M, req: RequestOf<M>) => Promise<unknown>

/**
 * Build the API over a transport (IPC in the preload, HTTP in the browser host). Every reply is
 * unwrapped and parsed with the method's response schema, whichever transport carried it.
 */
export function bindApi(invoke: Invoke, subscribe: (listener: (raw: unknown) => void) => () => void): MarginalApi {
  const call =
    <M extends MethodName>(method: M) =>
    async (req: RequestOf<M>): Promise<ResponseOf<M>> =>
      unwrapEnvelope(method, await invoke(method, req))
  const methods = Object.fromEntries(methodNames.map((m) => [m, call(m)])) as { [M in MethodName]: ReturnType<typeof call<M>> }
  return {
    ...methods,
    onEvent: (listener) =>
      subscribe((raw) => {
        const event = ApiEvent.safeParse(raw)
        if (event.success) listener(event.data)
        else console.error('Marginal: dropped an event that breaks the contract', raw, event.error.issues[0])
      })
  }
}

/** The error a caller sees; `field` names the offending request field for invalid requests. */
export class MarginalApiError extends Error {
  readonly code: ApiError['code']
  readonly field: string | undefined
  constructor(error: ApiError) {
    super(error.message)
    this.name = 'MarginalApiError'
    this.code = error.code
    this.field = error.field
  }
}

/** Turn an envelope into the value (parsed by the method's response schema) or a thrown error. */
export function unwrapEnvelope<M extends MethodName>(method: M, raw: unknown): ResponseOf<M> {
  const envelope = Envelope.safeParse(raw)
  if (!envelope.success) {
    throw new MarginalApiError({ code: 'internal', message: `${method}: malformed reply from the main process` })
  }
  if (!envelope.data.ok) throw new MarginalApiError(envelope.data.error)
  const parsed = apiMethods[method].response.safeParse(envelope.data.value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new MarginalApiError({
      code: 'internal',
      message: `${method}: reply does not match the contract at "${issue?.path.join('.') ?? ''}": ${issue?.message ?? ''}`
    })
  }
  return parsed.data as ResponseOf<M>
}
