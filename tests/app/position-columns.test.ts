/**
 * listPositionColumns (contract: positions) is listPositions column by column: the same rows once
 * turned back by positionRowsOf, validated by the same field schemas, and refused when its columns
 * disagree in length or a row is valued in some fields only.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import engineWorkerPath from '../../src-main/workers/engine.worker?modulePath'
import { openBook } from '../../src-main/book/open-book'
import { WorkerPool } from '../../src-main/workers/pool'
import { createServices, type Services } from '../../src-main/services/api-service'
import { dispatch } from '../../src-main/services/dispatch'
import { PositionColumnsResponse, positionColumnsOf, positionRowsOf, type PositionsResponse } from '../../src-preload/contract/positions'

let s: Services
let demo: number
beforeAll(async () => {
  s = createServices({ book: openBook(join(mkdtempSync(join(tmpdir(), 'marginal-columns-')), 'book.sqlite')), pool: new WorkerPool(engineWorkerPath, 1), host: 'browser' })
  const books = await dispatch(s.handlers, 'listBooks', {})
  demo = (books.ok ? (books.value as { id: number; kind: string }[]) : []).find((b) => b.kind === 'demo')!.id
})
afterAll(() => s.close())

async function value<T>(method: string): Promise<T> {
  const r = await dispatch(s.handlers, method, { bookId: demo })
  if (!r.ok) throw new Error(r.error.message)
  return r.value as T
}

describe('positions column by column', () => {
  it('turns back into exactly the rows listPositions gives, in fewer bytes', async () => {
    const rows = await value<PositionsResponse>('listPositions')
    const columns = await value<PositionColumnsResponse>('listPositionColumns')
    expect(rows.rows.length).toBeGreaterThan(5)
    expect(rows.rows.some((r) => r.valuation === null)).toBe(false)
    expect(positionRowsOf(columns)).toEqual(rows)
    expect(JSON.stringify(columns).length).toBeLessThan(0.6 * JSON.stringify(rows).length)
  })

  it('keeps a row without a valuation as such', async () => {
    const rows = await value<PositionsResponse>('listPositions')
    const withUnvalued: PositionsResponse = { ...rows, rows: [...rows.rows, { ...rows.rows[0]!, positionId: 999_999, valuation: null, valuationError: 'not priced: no such symbol' }] }
    const columns = PositionColumnsResponse.parse(JSON.parse(JSON.stringify(positionColumnsOf(withUnvalued))))
    expect(positionRowsOf(columns)).toEqual(withUnvalued)
  })

  it('refuses columns of different lengths and a row valued in some fields only', async () => {
    const columns = await value<PositionColumnsResponse>('listPositionColumns')
    const short = structuredClone(columns)
    short.columns.symbol.pop()
    const a = PositionColumnsResponse.safeParse(short)
    expect(a.success).toBe(false)
    expect(a.error!.issues[0]!.path).toEqual(['columns', 'symbol'])
    const half = structuredClone(columns)
    ;(half.valuation.deltaCoin as (number | null)[])[2] = null
    const b = PositionColumnsResponse.safeParse(half)
    expect(b.success).toBe(false)
    expect(b.error!.issues[0]!.path).toEqual(['valuation', 'deltaCoin', 2])
    const wrong = structuredClone(columns)
    ;(wrong.columns.kind as string[])[0] = 'swap'
    expect(PositionColumnsResponse.safeParse(wrong).success).toBe(false)
  })
})
