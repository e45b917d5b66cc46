/**
 * Per-coin option records shared between margin groups (margin-position.ts OptionUnitShare): the
 * PM replica's, the Greeks method's and SPAN's records of options held in several groups, with and without the share,
 * equal bit for bit (Object.is on every entry), and a position whose inputs moved after the share
 * was filled misses it rather than reading another option's numbers.
 */
import { describe, expect, it } from 'vitest'
import deribitPm from '../../resources/params/deribit-pm-2024-06.json'
import { buildModelState, type MarginModel } from '../../src-main/engine/margin/additive-model'
import { deribitPmModel } from '../../src-main/engine/margin/deribit-pm'
import { greeksModel } from '../../src-main/engine/margin/greeks-margin'
import { spanModel } from '../../src-main/engine/margin/span'
import { deltaOnePosition, optionPosition, type MarginPosition, type OptionUnitShare } from '../../src-main/engine/margin/margin-position'
import { marginParamSets } from '../../src-main/services/margin-params'
import { mulberry32 } from '../../src-main/engine/random/mulberry32'

const asOfMs = Date.parse('2024-06-17T08:00:00Z')
const DAY = 86_400_000

/** Two accounts' books drawn from one chain of 40 options: many options in both, at different sizes. */
function accounts(seed: number, inverse: boolean): MarginPosition[][] {
  const rnd = mulberry32(seed)
  const chain = Array.from({ length: 40 }, (_, k) => {
    const expiryMs = [asOfMs - DAY, asOfMs + 5 * 3600_000, asOfMs + 9 * DAY, asOfMs + 90 * DAY][k % 4]!
    return { expiryMs, strikeUsd: 40_000 + 2_000 * Math.floor(k / 2), optionType: k % 3 === 0 ? ('put' as const) : ('call' as const), vol: k % 5 === 0 ? 0.05 : 0.3 + rnd(), forwardUsd: 65_000 * (1 + (k % 4) * 0.004) }
  })
  return [0, 1].map(() => [
    deltaOnePosition({ kind: 'perpetual', inverse, sizeCoin: rnd() * 10 - 5, priceUsd: 65_010 }),
    ...Array.from({ length: 30 }, () => optionPosition({ ...chain[Math.floor(rnd() * chain.length)]!, inverse, sizeCoin: (rnd() - 0.5) * 20, underlying: 'BTC', indexUsd: 65_000 }))
  ])
}

function expectSameRecords(make: (share: OptionUnitShare | undefined, positions: MarginPosition[]) => MarginModel, books: MarginPosition[][]): void {
  const share: OptionUnitShare = new Map()
  for (const positions of books) {
    const shared = buildModelState(make(share, positions), positions).records
    const own = buildModelState(make(undefined, positions), positions).records
    expect(shared.length).toBe(own.length)
    for (let j = 0; j < own.length; j++) if (!Object.is(shared[j], own[j])) expect.fail(`entry ${j}: ${shared[j]} ≠ ${own[j]}`)
  }
  // The second book found options of the first in the share.
  expect([...share.values()].reduce((n, e) => n + e.length, 0)).toBeLessThan(books.flat().filter((p) => p.kind === 'option').length)
}

describe('options shared between groups are revalued once, to the same numbers', () => {
  const sets = marginParamSets()
  for (const [currency, inverse] of [['BTC', true], ['USDC', false]] as const) {
    it(`the PM replica, ${currency} account`, () => {
      const books = accounts(currency === 'BTC' ? 5 : 6, inverse)
      expectSameRecords((unitShare, positions) => deribitPmModel(positions, { currency, asOfMs, params: deribitPm.currencies[currency], paramsId: deribitPm.id, marketId: 't', unitShare }), books)
    })
    it(`the Greeks method (its full revaluation from the share), ${currency} account`, () => {
      const books = accounts(currency === 'BTC' ? 10 : 11, inverse)
      expectSameRecords((unitShare) => greeksModel({ currency, asOfMs, params: deribitPm.currencies[currency], paramsId: deribitPm.id, marketId: 't', unitShare }), books)
    })
    it(`SPAN, ${currency === 'BTC' ? 'BTC' : 'USD'} account`, () => {
      const books = accounts(currency === 'BTC' ? 7 : 8, inverse)
      expectSameRecords((unitShare, positions) => spanModel(positions, { currency: currency === 'BTC' ? 'BTC' : 'USD', asOfMs, params: sets.span, marketId: 't', indexUsd: { BTC: 65_000 }, unitShare }), books)
    })
  }

  it('a position moved after the share was filled misses it', () => {
    const [book] = accounts(9, true)
    const share: OptionUnitShare = new Map()
    const ctx = { currency: 'BTC', asOfMs, params: deribitPm.currencies.BTC, paramsId: deribitPm.id, marketId: 't', unitShare: share }
    buildModelState(deribitPmModel(book!, ctx), book!)
    const moved = book!.map((p) => ({ ...p, priceUsd: p.priceUsd * 1.03, vol: p.vol + 0.01 }))
    const shared = buildModelState(deribitPmModel(moved, ctx), moved).records
    const own = buildModelState(deribitPmModel(moved, { ...ctx, unitShare: undefined }), moved).records
    expect(Array.from(shared)).toEqual(Array.from(own))
  })
})
