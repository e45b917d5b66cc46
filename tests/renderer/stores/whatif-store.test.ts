// @vitest-environment happy-dom
/** The what-if store against a fake API: copies, renames and deletes, booking tickets, and what reloads after. */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { BookSummary, MarginalApi, ResponseOf, TradeInstrumentsResponse } from '@contract/api'
import { useSessionStore } from '../../../src-renderer/src/stores/use-session-store'
import { useWhatIfStore } from '../../../src-renderer/src/stores/use-whatif-store'
import { installFakeApi } from '../support/fake-api'
import { AS_OF, book, bookMargin, deribitGroup, market } from '../support/fixtures'
import { positionColumnsOf } from '@contract/positions'

const applied = (b: BookSummary): ResponseOf<'applyTrades'> => ({ book: b, tickets: [] })

/** A book file with a live book (2); copies get ids from 10 on, with their own account ids. */
function fakeBookFile(more: Partial<MarginalApi> = {}) {
  const books: BookSummary[] = [book(1, 'demo', 'Demo book'), book(2, 'live', 'My book')]
  const api = installFakeApi({
    listBooks: async () => [...books],
    currentMarket: async () => ({ snapshot: market() }),
    copyBook: async ({ bookId, name }) => {
      const copy = book(10 + books.length, 'whatif', name, { parentId: bookId })
      books.push(copy)
      return copy
    },
    renameBook: async ({ bookId, name }) => {
      const b = books.find((x) => x.id === bookId)!
      b.name = name
      return b
    },
    deleteBook: async ({ bookId }) => {
      books.splice(books.findIndex((b) => b.id === bookId), 1)
      return { ok: true }
    },
    applyTrades: async ({ bookId }) => applied(books.find((b) => b.id === bookId)!),
    editPositions: async ({ bookId }) => applied(books.find((b) => b.id === bookId)!),
    listPositionColumns: async ({ bookId }) => positionColumnsOf({ bookId, marketSnapshotId: 'snap-1', asOfUtc: AS_OF, rows: [] }),
    bookMargin: async () => bookMargin([deribitGroup()]),
    tradeInstruments: async ({ bookId }): Promise<TradeInstrumentsResponse> => ({ accounts: [{ id: bookId * 100 + 1, name: 'Deribit main', venue: 'deribit' }, { id: bookId * 100 + 2, name: 'OKX main', venue: 'okx' }], instruments: [] }),
    ...more
  })
  return { api, books }
}

beforeEach(() => setActivePinia(createPinia()))

describe('what-if store', () => {
  it('copies a book into a new what-if book and switches to it', async () => {
    const { api } = fakeBookFile()
    const session = useSessionStore()
    await session.selectBook(2)
    await useWhatIfStore().copyBook(2, 'Hedge test')
    expect(api.copyBook).toHaveBeenCalledWith({ bookId: 2, name: 'Hedge test', blank: false })
    expect(session.currentBook?.name).toBe('Hedge test')
    expect(session.currentBook?.kind).toBe('whatif')
    expect(session.books).toHaveLength(3)
  })

  it('renames and deletes; a deleted current book falls back to the live book', async () => {
    const { api } = fakeBookFile()
    const session = useSessionStore()
    const whatif = useWhatIfStore()
    await session.selectBook(2)
    await whatif.copyBook(2, 'Copy', true)
    expect(api.copyBook).toHaveBeenCalledWith({ bookId: 2, name: 'Copy', blank: true })
    const copyId = session.currentBookId!
    await whatif.renameBook(copyId, 'Renamed')
    expect(session.currentBook?.name).toBe('Renamed')
    await whatif.deleteBook(copyId)
    expect(api.deleteBook).toHaveBeenCalledWith({ bookId: copyId })
    expect(session.currentBookId).toBe(2)
  })

  it('books tickets into the current book, then reloads its positions, the books and its margin', async () => {
    const { api } = fakeBookFile()
    const session = useSessionStore()
    await session.selectBook(2)
    const ticket = { accountId: 201, symbol: 'BTC-PERPETUAL', side: 'sell' as const, sizeContracts: 1000 }
    await useWhatIfStore().applyTickets([ticket])
    expect(api.applyTrades).toHaveBeenCalledWith({ bookId: 2, tickets: [ticket] })
    expect(api.listPositionColumns).toHaveBeenCalledWith({ bookId: 2 })
    expect(api.bookMargin).toHaveBeenLastCalledWith({ bookId: 2 })
  })

  it('carries tickets over to a copy by account name (the copy has its own account ids)', async () => {
    const { api } = fakeBookFile()
    const session = useSessionStore()
    const whatif = useWhatIfStore()
    await session.selectBook(2)
    await whatif.copyBook(2, 'Copy')
    const copyId = session.currentBookId!
    await whatif.applyTicketsByAccount('OKX main', [{ symbol: 'BTC-USDT-SWAP', side: 'buy', sizeContracts: 3, price: null }])
    expect(api.tradeInstruments).toHaveBeenCalledWith({ bookId: copyId })
    expect(api.applyTrades).toHaveBeenCalledWith({ bookId: copyId, tickets: [{ accountId: copyId * 100 + 2, symbol: 'BTC-USDT-SWAP', side: 'buy', sizeContracts: 3, price: null }] })
  })

  it('resizes or scales positions of the current book', async () => {
    const { api } = fakeBookFile()
    await useSessionStore().selectBook(2)
    await useWhatIfStore().editPositions({ scale: { factor: 0.5 } })
    expect(api.editPositions).toHaveBeenCalledWith({ bookId: 2, scale: { factor: 0.5 } })
    expect(api.listPositionColumns).toHaveBeenCalledWith({ bookId: 2 })
  })

  it('books nothing without a book, and an API error reaches the caller', async () => {
    const { api } = fakeBookFile({ applyTrades: () => Promise.reject(new Error('tickets.0.symbol: BTC-XYZ is not on the market snapshot')) })
    const whatif = useWhatIfStore()
    await whatif.applyTickets([{ accountId: 201, symbol: 'BTC-XYZ', side: 'buy', sizeContracts: 1 }])
    expect(api.applyTrades).not.toHaveBeenCalled()
    await useSessionStore().selectBook(2)
    // Selecting the book loads its positions (the positions store follows the book); a refused
    // ticket books nothing, so nothing reloads after it.
    const loads = vi.mocked(api.listPositionColumns).mock.calls.length
    await expect(whatif.applyTickets([{ accountId: 201, symbol: 'BTC-XYZ', side: 'buy', sizeContracts: 1 }])).rejects.toThrow('BTC-XYZ is not on the market snapshot')
    expect(api.listPositionColumns).toHaveBeenCalledTimes(loads)
  })

  it('opens the ticket with a prefill', () => {
    installFakeApi({})
    const whatif = useWhatIfStore()
    whatif.openTicket({ symbol: 'BTC-PERPETUAL', side: 'sell' })
    expect(whatif.ticketOpen).toBe(true)
    expect(whatif.ticketPrefill).toEqual({ symbol: 'BTC-PERPETUAL', side: 'sell' })
  })
})
