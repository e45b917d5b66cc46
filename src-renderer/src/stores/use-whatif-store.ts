/**
 * What-if work in the workstation: copying the live book, the trade ticket (open from anywhere with
 * F9), booking tickets into the current what-if book, and refreshing what depends on the holdings.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { TicketRequest } from '@contract/api'
import { useApi } from '../api/api'
import { useSessionStore } from './use-session-store'
import { usePositionsStore } from './use-positions-store'
import { useMarginStore } from './use-margin-store'

export const useWhatIfStore = defineStore('whatif', () => {
  const session = useSessionStore()
  const positions = usePositionsStore()
  const ticketOpen = ref(false)
  /** A ticket to start from (a position's row, a palette command). */
  const ticketPrefill = ref<Partial<TicketRequest> | null>(null)
  const error = ref<string | null>(null)

  function openTicket(prefill: Partial<TicketRequest> | null = null): void {
    ticketPrefill.value = prefill
    ticketOpen.value = true
  }

  /** Copy a book into a new what-if book and switch to it. */
  async function copyBook(bookId: number, name: string, blank = false): Promise<void> {
    const copy = await useApi().copyBook({ bookId, name, blank })
    await session.refreshBooks()
    await session.selectBook(copy.id)
  }

  async function renameBook(bookId: number, name: string): Promise<void> {
    await useApi().renameBook({ bookId, name })
    await session.refreshBooks()
  }

  async function deleteBook(bookId: number): Promise<void> {
    await useApi().deleteBook({ bookId })
    await session.refreshBooks()
  }

  /**
   * What depends on the holdings reloads. The margin reload is explicit: a book opened and edited
   * from a view without the positions grid (hedging) has no earlier positions load to differ from.
   */
  async function afterEdit(bookId: number): Promise<void> {
    await Promise.all([positions.load(bookId), session.refreshBooks()])
    await useMarginStore().load()
  }

  /** Book tickets into the current (what-if) book; the positions reload, so margin recomputes. */
  async function applyTickets(tickets: TicketRequest[]): Promise<void> {
    const bookId = session.currentBookId
    if (bookId === null) return
    await useApi().applyTrades({ bookId, tickets })
    await afterEdit(bookId)
  }

  /**
   * Book tickets into the current book by account name: a copy has its own account ids, so a ticket
   * made on one book (a suggestion, a ticket on the live book) is carried over by the account's name.
   */
  async function applyTicketsByAccount(accountName: string, tickets: Omit<TicketRequest, 'accountId'>[]): Promise<void> {
    const bookId = session.currentBookId
    if (bookId === null) return
    const { accounts } = await useApi().tradeInstruments({ bookId })
    const accountId = accounts.find((a) => a.name === accountName)!.id
    await applyTickets(tickets.map((t) => ({ ...t, accountId })))
  }

  async function editPositions(req: { resize?: { positionId: number; sizeContracts: number }[]; scale?: { factor: number; positionIds?: number[] } }): Promise<void> {
    const bookId = session.currentBookId
    if (bookId === null) return
    await useApi().editPositions({ bookId, ...req })
    await afterEdit(bookId)
  }

  return { ticketOpen, ticketPrefill, error, openTicket, copyBook, renameBook, deleteBook, applyTickets, applyTicketsByAccount, editPositions }
})
