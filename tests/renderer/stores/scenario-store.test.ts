// @vitest-environment happy-dom
/** The scenario store against a fake API: run, apply (P&L per position), saved scenarios, re-valued when the book changes. */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { RunScenarioResponse, SavedScenario, ScenarioSpec } from '@contract/api'
import { useSessionStore } from '../../../src-renderer/src/stores/use-session-store'
import { usePositionsStore } from '../../../src-renderer/src/stores/use-positions-store'
import { useScenarioStore } from '../../../src-renderer/src/stores/use-scenario-store'
import { installFakeApi } from '../support/fake-api'
import { AS_OF } from '../support/fixtures'

const crash: ScenarioSpec = { days: 0, underlyings: { BTC: { priceMode: 'pct', priceAmount: -20, volMode: 'abs', volAmount: 10, termResponse: false } } }
const result = (bookId: number, pnlUsd: number): RunScenarioResponse => ({
  bookId,
  applied: [{ underlying: 'BTC', fromUsd: 100_000, toUsd: 80_000, move: -0.2, vol: '+10 pts' }],
  positions: [{ positionId: 1, account: 'Deribit main', symbol: 'BTC-PERPETUAL', pnlSettle: -0.25, settleCurrency: 'BTC', pnlUsd, expired: false }],
  byUnderlying: [{ underlying: 'BTC', pnlUsd }],
  totalUsd: pnlUsd,
  notCovered: []
})
const saved = (name: string): SavedScenario => ({ name, scenario: crash, problem: null, updatedAtUtc: AS_OF })

beforeEach(() => setActivePinia(createPinia()))

describe('scenario store', () => {
  it('runs a scenario on the current book', async () => {
    const api = installFakeApi({ runScenario: async ({ bookId }) => result(bookId, -20_000) })
    useSessionStore().currentBookId = 2
    const scenario = useScenarioStore()
    const r = await scenario.run(crash)
    expect(api.runScenario).toHaveBeenCalledWith({ bookId: 2, scenario: crash })
    expect(r?.totalUsd).toBe(-20_000)
    expect(scenario.error).toBeNull()
    // Run, not applied: the grid's scenario column stays empty.
    expect(scenario.pnlByPosition.size).toBe(0)
  })

  it('shows the error of a failed run and drops the last result', async () => {
    const api = installFakeApi({ runScenario: async ({ bookId }) => result(bookId, -20_000) })
    useSessionStore().currentBookId = 2
    const scenario = useScenarioStore()
    await scenario.run(crash)
    vi.mocked(api.runScenario).mockRejectedValueOnce(new Error('scenario.underlyings.ETH: the book has no ETH positions'))
    expect(await scenario.run(crash)).toBeNull()
    expect(scenario.error).toBe('scenario.underlyings.ETH: the book has no ETH positions')
    expect(scenario.result).toBeNull()
  })

  it('does nothing without a book', async () => {
    const api = installFakeApi({ runScenario: async ({ bookId }) => result(bookId, 0) })
    expect(await useScenarioStore().run(crash)).toBeNull()
    expect(api.runScenario).not.toHaveBeenCalled()
  })

  it('applies a scenario to the grids and re-values it when the book or its holdings change', async () => {
    let pnl = -20_000
    const api = installFakeApi({ runScenario: async ({ bookId }) => result(bookId, pnl) })
    const session = useSessionStore()
    session.currentBookId = 2
    const scenario = useScenarioStore()
    await scenario.apply('Crash', crash)
    expect(scenario.appliedName).toBe('Crash')
    expect(scenario.pnlByPosition.get(1)).toBe(-20_000)
    pnl = -25_000
    usePositionsStore().revision++
    await flushPromises()
    expect(api.runScenario).toHaveBeenCalledTimes(2)
    expect(scenario.pnlByPosition.get(1)).toBe(-25_000)
    session.currentBookId = 3
    await flushPromises()
    expect(api.runScenario).toHaveBeenLastCalledWith({ bookId: 3, scenario: crash })
    scenario.clear()
    expect(scenario.pnlByPosition.size).toBe(0)
    session.currentBookId = 2
    await flushPromises()
    expect(api.runScenario).toHaveBeenCalledTimes(3) // nothing applied: nothing re-run
  })

  it('lists, saves and deletes saved scenarios', async () => {
    const api = installFakeApi({
      savedScenarios: async () => [saved('Crash')],
      saveScenario: async ({ name }) => [saved('Crash'), saved(name)],
      deleteScenario: async () => []
    })
    const scenario = useScenarioStore()
    await scenario.loadSaved()
    expect(scenario.saved.map((s) => s.name)).toEqual(['Crash'])
    await scenario.save('Rally', crash)
    expect(api.saveScenario).toHaveBeenCalledWith({ name: 'Rally', scenario: crash })
    expect(scenario.saved.map((s) => s.name)).toEqual(['Crash', 'Rally'])
    await scenario.remove('Crash')
    expect(api.deleteScenario).toHaveBeenCalledWith({ name: 'Crash' })
    expect(scenario.saved).toEqual([])
  })
})
