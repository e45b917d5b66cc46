/**
 * A command-line import changes the book as the workstation's does, so its margin alerts are
 * evaluated after it (issue 22, §1): `cli import` and the imports of `cli report` (the nightly job)
 * both go through importAndEvaluate, which evaluates once, after every file, with the live market
 * as it was before the first. Nothing is evaluated after a dry run or when nothing was imported.
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

const STATEMENTS = ['transaction_log-424242-BTC-2024-03-11.csv', 'transaction_log-555777-BTC-2024-03-12.csv'].map((f) => join(import.meta.dirname, '../fixtures/statements', f))
const BROKEN = join(import.meta.dirname, '../fixtures/statements/broker-trades-semicolon.csv')
const opened: { close(): void }[] = []
afterEach(() => {
  for (const db of opened.splice(0)) db.close()
})

/**
 * A real book file behind the services the import needs; the after-change step and the report
 * recorded (the report refused). What it calls the live market is the number of imports logged so
 * far: read after an import instead of before the first, it would say so.
 */
function services() {
  const { db } = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-import-alerts-')), 'book.sqlite'))
  opened.push(db)
  const afterChange = vi.fn(async () => undefined)
  const marginReport = vi.fn(async () => Promise.reject(new Error('no printer in this test')))
  const s = {
    db,
    liveMarketOf: () => `after ${(db.prepare('SELECT COUNT(*) AS n FROM imports').get() as { n: number }).n} imports`,
    afterChange,
    events: { on: () => () => undefined },
    handlers: { marginReport }
  } as unknown as Services
  return { s, afterChange, marginReport, bookId: liveBook(db).id }
}
const io = { out: () => undefined, err: () => undefined }
const options = (bookId: number, dryRun = false) => ({ bookId, dryRun, allowPartial: false, json: false, openingBalance: 'take' as const, openingBalances: [] })

describe('command-line imports evaluate the alerts', () => {
  it('cli import: after the commit, with the file and the live market as it was; not after a dry run', async () => {
    const { s, afterChange, bookId } = services()
    expect(await importAndEvaluate(s, io, [STATEMENTS[0]!], options(bookId, true))).toEqual({ code: 0, refused: null })
    expect(afterChange).not.toHaveBeenCalled()
    expect(await importAndEvaluate(s, io, [STATEMENTS[0]!], options(bookId))).toEqual({ code: 0, refused: null })
    expect(afterChange.mock.calls).toEqual([['commitImport', { bookId, fileName: 'transaction_log-424242-BTC-2024-03-11.csv' }, null, 'after 0 imports']])
  })

  it('cli report: its files evaluated once, after the last and before the report is asked for', async () => {
    const { s, afterChange, marginReport, bookId } = services()
    await expect(reportCommand(s, io, { bookId, statements: STATEMENTS, markets: [], allowPartial: false, pageSize: 'A4', statistics: false, hedges: false })).rejects.toThrow(/no printer in this test/)
    expect(afterChange.mock.calls).toEqual([['commitImport', { bookId, fileName: 'transaction_log-424242-BTC-2024-03-11.csv, transaction_log-555777-BTC-2024-03-12.csv' }, null, 'after 0 imports']])
    expect(afterChange.mock.invocationCallOrder[0]!).toBeLessThan(marginReport.mock.invocationCallOrder[0]!)
  })

  it('a file that cannot be read stops the run: what the files before it wrote is evaluated, no report is asked for', async () => {
    const { s, afterChange, marginReport, bookId } = services()
    await expect(reportCommand(s, io, { bookId, statements: [STATEMENTS[0]!, BROKEN, STATEMENTS[1]!], markets: [], allowPartial: false, pageSize: 'A4', statistics: false, hedges: false })).rejects.toThrow(/broker-trades-semicolon\.csv: not a statement format/)
    expect(afterChange.mock.calls).toEqual([['commitImport', { bookId, fileName: 'transaction_log-424242-BTC-2024-03-11.csv' }, null, 'after 0 imports']])
    expect(marginReport).not.toHaveBeenCalled()
  })
})
