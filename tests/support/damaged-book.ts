/**
 * Damage a real book the way a bad sector or a half-copied file does: fill its trades table with
 * rows, close it (checkpointed, no -wal left), then overwrite one of the table's leaf pages deep in
 * the file with garbage. The header and the schema stay intact, so SQLite opens the file and
 * `PRAGMA quick_check` fails. Plain better-sqlite3 only: the e2e specs use it too.
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import Database from 'better-sqlite3'

export interface Damage {
  /** The page overwritten (1-based) and its byte offset in the file. */
  page: number
  offset: number
  /** Trades in the book before the damage, and how many sat on the overwritten page. */
  tradesBefore: number
  tradesOnPage: number
}

/** Add `count` trades to the book's first position's account and instrument, in one transaction. */
export function addTrades(path: string, count: number): void {
  const db = new Database(path)
  try {
    const p = db.prepare('SELECT account_id AS a, instrument_id AS i FROM positions ORDER BY id LIMIT 1').get() as { a: number; i: number }
    db.prepare(
      `WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < ?)
       INSERT INTO trades (account_id, instrument_id, import_id, external_id, traded_at_ms, side, size_contracts, price, fee, fee_currency)
       SELECT ?, ?, NULL, 'filler-' || k, 1700000000000 + k * 1000, CASE k % 2 WHEN 0 THEN 'buy' ELSE 'sell' END, 1 + k % 7, 90000 + k, 0.0001, 'BTC' FROM n`
    ).run(count, p.a, p.i)
  } finally {
    db.close()
  }
}

/** Overwrite a trades leaf page past the tenth page (the middle one) with garbage; the book must be closed. */
export function damageTradesPage(path: string): Damage {
  const db = new Database(path)
  let damage: Omit<Damage, 'offset'> & { pageSize: number }
  try {
    db.pragma('wal_checkpoint(TRUNCATE)')
    const pageSize = db.pragma('page_size', { simple: true }) as number
    const leaves = db.prepare("SELECT pageno, ncell FROM dbstat WHERE name = 'trades' AND pagetype = 'leaf' AND pageno > 10 ORDER BY pageno").all() as { pageno: number; ncell: number }[]
    if (leaves.length < 3) throw new Error(`${path}: too few trades pages to damage one in the middle (${leaves.length})`)
    const leaf = leaves[Math.floor(leaves.length / 2)]!
    const { n } = db.prepare('SELECT COUNT(*) AS n FROM trades').get() as { n: number }
    damage = { page: leaf.pageno, tradesBefore: n, tradesOnPage: leaf.ncell, pageSize }
  } finally {
    db.close()
  }
  const offset = (damage.page - 1) * damage.pageSize
  const garbage = Buffer.alloc(damage.pageSize, 0)
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 131 + 17) & 0xff
  const fd = openSync(path, 'r+')
  try {
    writeSync(fd, garbage, 0, garbage.length, offset)
  } finally {
    closeSync(fd)
  }
  return { page: damage.page, offset, tradesBefore: damage.tradesBefore, tradesOnPage: damage.tradesOnPage }
}
