/**
 * The replica against the venue (issue 22 §4) for the current book: the comparison per pool and per
 * simulation, the venue summaries kept in the book, and what the last imports read or refused. A
 * file that fits several accounts of its venue is held until the trader names one (the backend
 * refuses it with field `accountId`); nothing is written before.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef, watch } from 'vue'
import { MarginalApiError, type ImportVenueSummaryResponse, type VenueComparisonResponse, type VenueSummaryListResponse } from '@contract/api'
import { useVenueSummaryApi } from '../lib/api/venue-summary'
import { readStatementFile } from '../api/read-file'
import { useSessionStore } from './use-session-store'
import { useMarginStore } from './use-margin-store'

export interface BookAccount {
  id: number
  name: string
  venue: string
}

/** One file's import: what was read, or why it was refused (the message names the file and the key path). */
export type VenueImportOutcome =
  | { fileName: string; ok: true; result: ImportVenueSummaryResponse }
  | { fileName: string; ok: false; message: string; field: string | null }

/** A file refused until the trader says which account it is of. */
export interface PendingAccountChoice {
  fileName: string
  text: string
  message: string
  /** The accounts the refusal names (the book's accounts at the file's venue); every account when it names none. */
  accounts: BookAccount[]
}

/**
 * The accounts a refusal offers: it lists them as "name: id N" (import-venue-summary.ts,
 * matchAccount); the book's accounts with those ids, or all of them when none is recognised (the
 * backend then refuses one at another venue, naming both venues).
 */
export function accountsNamedIn(message: string, accounts: BookAccount[]): BookAccount[] {
  const ids = new Set([...message.matchAll(/\bid (\d+)\b/g)].map((m) => Number(m[1])))
  const named = accounts.filter((a) => ids.has(a.id))
  return named.length ? named : accounts
}

export const useVenueStore = defineStore('venue', () => {
  const session = useSessionStore()
  const margin = useMarginStore()
  const comparison = shallowRef<VenueComparisonResponse | null>(null)
  const summaries = shallowRef<VenueSummaryListResponse>([])
  const accounts = shallowRef<BookAccount[]>([])
  const outcomes = ref<VenueImportOutcome[]>([])
  const pending = ref<PendingAccountChoice[]>([])
  const error = ref<string | null>(null)
  const loading = ref(false)
  const importing = ref(false)
  let generation = 0

  async function load(): Promise<void> {
    const bookId = session.currentBookId
    if (bookId === null) return
    const mine = ++generation
    loading.value = true
    try {
      const api = useVenueSummaryApi()
      const [c, list, balances] = await Promise.all([api.venueComparison({ bookId }), api.listVenueSummaries({ bookId }), api.listBalances({ bookId })])
      if (mine !== generation) return
      comparison.value = c
      summaries.value = list
      accounts.value = balances.accounts
      error.value = null
    } catch (e) {
      if (mine === generation) error.value = (e as Error).message
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  async function importText(fileName: string, text: string, accountId?: number): Promise<void> {
    const bookId = session.currentBookId
    if (bookId === null) return
    try {
      const result = await useVenueSummaryApi().importVenueSummary({ bookId, fileName, text, ...(accountId === undefined ? {} : { accountId }) })
      outcomes.value.unshift({ fileName, ok: true, result })
    } catch (e) {
      const message = (e as Error).message
      const field = e instanceof MarginalApiError ? (e.field ?? null) : null
      // Several accounts at the file's venue: hold the file for the chooser instead of a dead end.
      if (field === 'accountId' && accountId === undefined) pending.value.push({ fileName, text, message, accounts: accountsNamedIn(message, accounts.value) })
      else outcomes.value.unshift({ fileName, ok: false, message, field })
    }
  }

  /** Import the picked files one after the other (each its own transaction), then re-read the comparison. */
  async function importFiles(files: readonly File[]): Promise<void> {
    if (!files.length) return
    importing.value = true
    try {
      if (!accounts.value.length) await load()
      for (const file of files) {
        let text: string
        try {
          text = await readStatementFile(file)
        } catch (e) {
          outcomes.value.unshift({ fileName: file.name, ok: false, message: `${file.name}: could not be read (${(e as Error).message})`, field: null })
          continue
        }
        await importText(file.name, text)
      }
    } finally {
      importing.value = false
    }
    await load()
  }

  /** The held file, as the account the trader picked. */
  async function importAs(choice: PendingAccountChoice, accountId: number): Promise<void> {
    pending.value = pending.value.filter((p) => p !== choice)
    importing.value = true
    try {
      await importText(choice.fileName, choice.text, accountId)
    } finally {
      importing.value = false
    }
    await load()
  }

  function dismiss(choice: PendingAccountChoice): void {
    pending.value = pending.value.filter((p) => p !== choice)
  }

  function clearOutcomes(): void {
    outcomes.value = []
  }

  /** Views showing the comparison: only while one is open does a change re-read it (three calls each). */
  let shown = 0
  /** A view opens: the comparison is read now and follows every change until it closes. */
  function show(): void {
    shown++
    void load()
  }
  function hide(): void {
    shown = Math.max(0, shown - 1)
  }

  // Another book: its own comparison, and the last imports were into the other one.
  watch(
    () => session.currentBookId,
    () => {
      outcomes.value = []
      pending.value = []
      comparison.value = null
      summaries.value = []
      if (shown) void load()
    }
  )
  // The replica follows the margin the dashboard shows (same backend memo): a market, import or
  // what-if edit recomputes it (the margin store re-reads on every book-file change), and with it
  // the comparison; once per change.
  watch(
    () => margin.margin,
    () => {
      if (shown) void load()
    }
  )

  return { comparison, summaries, accounts, outcomes, pending, error, loading, importing, load, show, hide, importFiles, importAs, dismiss, clearOutcomes }
})
