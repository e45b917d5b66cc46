/**
 * Files the renderer hands over (exports, the PDF report, a statement's rejection list) arrive as
 * downloads of blob: URLs (`src-renderer/src/api/file-download.ts`). The session's `will-download`
 * handler turns each into a native Save dialog, opened in Documents, with a filter for the file's
 * kind. Statements are opened with `<input type="file">`, which in Electron is already the native
 * Open dialog.
 *
 * The PDF report's preview window has no PDF plugin (contents-guard.ts): Chromium hands the PDF to
 * the download path instead of showing it. Such a download — a PDF blob of the app's own origin
 * from a report window — is saved in a temporary folder without a dialog, opened in the system's
 * PDF viewer, and the empty report window is closed. "Save…" in the report dialog still asks where.
 */
import { mkdirSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import { isOwnBlob } from './origins'

export interface FileFilter {
  name: string
  extensions: string[]
}
export interface SaveDialogSpec {
  title: string
  defaultPath: string
  buttonLabel: string
  filters: FileFilter[]
}

export interface DownloadItemLike {
  getFilename(): string
  getURL(): string
  setSaveDialogOptions(options: SaveDialogSpec): void
  setSavePath(path: string): void
  getSavePath(): string
  once(event: 'done', listener: (event: unknown, state: 'completed' | 'cancelled' | 'interrupted') => void): unknown
}

const KINDS: Record<string, FileFilter> = {
  '.pdf': { name: 'PDF document', extensions: ['pdf'] },
  '.csv': { name: 'CSV (comma-separated values)', extensions: ['csv'] },
  '.xlsx': { name: 'Excel workbook', extensions: ['xlsx'] },
  '.sqlite': { name: 'Marginal book file (SQLite)', extensions: ['sqlite'] },
  '.json': { name: 'JSON', extensions: ['json'] },
  '.txt': { name: 'Text', extensions: ['txt'] }
}

/** A name without folders or characters that no file system takes. */
export function safeFileName(name: string): string {
  const cleaned = [...basename(name.replace(/\\/g, '/'))]
    .map((ch) => (ch.charCodeAt(0) < 32 || '<>:"/\\|?*'.includes(ch) ? '_' : ch))
    .join('')
    .replace(/^\.+/, '')
  return cleaned.slice(0, 200) || 'download'
}

export function saveDialogFor(fileName: string, documentsDir: string): SaveDialogSpec {
  const name = safeFileName(fileName)
  const kind = KINDS[extname(name).toLowerCase()]
  return {
    title: `Save ${kind ? kind.name : 'file'}`,
    defaultPath: join(documentsDir, name),
    buttonLabel: 'Save',
    filters: [...(kind ? [kind] : []), { name: 'All files', extensions: ['*'] }]
  }
}

export interface DownloadPolicy {
  trustedOrigin: string
  documentsDir: string
  /** Where report previews are written (a temporary folder). */
  previewDir: string
  /** The download started in a report preview window, not in the main window. */
  fromReportWindow: boolean
  openPath: (path: string) => Promise<string>
  closeSource: () => void
  log: (line: string) => void
}

export function handleDownload(item: DownloadItemLike, policy: DownloadPolicy): 'preview' | 'dialog' {
  const name = safeFileName(item.getFilename())
  const preview = policy.fromReportWindow && extname(name).toLowerCase() === '.pdf' && isOwnBlob(item.getURL(), policy.trustedOrigin)
  if (!preview) {
    item.setSaveDialogOptions(saveDialogFor(name, policy.documentsDir))
    item.once('done', (_e, state) => {
      if (state === 'completed') policy.log(`saved ${item.getSavePath()}`)
      else if (state === 'interrupted') policy.log(`could not save ${name}: the download was interrupted`)
    })
    return 'dialog'
  }
  mkdirSync(policy.previewDir, { recursive: true })
  const path = join(policy.previewDir, name)
  item.setSavePath(path)
  item.once('done', (_e, state) => {
    policy.closeSource()
    if (state !== 'completed') return policy.log(`the report preview ${name} was ${state}`)
    policy.openPath(path).then(
      (error) => (error ? policy.log(`could not open ${path} in the PDF viewer: ${error}`) : policy.log(`opened the report preview ${path}`)),
      (e: Error) => policy.log(`could not open ${path}: ${e.message}`)
    )
  })
  return 'preview'
}
