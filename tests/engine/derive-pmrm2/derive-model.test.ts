/**
 * The Derive replica as the book runs it (derive-model.ts: an additive model, records per position,
 * finished per expiry) against the whole-portfolio replica (pmrm2.ts) and the protocol's own cases:
 * every case without collateral (the book's model leaves collateral to account health) is rebuilt as
 * book positions and a market's Derive feeds; its IM and MM requirements (mark-to-market − the
 * protocol's value) and every scenario P&L must match to the protocol's tolerance. Standalone and
 * incremental margin follow from the same records; a check of one of them against a fresh
 * evaluation holds the additive bookkeeping honest.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { readDeriveCase } from '../../../src-main/engine/margin/derive-pmrm2/case-file'
import { derivePortfolioMargin } from '../../../src-main/engine/margin/derive-pmrm2/pmrm2'
import { deriveModel, missingDeriveFeeds } from '../../../src-main/engine/margin/derive-pmrm2/derive-model'
import { marginOf } from '../../../src-main/engine/margin/additive-model'
import type { MarginPosition } from '../../../src-main/engine/margin/margin-position'
import type { DeriveMarketFeeds } from '../../../src-main/engine/market/snapshot'
import { hasSharedData, sharedData } from '../../support/shared-data'

const CASES = 'venues/derive-pmrm2/cases'
const present = hasSharedData(CASES)
if (!present) console.log(`[derive-model] skipped: ${sharedData(CASES)} is missing`)
const ASOF_MS = 1_630_000_000_000

type Json = Record<string, any>

function bookOf(json: Json): { positions: MarginPosition[]; feeds: DeriveMarketFeeds; spot: number } {
  const s = json.Scenario as Json
  const spot = Number(s.SpotPrice)
  const positions: MarginPosition[] = (s.Options as Json[]).map((o) => ({
    underlying: 'ETH', kind: 'option', inverse: false, sizeCoin: Number(o.Amount), priceUsd: spot, indexUsd: spot,
    expiryMs: ASOF_MS + Number(o.Expiry) * 1000, strikeUsd: Number(o.Strike), vol: 0.5, optionType: Number(o.IsCall) !== 0 ? 'call' : 'put', markCoin: 0
  }))
  if (Number(s.NumPerps) !== 0) positions.push({ underlying: 'ETH', kind: 'perpetual', inverse: false, sizeCoin: Number(s.NumPerps), priceUsd: Number(s.PerpPrice), indexUsd: spot, expiryMs: null, strikeUsd: 0, vol: 0, optionType: null, markCoin: 0 })
  const feeds: DeriveMarketFeeds = {
    spotConfidence: Number(s.SpotConfidence),
    perpConfidence: Number(s.PerpConfidence),
    stablePriceUsd: Number(s.StablePrice),
    expiries: (s.OptionFeeds as Json[]).map((f) => {
      const [a, b, rho, m, sigma, sviForwardUsd, sviYears] = (f.SVIparam as unknown[]).map(Number) as number[]
      return {
        expiryMs: ASOF_MS + Number(f.FeedExpiry) * 1000, forwardUsd: Number(f.Forward), rate: Number(f.Rate),
        svi: { a: a!, b: b!, rho: rho!, m: m!, sigma: sigma! }, sviForwardUsd, sviYears,
        forwardConfidence: Number(f.ForwardConfidence), rateConfidence: Number(f.RateConfidence), volConfidence: Number(f.OptionVolConfidences)
      }
    })
  }
  return { positions, feeds, spot }
}

const close = (ours: number, theirs: number): boolean => {
  const nearZero = Math.abs(ours) < 1e-10 || Math.abs(theirs) < 1e-10
  return (nearZero ? Math.abs(ours - theirs) : Math.abs(ours - theirs) / Math.abs(theirs)) <= 1e-8
}

const files = present ? readdirSync(sharedData(CASES)).filter((f) => f.endsWith('.json')).sort() : []
// Collateral is the account's, not a position's: those cases are the whole-portfolio replica's (portfolio-cases.test.ts).
const bookCases = files.filter((f) => (JSON.parse(readFileSync(`${sharedData(CASES)}/${f}`, 'utf8')) as Json).Scenario.Collaterals.length === 0)

describe.skipIf(!present)('Derive model in the book = the protocol on every case without collateral', () => {
  it('covers a real share of the cases', () => expect(bookCases.length).toBeGreaterThan(20))
  for (const file of bookCases) {
    it(file, () => {
      const json = JSON.parse(readFileSync(`${sharedData(CASES)}/${file}`, 'utf8')) as Json
      const { portfolio, params, expected } = readDeriveCase(json)
      const { positions, feeds, spot } = bookOf(json)
      // Same-strike duplicates would net in the book; the protocol holds one asset per (expiry, strike, type).
      expect(missingDeriveFeeds(positions, feeds)).toEqual([])
      const model = deriveModel(positions, { underlying: 'ETH', asOfMs: ASOF_MS, snapshotIndexUsd: spot, feeds, params, paramsId: 'case', marketId: file })
      const r = marginOf(model, positions)
      const whole = derivePortfolioMargin(portfolio, params)
      const imRequirement = expected.portfolioMtmUsd - expected.imUsd
      const mmRequirement = expected.portfolioMtmUsd - expected.mmUsd
      expect(close(r.initialMargin, imRequirement), `IM ${r.initialMargin} vs ${imRequirement}`).toBe(true)
      expect(close(r.maintenanceMargin, mmRequirement), `MM ${r.maintenanceMargin} vs ${mmRequirement}`).toBe(true)
      whole.scenarios.forEach((s, i) => expect(close(r.scenarioPnl![i]!, s.pnlUsd), `scenario ${i}: ${r.scenarioPnl![i]} vs ${s.pnlUsd}`).toBe(true))
      // Incremental margin of the first position = book IM − IM of a book without it, evaluated afresh.
      if (positions.length > 1) {
        const rest = positions.slice(1)
        const without = marginOf(deriveModel(rest, { underlying: 'ETH', asOfMs: ASOF_MS, snapshotIndexUsd: spot, feeds, params, paramsId: 'case', marketId: file }), rest, { perPosition: false })
        expect(r.incremental[0]! - (r.initialMargin - without.initialMargin)).toBeCloseTo(0, 6)
      }
    })
  }
})
