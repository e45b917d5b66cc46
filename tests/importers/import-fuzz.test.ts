/**
 * Mutation fuzzing of statement imports: every mutated file either imports or fails with a
 * message naming the file, never with a bare runtime error, and a failed commit writes nothing.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../../src-main/engine/random/mulberry32'
import { ImportRefusedError } from '../../src-main/services/import-service'
import { commit, emptyBook, FIXTURES, preview, snapshotBook } from '../support/import-book'
import { hasSharedData, sharedData } from '../support/shared-data'

const MUTATIONS = 2000
const rand = mulberry32(20261121)
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
const NASTY = [',', '"', '\n', '\r\n', ';', '-', '.', 'E', 'e+309', 'NaN', '', '0', '-0', '1e-320', 'Infinity', '<', '>', '&', '\u0000', 'Ω', '2024-02-30', '99999999999999999999']

function mutate(text: string): string {
  let t = text
  const n = 1 + Math.floor(rand() * 4)
  for (let k = 0; k < n; k++) {
    const at = Math.floor(rand() * Math.max(1, t.length))
    const lines = t.split('\n')
    switch (Math.floor(rand() * 8)) {
      case 0: t = t.slice(0, at) + t.slice(at + 1 + Math.floor(rand() * 10)); break
      case 1: t = t.slice(0, at) + pick(NASTY) + t.slice(at); break
      case 2: t = t.slice(0, at); break
      case 3: { const i = Math.floor(rand() * lines.length); lines.splice(i, 0, lines[Math.floor(rand() * lines.length)] ?? ''); t = lines.join('\n'); break }
      case 4: { const i = Math.floor(rand() * lines.length); const j = Math.floor(rand() * lines.length); [lines[i], lines[j]] = [lines[j]!, lines[i]!]; t = lines.join('\n'); break }
      case 5: { const i = 1 + Math.floor(rand() * Math.max(1, lines.length - 1)); const cells = (lines[i] ?? '').split(','); cells[Math.floor(rand() * cells.length)] = pick(NASTY); lines[i] = cells.join(','); t = lines.join('\n'); break }
      case 6: t = t.replace(/\d+(\.\d+)?/, pick(NASTY)); break
      default: { const cells = (lines[0] ?? '').split(','); cells[Math.floor(rand() * cells.length)] = pick(['X', 'Amount', 'Position', 'ID', '']); lines[0] = cells.join(','); t = lines.join('\n') }
    }
  }
  return t
}

const seeds: { fileName: string; text: string }[] = readdirSync(FIXTURES).map((f) => ({ fileName: f, text: readFileSync(join(FIXTURES, f), 'utf8') }))
for (const f of ['statements/binance_transaction_history_statement.csv', 'statements/ibkr_flex_activity_futures_synthetic.xml']) {
  if (hasSharedData(f)) seeds.push({ fileName: f.split('/')[1]!, text: readFileSync(sharedData(f), 'utf8') })
}

describe('import fuzzing', () => {
  it(`${MUTATIONS} mutated statements: no crash, no bare stack trace, no partial write`, () => {
    let book = emptyBook()
    const outcomes = { imported: 0, refused: 0, unreadable: 0 }
    const examples = new Set<string>()
    for (let n = 0; n < MUTATIONS; n++) {
      if (n % 150 === 0) book = emptyBook()
      const seed = pick(seeds)
      const file = { fileName: seed.fileName, text: mutate(seed.text) }
      const before = snapshotBook(book.db)
      try {
        preview(book.db, book.bookId, file)
        commit(book.db, book.bookId, file, rand() < 0.7)
        outcomes.imported++
      } catch (e) {
        const err = e as Error
        // A user-facing refusal: an Error (not a TypeError or the like) whose message names the file.
        expect(err.constructor === Error || err instanceof ImportRefusedError, `${err.name}: ${err.message}\n${file.text.slice(0, 300)}`).toBe(true)
        expect(err.message, err.stack).toContain(file.fileName)
        expect(snapshotBook(book.db)).toBe(before)
        if (err instanceof ImportRefusedError) outcomes.refused++
        else outcomes.unreadable++
        if (examples.size < 6) examples.add(err.message.split('\n')[0]!.replace(/[^:]*: /, '').slice(0, 110))
      }
      const bad = book.db.prepare('SELECT COUNT(*) AS n FROM positions WHERE NOT (size_contracts = size_contracts AND abs(size_contracts) < 1e300)').get() as { n: number }
      expect(bad.n).toBe(0)
    }
    console.log(`import fuzzing: ${outcomes.imported} imported, ${outcomes.refused} refused with rejected rows, ${outcomes.unreadable} unreadable files; e.g.\n  ${[...examples].join('\n  ')}`)
    expect(outcomes.imported).toBeGreaterThan(MUTATIONS / 10)
    expect(outcomes.refused + outcomes.unreadable).toBeGreaterThan(MUTATIONS / 10)
  }, 120_000)
})
