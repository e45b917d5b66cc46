import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import engineWorkerPath from '../../src-main/workers/engine.worker?modulePath'
import { openBook } from '../../src-main/book/open-book'
import { WorkerPool } from '../../src-main/workers/pool'
import { createServices } from '../../src-main/services/api-service'
import { booksCommand, positionsCommand } from '../../src-main/cli/commands'
import { formatTable } from '../../src-main/cli/format-table'

const services = createServices({
  book: openBook(join(mkdtempSync(join(tmpdir(), 'marginal-cli-')), 'book.sqlite')),
  pool: new WorkerPool(engineWorkerPath, 1),
  host: 'browser'
})
afterAll(() => services.close())

const capture = () => {
  const lines: string[] = []
  return { io: { out: (t: string) => lines.push(t) }, text: () => lines.join('\n') }
}

describe('cli', () => {
  it('books lists the demo book as a table and as JSON', async () => {
    const table = capture()
    expect(await booksCommand(services, table.io, false)).toBe(0)
    expect(table.text()).toMatch(/^Id\s+Name\s+Kind/)
    expect(table.text()).toMatch(/2\s+Live book\s+live\s+—\s+0\s+0/)
    expect(table.text()).toMatch(/1\s+Demo book \(demo\)\s+demo\s+—\s+3\s+36/)
    const json = capture()
    await booksCommand(services, json.io, true)
    expect(JSON.parse(json.text())).toMatchObject([{ id: 2, name: 'Live book', kind: 'live', positionCount: 0 }, { id: 1, name: 'Demo book', kind: 'demo', positionCount: 36 }])
  })

  it('positions prints every position of a book with units; by default the (empty) live book', async () => {
    const live = capture()
    expect(await positionsCommand(services, live.io, { json: false })).toBe(0)
    expect(live.text()).toMatch(/^Book 2: 0 positions/)
    const out = capture()
    expect(await positionsCommand(services, out.io, { bookId: 1, json: false })).toBe(0)
    const text = out.text()
    expect(text).toMatch(/^Book 1: 36 positions, market demo-2026-11-20T09:00Z as of 2026-11-20T09:00:00.000Z/)
    expect(text.split('\n')).toHaveLength(1 + 2 + 36) // title, header, rule, rows
    expect(text).toMatch(/Deribit main\s+BTC\s+perpetual\s+BTC-PERPETUAL\s+-25000\s+-2\.7058\s+92395\s+USD/)
    const json = capture()
    await positionsCommand(services, json.io, { bookId: 1, json: true })
    expect(JSON.parse(json.text()).rows).toHaveLength(36)
  })

  it('positions of a missing book fails with the API message', async () => {
    await expect(positionsCommand(services, capture().io, { bookId: 42, json: false })).rejects.toThrow('book 42 does not exist')
  })

  it('formatTable right-aligns numeric columns and shows missing values as a dash', () => {
    expect(formatTable(['Name', 'Qty'], [['a', 5], ['bb', null], ['c', -12.5]])).toBe(
      ['Name    Qty', '----  -----', 'a         5', 'bb        —', 'c     -12.5'].join('\n')
    )
  })
})
