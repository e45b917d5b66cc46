/**
 * An account's cash per currency: what account health reads as collateral.
 *
 * cash = anchor + the ledger's cash rows after the anchor's instant, where the anchor is the newest
 * balance a venue printed on an imported statement (Deribit's Balance, Bybit's Wallet Balance,
 * IBKR's endingCash…) or one the trader set by hand; with no anchor, the ledger alone (statements
 * that carry flows only, like Binance's). An older statement imported after a newer one moves
 * neither the anchor nor the cash: its rows are before the anchor. What-if books write `amount`
 * directly (their trades move premium through it) and have no ledger.
 */
import type { BookDb } from './database'
import { recordAudit } from './audit'

export interface AccountBalance {
  accountId: number
  accountName: string
  currency: string
  /** Cash in `currency`, before haircuts. */
  amount: number
  /**
   * Futures P&L the venue has realised but books to cash only at its next settlement (Deribit's
   * session P&L between 08:00 UTC settlements): part of equity, not yet cash.
   */
  unsettledPnl?: number
  /** Where `amount` is anchored (book balances only). */
  anchor?: BalanceAnchor | null
}

export interface BalanceAnchor {
  amount: number
  atMs: number
  source: 'statement' | 'manual' | 'seed'
  note: string | null
}

type AnchorRow = { anchor_amount: number | null; anchor_at_ms: number | null; anchor_source: BalanceAnchor['source'] | null; anchor_note: string | null }
const anchorOf = (r: AnchorRow | undefined): BalanceAnchor | null =>
  r && r.anchor_amount !== null && r.anchor_at_ms !== null && r.anchor_source !== null
    ? { amount: r.anchor_amount, atMs: r.anchor_at_ms, source: r.anchor_source, note: r.anchor_note }
    : null

const finite = (currency: string, amount: number): void => {
  if (!Number.isFinite(amount)) throw new RangeError(`balance ${currency}: ${amount} is not a finite amount`)
}

/** Write the amount as is (what-if books, copies). */
export function setBalance(db: BookDb, accountId: number, currency: string, amount: number): void {
  finite(currency, amount)
  db.prepare('INSERT INTO account_balances (account_id, currency, amount) VALUES (?, ?, ?) ON CONFLICT (account_id, currency) DO UPDATE SET amount = excluded.amount').run(accountId, currency.toUpperCase(), amount)
}

/** A what-if book's balance set by hand: as is, with an audit row (no anchor: what-if books have no statements). */
export function setWhatIfBalance(db: BookDb, a: { bookId: number; accountId: number; currency: string; amount: number; note: string | null }): void {
  db.transaction(() => {
    setBalance(db, a.accountId, a.currency, a.amount)
    recordAudit(db, { bookId: a.bookId, entity: 'balance', entityId: `${a.accountId}:${a.currency.toUpperCase()}`, action: 'set by hand', detail: { currency: a.currency.toUpperCase(), after: a.amount, note: a.note } })
  }).immediate()
}

/** The demo's shipped balances: anchored at the epoch, so they read like a statement's. */
export function setSeedBalance(db: BookDb, accountId: number, currency: string, amount: number): void {
  finite(currency, amount)
  db.prepare(
    `INSERT INTO account_balances (account_id, currency, amount, anchor_amount, anchor_at_ms, anchor_source, anchor_note) VALUES (?, ?, ?, ?, 0, 'seed', 'demo book')
     ON CONFLICT (account_id, currency) DO UPDATE SET amount = excluded.amount, anchor_amount = excluded.anchor_amount, anchor_at_ms = 0, anchor_source = 'seed', anchor_note = 'demo book'`
  ).run(accountId, currency.toUpperCase(), amount, amount)
}

export function balanceAnchor(db: BookDb, accountId: number, currency: string): BalanceAnchor | null {
  return anchorOf(db.prepare('SELECT anchor_amount, anchor_at_ms, anchor_source, anchor_note FROM account_balances WHERE account_id = ? AND currency = ?').get(accountId, currency.toUpperCase()) as AnchorRow | undefined)
}

/** The account's cash in `currency` as stored (spelled as given), undefined without a row. */
export function cashAmount(db: BookDb, accountId: number, currency: string): number | undefined {
  return (db.prepare('SELECT amount FROM account_balances WHERE account_id = ? AND currency = ?').get(accountId, currency) as { amount: number } | undefined)?.amount
}

/** Σ of the account's cash rows in `currency` with at_ms ≤ `atMs` (or all). */
export function ledgerSum(db: BookDb, accountId: number, currency: string, upToMs = Number.MAX_SAFE_INTEGER, afterMs = Number.MIN_SAFE_INTEGER): number {
  const row = db
    .prepare('SELECT COALESCE(SUM(amount), 0) AS s FROM cash_flows WHERE account_id = ? AND currency = ? AND moves_cash = 1 AND at_ms <= ? AND at_ms > ?')
    .get(accountId, currency.toUpperCase(), upToMs, afterMs) as { s: number }
  return row.s
}

/** Recompute the cash from the anchor and the ledger; returns it. Call after any ledger or anchor change. */
export function refreshCash(db: BookDb, accountId: number, currency: string): number {
  const ccy = currency.toUpperCase()
  const anchor = balanceAnchor(db, accountId, ccy)
  const amount = anchor ? anchor.amount + ledgerSum(db, accountId, ccy, Number.MAX_SAFE_INTEGER, anchor.atMs) : ledgerSum(db, accountId, ccy)
  db.prepare('INSERT INTO account_balances (account_id, currency, amount) VALUES (?, ?, ?) ON CONFLICT (account_id, currency) DO UPDATE SET amount = excluded.amount').run(accountId, ccy, amount)
  return amount
}

/**
 * A balance a statement printed at `atMs`: it becomes the anchor unless a newer one is already
 * there (an older statement never winds the cash back). Returns whether it did.
 */
export function anchorStatementBalance(db: BookDb, accountId: number, b: { currency: string; amount: number; atMs: number; note: string }): boolean {
  finite(b.currency, b.amount)
  const ccy = b.currency.toUpperCase()
  const current = balanceAnchor(db, accountId, ccy)
  if (current && current.atMs > b.atMs) return false
  db.prepare(
    `INSERT INTO account_balances (account_id, currency, amount, anchor_amount, anchor_at_ms, anchor_source, anchor_note) VALUES (?, ?, ?, ?, ?, 'statement', ?)
     ON CONFLICT (account_id, currency) DO UPDATE SET anchor_amount = excluded.anchor_amount, anchor_at_ms = excluded.anchor_at_ms, anchor_source = 'statement', anchor_note = excluded.anchor_note`
  ).run(accountId, ccy, b.amount, b.amount, b.atMs, b.note)
  refreshCash(db, accountId, ccy)
  return true
}

/**
 * The trader's own figure, for accounts whose statements carry no balance: anchored now, with an
 * audit row holding the old and new cash. Later ledger rows add to it; a later statement balance replaces it.
 */
export function setManualBalance(db: BookDb, a: { bookId: number; accountId: number; currency: string; amount: number; note: string | null }, now = new Date()): void {
  finite(a.currency, a.amount)
  const ccy = a.currency.toUpperCase()
  db.transaction(() => {
    const before = (db.prepare('SELECT amount FROM account_balances WHERE account_id = ? AND currency = ?').get(a.accountId, ccy) as { amount: number } | undefined)?.amount ?? null
    db.prepare(
      `INSERT INTO account_balances (account_id, currency, amount, anchor_amount, anchor_at_ms, anchor_source, anchor_note) VALUES (?, ?, ?, ?, ?, 'manual', ?)
       ON CONFLICT (account_id, currency) DO UPDATE SET amount = excluded.amount, anchor_amount = excluded.anchor_amount, anchor_at_ms = excluded.anchor_at_ms, anchor_source = 'manual', anchor_note = excluded.anchor_note`
    ).run(a.accountId, ccy, a.amount, a.amount, now.getTime(), a.note)
    recordAudit(db, { bookId: a.bookId, entity: 'balance', entityId: `${a.accountId}:${ccy}`, action: 'set by hand', detail: { currency: ccy, before, after: a.amount, note: a.note } }, now)
  }).immediate()
}

/**
 * The ledger reads unsettledPnl makes. Their WHERE terms are those of the partial indexes of
 * schema 10 (cash_flows_settling, cash_flows_session_pnl), word for word: SQLite uses a partial
 * index only when the query states its condition; tests/book/ledger-kind-indexes.test.ts checks.
 */
export const LAST_SETTLING_ROWS_SQL = `SELECT f.account_id, f.instrument_symbol AS symbol, MAX(f.at_ms) AS at_ms FROM cash_flows f JOIN accounts a ON a.id = f.account_id
       WHERE a.book_id = ? AND f.kind IN ('delivery', 'expiry_settlement', 'settlement') AND f.instrument_symbol IS NOT NULL
       GROUP BY f.account_id, f.instrument_symbol`
export const SESSION_PNL_ROWS_SQL = `SELECT f.account_id, f.currency, f.instrument_symbol AS symbol, f.at_ms, f.amount FROM cash_flows f JOIN accounts a ON a.id = f.account_id
       WHERE a.book_id = ? AND f.kind = 'session_pnl' AND f.moves_cash = 0`

/**
 * Per account and currency, the futures session P&L realised since the instrument's last
 * settlement, delivery or expiry (ledger rows of kind 'session_pnl', which do not move cash): what
 * Deribit counts in equity as futures_session_rpl until its next 08:00 UTC settlement books it.
 */
function unsettledPnl(db: BookDb, bookId: number): Map<string, number> {
  // Two grouped reads, then a pass: a correlated subquery per session_pnl row scanned the account's
  // whole ledger for each one (137 s for a 40,000-fill log).
  const ends = new Map<string, number>()
  const end = (accountId: number, symbol: string, atMs: number): void => {
    const key = `${accountId}\u0000${symbol}`
    if ((ends.get(key) ?? -Infinity) < atMs) ends.set(key, atMs)
  }
  // A settlement, a delivery, or Marginal's own expiry settlement books the session's P&L (a
  // closed position's settlement row carries no price, so the ledger rows count too).
  for (const r of db
    .prepare(
      `SELECT s.account_id, i.symbol, MAX(s.at_ms) AS at_ms FROM futures_settlements s
       JOIN instruments i ON i.id = s.instrument_id JOIN accounts a ON a.id = s.account_id
       WHERE a.book_id = ? GROUP BY s.account_id, i.symbol`
    )
    .all(bookId) as { account_id: number; symbol: string; at_ms: number }[]) end(r.account_id, r.symbol, r.at_ms)
  for (const r of db
    .prepare(LAST_SETTLING_ROWS_SQL)
    .all(bookId) as { account_id: number; symbol: string; at_ms: number }[]) end(r.account_id, r.symbol, r.at_ms)
  const out = new Map<string, number>()
  const rows = db
    .prepare(SESSION_PNL_ROWS_SQL)
    .all(bookId) as { account_id: number; currency: string; symbol: string | null; at_ms: number; amount: number }[]
  for (const r of rows) {
    if (r.at_ms <= (ends.get(`${r.account_id}\u0000${r.symbol ?? ''}`) ?? -Infinity)) continue
    const key = `${r.account_id}:${r.currency.toUpperCase()}`
    out.set(key, (out.get(key) ?? 0) + r.amount)
  }
  return out
}

export function listBalances(db: BookDb, bookId: number): AccountBalance[] {
  const pending = unsettledPnl(db, bookId)
  const rows = db
    .prepare(
      `SELECT b.account_id, a.name AS account_name, b.currency, b.amount, b.anchor_amount, b.anchor_at_ms, b.anchor_source, b.anchor_note FROM account_balances b
       JOIN accounts a ON a.id = b.account_id WHERE a.book_id = ? ORDER BY a.name, b.currency`
    )
    .all(bookId) as (AnchorRow & { account_id: number; account_name: string; currency: string; amount: number })[]
  const out: AccountBalance[] = rows.map((r) => ({
    accountId: r.account_id,
    accountName: r.account_name,
    currency: r.currency,
    amount: r.amount,
    unsettledPnl: pending.get(`${r.account_id}:${r.currency}`) ?? 0,
    anchor: anchorOf(r)
  }))
  // Unsettled P&L in a currency the account holds no cash row for yet.
  for (const [key, s] of pending) {
    const [accountId, currency] = key.split(':') as [string, string]
    if (out.some((b) => b.accountId === Number(accountId) && b.currency === currency)) continue
    const name = (db.prepare('SELECT name FROM accounts WHERE id = ?').get(Number(accountId)) as { name: string }).name
    out.push({ accountId: Number(accountId), accountName: name, currency, amount: 0, unsettledPnl: s, anchor: null })
  }
  return out
}
