import { describe, expect, it } from 'vitest'
import deribitPm from '../../resources/params/deribit-pm-2024-06.json'
import okxJson from '../../resources/params/okx-pm-2025-01.json'
import { marginOf } from '../../src-main/engine/margin/additive-model'
import { deribitPmMargin, deribitPmModel, type DeribitPmParams } from '../../src-main/engine/margin/deribit-pm'
import { deltaOnePosition, optionPosition, type MarginPosition } from '../../src-main/engine/margin/margin-position'
import { okxParamsFromJson, okxPmMargin } from '../../src-main/engine/margin/okx-pm'
import { tiered } from '../../src-main/engine/margin/okx-tiers'

const asOfMs = Date.parse('2026-01-05T08:00:00Z')
const day = 86_400_000
const okx = okxParamsFromJson(okxJson as Parameters<typeof okxParamsFromJson>[0])

describe('OKX portfolio margin replica (METHODOLOGY §5.4)', () => {
  const ctx = { underlying: 'BTC', indexUsd: 100_000, asOfMs, params: okx, marketId: 't' }

  it('a linear perpetual: MR1 is the 12 % move, MR6 the 24 % one, MR9 tiered on notional; MMR = MR6 + MR9, IMR = 1.3 × MMR', () => {
    const r = okxPmMargin([deltaOnePosition({ kind: 'perpetual', inverse: false, sizeCoin: 2, priceUsd: 100_000 })], ctx)
    const c = (name: string): number => r.components.find((x) => x.name.startsWith(name))!.amount
    expect(c('MR1')).toBeCloseTo(2 * 100_000 * 0.12, 6)
    expect(c('MR6')).toBeCloseTo(2 * 100_000 * 0.24, 6)
    expect(c('MR9')).toBeCloseTo(tiered(200_000, okx.mr9Tiers), 9)
    expect(c('MR9')).toBeCloseTo(200_000 * 0.0075, 9)
    expect(r.maintenanceMargin).toBeCloseTo(48_000 + 1_500, 6)
    expect(r.initialMargin).toBeCloseTo(1.3 * r.maintenanceMargin, 9)
    expect(r.determiningScenario!.label).toBe('MR6 BTC extreme −24 %')
    expect(r.currency).toBe('USD')
  })

  it('names its unpublished components', () => {
    const r = okxPmMargin([deltaOnePosition({ kind: 'future', inverse: true, sizeCoin: -1, priceUsd: 101_000, expiryMs: asOfMs + 90 * day })], ctx)
    expect(r.components.filter((c) => !c.published).map((c) => c.name.split(' ')[0])).toEqual(['MR2', 'MR3', 'MR5', 'MR7'])
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
