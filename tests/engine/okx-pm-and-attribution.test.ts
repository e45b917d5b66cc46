import { describe, expect, it } from 'vitest'
import deribitPm from '../../resources/params/deribit-pm-2024-06.json'
import okxJson from '../../resources/params/okx-pm-2025-01.json'
import { marginOf } from '../../src-main/engine/margin/additive-model'
import { deribitPmMargin, deribitPmModel, type DeribitPmParams } from '../../src-main/engine/margin/deribit-pm'
import { deltaOnePosition, optionPosition, type MarginPosition } from '../../src-main/engine/margin/margin-position'
import { okxParamsFromJson, okxPmMargin, usdtUsdHedgeUsd } from '../../src-main/engine/margin/okx-pm'

const asOfMs = Date.parse('2026-01-05T08:00:00Z')
const day = 86_400_000
const okx = okxParamsFromJson(okxJson as Parameters<typeof okxParamsFromJson>[0])

describe('OKX portfolio margin replica (METHODOLOGY §5.4)', () => {
  const ctx = { underlying: 'BTC', indexUsd: 100_000, asOfMs, params: okx, marketId: 't' }

  it('a linear perpetual: MR1 is the 12 % move, MR6 half the 24 % one, no MR9 in one currency; MMR = MR1 + MR4, IMR = 1.3 × MMR', () => {
    const r = okxPmMargin([deltaOnePosition({ kind: 'perpetual', inverse: false, sizeCoin: 2, priceUsd: 100_000 })], ctx)
    const c = (name: string): number => r.components.find((x) => x.name.startsWith(name))!.amount
    expect(c('MR1')).toBeCloseTo(2 * 100_000 * 0.12, 6)
    expect(c('MR6')).toBeCloseTo(0.5 * 2 * 100_000 * 0.24, 6)
    expect(c('MR9')).toBe(0)
    // The shipped major-class perpetual rates (OKX's position-builder example): MR4 0.2 %, MR7 0.45 % of the USD delta.
    expect(c('MR4')).toBeCloseTo(200_000 * 0.002, 6)
    expect(c('MR7')).toBeCloseTo(200_000 * 0.0045, 6)
    expect(r.maintenanceMargin).toBeCloseTo(24_000 + 400, 6)
    expect(r.initialMargin).toBeCloseTo(1.3 * r.maintenanceMargin, 9)
    expect(r.determiningScenario!.label).toBe('MR1 BTC −12 %, vol up')
    expect(r.currency).toBe('USD')
  })

  it('MR9 charges the USDT-margined delta that opposite coin-margined delta hedges, tiered', () => {
    const linear = deltaOnePosition({ kind: 'perpetual', inverse: false, sizeCoin: 5, priceUsd: 100_000 })
    const inverse = (sizeCoin: number): MarginPosition => deltaOnePosition({ kind: 'perpetual', inverse: true, sizeCoin, priceUsd: 100_000 })
    const mr9 = (book: MarginPosition[]): number => okxPmMargin(book, ctx).components.find((x) => x.name.startsWith('MR9'))!.amount
    expect(usdtUsdHedgeUsd(500_000, -300_000)).toBe(300_000)
    expect(mr9([linear, inverse(-3)])).toBeCloseTo(300_000 * 0.0075, 6)
    // 5 BTC against 15 BTC: the hedge is the smaller side, 500,000 USD.
    expect(mr9([linear, inverse(-15)])).toBeCloseTo(500_000 * 0.0075, 6)
    expect(mr9([linear, inverse(3)])).toBe(0)
    expect(mr9([linear, deltaOnePosition({ kind: 'spot', inverse: false, sizeCoin: -5, priceUsd: 100_000 })])).toBe(0)
  })

  it('names every component an approximation, MR3 and MR5 not computed', () => {
    const r = okxPmMargin([deltaOnePosition({ kind: 'future', inverse: true, sizeCoin: -1, priceUsd: 101_000, expiryMs: asOfMs + 90 * day })], ctx)
    expect(r.components.map((c) => c.name.split(' ')[0])).toEqual(['MR1', 'MR2', 'MR3', 'MR4', 'MR5', 'MR6', 'MR7', 'MR9'])
    expect(r.components.filter((c) => c.published)).toEqual([])
    for (const name of ['MR3', 'MR5']) {
      const c = r.components.find((x) => x.name.startsWith(name))!
      expect(c.amount).toBe(0)
      expect(c.note).toMatch(/^not computed: OKX names it/)
    }
    expect(r.components.every((c) => (c.note ?? '').length > 0)).toBe(true)
    // MR4: |USD delta| × 5 % × T for the dated future.
    expect(r.components.find((c) => c.name.startsWith('MR4'))!.amount).toBeCloseTo(101_000 * 0.05 * (90 / 365), 6)
  })
})

describe('attribution, standalone and incremental margin (METHODOLOGY §5.10)', () => {
  const params = deribitPm.currencies.BTC as DeribitPmParams
  const ctx = { currency: 'BTC', asOfMs, params, paramsId: deribitPm.id, marketId: 't' }
  const expiry = asOfMs + 30 * day
  const book: MarginPosition[] = [
    optionPosition({ sizeCoin: -10, forwardUsd: 95_000, strikeUsd: 110_000, expiryMs: expiry, vol: 0.5, optionType: 'call' }),
    optionPosition({ sizeCoin: 6, forwardUsd: 95_000, strikeUsd: 100_000, expiryMs: expiry, vol: 0.5, optionType: 'call' }),
    optionPosition({ sizeCoin: -4, forwardUsd: 95_000, strikeUsd: 80_000, expiryMs: expiry, vol: 0.6, optionType: 'put' }),
    deltaOnePosition({ kind: 'perpetual', sizeCoin: 1.5, priceUsd: 94_800 })
  ]
  const r = marginOf(deribitPmModel(book, ctx), book)

  it('equal brute force: standalone = the position alone, incremental = book minus book without it', () => {
    book.forEach((p, i) => {
      const alone = deribitPmMargin([p], ctx).initialMargin
      const without = marginOf(deribitPmModel(book, ctx), book.filter((_, j) => j !== i)).initialMargin
      expect(r.standalone[i]).toBeCloseTo(alone, 12)
      expect(r.incremental[i]).toBeCloseTo(r.initialMargin - without, 12)
    })
  })

  it('attribution sums to the determining scenario P&L', () => {
    expect(Array.from(r.attribution).reduce((a, b) => a + b, 0)).toBeCloseTo(r.determiningScenario!.pnl, 12)
  })

  it('the extended table bites on far out-of-the-money short calls and is labelled an approximation', () => {
    const farCall = [optionPosition({ sizeCoin: -50, forwardUsd: 95_000, strikeUsd: 200_000, expiryMs: asOfMs + 120 * day, vol: 0.6, optionType: 'call' })]
    const pm = deribitPmMargin(farCall, ctx)
    const ext = pm.components.find((c) => c.name === 'extended scenarios')!
    expect(ext.amount).toBeGreaterThan(0)
    expect(ext.published).toBe(false)
    expect(pm.determiningScenario!.label).toMatch(/^extended \+\d+ %, vol up$/)
  })
})
