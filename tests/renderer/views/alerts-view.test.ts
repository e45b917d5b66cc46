// @vitest-environment happy-dom
/**
 * The Alerts view: a delta limit's threshold is shown with the value's precision (a 0.005 BTC limit
 * is not "0.01"), in the checks and in the log; a refused re-arm is said on the page.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { z } from 'zod'
import { MarginalApiError } from '@contract/api'
import type { AlertStatusResponse } from '@contract/alerts'
import AlertsView from '../../../src-renderer/src/modules/alerts/AlertsView.vue'
import { useSessionStore } from '../../../src-renderer/src/stores/use-session-store'
import { installFakeApi } from '../support/fake-api'
import { book } from '../support/fixtures'

const POOL = 'Deribit main · BTC'
const delta = { poolKey: POOL, rule: 'delta-limit' as const, underlying: 'BTC', threshold: 0.005, source: 'pool' as const, value: 0.0123, breached: true, text: 'BTC delta 0.0123 beyond ±0.005' }
const status: z.input<typeof AlertStatusResponse> = {
  bookId: 2, rulesFromBookId: 2, rules: [{ poolKey: POOL, rule: 'delta-limit', underlying: 'BTC', threshold: 0.005, enabled: true }], effective: [],
  checks: [delta], raised: [{ poolKey: POOL, rule: 'delta-limit', underlying: 'BTC' }],
  log: [{ id: 1, atUtc: '2026-11-20T09:00:00.000Z', poolKey: POOL, rule: 'delta-limit', underlying: 'BTC', event: 'breach', value: 0.0123, threshold: 0.005, cause: 'import x.csv', marketSnapshotId: 'snap-2', marketAsOfUtc: '2026-11-20T09:00:00.000Z' }],
  marketId: 'snap-2', marketAsOfUtc: '2026-11-20T09:00:00.000Z'
}

let wrapper: VueWrapper | null = null
beforeEach(() => setActivePinia(createPinia()))
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

describe('Alerts view', () => {
  it('a delta limit\'s threshold keeps its precision in the checks and the log; a refused re-arm is said', async () => {
    installFakeApi({
      alertStatus: async () => status,
      rearmAlert: async () => {
        throw new MarginalApiError({ code: 'book_read_only', message: 'the book /tmp/b.sqlite is read-only: nothing was written' })
      }
    })
    const session = useSessionStore()
    session.books = [book(2, 'live', 'My book')]
    session.currentBookId = 2
    wrapper = mount(AlertsView, { attachTo: document.body })
    await flushPromises()
    const checkCells = wrapper.get('[data-testid="alerts-checks"] tbody tr').findAll('td').map((td) => td.text())
    expect(checkCells.slice(3, 6)).toEqual(['0.0123', '0.0050', 'BTC'])
    const logCells = wrapper.get('[data-testid="alert-log-row"]').findAll('td').map((td) => td.text())
    expect(logCells.slice(4, 6)).toEqual(['0.0123', '0.0050'])
    await wrapper.get('[data-testid="alert-rearm"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toContain('read-only: nothing was written')
  })
})
