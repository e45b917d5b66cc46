/**
 * A fake MarginalApi for renderer tests: only the methods a test gives (each a vi.fn, so calls can
 * be asserted), UI state kept in a map, events emitted by hand. Every reply is parsed by the
 * method's response schema, as bindApi does, so a fixture that drifts from the contract fails.
 * Installed the way the Electron preload is: as window.marginal, then connectApi().
 */
import { vi } from 'vitest'
import { apiMethods, type ApiEvent, type MarginalApi, type MethodName } from '@contract/api'
import { positionColumnsOf } from '@contract/positions'
import { connectApi } from '../../../src-renderer/src/api/api'

export type FakeApi = MarginalApi & { emit(event: ApiEvent): void; uiState: Map<string, unknown> }

export function installFakeApi(methods: Partial<MarginalApi>, uiState: Record<string, unknown> = {}): FakeApi {
  const listeners = new Set<(event: ApiEvent) => void>()
  const ui = new Map(Object.entries(uiState))
  const defaults: Partial<MarginalApi> = {
    getUiState: async ({ key }) => ({ key, value: ui.get(key) ?? null }),
    setUiState: async ({ key, value }) => {
      ui.set(key, value)
      return { ok: true }
    },
    cancelTask: async () => ({ cancelled: true })
  }
  const api: Record<string, unknown> = {
    onEvent: vi.fn((listener: (event: ApiEvent) => void) => {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    }),
    emit: (event: ApiEvent) => listeners.forEach((l) => l(event)),
    uiState: ui
  }
  for (const [name, impl] of Object.entries({ ...defaults, ...methods })) {
    if (name === 'onEvent') continue
    const schema = apiMethods[name as MethodName].response
    api[name] = vi.fn(async (req: unknown) => schema.parse(await (impl as (r: unknown) => Promise<unknown>)(req)))
  }
  window.marginal = api as unknown as MarginalApi
  connectApi()
  return api as unknown as FakeApi
}

/** A reply the test releases when it chooses (a solve still running). */
export function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: Error): void } {
  let resolve!: (value: T) => void
  let reject!: (error: Error) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/**
 * listPositionColumns held until `release()` (an empty book then), writing 'listPositions asked' and
 * 'listPositions answered' into `order`: for tests of what waits for the positions (the host answers
 * one request at a time).
 */
export function heldPositions(order: string[]): { listPositionColumns: MarginalApi['listPositionColumns']; release(): void } {
  let release: () => void = () => undefined
  return {
    listPositionColumns: async ({ bookId }) => {
      order.push('listPositions asked')
      await new Promise<void>((r) => (release = r))
      order.push('listPositions answered')
      return positionColumnsOf({ bookId, marketSnapshotId: `snap-${bookId}`, asOfUtc: null, rows: [] })
    },
    release: () => release()
  }
}
