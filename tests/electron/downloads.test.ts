/**
 * Downloads (src-main/electron/downloads.ts) with fake DownloadItems: exports and the report's
 * "Save…" get a native Save dialog in Documents with a filter for their kind; a PDF report from a
 * report preview window is saved to a temporary folder, opened in the system viewer, and its empty
 * window closed.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { handleDownload, safeFileName, saveDialogFor, type DownloadItemLike, type DownloadPolicy, type SaveDialogSpec } from '../../src-main/electron/downloads'
import { APP_ORIGIN } from '../../src-main/electron/origins'
import { memoryLog } from './fakes'

class FakeItem implements DownloadItemLike {
  dialog: SaveDialogSpec | null = null
  savePath = ''
  private done: ((e: unknown, state: 'completed' | 'cancelled' | 'interrupted') => void) | null = null
  constructor(private name: string, private url: string) {}
  getFilename = () => this.name
  getURL = () => this.url
  setSaveDialogOptions = (o: SaveDialogSpec) => void (this.dialog = o)
  setSavePath = (p: string) => void (this.savePath = p)
  getSavePath = () => this.savePath || '/home/u/Documents/chosen.csv'
  once(_event: 'done', listener: (e: unknown, state: 'completed' | 'cancelled' | 'interrupted') => void) {
    this.done = listener
    return this
  }
  finish(state: 'completed' | 'cancelled' | 'interrupted') {
    this.done?.({}, state)
  }
}

function policy(over: Partial<DownloadPolicy> = {}) {
  const { lines, log } = memoryLog()
  const p: DownloadPolicy = {
    trustedOrigin: APP_ORIGIN,
    documentsDir: '/home/u/Documents',
    previewDir: join(mkdtempSync(join(tmpdir(), 'marginal-dl-')), 'reports'),
    fromReportWindow: false,
    openPath: vi.fn(() => Promise.resolve('')),
    closeSource: vi.fn(),
    log,
    ...over
  }
  return { p, lines }
}

describe('native save dialogs for downloads', () => {
  it.each([
    ['positions-2026-03-04.csv', 'CSV (comma-separated values)', ['csv']],
    ['book-export.xlsx', 'Excel workbook', ['xlsx']],
    ['margin-report-live.pdf', 'PDF document', ['pdf']],
    ['book-backup.sqlite', 'Marginal book file (SQLite)', ['sqlite']]
  ])('%s: a Save dialog in Documents with its filter', (name, filter, extensions) => {
    const { p } = policy()
    const item = new FakeItem(name, 'blob:app://marginal/uuid')
    expect(handleDownload(item, p)).toBe('dialog')
    expect(item.dialog).toEqual({
      title: `Save ${filter}`,
      defaultPath: join('/home/u/Documents', name),
      buttonLabel: 'Save',
      filters: [{ name: filter, extensions }, { name: 'All files', extensions: ['*'] }]
    })
    expect(item.savePath).toBe('')
  })

  it('offers All files for an unknown kind, and logs where the file went', () => {
    const { p, lines } = policy()
    const item = new FakeItem('rejections.log', 'blob:app://marginal/uuid')
    handleDownload(item, p)
    expect(item.dialog!.filters).toEqual([{ name: 'All files', extensions: ['*'] }])
    item.finish('completed')
    expect(lines).toEqual(['saved /home/u/Documents/chosen.csv'])
  })

  it('never lets a file name leave the chosen folder', () => {
    expect(safeFileName('../../.bashrc')).toBe('bashrc')
    expect(safeFileName('..\\..\\evil.pdf')).toBe('evil.pdf')
    expect(safeFileName('a:b*c?.csv')).toBe('a_b_c_.csv')
    expect(safeFileName('line\nbreak.csv')).toBe('line_break.csv')
    expect(safeFileName('')).toBe('download')
    expect(saveDialogFor('/etc/passwd', '/docs').defaultPath).toBe(join('/docs', 'passwd'))
  })
})

describe('report previews', () => {
  it('opens a PDF from a report window in the system viewer without a dialog, then closes the window', async () => {
    const { p, lines } = policy({ fromReportWindow: true })
    const item = new FakeItem('margin-report-live.pdf', 'blob:app://marginal/0b7c2f4e')
    expect(handleDownload(item, p)).toBe('preview')
    expect(item.dialog).toBeNull()
    expect(item.savePath).toBe(join(p.previewDir, 'margin-report-live.pdf'))
    item.finish('completed')
    expect(p.closeSource).toHaveBeenCalledOnce()
    expect(p.openPath).toHaveBeenCalledExactlyOnceWith(item.savePath)
    await new Promise((r) => setTimeout(r, 0))
    expect(lines).toEqual([`opened the report preview ${item.savePath}`])
  })

  it('does not open a cancelled preview, and reports a viewer that failed', async () => {
    const cancelled = policy({ fromReportWindow: true })
    const item = new FakeItem('r.pdf', 'blob:app://marginal/1')
    handleDownload(item, cancelled.p)
    item.finish('cancelled')
    expect(cancelled.p.openPath).not.toHaveBeenCalled()
    expect(cancelled.p.closeSource).toHaveBeenCalledOnce()

    const failing = policy({ fromReportWindow: true, openPath: () => Promise.resolve('no application for PDF') })
    const item2 = new FakeItem('r.pdf', 'blob:app://marginal/2')
    handleDownload(item2, failing.p)
    item2.finish('completed')
    await new Promise((r) => setTimeout(r, 0))
    expect(failing.lines[0]).toMatch(/could not open .* in the PDF viewer: no application for PDF/)
  })

  it('asks (never opens) for anything else: the main window, another origin, another kind', () => {
    for (const [over, name, url] of [
      [{ fromReportWindow: false }, 'r.pdf', 'blob:app://marginal/1'],
      [{ fromReportWindow: true }, 'r.pdf', 'blob:https://evil.net/1'],
      [{ fromReportWindow: true }, 'r.pdf', 'https://evil.net/r.pdf'],
      [{ fromReportWindow: true }, 'payload.exe', 'blob:app://marginal/1'],
      [{ fromReportWindow: true }, 'r.pdf.desktop', 'blob:app://marginal/1']
    ] as const) {
      const { p } = policy(over)
      const item = new FakeItem(name, url)
      expect(handleDownload(item, p), `${name} ${url}`).toBe('dialog')
      item.finish('completed')
      expect(p.openPath).not.toHaveBeenCalled()
    }
  })
})
