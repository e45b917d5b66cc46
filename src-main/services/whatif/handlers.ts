/**
 * What-if books: the trade ticket (instruments, pre-trade quote, apply), resizing and scaling
 * positions, two books side by side, the P&L explorer's model, Greeks by expiry and strike, and
 * the scenario editor with its saved scenarios.
 */
import type { whatifMethods } from '@contract/whatif'
import { ScenarioSpec } from '@contract/whatif'
import { findBook } from '../../book/books-repository'
import { listAccounts } from '../../book/accounts-repository'
import { requireWhatIf } from '../../book/whatif-repository'
import { deleteScenario, listSavedScenarios, saveScenario } from '../../book/scenarios-repository'
import { applyTrades, compareBooks, quoteTrades, resizeTickets, scaleTickets } from './whatif-service'
import { tradableInstruments, type ResolvedTicket } from './trade-ticket'
import { greeksGrid, profileJson, profileModel, runScenario } from './explorer-service'
import { describeInvalid } from '../dispatch'
import { NotFoundError } from '../errors'
import type { BookContext } from '../book-context'
import type { HandlerSlice, ServiceContext } from '../service-context'

const ticketView = (t: ResolvedTicket) => ({
  account: t.account,
  symbol: t.instrument.symbol,
  kind: t.instrument.kind,
  requestedContracts: t.requestedContracts,
  sizeContracts: t.sizeContracts,
  lotSize: t.instrument.lotSize,
  price: t.price,
  priceCurrency: t.priceCurrency,
  priceSource: t.priceSource,
  cashAmount: t.cashAmount,
  cashCurrency: t.cashCurrency,
  cashUsd: t.cashUsd,
  notionalUsd: t.notionalUsd
})

/** Delta, gamma, vega and theta per underlying, expiry and strike. */
export const greeksGridView = (bc: BookContext) => ({ bookId: bc.book.id, ...greeksGrid(bc.held, bc.view) })

export function whatifHandlers(ctx: ServiceContext): HandlerSlice<keyof typeof whatifMethods> {
  const { db } = ctx
  // Saved scenarios were validated when saved; one that no longer reads (an older or hand-edited
  // file) is listed with what is wrong, so the trader can see it and delete it, not silently dropped.
  const savedScenarios = () =>
    listSavedScenarios(db).map((r) => {
      const parsed = ScenarioSpec.safeParse(r.document)
      if (parsed.success) return { name: r.name, scenario: parsed.data, problem: null, updatedAtUtc: r.updatedAtUtc }
      const { field, message } = describeInvalid('saved scenario', parsed.error)
      return { name: r.name, scenario: null, problem: `${message} (field ${field})`, updatedAtUtc: r.updatedAtUtc }
    })
  return {
    tradeInstruments: ({ bookId }) => {
      const bc = ctx.bookContext(bookId)
      return { accounts: listAccounts(db, bc.book.id), instruments: tradableInstruments(db, bc.view) }
    },
    quoteTrades: ({ bookId, tickets }) => {
      const bc = ctx.bookContext(bookId)
      const q = quoteTrades(db, bc.book.id, bc.view, tickets, bc.params)
      return { tickets: q.tickets.map(ticketView), diff: q.diff, notCoveredAfter: q.notCoveredAfter }
    },
    applyTrades: ({ bookId, tickets }) => {
      // Which books take trades is said before whether the book has a market to price them on.
      requireWhatIf(db, bookId)
      const done = applyTrades(db, bookId, ctx.bookContext(bookId).view, tickets)
      return { book: ctx.bookContext(bookId).book, tickets: done.map(ticketView) }
    },
    editPositions: ({ bookId, resize, scale }) => {
      const bc = ctx.bookContext(bookId)
      const tickets = resize ? resizeTickets(db, bookId, resize) : scaleTickets(db, bookId, scale!.factor, scale!.positionIds)
      const done = tickets.length ? applyTrades(db, bookId, bc.view, tickets) : []
      return { book: ctx.bookContext(bookId).book, tickets: done.map(ticketView) }
    },
    compareBooks: async ({ baseBookId, bookId }) => {
      const base = ctx.bookContext(baseBookId)
      const other = ctx.bookContext(bookId)
      if (base.book.marketSnapshotId !== other.book.marketSnapshotId) {
        throw new Error(`"${base.book.name}" and "${other.book.name}" are on different market snapshots (${base.book.marketSnapshotId} vs ${other.book.marketSnapshotId}): compare needs one market`)
      }
      return compareBooks(db, base.book.id, other.book.id, other.view, other.params, other.stressLibrary)
    },
    profileModel: ({ bookId }) => {
      const bc = ctx.bookContext(bookId)
      const own = profileModel(bc.held, bc.view)
      const parent = bc.book.parentId !== null ? findBook(db, bc.book.parentId) : undefined
      return {
        bookId,
        book: profileJson(own.book),
        parent: parent && parent.marketSnapshotId === bc.book.marketSnapshotId ? { bookId: parent.id, name: parent.name, book: profileJson(profileModel(ctx.bookContext(parent.id).held, bc.view).book) } : null,
        notCovered: own.notCovered
      }
    },
    greeksGrid: ({ bookId }) => greeksGridView(ctx.bookContext(bookId)),
    runScenario: ({ bookId, scenario }) => {
      const bc = ctx.bookContext(bookId)
      return { bookId, ...runScenario(bc.held, bc.view, scenario) }
    },
    savedScenarios: () => savedScenarios(),
    saveScenario: ({ name, scenario }) => {
      saveScenario(db, name, scenario)
      return savedScenarios()
    },
    deleteScenario: ({ name }) => {
      if (!deleteScenario(db, name)) throw new NotFoundError(`no saved scenario named "${name}"`)
      return savedScenarios()
    }
  }
}
