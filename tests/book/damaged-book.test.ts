/**
 * Issue 19, acceptance 3: a book with a damaged data page opens read-only as 'damaged', refuses
 * every write naming the file, and saves a repaired copy that passes integrity_check and holds every
 * readable row; a read-only file (or folder) opens view-only and still shows its positions.
 */
import { createHash } from 'node:crypto'
import { chmodSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import engineWorkerPath from '../../src-main/workers/engine.worker?modulePath'
import type { MethodName, RequestOf } from '@contract/api'
import { openBook } from '../../src-main/book/open-book'
import { openBookDatabase } from '../../src-main/book/database'
import { migrations, latestSchemaVersion } from '../../src-main/book/migrations'
import { WorkerPool } from '../../src-main/workers/pool'
import { createServices, type Services } from '../../src-main/services/api-service'
import { dispatch } from '../../src-main/services/dispatch'
import { addTrades, damageTradesPage } from '../support/damaged-book'
import { fixture } from '../support/import-book'

const DEMO = 1
const LIVE = 2
const pool = new WorkerPool(engineWorkerPath, 1)
afterAll(() => pool.close())

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'marginal-damaged-'))
const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

function servicesOn(path: string): Services {
  // The pool is shared; closing the services would close it, so tests close the db alone.
  return createServices({ book: openBook(path), pool, host: 'browser' })
}

async function call<M extends MethodName>(s: Services, method: M, req: RequestOf<M>) {
  return dispatch(s.handlers, method, req)
}

describe('a book with a damaged data page', () => {
  it('opens read-only as damaged, refuses writes naming the file, and saves a repaired copy with every readable row', async () => {
    const dir = tempDir()
    const path = join(dir, 'book.sqlite')
    const seeded = openBook(path)
    seeded.db.close()
    addTrades(path, 6000)
    const damage = damageTradesPage(path)
    expect(damage.offset).toBeGreaterThan(4096 * 10)
    const before = sha(path)

    const s = servicesOn(path)
    try {
      const info = await call(s, 'appInfo', {})
      expect(info).toMatchObject({ ok: true, value: { bookState: 'damaged', bookPath: path } })
      if (info.ok) expect((info.value as { bookStateReason: string }).bookStateReason).toMatch(/SQLite's check/)

      // Viewable: the books and the demo book's positions (their pages are intact).
      const positions = await call(s, 'listPositions', { bookId: DEMO })
      expect(positions.ok).toBe(true)
      if (positions.ok) expect((positions.value as { rows: unknown[] }).rows).toHaveLength(36)

      // Every write is refused with the damaged code, naming the file; none is an "unreadable file".
      for (const [method, req] of [
        ['copyBook', { bookId: DEMO, name: 'copy of a damaged book' }],
        ['saveScenario', { name: 'later', scenario: { days: 1, underlyings: {} } }],
        ['commitImport', { bookId: LIVE, ...fixture('transaction_log-424242-BTC-2024-03-11.csv'), allowPartial: false }],
        // The import worker would open the file on a connection of its own: refused up front.
        ['previewImport', { bookId: LIVE, ...fixture('transaction_log-424242-BTC-2024-03-11.csv') }],
        ['removeDemo', {}]
      ] as const) {
        const reply = await call(s, method as MethodName, req as never)
        expect(reply.ok, method).toBe(false)
        if (!reply.ok) {
          expect(reply.error.code, `${method}: ${reply.error.message}`).toBe('book_damaged')
          expect(reply.error.message).toMatch(new RegExp(escape(path)))
        }
      }
      // The screen's own state is kept for the session, not refused.
      expect(await call(s, 'setUiState', { key: 'app.theme', value: 'dark' })).toEqual({ ok: true, value: { ok: true } })
      expect(await call(s, 'getUiState', { key: 'app.theme' })).toEqual({ ok: true, value: { key: 'app.theme', value: 'dark' } })

      const target = join(dir, 'repaired.sqlite')
      const repaired = await call(s, 'saveRepairedCopy', { path: target })
      expect(repaired.ok, JSON.stringify(repaired)).toBe(true)
      if (!repaired.ok) return
      const r = repaired.value as { path: string; method: string; integrity: string; rows: Record<string, number>; unreadable: { table: string }[] }
      expect(r).toMatchObject({ path: target, method: 'row-copy', integrity: 'ok' })
      expect(r.unreadable.map((u) => u.table)).toEqual(['trades'])
      expect(r.rows.trades).toBe(damage.tradesBefore - damage.tradesOnPage)

      const copy = new Database(target, { readonly: true })
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
      expect(copy.pragma('foreign_key_check')).toEqual([])
      expect(copy.pragma('user_version', { simple: true })).toBe(latestSchemaVersion)
      copy.close()
      // The copy opens as a normal book with the demo's positions.
      const reopened = servicesOn(target)
      expect(await call(reopened, 'appInfo', {})).toMatchObject({ ok: true, value: { bookState: 'ok' } })
      const again = await call(reopened, 'listPositions', { bookId: DEMO })
      if (again.ok) expect((again.value as { rows: unknown[] }).rows).toHaveLength(36)
      reopened.db.close()
    } finally {
      s.db.close()
    }
    // Opening and repairing left the damaged file exactly as it was.
    expect(sha(path)).toBe(before)
  })
})

describe('a read-only book', () => {
  it('(chmod 444) opens view-only: positions, margin and balances show; every write is refused naming the file', async () => {
    const dir = tempDir()
    const path = join(dir, 'book.sqlite')
    openBook(path).db.close()
    chmodSync(path, 0o444)
    try {
      const s = servicesOn(path)
      try {
        expect(await call(s, 'appInfo', {})).toMatchObject({ ok: true, value: { bookState: 'read-only', bookStateReason: 'the file is read-only' } })
        const positions = await call(s, 'listPositions', { bookId: DEMO })
        expect(positions.ok).toBe(true)
        if (positions.ok) expect((positions.value as { rows: unknown[] }).rows).toHaveLength(36)
        expect((await call(s, 'bookMargin', { bookId: DEMO })).ok).toBe(true)
        expect((await call(s, 'listBalances', { bookId: DEMO })).ok).toBe(true)
        for (const [method, req] of [
          ['copyBook', { bookId: DEMO, name: 'copy of a read-only book' }],
          ['commitImport', { bookId: LIVE, ...fixture('transaction_log-424242-BTC-2024-03-11.csv'), allowPartial: false }],
          ['removeDemo', {}]
        ] as const) {
          const reply = await call(s, method as MethodName, req as never)
          expect(reply.ok, method).toBe(false)
          if (!reply.ok) {
            expect(reply.error.code, `${method}: ${reply.error.message}`).toBe('book_read_only')
            expect(reply.error.message).toMatch(new RegExp(`the book ${escape(path)} is open read-only \\(the file is read-only\\)`))
          }
        }
        // A writable copy: VACUUM INTO reads it whole.
        const copy = await call(s, 'saveRepairedCopy', { path: join(dir, 'writable.sqlite') })
        expect(copy).toMatchObject({ ok: true, value: { method: 'vacuum', integrity: 'ok', unreadable: [], rowsLeftOut: 0 } })
      } finally {
        s.db.close()
      }
    } finally {
      chmodSync(path, 0o644)
    }
  })

  it('in a read-only folder opens view-only too', async () => {
    const dir = tempDir()
    const path = join(dir, 'book.sqlite')
    openBook(path).db.close()
    chmodSync(dir, 0o555)
    try {
      const book = openBookDatabase(path, { quickCheck: true })
      expect(book.state).toBe('read-only')
      expect(book.stateReason).toBe(`its folder ${dir} is read-only`)
      expect((book.db.prepare('SELECT COUNT(*) AS n FROM positions').get() as { n: number }).n).toBe(36)
      expect(() => book.db.prepare("INSERT INTO ui_state (key, value, updated_at) VALUES ('k', '1', 'now')").run()).toThrow(/readonly/)
      book.db.close()
    } finally {
      chmodSync(dir, 0o755)
    }
  })

  it('at an older schema is migrated in a private copy in memory, the file untouched', () => {
    const dir = tempDir()
    const path = join(dir, 'book.sqlite')
    const v1 = new Database(path)
    v1.exec(migrations[0]!.sql)
    v1.pragma('user_version = 1')
    v1.prepare("INSERT INTO books (name, kind, created_at) VALUES ('archived', 'live', 'now')").run()
    v1.close()
    chmodSync(path, 0o444)
    try {
      const before = sha(path)
      const book = openBookDatabase(path, { quickCheck: true })
      expect(book).toMatchObject({ state: 'read-only', schemaVersion: latestSchemaVersion })
      expect(book.db.memory).toBe(true)
      expect(book.db.prepare('SELECT name FROM books').all()).toEqual([{ name: 'archived' }])
      expect(() => book.db.prepare("INSERT INTO ui_state (key, value, updated_at) VALUES ('k', '1', 'now')").run()).toThrow(/readonly/)
      book.db.close()
      expect(sha(path)).toBe(before)
    } finally {
      chmodSync(path, 0o644)
    }
  })
})

