// @vitest-environment happy-dom
/**
 * The risk dashboard's liquidation line on a fake API: the nearest level as before, and under it
 * every band of index levels below MM, nearest first (a book with options can dip and recover).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { BookMarginResponse } from '@contract/api'
import RiskDashboard from '../../../src-renderer/src/modules/risk/RiskDashboard.vue'
import { useSessionStore } from '../../../src-renderer/src/stores/use-session-store'
import { useMarginStore } from '../../../src-renderer/src/stores/use-margin-store'
import { installFakeApi } from '../support/fake-api'
import { bookMargin, deribitGroup } from '../support/fixtures'

beforeEach(() => setActivePinia(createPinia()))

type Health = BookMarginResponse['health'][number]
const health = (liquidation: Health['liquidation']): Health => {
  const figures = { initialMargin: 1, maintenanceMargin: 0.8, imUtilisation: 0.5, mmUtilisation: 0.4, status: 'ok' as const }
  return { pool: 'Deribit main · BTC', account: 'Deribit main', venue: 'deribit', currency: 'BTC', method: 'deribit-pm', collateral: 2, positionsValue: 0, equity: 2, ...figures, byMethod: [{ method: 'deribit-pm', ...figures }], liquidation, notes: [] }
}

async function dashboard(liquidation: Health['liquidation']) {
  installFakeApi({ bookMargin: async () => ({ ...bookMargin([deribitGroup()]), health: [health(liquidation)] }) })
  useSessionStore().currentBookId = 1
  useMarginStore()
  const wrapper = mount(RiskDashboard)
  await flushPromises()
  return wrapper
}

describe('risk dashboard: liquidation bands', () => {
  it('shows the nearest level and every band, nearest first, in USD of the index', async () => {
    const w = await dashboard([
      { underlying: 'BTC', indexUsd: 92_350, downUsd: 63_598.4, upUsd: 109_824.6, distancePct: 18.92, bandsDown: [{ fromUsd: 63_598.4, toUsd: 57_120.3 }, { fromUsd: 41_200, toUsd: null }], bandsUp: [{ fromUsd: 109_824.6, toUsd: null }], scanStepPct: 1 }
    ])
    expect(w.get('[data-testid="liquidation"]').text()).toMatch(/liq\. BTC 109,825 USD\s+\(\+18\.9 %\)/)
    expect(w.get('[data-testid="liquidation-bands"]').text()).toBe('BTC liquidation bands below: 63,598–57,120 USD; 41,200 USD and below · above: 109,825 USD and above')
  })

  it('no band line when it would only repeat the nearest level (one band, open to the end)', async () => {
    const w = await dashboard([{ underlying: 'ETH', indexUsd: 3_081.5, downUsd: null, upUsd: 3_583, distancePct: 16.3, bandsDown: [], bandsUp: [{ fromUsd: 3_583, toUsd: null }], scanStepPct: 0.25 }])
    expect(w.get('[data-testid="liquidation"]').text()).toMatch(/liq\. ETH 3,583 USD/)
    expect(w.find('[data-testid="liquidation-bands"]').exists()).toBe(false)
  })

  it('no band line when the search found none', async () => {
    const w = await dashboard([{ underlying: 'BTC', indexUsd: 92_350, downUsd: null, upUsd: null, distancePct: null, bandsDown: [], bandsUp: [], scanStepPct: 1 }])
    expect(w.find('[data-testid="liquidation-bands"]').exists()).toBe(false)
    expect(w.text()).toContain('no liquidation within −95 % … +500 %')
  })
})
