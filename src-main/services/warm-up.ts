/**
 * The first answer a workstation waits for, computed while its window loads. A host is ready long
 * before its page has parsed its code and asked for anything (about a second on the machines we
 * measure), and the first thing the page shows is the positions grid of the book it reopens: its
 * valuation, the market view it stands on and the code that computes both are all cold on the first
 * request. The warm-up asks for that grid once, through the same dispatch as the page, so the
 * reply is in the positions memo (positions/handlers.ts) and the code is compiled when the page's
 * own request arrives (issue 20: first grid row of a 10,000-position book). Nothing is written.
 */
import type { Services } from './api-service'
import { dispatch } from './dispatch'

/**
 * The book the workstation opens, as the session store chooses it (use-session-store.ts start()):
 * the book last worked on when it still exists, else the live book, else the first.
 */
export async function bookTheWorkstationOpens(services: Services): Promise<number | null> {
  const books = await dispatch(services.handlers, 'listBooks', {})
  const last = await dispatch(services.handlers, 'getUiState', { key: 'app.book' })
  if (!books.ok) return null
  const list = books.value as { id: number; kind: string }[]
  const lastId = last.ok ? (last.value as { value: unknown }).value : null
  return list.find((b) => b.id === lastId)?.id ?? list.find((b) => b.kind === 'live')?.id ?? list[0]?.id ?? null
}

/**
 * Ask for the positions grid (its columns, as the grid asks) of the book the workstation opens. Errors are the page's to show when
 * it asks (a book without a market answers with its reason): here they are only not remembered.
 */
export async function warmUp(services: Services): Promise<void> {
  const bookId = await bookTheWorkstationOpens(services)
  if (bookId !== null) await dispatch(services.handlers, 'listPositionColumns', { bookId })
}
