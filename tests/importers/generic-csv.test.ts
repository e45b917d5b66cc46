import { describe, expect, it } from 'vitest'
import { commit, emptyBook, fixture, positionsOf, preview } from '../support/import-book'
import { inspectCsv, type GenericMapping } from '../../src-main/importers/formats/generic-csv'

const FILE = 'broker-trades-semicolon.csv'
const mapping: GenericMapping = {
  venue: 'deribit', time: 'Zeit', instrument: 'Kontrakt', side: null, size: 'Menge', price: 'Preis', fee: 'Gebühr',
  feeCurrency: 'BTC', id: 'Ref', decimalComma: true, accountName: 'My broker'
}

describe('generic CSV with a column mapping (semicolons, decimal commas, signed sizes)', () => {
  it('inspectCsv shows the header and sample rows the mapper offers', () => {
    const { header, sample, rows } = inspectCsv(fixture(FILE).text, FILE)
    expect(header).toEqual(['Zeit', 'Kontrakt', 'Menge', 'Preis', 'Gebühr', 'Ref'])
    expect(sample[1]).toEqual(['2024-03-01 11:00:00', 'BTC-29MAR24-70000-C', '2,5', '0,0345', '0,0003', 'A2'])
    expect(rows).toBe(4)
  })

  it('imports through the mapping, with the same diagnostics and idempotency as built-in formats', () => {
    const { db, bookId } = emptyBook()
    expect(() => preview(db, bookId, fixture(FILE))).toThrow(/not a statement format Marginal knows/)
    const p = preview(db, bookId, fixture(FILE), { format: 'generic-csv', mapping })
    expect(p).toMatchObject({ format: 'generic-csv', accountName: 'My broker', rejected: 1, trades: { new: 3, duplicate: 0 } })
    expect(p.issues[0]).toMatchObject({ line: 5, column: 'Menge', reason: "'abc' is not a number" })
    commit(db, bookId, fixture(FILE), true, { format: 'generic-csv', mapping })
    expect(positionsOf(db, 'My broker')).toEqual({
      'BTC-29MAR24-70000-C': { size: 2.5, avg: 0.0345, kind: 'option' },
      'BTC-PERPETUAL': { size: 600, avg: 62_000.5, kind: 'perpetual' }
    })
    expect(preview(db, bookId, fixture(FILE), { format: 'generic-csv', mapping }).trades).toEqual({ new: 0, duplicate: 3 })
  })

  it('says which mapped column the file lacks', () => {
    const { db, bookId } = emptyBook()
    expect(() => preview(db, bookId, fixture(FILE), { format: 'generic-csv', mapping: { ...mapping, price: 'Kurs' } })).toThrow(
      /broker-trades-semicolon.csv: the mapping names column\(s\) the file does not have: Kurs/
    )
  })
})
