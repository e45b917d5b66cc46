/**
 * The app itself: version and host, UI state kept in the book file, the engine pool, tasks and their events, and the reply envelope every method shares.
 */
import { z } from 'zod'
import { AlertCheckView } from './alert-check'
import type { MethodTable } from './method-table'

export const EmptyRequest = z.object({}).strict()

export const HostKind = z.enum(['electron', 'browser'])

/** ok: read and written; read-only: the file or its folder cannot be written (view only); damaged: it failed SQLite's check on open (view only, save a repaired copy). */
export const BookState = z.enum(['ok', 'read-only', 'damaged'])

export const AppInfo = z.object({
  appVersion: z.string(),
  host: HostKind,
  bookPath: z.string(),
  schemaVersion: z.number().int(),
  sqliteVersion: z.string(),
  workerCount: z.number().int().positive(),
  bookState: BookState,
  /** Why the book is view only (what SQLite found, or what cannot be written); null when ok. */
  bookStateReason: z.string().nullable()
})

export const uiStateKey = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'letters, digits, dot, dash or underscore')

export const UiStateGetRequest = z.object({ key: uiStateKey }).strict()
export const UiStateGetResponse = z.object({ key: z.string(), value: z.unknown().nullable() })
export const UiStateSetRequest = z
  .object({ key: uiStateKey, value: z.unknown() })
  .strict()
  .refine((r) => r.value !== undefined && JSON.stringify(r.value).length <= 256_000, {
    message: 'must be JSON of at most 256,000 characters',
    path: ['value']
  })
export const OkResponse = z.object({ ok: z.literal(true) })

export const MatrixSelfTestRequest = z
  .object({
    taskId: z.string().min(1).max(64),
    positions: z.number().int().min(1).max(100_000),
    scenarios: z.number().int().min(1).max(10_000),
    seed: z.number().int().nonnegative().default(1)
  })
  .strict()
  // 20 M cells = 160 MB of Float64: the largest matrix worth holding in one process for a self-test.
  .refine((r) => r.positions * r.scenarios <= 20_000_000, {
    message: 'positions × scenarios must be at most 20,000,000 cells',
    path: ['scenarios']
  })

export const MatrixSelfTestResponse = z.object({
  taskId: z.string(),
  positions: z.number().int(),
  scenarios: z.number().int(),
  chunks: z.number().int(),
  workerCount: z.number().int(),
  durationMs: z.number(),
  /** Largest |pool column sum − single-thread column sum| over all scenarios. */
  maxAbsError: z.number(),
  worstScenarioIndex: z.number().int(),
  worstScenarioPnl: z.number()
})

export const CancelRequest = z.object({ taskId: z.string().min(1).max(64) }).strict()
export const CancelResponse = z.object({ cancelled: z.boolean() })

export const EngineStatus = z.object({
  workerCount: z.number().int(),
  busyWorkers: z.number().int(),
  queuedTasks: z.number().int(),
  workersReplaced: z.number().int(),
  tasksCompleted: z.number().int()
})


export const ApiEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('task.progress'),
    taskId: z.string(),
    done: z.number(),
    total: z.number()
  }),
  z.object({ type: z.literal('engine.status'), status: EngineStatus }),
  // Margin alerts raised or cleared by an evaluation (issue 22, §1; contract/alerts.ts has the views).
  z.object({
    type: z.literal('alerts.raised'),
    bookId: z.number().int().positive(),
    cause: z.string(),
    transitions: z.array(AlertCheckView.extend({ event: z.enum(['breach', 'clear']) }))
  }),
  // A fetch of public market data (Fetch now or a refresh) wrote a new market snapshot to this book
  // (issue 22, §3; contract/market-fetch.ts): the windows showing it re-read their market.
  z.object({ type: z.literal('market.fetched'), bookId: z.number().int().positive(), marketSnapshotId: z.string() })
])

/** refused = no or wrong token, or a foreign Host/Origin/frame: the caller is not the workstation. */
/** rejected_rows: an import refused because rows were rejected; nothing was written. */
/** unavailable: the machine lacks what the method needs (no Chromium to print a PDF); the message says what. */
/** missing_data: the book lacks what the method needs (a market snapshot, daily history); the message says what to import. */
/**
 * The book file itself, each message naming it: book_busy: another program held its write lock past
 * the busy timeout (nothing written; retry); book_read_only: the file or its folder cannot be
 * written (view only); book_damaged: it fails SQLite's check (view only; save a repaired copy);
 * disk_full: nothing was written; book_newer: written by a newer Marginal.
 */
export const ApiErrorCode = z.enum([
  'invalid_request', 'refused', 'not_found', 'missing_data', 'cancelled', 'rejected_rows', 'unreadable_file', 'unavailable', 'internal',
  'book_busy', 'book_read_only', 'book_damaged', 'disk_full', 'book_newer'
])
export const ApiError = z.object({
  code: ApiErrorCode,
  message: z.string(),
  /** Dotted path of the offending field for invalid_request. */
  field: z.string().optional()
})

/** Every reply, over IPC and HTTP alike: errors travel as values, not as transport failures. */
export const Envelope = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiError })
])

export type AppInfo = z.output<typeof AppInfo>
export type BookState = z.output<typeof BookState>
export type EngineStatus = z.output<typeof EngineStatus>
export type ApiEvent = z.output<typeof ApiEvent>
export type ApiError = z.output<typeof ApiError>
export type Envelope = z.output<typeof Envelope>

export const commonMethods = {
  appInfo: { request: EmptyRequest, response: AppInfo },
  getUiState: { request: UiStateGetRequest, response: UiStateGetResponse },
  setUiState: { request: UiStateSetRequest, response: OkResponse },
  runMatrixSelfTest: { request: MatrixSelfTestRequest, response: MatrixSelfTestResponse },
  cancelTask: { request: CancelRequest, response: CancelResponse },
  engineStatus: { request: EmptyRequest, response: EngineStatus }
} as const satisfies MethodTable
