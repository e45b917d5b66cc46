// @vitest-environment happy-dom
/**
 * The report dialog's P&L explain option (issue 22 §2): off by default (no `explain` sent); ticked,
 * its dates start at the explain view's defaults and the request carries them with the end-of-day
 * time kept in the UI state; emptied dates ask the backend for the last day.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ReportDialog from '../../../src-renderer/src/modules/report/ReportDialog.vue'
import { useSessionStore } from '../../../src-renderer/src/stores/use-session-store'
import { installFakeApi, type FakeApi } from '../support/fake-api'
import { AS_OF, book, market } from '../support/fixtures'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})
beforeEach(() => {
  setActivePinia(createPinia())
  vi.stubGlobal('open', () => null)
  URL.createObjectURL = () => 'blob:report'
})

async function mountDialog(uiState: Record<string, unknown> = {}): Promise<{ api: FakeApi; view: VueWrapper }> {
  const api = installFakeApi(
    {
      listPositions: async ({ bookId }) => ({ bookId, marketSnapshotId: 'snap-1', asOfUtc: AS_OF, rows: [] }),
      currentMarket: async () => ({ snapshot: market() }),
      marginReport: async () => ({ fileName: 'r.pdf', mimeType: 'application/pdf', base64: 'JVBERg==', generatedAtUtc: AS_OF, bytes: 4 })
    },
    uiState
  )
  const session = useSessionStore()
  session.books = [book(2, 'live', 'My book')]
  session.currentBookId = 2
  wrapper = mount(ReportDialog, { attachTo: document.body })
  await flushPromises()
  return { api, view: wrapper }
}

describe('report dialog: P&L explain section', () => {
  it('sends no explain unless ticked', async () => {
    const { api, view } = await mountDialog()
    expect(view.find('[data-testid="report-explain-from"]').exists()).toBe(false)
    await view.get('[data-testid="report-generate"]').trigger('click')
    await flushPromises()
    expect(vi.mocked(api.marginReport).mock.calls[0]![0].explain).toBeUndefined()
  })

  it('ticked: the view\'s default dates and the kept end of day; empty dates ask for the last day', async () => {
    const { api, view } = await mountDialog({ 'explain.eodUtc': '10:00' })
    await view.get('[data-testid="report-explain"]').setValue(true)
    // The market is as of 2026-11-20 09:00 UTC, before that day's 10:00: to is the 20th.
    expect((view.get('[data-testid="report-explain-from"]').element as HTMLInputElement).value).toBe('2026-11-19')
    expect((view.get('[data-testid="report-explain-to"]').element as HTMLInputElement).value).toBe('2026-11-20')
    await view.get('[data-testid="report-generate"]').trigger('click')
    await flushPromises()
    expect(vi.mocked(api.marginReport).mock.calls[0]![0].explain).toEqual({ fromUtc: '2026-11-19', toUtc: '2026-11-20', eodUtc: '10:00' })
    await view.get('[data-testid="report-explain-from"]').setValue('')
    await view.get('[data-testid="report-explain-to"]').setValue('')
    await view.get('[data-testid="report-generate"]').trigger('click')
    await flushPromises()
    expect(vi.mocked(api.marginReport).mock.calls[1]![0].explain).toEqual({ fromUtc: undefined, toUtc: undefined, eodUtc: '10:00' })
  })
})
