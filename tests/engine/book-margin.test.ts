import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { listHeldPositions } from '../../src-main/book/positions-repository'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import { bookMargin } from '../../src-main/services/margin-service'

const book = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-margin-')), 'book.sqlite'))
const view = buildMarketView(loadMarketSnapshot(book.db, 'demo-2026-11-20T09:00Z')!)
const m = bookMargin(listHeldPositions(book.db, 1), view)

describe('margin of the demo book', () => {
  it('covers the Deribit account per settlement currency and lists what it does not cover', () => {
    expect(m.accounts.map((a) => `${a.account} ${a.currency}`)).toEqual(['Deribit main BTC', 'Deribit main ETH'])
    expect(m.notCovered).toHaveLength(12)
    expect(m.notCovered.every((n) => n.account === 'OKX portfolio')).toBe(true)
  })

  it('portfolio margin of the hedged book is below the sum of isolated margins; MM = 0.8 × IM', () => {
    for (const a of m.accounts) {
      const std = a.results.find((r) => r.method === 'standard')!
      const pm = a.results.find((r) => r.method === 'deribit-pm')!
      expect(pm.initialMargin).toBeGreaterThan(0)
      expect(pm.initialMargin).toBeLessThan(std.initialMargin)
      expect(pm.maintenanceMargin).toBeCloseTo(0.8 * pm.initialMargin, 12)
    }
  })

  it('attribution adds up: positions\' P&L in the determining scenario sum to the portfolio\'s; isolated margins to the standard total', () => {
    for (const a of m.accounts) {
      const pm = a.results.find((r) => r.method === 'deribit-pm')!
      const s = pm.determiningScenario!
      expect(pm.attribution.reduce((x, y) => x + y, 0)).toBeCloseTo(s.pnl, 12)
      expect(pm.scenarioPnl![s.index]).toBe(s.pnl)
      const std = a.results.find((r) => r.method === 'standard')!
      expect(std.attribution.reduce((x, y) => x + y, 0)).toBeCloseTo(std.initialMargin, 12)
    }
  })
})
