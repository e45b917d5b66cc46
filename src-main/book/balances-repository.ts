import type { BookDb } from './database'

export interface AccountBalance {
  accountId: number
  accountName: string
  currency: string
  amount: number
}

export function setBalance(db: BookDb, accountId: number, currency: string, amount: number): void {
  if (!Number.isFinite(amount)) throw new RangeError(`balance ${currency}: ${amount} is not a finite amount`)
  db.prepare('INSERT INTO account_balances (account_id, currency, amount) VALUES (?, ?, ?) ON CONFLICT (account_id, currency) DO UPDATE SET amount = excluded.amount').run(accountId, currency.toUpperCase(), amount)
}

export function listBalances(db: BookDb, bookId: number): AccountBalance[] {
  return (
    db
      .prepare(
        `SELECT b.account_id, a.name AS account_name, b.currency, b.amount FROM account_balances b
         JOIN accounts a ON a.id = b.account_id WHERE a.book_id = ? ORDER BY a.name, b.currency`
      )
      .all(bookId) as { account_id: number; account_name: string; currency: string; amount: number }[]
  ).map((r) => ({ accountId: r.account_id, accountName: r.account_name, currency: r.currency, amount: r.amount }))
}
