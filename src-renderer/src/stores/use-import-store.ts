/** The import wizard: a file, its preview (dry run), the user's choices, and the commit. */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { ImportPreview, ImportResult } from '@contract/api'
import { useApi } from '../api/api'
import { useSessionStore } from './use-session-store'
import { usePositionsStore } from './use-positions-store'

export const useImportStore = defineStore('import', () => {
  const file = shallowRef<{ name: string; text: string } | null>(null)
  const preview = shallowRef<ImportPreview | null>(null)
  const accountName = ref('')
  const allowPartial = ref(false)
  const busy = ref<'reading' | 'previewing' | 'importing' | null>(null)
  const progress = ref<{ done: number; total: number } | null>(null)
  const error = ref<string | null>(null)
  const result = shallowRef<ImportResult | null>(null)

  async function runPreview(): Promise<void> {
    const session = useSessionStore()
    if (!file.value || session.currentBookId === null) return
    busy.value = 'previewing'
    error.value = null
    try {
      preview.value = await useApi().previewImport({
        bookId: session.currentBookId,
        fileName: file.value.name,
        text: file.value.text,
        accountName: accountName.value.trim() || undefined
      })
      accountName.value = preview.value.accountName
    } catch (e) {
      preview.value = null
      error.value = (e as Error).message
    } finally {
      busy.value = null
    }
  }

  async function loadFile(f: File): Promise<void> {
    reset()
    busy.value = 'reading'
    try {
      file.value = { name: f.name, text: await f.text() }
    } catch (e) {
      error.value = `${f.name}: cannot read the file: ${(e as Error).message}`
      busy.value = null
      return
    }
    await runPreview()
  }

  async function commit(): Promise<void> {
    const session = useSessionStore()
    if (!file.value || !preview.value || session.currentBookId === null) return
    busy.value = 'importing'
    error.value = null
    const taskId = `import-${Date.now()}`
    const api = useApi()
    const stop = api.onEvent((e) => {
      if (e.type === 'task.progress' && e.taskId === taskId) progress.value = { done: e.done, total: e.total }
    })
    try {
      result.value = await api.commitImport({
        bookId: session.currentBookId,
        fileName: file.value.name,
        text: file.value.text,
        accountName: accountName.value.trim() || undefined,
        allowPartial: allowPartial.value,
        taskId
      })
      session.books = await api.listBooks({})
      await usePositionsStore().load(session.currentBookId)
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
  }

  return { file, preview, accountName, allowPartial, busy, progress, error, result, loadFile, runPreview, commit, reset }
})
