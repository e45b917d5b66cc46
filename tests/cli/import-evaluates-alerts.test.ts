/**
 * A command-line import changes the book as the workstation's does, so its margin alerts are
 * evaluated after it (issue 22, §1): `cli import` and the imports of `cli report` (the nightly job)
 * both go through importAndEvaluate. Nothing is evaluated after a dry run or a refused file.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { liveBook } from '../../src-main/book/books-repository'
import type { Services } from '../../src-main/services/api-service'
import { importAndEvaluate } from '../../src-main/cli/import-command'
import { reportCommand } from '../../src-main/cli/report-command'

const STATEMENT = join(import.meta.dirname, '../fixtures/statements/transaction_log-424242-BTC-2024-03-11.csv')
const opened: { close(): void }[] = []
afterEach(() => {
  for (const db of opened.splice(0)) db.close()
})

/** A real book file behind the services the import needs; the after-change step recorded, the report refused. */
function services() {
  const { db } = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-import-alerts-')), 'book.sqlite'))
  opened.push(db)
  const afterChange = vi.fn(async () => undefined)
  const s = {
    db,
    liveMarketOf: () => 'market-before',
    afterChange,
    events: { on: () => () => undefined },
    handlers: { marginReport: async () => Promise.reject(new Error('no printer in this test')) }
  } as unknown as Services
  return { s, afterChange, bookId: liveBook(db).id }
}
const io = { out: () => undefined, err: () => undefined }
const options = (bookId: number, dryRun = false) => ({ file: STATEMENT, bookId, dryRun, allowPartial: false, json: false, openingBalance: 'take' as const, openingBalances: [] })

describe('command-line imports evaluate the alerts', () => {
  it('cli import: after the commit, with the file and the live market as it was; not after a dry run', async () => {
    const { s, afterChange, bookId } = services()
    expect(await importAndEvaluate(s, io, options(bookId, true))).toBe(0)
    expect(afterChange).not.toHaveBeenCalled()
    expect(await importAndEvaluate(s, io, options(bookId))).toBe(0)
    expect(afterChange).toHaveBeenCalledWith('commitImport', { bookId, fileName: 'transaction_log-424242-BTC-2024-03-11.csv' }, null, 'market-before')
  })

  it('cli report --statement: the nightly import is evaluated too, before the report is asked for', async () => {
    const { s, afterChange, bookId } = services()
    await expect(reportCommand(s, io, { bookId, statements: [STATEMENT], markets: [], allowPartial: false, pageSize: 'A4', statistics: false, hedges: false })).rejects.toThrow()
    expect(afterChange).toHaveBeenCalledWith('commitImport', { bookId, fileName: 'transaction_log-424242-BTC-2024-03-11.csv' }, null, 'market-before')
  })
})
