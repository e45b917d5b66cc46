/**
 * The host's warm-up (services/warm-up.ts) asks for the grid of the book the workstation reopens,
 * and the positions memo (services/positions/handlers.ts) keeps that answer only while it is right:
 * a what-if edit, from this connection or another, gives the next request the new positions.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import engineWorkerPath from '../../src-main/workers/engine.worker?modulePath'
import { openBook } from '../../src-main/book/open-book'
import { WorkerPool } from '../../src-main/workers/pool'
import { createServices, type Services } from '../../src-main/services/api-service'
import { dispatch } from '../../src-main/services/dispatch'
import { bookTheWorkstationOpens, warmUp } from '../../src-main/services/warm-up'

const open: Services[] = []
function services(path: string): Services {
  const s = createServices({ book: openBook(path), pool: new WorkerPool(engineWorkerPath, 1), host: 'browser' })
  open.push(s)
  return s
}
afterEach(async () => {
  for (const s of open.splice(0)) await s.close()
})

async function call<T>(s: Services, method: string, payload: unknown): Promise<T> {
  const r = await dispatch(s.handlers, method, payload)
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`)
  return r.value as T
}
type Book = { id: number; kind: string }
type Positions = { rows: { positionId: number; sizeContracts: number; valuation: { valueUsd: number } | null }[] }

describe('warm-up and the positions memo', () => {
  it('warms the book the workstation reopens, as the session store picks it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'marginal-warm-')), 'book.sqlite')
    const s = services(path)
    const books = await call<Book[]>(s, 'listBooks', {})
    // A new file: its empty live book first, the demo beside it.
    expect(await bookTheWorkstationOpens(s)).toBe(books.find((b) => b.kind === 'live')!.id)
    const demo = books.find((b) => b.kind === 'demo')!.id
    await call(s, 'setUiState', { key: 'app.book', value: demo })
    expect(await bookTheWorkstationOpens(s)).toBe(demo)
    // A book that is gone: the live book again.
    await call(s, 'setUiState', { key: 'app.book', value: 9999 })
    expect(await bookTheWorkstationOpens(s)).toBe(books.find((b) => b.kind === 'live')!.id)
    await call(s, 'setUiState', { key: 'app.book', value: demo })
    await warmUp(s)
    // The warmed answer is the one a fresh connection computes.
    const fresh = await call<Positions>(services(path), 'listPositions', { bookId: demo })
    expect(await call<Positions>(s, 'listPositions', { bookId: demo })).toEqual(fresh)
    expect(fresh.rows.length).toBeGreaterThan(5)
  })

  it('answers with the new positions after an edit on this connection or another', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'marginal-warm-')), 'book.sqlite')
    const s = services(path)
    const demo = (await call<Book[]>(s, 'listBooks', {})).find((b) => b.kind === 'demo')!.id
    const copy = await call<Book>(s, 'copyBook', { bookId: demo, name: 'What-if memo' })
    const before = await call<Positions>(s, 'listPositions', { bookId: copy.id })
    const first = before.rows.find((r) => r.valuation !== null)!
    // Edited here: the memo sees its own connection's write.
    await call(s, 'editPositions', { bookId: copy.id, resize: [{ positionId: first.positionId, sizeContracts: first.sizeContracts * 2 }] })
    const after = await call<Positions>(s, 'listPositions', { bookId: copy.id })
    const edited = after.rows.find((r) => r.positionId === first.positionId)!
    expect(edited.sizeContracts).toBe(first.sizeContracts * 2)
    expect(edited.valuation!.valueUsd).toBeCloseTo(first.valuation!.valueUsd * 2, 6)
    // Edited from another connection (as the import worker writes): the memo sees the file's new version.
    const other = services(path)
    await call(other, 'editPositions', { bookId: copy.id, resize: [{ positionId: first.positionId, sizeContracts: 0 }] })
    const closed = await call<Positions>(s, 'listPositions', { bookId: copy.id })
    expect(closed.rows.some((r) => r.positionId === first.positionId)).toBe(false)
    expect(closed.rows.length).toBe(before.rows.length - 1)
    // Unchanged: the same answer again, the very object (checked once: services/settled-reply.ts),
    // frozen all the way down, so no caller can change what the next one gets.
    const again = await call<Positions>(s, 'listPositions', { bookId: copy.id })
    expect(again).toBe(closed)
    expect(() => again.rows.sort((a, b) => b.positionId - a.positionId)).toThrow(TypeError)
    expect(() => {
      again.rows[0]!.sizeContracts = 1
    }).toThrow(TypeError)
    expect(await call<Positions>(s, 'listPositions', { bookId: copy.id })).toEqual(closed)
    // A reply no handler keeps is checked and copied each time.
    expect(await call<Book[]>(s, 'listBooks', {})).not.toBe(await call<Book[]>(s, 'listBooks', {}))
  })
})
