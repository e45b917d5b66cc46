/**
 * Margin parameter sets edited by the user are kept in the book file (migration 5): validated before
 * anything is written, renamed when they differ from the shipped set, used by every margin run of
 * the book (API and CLI), replaced kind by kind by an explicit --params file, and dropped by reset.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { runCli } from '../../src-main/cli/main'
import { bookParamsOverride, paramSetViews, resetParamSet, saveParamSet } from '../../src-main/services/margin-params-store'
import { defaultParamDocument } from '../../src-main/services/margin-params'

const dir = mkdtempSync(join(tmpdir(), 'marginal-params-'))
const bookPath = join(dir, 'book.sqlite')
const auditCount = (db: ReturnType<typeof openBook>['db']): number => (db.prepare("SELECT count(*) AS n FROM audit_log WHERE entity = 'margin_params'").get() as { n: number }).n

async function cliJson(...argv: string[]): Promise<{ results: { method: string; currency: string; paramsId: string; initialMargin: number }[]; addOns: { currency: string; paramsId: string; initialMargin: number }[] }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli([...argv, '--book', bookPath, '--json'], { out: (t) => out.push(t), err: (t) => err.push(t) })
  expect(err.join('\n')).toBe('')
  expect(code).toBe(0)
  return JSON.parse(out.join('\n'))
}

describe('margin parameter sets saved in the book file', () => {
  it('an invalid edit writes nothing and names the field; an unchanged set keeps its id', () => {
    const book = openBook(bookPath)
    const doc = defaultParamDocument('add-ons') as unknown as { liquidity: { depthUsd: Record<string, { linear: number }> } }
    doc.liquidity.depthUsd.BTC!.linear = 0
    expect(() => saveParamSet(book.db, 'add-ons', doc)).toThrow(/add-ons parameters: invalid margin parameters at add-ons\.liquidity\.depthUsd\.BTC\.linear: /)
    expect(() => saveParamSet(book.db, 'var', {})).toThrow(/"var" is not a margin parameter set/)
    // A misspelt key is refused, never stored and silently ignored (the parameter would stay at its default).
    const pm = defaultParamDocument('deribit-pm') as unknown as { currencies: Record<string, Record<string, number>> }
    pm.currencies.BTC!.rnage = 0.2
    expect(() => saveParamSet(book.db, 'deribit-pm', pm)).toThrow(/invalid margin parameters at deribit-pm\.currencies\.BTC: Unrecognized key: "rnage"/)
    expect(paramSetViews(book.db).every((v) => v.userDocument === null)).toBe(true)
    expect(auditCount(book.db)).toBe(0)
    expect(saveParamSet(book.db, 'standard', defaultParamDocument('standard')).activeId).toBe('deribit-standard-2024')
    expect(resetParamSet(book.db, 'standard').userDocument).toBeNull()
    book.db.close()
  })

  it('a saved edit survives reopening, is used by cli margin on the book, and an explicit --params wins for its kind', async () => {
    const book = openBook(bookPath)
    const doc = defaultParamDocument('add-ons') as unknown as { liquidity: { defaultHalfSpreadLinear: number; defaultHalfSpreadOption: number } }
    const shipped = await cliJson('margin', '--book-id', '1')
    doc.liquidity.defaultHalfSpreadLinear *= 3
    doc.liquidity.defaultHalfSpreadOption *= 3
    const saved = saveParamSet(book.db, 'add-ons', doc, new Date('2026-11-21T10:15:00Z'))
    expect(saved.activeId).toBe('add-ons-house-2026+edited-2026-11-21T10:15Z')
    expect(auditCount(book.db)).toBe(3)
    book.db.close()

    const reopened = openBook(bookPath)
    expect(paramSetViews(reopened.db).find((v) => v.kind === 'add-ons')!.userDocument).toEqual({ ...doc, id: saved.activeId })
    expect(Object.keys(bookParamsOverride(reopened.db) as object)).toEqual(['add-ons'])
    reopened.db.close()

    const edited = await cliJson('margin', '--book-id', '1')
    edited.addOns.forEach((a, k) => {
      expect(a.paramsId).toBe(saved.activeId)
      // Every demo position is unquoted and small against its depth: the charge scales with the spread.
      expect(a.initialMargin).toBeCloseTo(3 * shipped.addOns[k]!.initialMargin, 9)
    })
    expect(edited.results.find((r) => r.method === 'deribit-pm')!.paramsId).toBe('deribit-pm-2024-06')

    const explicit = join(dir, 'params.json')
    writeFileSync(explicit, JSON.stringify({ 'add-ons': { ...defaultParamDocument('add-ons'), id: 'desk-add-ons' } }))
    const withFile = await cliJson('margin', '--book-id', '1', '--params', explicit)
    expect(withFile.addOns.map((a) => a.paramsId)).toEqual(shipped.addOns.map(() => 'desk-add-ons'))
  })
})
