/**
 * The scenario editor's valuation against the scalar reference twin (reference-revalue.ts) run
 * underlying by underlying, and the editor's price modes (value, USD change, %) against their
 * definitions.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { findBook, listBooks } from '../../src-main/book/books-repository'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import { listHeldPositions } from '../../src-main/book/positions-repository'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import { customScenarioPnl, TERM_REF_DAYS } from '../../src-main/engine/profile/custom-scenario'
import { referenceRevalue } from '../../src-main/engine/scenarios/reference-revalue'
import type { ScenarioSet } from '../../src-main/engine/scenarios/scenario-set'
import { profileModel, runScenario, toCustomScenario } from '../../src-main/services/whatif/explorer-service'

const book = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-scenario-')), 'book.sqlite'))
const liveId = listBooks(book.db).find((b) => b.kind === 'demo')!.id
const view = buildMarketView(loadMarketSnapshot(book.db, findBook(book.db, liveId)!.marketSnapshotId!)!)
const held = listHeldPositions(book.db, liveId)

describe('scenario editor valuation', () => {
  const spec = {
    days: 9,
    underlyings: {
      BTC: { priceMode: 'pct' as const, priceAmount: -12, volMode: 'abs' as const, volAmount: 8, termResponse: true },
      ETH: { priceMode: 'value' as const, priceAmount: 3500, volMode: 'rel' as const, volAmount: -20, termResponse: false }
    }
  }

  it('price modes: % change, USD change and a target value are the same move', () => {
    const btc = view.curves.get('BTC')!.indexUsd
    const pct = toCustomScenario({ days: 0, underlyings: { BTC: { ...spec.underlyings.BTC, priceMode: 'pct', priceAmount: 5 } } }, view).shocks.BTC!.move
    const abs = toCustomScenario({ days: 0, underlyings: { BTC: { ...spec.underlyings.BTC, priceMode: 'abs', priceAmount: btc * 0.05 } } }, view).shocks.BTC!.move
    const value = toCustomScenario({ days: 0, underlyings: { BTC: { ...spec.underlyings.BTC, priceMode: 'value', priceAmount: btc * 1.05 } } }, view).shocks.BTC!.move
    expect(pct).toBeCloseTo(0.05, 12)
    expect(abs).toBeCloseTo(0.05, 12)
    expect(value).toBeCloseTo(0.05, 12)
    expect(() => toCustomScenario({ days: 0, underlyings: { BTC: { ...spec.underlyings.BTC, priceMode: 'abs', priceAmount: -btc } } }, view)).toThrow(/a price must stay above 0/)
  })

  it('each row equals the reference twin under its own underlying\'s shock, term response included', () => {
    const { book: profile } = profileModel(held, view)
    const scenario = toCustomScenario(spec, view)
    const got = customScenarioPnl(profile, scenario)
    const moves = Float64Array.from(profile.underlyings, (u) => scenario.shocks[u]?.move ?? 0)
    profile.underlyings.forEach((u, k) => {
      const sh = scenario.shocks[u]!
      const set: ScenarioSet = {
        id: u, underlyings: profile.underlyings, count: 1, priceMoves: moves,
        volAbs: Float64Array.of(sh.volAbs), volRel: Float64Array.of(sh.volRel), timeShiftYears: Float64Array.of(spec.days / 365),
        volTerm: sh.termResponse ? { refDays: TERM_REF_DAYS, power: 0.5 } : null, labels: [u]
      }
      const ref = referenceRevalue(profile.arrays, set)
      for (let r = profile.rowStart[k]!; r < profile.rowEnd[k]!; r++) expect(got.settle[r]).toBeCloseTo(ref[r]!, 9)
    })
    // …and the term response matters: without it the long-dated BTC options move by less vol, not the same.
    const flat = customScenarioPnl(profile, { ...scenario, shocks: { ...scenario.shocks, BTC: { ...scenario.shocks.BTC!, termResponse: false } } })
    const jun = profile.legs.findIndex((l) => l.symbol === 'BTC-25JUN27-100000-C')
    expect(Math.abs(flat.settle[jun]! - got.settle[jun]!)).toBeGreaterThan(1e-4)
  })

  it('the service adds positions up per underlying and flags legs expired by the date', () => {
    const run = runScenario(held, view, spec)
    expect(run.totalUsd).toBeCloseTo(run.positions.reduce((s, p) => s + p.pnlUsd, 0), 6)
    expect(run.positions.filter((p) => p.expired).map((p) => p.symbol).sort()).toEqual(['BTC-27NOV26-90000-P', 'BTC-27NOV26-95000-C', 'ETH-27NOV26-3200-C'])
    expect(run.applied.find((a) => a.underlying === 'ETH')!.toUsd).toBeCloseTo(3500, 9)
    // A Deribit coin row converts at the moved index: USD = coin × index × (1 + move).
    const perp = run.positions.find((p) => p.symbol === 'BTC-PERPETUAL')!
    expect(perp.pnlUsd).toBeCloseTo(perp.pnlSettle * view.curves.get('BTC')!.indexUsd * 0.88, 6)
  })
})
