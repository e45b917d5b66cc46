/** The import wizard: a file, its preview (dry run), the user's choices, and the commit. */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import { MarginalApiError, type GenericMapping, type ImportPreview, type ImportResult } from '@contract/api'
import { loadUiState, saveUiState } from '../api/use-ui-state'
import { useApi } from '../api/api'
import { useSessionStore } from './use-session-store'
import { readStatementFile } from '../api/read-file'

const PRESETS_KEY = 'import.presets'
export interface Preset {
  mapping: GenericMapping
  header: string[]
}
const isPresets = (v: unknown): v is Record<string, Preset> => typeof v === 'object' && v !== null && !Array.isArray(v)

export const useImportStore = defineStore('import', () => {
  const file = shallowRef<{ name: string; text: string } | null>(null)
  const preview = shallowRef<ImportPreview | null>(null)
  const accountName = ref('')
  const allowPartial = ref(false)
  const busy = ref<'reading' | 'previewing' | 'importing' | null>(null)
  const progress = ref<{ done: number; total: number } | null>(null)
  const error = ref<string | null>(null)
  const result = shallowRef<ImportResult | null>(null)
  /** Set when no built-in format knows the file and it is a CSV: the mapper shows these. */
  const csv = shallowRef<{ header: string[]; sample: string[][]; rows: number } | null>(null)
  const mapping = shallowRef<GenericMapping | null>(null)
  const presets = ref<Record<string, Preset>>({})
  /** A statement that does not start at the account's opening: book the missing opening balance (default) or leave it showing. */
  const openingBalance = ref<'take' | 'skip'>('take')
  /** Opening balances the trader types (flows-only statements), per currency. */
  const openingBalances = ref<Record<string, number>>({})
  /** When an option chain without its own snapshot time was taken (asked for, never guessed). */
  const asOf = ref<string | null>(null)
  const asOfNeeded = ref(false)
  /** Imports land in the live book, whichever book is on screen (never in the demo or a what-if copy). */
  const targetBookId = (): number | null => useSessionStore().liveBook?.id ?? null
  const cashChoices = () => ({
    ...(asOf.value ? { asOf: asOf.value } : {}),
    openingBalance: openingBalance.value,
    ...(Object.keys(openingBalances.value).length ? { openingBalances: Object.entries(openingBalances.value).map(([currency, amount]) => ({ currency, amount })) } : {})
  })

  async function loadPresets(): Promise<void> {
    presets.value = (await loadUiState(PRESETS_KEY, isPresets)) ?? {}
  }

  function savePreset(name: string, m: GenericMapping): void {
    if (!csv.value) return
    presets.value = { ...presets.value, [name]: { mapping: m, header: csv.value.header } }
    saveUiState(PRESETS_KEY, presets.value, 0)
  }

  /** A saved preset made for exactly this header, if any. */
  function presetFor(header: string[]): string | null {
    return Object.entries(presets.value).find(([, p]) => p.header.join('\u0000') === header.join('\u0000'))?.[0] ?? null
  }

  async function previewWithMapping(m: GenericMapping): Promise<void> {
    mapping.value = m
    await runPreview()
  }

  async function runPreview(): Promise<void> {
    const bookId = targetBookId()
    if (!file.value || bookId === null) return
    busy.value = 'previewing'
    error.value = null
    try {
      preview.value = await useApi().previewImport({
        bookId,
        fileName: file.value.name,
        text: file.value.text,
        accountName: accountName.value.trim() || undefined,
        ...(mapping.value ? { format: 'generic-csv', mapping: mapping.value } : {}),
        ...cashChoices()
      })
      accountName.value = preview.value.accountName
      error.value = null
    } catch (e) {
      preview.value = null
      error.value = (e as Error).message
      // A chain without its snapshot time: ask for it.
      if (e instanceof MarginalApiError && e.field === 'asOf') asOfNeeded.value = true
      // No built-in format: if it is a CSV at all, offer to map its columns by hand.
      if (e instanceof MarginalApiError && e.code === 'unreadable_file' && !mapping.value && /not a statement format/.test(e.message)) {
        try {
          csv.value = await useApi().inspectCsv({ fileName: file.value.name, text: file.value.text })
          await loadPresets()
        } catch {
          csv.value = null
        }
      }
    } finally {
      busy.value = null
    }
  }

  async function loadFile(f: File): Promise<void> {
    reset()
    busy.value = 'reading'
    try {
      file.value = { name: f.name, text: await readStatementFile(f) }
    } catch (e) {
      error.value = `${f.name}: cannot read the file: ${(e as Error).message}`
      busy.value = null
      return
    }
    await runPreview()
  }

  async function commit(): Promise<void> {
    const session = useSessionStore()
    const bookId = targetBookId()
    if (!file.value || !preview.value || bookId === null) return
    busy.value = 'importing'
    error.value = null
    const taskId = `import-${Date.now()}`
    const api = useApi()
    const stop = api.onEvent((e) => {
      if (e.type === 'task.progress' && e.taskId === taskId) progress.value = { done: e.done, total: e.total }
    })
    try {
      result.value = await api.commitImport({
        bookId,
        fileName: file.value.name,
        text: file.value.text,
        accountName: accountName.value.trim() || undefined,
        ...(mapping.value ? { format: 'generic-csv', mapping: mapping.value } : {}),
        ...cashChoices(),
        allowPartial: allowPartial.value,
        taskId
      })
      // Statements and option chains landed in the live book: show it. Price, vol-index and funding
      // history belong to the whole file: stay on the book in view. Every view re-reads either way.
      const showLive = preview.value.dataset === 'statement' || preview.value.dataset === 'option-chain'
      await session.bookFileChanged(showLive ? bookId : undefined)
    } catch (e) {
      error.value = (e as Error).message
    } finally {
      stop()
      busy.value = null
      progress.value = null
    }
  }

  function reset(): void {
    file.value = null
    preview.value = null
    accountName.value = ''
    allowPartial.value = false
    error.value = null
    result.value = null
    csv.value = null
    mapping.value = null
    openingBalance.value = 'take'
    openingBalances.value = {}
    asOf.value = null
    asOfNeeded.value = false
  }

  /** The instant the chain was taken, as the trader typed it (UTC). */
  async function setAsOf(isoUtc: string): Promise<void> {
    asOf.value = isoUtc
    await runPreview()
  }

  async function setOpening(choice: 'take' | 'skip', given?: Record<string, number>): Promise<void> {
    openingBalance.value = choice
    if (given) openingBalances.value = given
    await runPreview()
  }

  return {
    file, preview, accountName, allowPartial, busy, progress, error, result, csv, mapping, presets, openingBalance, openingBalances, asOf, asOfNeeded,
    loadFile, runPreview, commit, reset, previewWithMapping, savePreset, presetFor, loadPresets, setOpening, setAsOf
  }
})
