import { describe, expect, it } from 'vitest'
import deribitPm from '../../resources/params/deribit-pm-2024-06.json'
import deribitStandard from '../../resources/params/deribit-standard-2024.json'
import { deribitPmMargin, pmShockedVol } from '../../src-main/engine/margin/deribit-pm'
import { deltaOnePosition, optionPosition, type MarginPosition } from '../../src-main/engine/margin/margin-position'
import { standardFutureMargin, standardOptionMargin } from '../../src-main/engine/margin/standard'
import { okxInitialMargin, okxMaintenanceMargin, tiered } from '../../src-main/engine/margin/okx-tiers'
import { mulberry32 } from '../../src-main/engine/random/mulberry32'

const BTC = deribitPm.currencies.BTC
const asOfMs = Date.parse('2024-06-17T08:00:00Z')
const ctx = { currency: 'BTC', asOfMs, params: BTC, paramsId: deribitPm.id, marketId: 'golden' }

describe('Deribit portfolio margin: Deribit\'s published worked example (2024-06-17, METHODOLOGY §5.3)', () => {
  const golden: MarginPosition[] = [
    deltaOnePosition({ kind: 'perpetual', sizeCoin: 0.314538364, priceUsd: 65_910.57 }),
    deltaOnePosition({ kind: 'future', sizeCoin: -0.001187534, priceUsd: 67_371.75, expiryMs: Date.parse('2024-06-28T08:00:00Z') })
  ]
  const r = deribitPmMargin(golden, ctx)
  const within = (actual: number, expected: number): void => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9)

  it('reproduces the aggregated vector, worst case, roll shock, risk-matrix margin and MM to 1e-9 BTC', () => {
    const atMinus16 = r.scenarioLabels.findIndex((l) => l === 'price −16.0 %, vol unchanged')
    within(r.scenarioPnl![atMinus16]!, -0.0596858724)
    for (let k = -4; k <= 4; k++) {
      const m = (0.16 * k) / 4
      // Every entry: (q_perp + q_future)·m/(1+m), the inverse P&L in coin (vol moves no future).
      for (const v of ['up', 'unchanged', 'down']) within(r.scenarioPnl![r.scenarioLabels.indexOf(`price ${k >= 0 ? '+' : '−'}${Math.abs(m * 100).toFixed(1)} %, vol ${v}`)]!, ((0.314538364 - 0.001187534) * m) / (1 + m))
    }
    within(r.components.find((c) => c.name === 'worst case')!.amount, 0.05968587238)
    within(r.components.find((c) => c.name === 'roll shock')!.amount, 0.00315725898)
    within(r.initialMargin, 0.06284313098)
    within(r.maintenanceMargin, 0.050274504784)
    expect(r.determiningScenario?.label).toMatch(/^price −16\.0 %/)
  })

  it('vol shock check: σ 0.60, 7 days → up 1.064225, down 0.367888', () => {
    expect(pmShockedVol(0.6, 7, 'up', BTC)).toBeCloseTo(1.064225, 6)
    expect(pmShockedVol(0.6, 7, 'down', BTC)).toBeCloseTo(0.367888, 6)
  })

  it('an option hours from expiry: the vol-down shock would pass below zero; it is floored and margin stays finite', () => {
    const expiryMs = asOfMs + 6 * 3_600_000
    expect(pmShockedVol(0.6, 0.25, 'down', BTC)).toBeLessThan(0)
    const shortCall = optionPosition({ sizeCoin: -3, forwardUsd: 65_000, strikeUsd: 65_500, expiryMs, vol: 0.6, optionType: 'call' })
    const pm = deribitPmMargin([shortCall], ctx)
    expect(Number.isFinite(pm.initialMargin)).toBe(true)
    // Vol down with no price move: the floored 1 % vol leaves about the forward intrinsic value (0), so the short gains its premium.
    const i = pm.scenarioLabels.indexOf('price +0.0 %, vol down')
    expect(pm.scenarioPnl![i]!).toBeGreaterThan(0)
  })

  it('marks the extended table, the roll shock\'s time function and the delta shock as ours; extended and delta shock add nothing to this linear book', () => {
    expect(r.components.filter((c) => !c.published).map((c) => c.name)).toEqual(['extended scenarios', 'roll shock', 'delta shock'])
    // No option, so no vol shock: the worst case is the published scenarios alone.
    expect(r.components.find((c) => c.name === 'worst case')!.published).toBe(true)
    expect(r.components.find((c) => c.name === 'extended scenarios')!.amount).toBeLessThan(1e-15)
    expect(r.components.find((c) => c.name === 'delta shock')!.amount).toBe(0)
    expect(r.paramsId).toBe('deribit-pm-2024-06')
  })
})

describe('Deribit standard margin (METHODOLOGY §5.1)', () => {
  it('futures: 25 and 350 BTC at 100,000 → IM 53,125 / 1,312,500, MM 28,125 / 962,500', () => {
    const small = standardFutureMargin({ underlying: 'BTC', sizeCoin: 25, priceUsd: 100_000 }, deribitStandard)
    const large = standardFutureMargin({ underlying: 'BTC', sizeCoin: -350, priceUsd: 100_000 }, deribitStandard)
    expect([small.im, small.mm]).toEqual([expect.closeTo(53_125, 6), expect.closeTo(28_125, 6)])
    expect([large.im, large.mm]).toEqual([expect.closeTo(1_312_500, 6), expect.closeTo(962_500, 6)])
  })

  it('options: U 10,000, K 9,000, mark 0.025: short call IM 0.175 / MM 0.100 BTC, short put IM 0.125 / MM 0.100 BTC; longs need nothing', () => {
    const base = { strikeUsd: 9_000, underlyingUsd: 10_000, markCoin: 0.025, sizeCoin: -1 }
    const call = standardOptionMargin({ ...base, optionType: 'call' }, deribitStandard)
    const put = standardOptionMargin({ ...base, optionType: 'put' }, deribitStandard)
    expect([call.im, call.mm]).toEqual([expect.closeTo(0.175, 12), expect.closeTo(0.1, 12)])
    expect([put.im, put.mm]).toEqual([expect.closeTo(0.125, 12), expect.closeTo(0.1, 12)])
    expect(standardOptionMargin({ ...base, sizeCoin: 3, optionType: 'put' }, deribitStandard)).toEqual({ im: 0, mm: 0 })
  })
})

describe('OKX portfolio-margin tiers (METHODOLOGY §5.4)', () => {
  it('MR9: 1M × 0.75 % + 4M × 1.75 % + 5M × 2.5 % = 202,500 on 10M', () => {
    expect(tiered(10_000_000, [{ upTo: 1e6, factor: 0.0075 }, { upTo: 5e6, factor: 0.0175 }, { upTo: Infinity, factor: 0.025 }])).toBeCloseTo(202_500, 6)
  })

  it('MR7 scaled bracket by bracket (tiers 0–10k ×1, 10k–70k ×2): raw 30,000 with MR 40,000 → MMR 50,000, IMR 1.3 ×', () => {
    const tiers = [{ upTo: 10_000, factor: 1 }, { upTo: 70_000, factor: 2 }]
    expect(okxMaintenanceMargin(40_000, 30_000, tiers)).toBe(50_000)
    expect(okxInitialMargin(50_000)).toBe(65_000)
  })
})

describe('scenario-max margin properties (Deribit PM on random option books)', () => {
  const rand = mulberry32(5)
  const expiry = Date.parse('2024-07-26T08:00:00Z')
  const randomBook = (n: number): MarginPosition[] =>
    Array.from({ length: n }, (): MarginPosition =>
      rand() < 0.7
        ? optionPosition({ sizeCoin: Math.round((rand() - 0.5) * 40) / 4, forwardUsd: 66_000, strikeUsd: 50_000 + Math.round(rand() * 30) * 1000, expiryMs: expiry, vol: 0.4 + rand() * 0.4, optionType: rand() < 0.5 ? 'call' : 'put' })
        : deltaOnePosition({ kind: 'perpetual', sizeCoin: (rand() - 0.5) * 4, priceUsd: 66_000 })
    )
  const im = (book: MarginPosition[]): number => deribitPmMargin(book, ctx).initialMargin

  it('a book needs no more than the sum of its parts; order does not matter; doubling doubles it', () => {
    for (let trial = 0; trial < 25; trial++) {
      const a = randomBook(6)
      const b = randomBook(6)
      expect(im([...a, ...b])).toBeLessThanOrEqual(im(a) + im(b) + 1e-12)
      expect(im([...b, ...a])).toBeCloseTo(im([...a, ...b]), 12)
      const doubled = a.map((p) => ({ ...p, sizeCoin: 2 * p.sizeCoin }))
      expect(im(doubled)).toBeCloseTo(2 * im(a), 10)
    }
  })

  it('a position and its exact offset need no margin', () => {
    const a = randomBook(5)
    const offset = a.map((p) => ({ ...p, sizeCoin: -p.sizeCoin }))
    expect(im([...a, ...offset])).toBeLessThan(1e-12)
  })
})

describe('Greeks-based margin beside full revaluation (METHODOLOGY §5.5)', () => {
  const expiry = Date.parse('2024-09-27T08:00:00Z')
  const option = (sizeCoin: number, strikeUsd: number, optionType: 'call' | 'put'): MarginPosition => optionPosition({ sizeCoin, forwardUsd: 66_000, strikeUsd, expiryMs: expiry, vol: 0.55, optionType })

  it('is exact for delta-one books', async () => {
    const { greeksMargin } = await import('../../src-main/engine/margin/greeks-margin')
    const book: MarginPosition[] = [deltaOnePosition({ kind: 'perpetual', sizeCoin: 2, priceUsd: 66_000 })]
    const g = greeksMargin(book, ctx)
    expect(g.components[1]!.amount).toBe(0)
    expect(g.initialMargin).toBeCloseTo(deribitPmMargin(book, ctx).components[0]!.amount, 15)
  })

  it('tracks full revaluation on small moves and misses it on the wide ones (short convexity understated)', async () => {
    const { greeksMargin } = await import('../../src-main/engine/margin/greeks-margin')
    const book = [option(-5, 66_000, 'call'), option(-5, 60_000, 'put')]
    const g = greeksMargin(book, ctx)
    const full = deribitPmMargin(book, ctx)
    const at = (label: string, r: typeof g): number => r.scenarioPnl![r.scenarioLabels.indexOf(label)]!
    const gap = (label: string): number => Math.abs(at(label, g) - at(label, full))
    // Second order leaves third-order terms: the gap grows with the move (about as m³).
    expect(gap('price +4.0 %, vol unchanged')).toBeLessThan(0.05 * Math.abs(at('price +4.0 %, vol unchanged', full)))
    expect(gap('price +8.0 %, vol unchanged')).toBeGreaterThan(4 * gap('price +4.0 %, vol unchanged'))
    expect(gap('price +16.0 %, vol unchanged')).toBeGreaterThan(4 * gap('price +8.0 %, vol unchanged'))
    expect(g.components[1]!.amount).toBeGreaterThan(0)
    expect(g.method).toBe('greeks')
  })
})
