import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openBook } from '../../src-main/book/open-book'
import { listHeldPositions } from '../../src-main/book/positions-repository'
import { listBalances } from '../../src-main/book/balances-repository'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import { marginParamSets } from '../../src-main/services/margin-params'
import { bookMargin, groupModels, marginGroups } from '../../src-main/services/margin-service'
import { marginOf } from '../../src-main/engine/margin/additive-model'

const book = openBook(join(mkdtempSync(join(tmpdir(), 'marginal-margin-')), 'book.sqlite'))
const view = buildMarketView(loadMarketSnapshot(book.db, 'demo-2026-11-20T09:00Z')!)
const held = listHeldPositions(book.db, 1)
const m = bookMargin(held, view, { balances: listBalances(book.db, 1) })

describe('margin of the demo book', () => {
  it('groups Deribit by settlement currency, OKX and Derive by risk unit, covering every position', () => {
    expect(m.accounts.map((a) => `${a.account} ${a.currency}${a.riskUnit ? ` ${a.riskUnit}` : ''}`)).toEqual(['Deribit main BTC', 'Deribit main ETH', 'Derive ETH USD ETH', 'OKX portfolio USD BTC', 'OKX portfolio USD ETH'])
    expect(m.notCovered).toEqual([])
    expect(m.accounts.reduce((n, a) => n + a.positionIds.length, 0)).toBe(36)
    expect(m.accounts[0]!.results.map((r) => r.method)).toEqual(['standard', 'span', 'deribit-pm', 'greeks'])
    expect(m.accounts[2]!.results.map((r) => r.method)).toEqual(['span', 'derive-pm'])
    expect(m.accounts[3]!.results.map((r) => r.method)).toEqual(['span', 'okx-pm'])
    expect(m.accounts.every((a) => a.notes.length === 0)).toBe(true)
  })

  it('every group carries the house add-ons in its own currency, apart from its methods; unquoted demo marks take the default spread', () => {
    for (const a of m.accounts) {
      expect(a.results.some((r) => (r.method as string) === 'add-ons')).toBe(false)
      const addOns = a.addOns!
      expect(addOns).toMatchObject({ method: 'add-ons', currency: a.currency, paramsId: 'add-ons-house-2026', determiningScenario: null })
      const liquidity = addOns.components.find((c) => c.name === 'liquidity')!
      expect(liquidity.amount).toBeGreaterThan(0)
      expect(liquidity.note).toContain(`quoted spread for 0 of ${a.positionIds.length} position(s)`)
      // Liquidity is a sum over positions; the demo's net deltas are below every first tier.
      expect(addOns.components.find((c) => c.name === 'concentration')!.amount).toBe(0)
      expect(addOns.standalone.reduce((x, y) => x + y, 0)).toBeCloseTo(addOns.initialMargin, 12)
    }
  })

  it('portfolio margin of the hedged book is below the sum of isolated margins; MM = 0.8 × IM', () => {
    const deribit = m.accounts.filter((x) => x.venue === 'deribit')
    expect(deribit.map((a) => a.currency)).toEqual(['BTC', 'ETH'])
    for (const a of deribit) {
      const std = a.results.find((r) => r.method === 'standard')!
      const pm = a.results.find((r) => r.method === 'deribit-pm')!
      expect(pm.initialMargin).toBeGreaterThan(0)
      expect(pm.initialMargin).toBeLessThan(std.initialMargin)
      expect(pm.maintenanceMargin).toBeCloseTo(0.8 * pm.initialMargin, 12)
    }
  })

  it('attribution adds up: positions\' P&L in the determining scenario sum to the portfolio\'s; isolated margins to the standard total', () => {
    let scenarioResults = 0
    for (const a of m.accounts) {
      for (const r of a.results.filter((x) => x.determiningScenario)) {
        expect(r.attribution.reduce((x, y) => x + y, 0)).toBeCloseTo(r.determiningScenario!.pnl, 9)
        expect(r.scenarioPnl![r.determiningScenario!.index]).toBe(r.determiningScenario!.pnl)
        scenarioResults++
      }
    }
    // Every group's scenario methods were checked (SPAN and Deribit PM at least), not none.
    expect(scenarioResults).toBeGreaterThanOrEqual(2 * m.accounts.length)
    // The standard method is Deribit's: both Deribit groups have it, OKX groups do not.
    const withStandard = m.accounts.filter((a) => a.results.some((r) => r.method === 'standard'))
    expect(withStandard.map((a) => `${a.account} ${a.currency}`)).toEqual(['Deribit main BTC', 'Deribit main ETH'])
    for (const a of withStandard) {
      const std = a.results.find((r) => r.method === 'standard')!
      expect(std.attribution.reduce((x, y) => x + y, 0)).toBeCloseTo(std.initialMargin, 12)
    }
  })

  it('results name their parameter set and market snapshot', () => {
    const ids = new Set(m.accounts.flatMap((a) => a.results.map((r) => `${r.method}:${r.paramsId}:${r.marketId}`)))
    expect([...ids].sort()).toEqual([
      'deribit-pm:deribit-pm-2024-06:demo-2026-11-20T09:00Z',
      'derive-pm:derive-pmrm2-mainnet-2026-01:demo-2026-11-20T09:00Z',
      'greeks:deribit-pm-2024-06:demo-2026-11-20T09:00Z',
      'okx-pm:okx-pm-2025-01:demo-2026-11-20T09:00Z',
      'span:span-house-2026:demo-2026-11-20T09:00Z',
      'standard:deribit-standard-2024:demo-2026-11-20T09:00Z'
    ])
  })

  it('health: equity, utilisation and a liquidation price where equity = MM under full revaluation', () => {
    const h = m.health.find((x) => x.pool === 'Deribit main · ETH')!
    expect(h.method).toBe('deribit-pm')
    expect(h.equity).toBeCloseTo(14 + h.positionsValue, 12)
    expect(h.imUtilisation).toBeCloseTo(h.initialMargin / h.equity, 12)
    const liq = h.liquidation.find((l) => l.underlying === 'ETH')!
    expect(liq.upUsd).not.toBeNull()
    // Independent check: move the whole market snapshot to the liquidation level and recompute the
    // book from scratch; equity and MM must meet there (and equity must exceed MM just before it).
    const at = (indexUsd: number) => {
      const k = indexUsd / liq.indexUsd
      const s = view.snapshot
      const moved = buildMarketView({
        ...s,
        indexUsd: { ...s.indexUsd, ETH: s.indexUsd.ETH! * k },
        forwardsUsd: { ...s.forwardsUsd, ETH: Object.fromEntries(Object.entries(s.forwardsUsd.ETH!).map(([e, f]) => [e, f * k])) },
        marks: Object.fromEntries(Object.entries(s.marks).map(([key, mk]) => [key, key.includes('ETH-PERPETUAL') ? { ...mk, price: mk.price * k } : mk]))
      })
      return bookMargin(held, moved, { balances: listBalances(book.db, 1), liquidation: false }).health.find((x) => x.pool === 'Deribit main · ETH')!
    }
    const there = at(liq.upUsd!)
    expect(Math.abs(there.equity - there.maintenanceMargin) / there.equity).toBeLessThan(1e-4)
    const before = at(liq.upUsd! * 0.99)
    expect(before.equity).toBeGreaterThan(before.maintenanceMargin)
  })

  it('an OKX pool\'s liquidation price is where equity = MM with the whole market moved (OKX PM and SPAN re-centred on the moved index)', () => {
    const h = m.health.find((x) => x.pool === 'OKX portfolio · USD')!
    const liq = h.liquidation.filter((l) => l.distancePct !== null).sort((a, b) => Math.abs(a.distancePct!) - Math.abs(b.distancePct!))[0]!
    const u = liq.underlying
    const level = liq.distancePct! < 0 ? liq.downUsd! : liq.upUsd!
    const at = (indexUsd: number) => {
      const k = indexUsd / liq.indexUsd
      const s = view.snapshot
      const moved = buildMarketView({
        ...s,
        indexUsd: { ...s.indexUsd, [u]: s.indexUsd[u]! * k },
        forwardsUsd: { ...s.forwardsUsd, [u]: Object.fromEntries(Object.entries(s.forwardsUsd[u]!).map(([e, f]) => [e, f * k])) },
        // Delta-one marks of the underlying move with it (perpetuals are valued at their mark).
        marks: Object.fromEntries(Object.entries(s.marks).map(([key, mk]) => [key, key.includes(`${u}-`) && mk.ivPct === undefined ? { ...mk, price: mk.price * k } : mk]))
      })
      return bookMargin(held, moved, { balances: listBalances(book.db, 1), liquidation: false }).health.find((x) => x.pool === h.pool)!
    }
    const there = at(level)
    expect(Math.abs(there.equity - there.maintenanceMargin) / there.equity).toBeLessThan(1e-4)
  })

  it('index-based charges follow the positions\' own index (a moved market), not the snapshot\'s', () => {
    const okxBtc = marginGroups(held, view, []).find((g) => g.venue === 'okx' && g.riskUnit === 'BTC')!
    const mr7 = (positions: typeof okxBtc.positions): number => {
      const model = groupModels({ ...okxBtc, positions }, view, marginParamSets(), ['okx-pm'])[0]!
      const raw = marginOf(model, positions).components.find((c) => c.name.startsWith('MR7'))!
      return raw.amount
    }
    const doubled = okxBtc.positions.map((p) => ({ ...p, indexUsd: p.indexUsd * 2, priceUsd: p.priceUsd * 2 }))
    // MR7's raw charge is option coins × index × rate: twice the index at least doubles it before
    // the bracket scaling, which only raises multipliers. With the snapshot's index it stayed put.
    expect(mr7(okxBtc.positions)).toBeGreaterThan(0)
    expect(mr7(doubled)).toBeGreaterThan(mr7(okxBtc.positions) * 1.5)
  })

  it('health per method: every method that margins the whole pool, the venue method leading; a filtered run leads with what it has', () => {
    const okx = m.health.find((h) => h.pool === 'OKX portfolio · USD')!
    expect(okx.method).toBe('okx-pm')
    expect(okx.byMethod.map((b) => b.method)).toEqual(['span', 'okx-pm']) // no standard method for OKX
    const spanIm = m.accounts.filter((a) => a.pool === okx.pool).reduce((s, a) => s + a.results.find((r) => r.method === 'span')!.initialMargin, 0)
    expect(okx.byMethod.find((b) => b.method === 'span')!.initialMargin).toBeCloseTo(spanIm, 9)
    const spanOnly = bookMargin(held, view, { methods: ['span'], balances: listBalances(book.db, 1), liquidation: false })
    expect(spanOnly.health.map((h) => [h.pool, h.method])).toEqual([['Deribit main · BTC', 'span'], ['Deribit main · ETH', 'span'], ['Derive ETH · USD', 'span'], ['OKX portfolio · USD', 'span']])
    expect(spanOnly.health[3]!.initialMargin).toBeCloseTo(spanIm, 9)
    // A Derive pool is judged by Derive's own replica.
    const derive = m.health.find((h) => h.pool === 'Derive ETH · USD')!
    expect(derive.method).toBe('derive-pm')
    expect(derive.byMethod.map((b) => b.method)).toEqual(['span', 'derive-pm'])
  })

  it('a parameter override is validated and named in results; a bad one names the field', () => {
    const sets = marginParamSets()
    const custom = { span: { ...sets.span, id: 'my-span' } }
    const r = bookMargin(held, view, { params: custom, methods: ['span'] })
    expect(r.accounts.every((a) => a.results.length === 1 && a.results[0]!.paramsId === 'my-span')).toBe(true)
    expect(() => bookMargin(held, view, { params: { span: { ...sets.span, underlyings: { BTC: { priceScanRange: -1 } } } }, paramsSource: 'mine.json' })).toThrow(/^mine\.json: invalid margin parameters at span\.underlyings\.BTC\.priceScanRange/)
  })
})

describe('collateral haircuts', () => {
  it('discount a coin the account holds, never one it owes: a negative ETH balance is a debt in full', () => {
    const okx = (balances: { currency: string; amount: number }[]) =>
      bookMargin(held, view, { balances: balances.map((b) => ({ accountId: 0, accountName: 'OKX portfolio', ...b })) }).health.find((h) => h.account === 'OKX portfolio')!.collateral
    const eth = view.curves.get('ETH')!.indexUsd
    const base = okx([{ currency: 'USDT', amount: 20_000 }])
    expect(okx([{ currency: 'USDT', amount: 20_000 }, { currency: 'ETH', amount: -1 }])).toBeCloseTo(base - eth, 9)
    expect(okx([{ currency: 'USDT', amount: 20_000 }, { currency: 'ETH', amount: 1 }])).toBeLessThan(base + eth)
  })
})
