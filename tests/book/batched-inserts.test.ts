/**
 * Imports write trades and ledger rows ROWS_PER_INSERT at a time (multiRowInserter, issue 20): the
 * rows land exactly as the one-row-per-statement path wrote them, in order, progress follows each
 * row, and a failing row leaves nothing of its transaction behind.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { insertTrades, ROWS_PER_INSERT, type NewTrade } from '../../src-main/book/trades-repository'
import { ledgerRowInserter } from '../../src-main/book/import-repository'

function book() {
  const { db } = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-batched-')), 'book.sqlite'))
  const { accountId, instrumentId } = db.prepare('SELECT account_id AS accountId, instrument_id AS instrumentId FROM positions LIMIT 1').get() as { accountId: number; instrumentId: number }
  return { db, accountId, instrumentId }
}

const tradesFor = (accountId: number, instrumentId: number, count: number, prefix = 't'): NewTrade[] =>
  Array.from({ length: count }, (_, i) => ({
    accountId, instrumentId, importId: null, externalId: `${prefix}-${i}`, tradedAtMs: 1_700_000_000_000 + i,
    side: i % 2 ? 'buy' : 'sell', sizeContracts: 1 + (i % 7), price: i % 5 ? 90_000 + i / 8 : null, fee: i / 1e6, feeCurrency: i % 3 ? 'BTC' : null
  }))

describe('batched inserts', () => {
  it('writes every trade, a partial last statement included, in order, with progress after each row', () => {
    const { db, accountId, instrumentId } = book()
    const count = 3 * ROWS_PER_INSERT + 7
    const trades = tradesFor(accountId, instrumentId, count)
    const seen: number[] = []
    expect(insertTrades(db, trades, (i) => seen.push(i))).toBe(count)
    expect(seen).toEqual(trades.map((_, i) => i))
    const rows = db
      .prepare("SELECT account_id, instrument_id, import_id, external_id, traded_at_ms, side, size_contracts, price, fee, fee_currency FROM trades WHERE external_id LIKE 't-%' ORDER BY id")
      .all() as Record<string, unknown>[]
    expect(rows).toEqual(
      trades.map((t) => ({
        account_id: t.accountId, instrument_id: t.instrumentId, import_id: null, external_id: t.externalId, traded_at_ms: t.tradedAtMs,
        side: t.side, size_contracts: t.sizeContracts, price: t.price, fee: t.fee, fee_currency: t.feeCurrency
      }))
    )
  })

  it('a failing row in a later statement leaves none of the batch written (one transaction)', () => {
    const { db, accountId, instrumentId } = book()
    const before = (db.prepare('SELECT COUNT(*) AS n FROM trades').get() as { n: number }).n
    const trades = tradesFor(accountId, instrumentId, 2 * ROWS_PER_INSERT + 3, 'dup')
    trades[ROWS_PER_INSERT + 4] = { ...trades[ROWS_PER_INSERT + 4]!, externalId: trades[2]!.externalId } // UNIQUE (account_id, external_id)
    expect(() => insertTrades(db, trades)).toThrow(/UNIQUE/)
    expect((db.prepare('SELECT COUNT(*) AS n FROM trades').get() as { n: number }).n).toBe(before)
  })

  it('ledger rows: add writes a full statement at a time, flush the rest', () => {
    const { db, accountId } = book()
    const insert = ledgerRowInserter(db)
    const count = ROWS_PER_INSERT + 3
    let written = 0
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        written += insert.add({ accountId, importId: null, externalId: `ledger-${i}`, atMs: 1_700_000_000_000 + i, kind: 'fee', currency: 'BTC', amount: -(i + 1) / 1e8, instrumentSymbol: i % 2 ? 'BTC-PERPETUAL' : null, note: null, movesCash: i % 4 !== 0 })
        if (i === ROWS_PER_INSERT - 2) expect(written).toBe(0)
      }
      expect(written).toBe(ROWS_PER_INSERT)
      written += insert.flush()
    })()
    expect(written).toBe(count)
    const rows = db.prepare("SELECT external_id, amount, instrument_symbol, moves_cash FROM cash_flows WHERE external_id LIKE 'ledger-%' ORDER BY id").all() as { external_id: string; amount: number; instrument_symbol: string | null; moves_cash: number }[]
    expect(rows.map((r) => r.external_id)).toEqual(Array.from({ length: count }, (_, i) => `ledger-${i}`))
    expect(rows.map((r) => r.amount)).toEqual(Array.from({ length: count }, (_, i) => -(i + 1) / 1e8))
    expect(rows.map((r) => r.moves_cash)).toEqual(Array.from({ length: count }, (_, i) => (i % 4 !== 0 ? 1 : 0)))
    expect(rows.map((r) => r.instrument_symbol)).toEqual(Array.from({ length: count }, (_, i) => (i % 2 ? 'BTC-PERPETUAL' : null)))
  })
})
