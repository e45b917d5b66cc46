import { describe, expect, it } from 'vitest'
import spanHouse from '../../resources/params/span-house-2026.json'
import { marginOf } from '../../src-main/engine/margin/additive-model'
import { deltaOnePosition, optionPosition, type MarginPosition } from '../../src-main/engine/margin/margin-position'
import { spanMargin, spanModel, type SpanParams, type SpanUnderlyingParams } from '../../src-main/engine/margin/span'
import { mulberry32 } from '../../src-main/engine/random/mulberry32'

const asOfMs = Date.parse('2026-01-05T08:00:00Z')
const day = 86_400_000
// Linear futures in a USD account with a 5 % scan range: a contract's "month rate" (its scanning
// risk alone) is 5 % of its price, so prices of 10,000 and 15,000 give the CME example's 500 and 750.
const cmeUnderlying = (over: Partial<SpanUnderlyingParams> = {}): SpanUnderlyingParams => ({
  priceScanRange: 0.05,
  volScanRange: 0,
  extremeMultiple: 2,
  coverFraction: 0.35,
  lookaheadDays: 1,
  // M2 and M3 share a tier (intra-tier rate 200 at an index of 10,000); M4 is the next tier.
  tiers: [{ name: 'A', maxDays: 80, intraRate: 0.02 }, { name: 'B', maxDays: null, intraRate: 0 }],
  tierSpreads: [{ tiers: ['A', 'B'], rate: 0.005 }],
  shortOptionMinimumRate: 0,
  ...over
})
const future = (underlying: string, contracts: number, priceUsd: number, days: number): MarginPosition =>
  deltaOnePosition({ underlying, kind: 'future', inverse: false, sizeCoin: contracts, priceUsd, expiryMs: asOfMs + days * day })
const usd = (params: SpanParams, index: Record<string, number>) => ({ currency: 'USD', asOfMs, params, marketId: 'cme-example', indexUsd: index })

// CME, "Spread calculations" (cmegroup.com/clearing/margins/spread-calc.html): the inter-spread
// (corn/soybeans) and the intra-spread (months 2, 3 and 4) examples.
describe('SPAN-style margin: CME published spread examples (METHODOLOGY §5.2)', () => {
  const params: SpanParams = { id: 'cme-example', underlyings: { X: cmeUnderlying() }, interSpreads: [] }
  const ctx = usd(params, { X: 10_000 })

  it('outright month rates: 500, 500 and 750', () => {
    expect(spanMargin([future('X', 1, 10_000, 40)], ctx).initialMargin).toBeCloseTo(500, 9)
    expect(spanMargin([future('X', 1, 10_000, 70)], ctx).initialMargin).toBeCloseTo(500, 9)
    expect(spanMargin([future('X', 1, 15_000, 100)], ctx).initialMargin).toBeCloseTo(750, 9)
  })

  it('intra-commodity tiers: +1 M2 −1 M3 = 200, +1 M2 −1 M4 = 300', () => {
    const m23 = spanMargin([future('X', 1, 10_000, 40), future('X', -1, 10_000, 70)], ctx)
    expect(m23.initialMargin).toBeCloseTo(200, 9)
    expect(m23.components.find((c) => c.name === 'scanning risk')!.amount).toBeCloseTo(0, 9)
    const m24 = spanMargin([future('X', 1, 10_000, 40), future('X', -1, 15_000, 100)], ctx)
    expect(m24.initialMargin).toBeCloseTo(300, 9)
    expect(m24.components.find((c) => c.name === 'intra-commodity spread charge')!.amount).toBeCloseTo(50, 9)
  })

  // The same page's third portfolio, +1 M3 −1 M4 = 250, needs M3 and M4 in different tiers with a
  // zero M3/M4 charge: under the two-tier mapping above M3 sits with M2 and pays the A/B rate (300).
  // One tier per month reproduces all three (cmegroup.com/clearing/margins/spread-calc.html).
  it('three tiers, one per month, spreads M2/M3 200, M2/M4 50, M3/M4 0: the page\'s 200 / 300 / 250', () => {
    const three: SpanParams = {
      id: 'cme-example-3',
      underlyings: {
        X: cmeUnderlying({
          tiers: [{ name: 'M2', maxDays: 50, intraRate: 0 }, { name: 'M3', maxDays: 80, intraRate: 0 }, { name: 'M4', maxDays: null, intraRate: 0 }],
          tierSpreads: [{ tiers: ['M2', 'M3'], rate: 0.02 }, { tiers: ['M2', 'M4'], rate: 0.005 }, { tiers: ['M3', 'M4'], rate: 0 }]
        })
      },
      interSpreads: []
    }
    const c3 = usd(three, { X: 10_000 })
    const m2 = (n: number): MarginPosition => future('X', n, 10_000, 40)
    const m3 = (n: number): MarginPosition => future('X', n, 10_000, 70)
    const m4 = (n: number): MarginPosition => future('X', n, 15_000, 100)
    const intra = (r: ReturnType<typeof spanMargin>): number => r.components.find((c) => c.name === 'intra-commodity spread charge')!.amount
    const r23 = spanMargin([m2(1), m3(-1)], c3)
    expect(r23.initialMargin).toBeCloseTo(200, 9)
    expect(intra(r23)).toBeCloseTo(200, 9)
    const r24 = spanMargin([m2(1), m4(-1)], c3)
    expect(r24.initialMargin).toBeCloseTo(300, 9)
    expect(intra(r24)).toBeCloseTo(50, 9)
    const r34 = spanMargin([m3(1), m4(-1)], c3)
    expect(r34.initialMargin).toBeCloseTo(250, 9)
    expect(intra(r34)).toBeCloseTo(0, 9)
    // The two-tier mapping of the test above cannot give 250: M3 shares M2's tier.
    expect(spanMargin([m3(1), m4(-1)], ctx).initialMargin).toBeCloseTo(300, 9)
  })

  // SPAN forms tier spreads in priority order, each consuming the delta it uses (CME SPAN report
  // "Intracommodity Spreading Tier Requirements": original and remaining delta per tier): with
  // +1 M2 −1 M3 −1 M4 the first spread in the list takes M2's one long delta and the other
  // short leg stays outright (covered by scanning risk alone).
  it('tier spreads in priority order, each consuming its legs\' delta', () => {
    const tiers = [{ name: 'M2', maxDays: 50, intraRate: 0 }, { name: 'M3', maxDays: 80, intraRate: 0 }, { name: 'M4', maxDays: null, intraRate: 0 }]
    const spreads = [{ tiers: ['M2', 'M3'] as [string, string], rate: 0.02 }, { tiers: ['M2', 'M4'] as [string, string], rate: 0.005 }]
    const ordered = (s: typeof spreads): SpanParams => ({ id: 'cme-priority', underlyings: { X: cmeUnderlying({ tiers, tierSpreads: s }) }, interSpreads: [] })
    const book = [future('X', 1, 10_000, 40), future('X', -1, 10_000, 70), future('X', -1, 15_000, 100)]
    // Scanning risk: the +5 % move loses 500 + 750 − 500 = 750.
    const m23First = spanMargin(book, usd(ordered(spreads), { X: 10_000 }))
    expect(m23First.components.find((c) => c.name === 'scanning risk')!.amount).toBeCloseTo(750, 9)
    expect(m23First.initialMargin).toBeCloseTo(750 + 200, 9)
    const m24First = spanMargin(book, usd(ordered([spreads[1]!, spreads[0]!]), { X: 10_000 }))
    expect(m24First.initialMargin).toBeCloseTo(750 + 50, 9)
  })

  it('inter-commodity 2:1 with outrights 1,750 and 2,500 at a 55 % credit → 2,700', () => {
    const inter: SpanParams = {
      id: 'cme-inter',
      underlyings: { A: cmeUnderlying(), B: cmeUnderlying() },
      interSpreads: [{ legs: [{ underlying: 'A', delta: 2 }, { underlying: 'B', delta: 1 }], credit: 0.55 }]
    }
    const book = [future('A', 2, 35_000, 40), future('B', -1, 50_000, 40)]
    const r = spanMargin(book, usd(inter, { A: 35_000, B: 50_000 }))
    expect(r.components.find((c) => c.name === 'scanning risk')!.amount).toBeCloseTo(6_000, 9)
    expect(r.components.find((c) => c.name === 'inter-commodity spread credit')!.amount).toBeCloseTo(-3_300, 9)
    expect(r.initialMargin).toBeCloseTo(2_700, 9)
  })
})

describe('SPAN-style margin properties (house parameters, random BTC/ETH option books)', () => {
  const params = spanHouse as unknown as SpanParams
  const rand = mulberry32(11)
  const index = { BTC: 92_000, ETH: 3_100 }
  const ctx = { currency: 'USD', asOfMs, params, marketId: 'random', indexUsd: index }
  const expiries = [asOfMs + 20 * day, asOfMs + 60 * day, asOfMs + 150 * day]
  const randomBook = (n: number): MarginPosition[] =>
    Array.from({ length: n }, (): MarginPosition => {
      const u = rand() < 0.5 ? 'BTC' : 'ETH'
      const f = index[u]
      const expiryMs = expiries[Math.floor(rand() * 3)]!
      return rand() < 0.7
        ? optionPosition({ underlying: u, inverse: false, sizeCoin: Math.round((rand() - 0.5) * 40) / 4, forwardUsd: f, strikeUsd: Math.round(f * (0.7 + rand() * 0.6)), expiryMs, vol: 0.4 + rand() * 0.4, optionType: rand() < 0.5 ? 'call' : 'put' })
        : deltaOnePosition({ underlying: u, kind: 'future', inverse: false, sizeCoin: (rand() - 0.5) * 8, priceUsd: f, expiryMs })
    })
  // The model is built for a book's expiries and underlyings; evaluate every book on one model.
  const im = (book: MarginPosition[]): number => marginOf(spanModel([...allPositions], ctx), book, { perPosition: false }).initialMargin
  const allPositions: MarginPosition[] = []

  // Scanning risk is the scenario-max part and must be subadditive; spread charges and credits are
  // netting rules on top (a credit one part earns alone can be lost in the union), so they are not.
  it('scanning risk of a book ≤ sum of its parts\'; order does not matter; doubling doubles scanning risk', () => {
    for (let trial = 0; trial < 20; trial++) {
      const a = randomBook(6)
      const b = randomBook(6)
      allPositions.splice(0, allPositions.length, ...a, ...b)
      const scan = (book: MarginPosition[]): number => marginOf(spanModel(allPositions, ctx), book, { perPosition: false }).components[0]!.amount
      expect(scan([...a, ...b])).toBeLessThanOrEqual(scan(a) + scan(b) + 1e-6)
      expect(im([...b, ...a])).toBeCloseTo(im([...a, ...b]), 6)
      const doubled = a.map((p) => ({ ...p, sizeCoin: 2 * p.sizeCoin }))
      expect(scan(doubled)).toBeCloseTo(2 * scan(a), 6)
    }
  })

  it('a position and its exact offset leave only the short option minimum', () => {
    const a = randomBook(6)
    const offset = a.map((p) => ({ ...p, sizeCoin: -p.sizeCoin }))
    allPositions.splice(0, allPositions.length, ...a)
    const r = marginOf(spanModel(allPositions, ctx), [...a, ...offset], { perPosition: false })
    expect(r.components[0]!.amount).toBeCloseTo(0, 9)
    const shortCoins = (u: string): number => [...a, ...offset].filter((p) => p.kind === 'option' && p.underlying === u && p.sizeCoin < 0).reduce((s, p) => s - p.sizeCoin, 0)
    const minimum = shortCoins('BTC') * params.underlyings['BTC']!.shortOptionMinimumRate * index.BTC + shortCoins('ETH') * params.underlyings['ETH']!.shortOptionMinimumRate * index.ETH
    expect(r.initialMargin).toBeCloseTo(minimum, 6)
  })
})
