/**
 * Cash per account and currency: read, and set by hand.
 */
import type { cashMethods } from '@contract/cash'
import { listAccounts, findAccountInBook } from '../../book/accounts-repository'
import { ledgerSum, listBalances, setManualBalance, setWhatIfBalance } from '../../book/balances-repository'
import { BookRefusedError } from '../../book/whatif-repository'
import { NotFoundError } from '../errors'
import type { HandlerSlice, ServiceContext } from '../service-context'

export function cashHandlers(ctx: ServiceContext): HandlerSlice<keyof typeof cashMethods> {
  const { db } = ctx
  const balancesOf = (bookId: number) => {
    ctx.bookContext(bookId)
    const accounts = listAccounts(db, bookId)
    const venues = new Map(accounts.map((a) => [a.id, a.venue]))
    return {
      bookId,
      accounts,
      balances: listBalances(db, bookId).map((b) => ({
        accountId: b.accountId,
        account: b.accountName,
        venue: venues.get(b.accountId) ?? '',
        currency: b.currency,
        amount: b.amount,
        unsettledPnl: b.unsettledPnl ?? 0,
        ledger: ledgerSum(db, b.accountId, b.currency),
        anchor: b.anchor ? { amount: b.anchor.amount, atUtc: new Date(b.anchor.atMs).toISOString(), source: b.anchor.source, note: b.anchor.note } : null
      }))
    }
  }
  return {
    listBalances: ({ bookId }) => balancesOf(bookId),
    setBalance: ({ bookId, accountId, currency, amount, note }) => {
      const { book } = ctx.bookContext(bookId)
      if (!findAccountInBook(db, bookId, accountId)) throw new NotFoundError(`account ${accountId} is not in "${book.name}"`)
      if (book.kind === 'demo') throw new BookRefusedError(`"${book.name}" is the demo book: copy it to a what-if book to change its balances`)
      const edit = { bookId, accountId, currency, amount, note: note ?? null }
      if (book.kind === 'live') setManualBalance(db, edit)
      else setWhatIfBalance(db, edit)
      return balancesOf(bookId)
    }
  }
}
