/**
 * A trader's Derive account in portfolio and market files (issue 21 item 6): Derive positions by the
 * venue's instrument names, Derive's own feeds (forward, rate, SVI per expiry, confidences) in the
 * market file, margined by the Derive PMRM_2 replica beside the house method. The requirement the
 * book shows is checked against the whole-portfolio replica (engine/margin/derive-pmrm2/pmrm2.ts, the
 * one that reproduces the protocol's own cases) fed the same numbers by hand; a market without the
 * feeds says why the replica is absent instead of showing nothing.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../src-main/cli/main'
import { derivePortfolioMargin } from '../../src-main/engine/margin/derive-pmrm2/pmrm2'
import { shippedDeriveParams } from '../../src-main/services/derive/derive-params'
import type { DerivePortfolio } from '../../src-main/engine/margin/derive-pmrm2/types'

const FIXTURES = join(import.meta.dirname, '../fixtures/portfolio')
const portfolio = join(FIXTURES, 'derive-eth.portfolio.json')
const market = join(FIXTURES, 'derive-eth.market.json')

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

interface JsonResult { account: string; riskUnit: string | null; method: string; currency: string; initialMargin: number; maintenanceMargin: number; paramsId: string }

const asOfMs = Date.parse('2026-11-20T09:00:00Z')
const seconds = (iso: string): number => (Date.parse(iso) - asOfMs) / 1000
const DEC = '2026-12-25T08:00:00Z'
const JAN = '2027-01-29T08:00:00Z'
const years = (iso: string): number => seconds(iso) / (365 * 86400)

/** The fixture's account as the protocol would hold it, written out by hand from the two files. */
const byHand: DerivePortfolio = {
  cashUsd: 25_000,
  spotUsd: 3081.5,
  spotConfidence: 1,
  perpContracts: 8,
  perpPriceUsd: 3082.6,
  perpConfidence: 1,
  perpUnrealisedPnlUsd: 8 * (3082.6 - 3050.25),
  perpUnrealisedFundingUsd: 0,
  stablePriceUsd: 1,
  options: [
    { secondsToExpiry: seconds(DEC), strikeUsd: 3200, isCall: true, contracts: -20 },
    { secondsToExpiry: seconds(DEC), strikeUsd: 2800, isCall: false, contracts: 15 },
    { secondsToExpiry: seconds(JAN), strikeUsd: 3000, isCall: false, contracts: -10 }
  ],
  expiryFeeds: [
    { secondsToExpiry: seconds(DEC), forwardUsd: 3101.9, forwardConfidence: 1, rate: 0, rateConfidence: 1, volConfidence: 1, svi: { a: 0.0245, b: 0.1, rho: -0.3, m: 0, sigma: 0.1, forwardUsd: 3101.9, years: years(DEC) } },
    { secondsToExpiry: seconds(JAN), forwardUsd: 3122, forwardConfidence: 1, rate: 0.02, rateConfidence: 1, volConfidence: 0.5, svi: { a: 0.0569, b: 0.14, rho: -0.35, m: 0, sigma: 0.12, forwardUsd: 3122, years: years(JAN) } }
  ],
  collaterals: []
}

describe('a Derive account in portfolio and market files', () => {
  it('is margined by the Derive PMRM_2 replica, equal to the whole-portfolio replica on the same numbers', async () => {
    const r = await cli('margin', '--portfolio', portfolio, '--market', market, '--json')
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const { results, health } = JSON.parse(r.out) as { results: JsonResult[]; health: { pool: string; method: string; byMethod: { method: string }[] }[] }
    const derive = results.find((x) => x.method === 'derive-pm')!
    expect(derive).toMatchObject({ account: 'Derive ETH', riskUnit: 'ETH', currency: 'USD', paramsId: 'derive-pmrm2-mainnet-2026-01' })
    expect(results.some((x) => x.method === 'span' && x.account === 'Derive ETH')).toBe(true)
    const whole = derivePortfolioMargin(byHand, shippedDeriveParams().params)
    expect(derive.initialMargin).toBeCloseTo(whole.initialMarginUsd, 6)
    expect(derive.maintenanceMargin).toBeCloseTo(whole.maintenanceMarginUsd, 6)
    // The January expiry's vol feed is at 0.5 confidence, under the 0.55 threshold: IM carries the oracle charge, MM does not.
    expect(whole.contingencies.confidenceImUsd).toBeGreaterThan(0)
    expect(derive.initialMargin - derive.maintenanceMargin).toBeGreaterThan(whole.contingencies.confidenceImUsd)
    // The pool's health is judged by the venue's own method.
    expect(health.find((h) => h.pool === 'Derive ETH · USD')?.byMethod.map((m) => m.method)).toContain('derive-pm')
  })

  it('without Derive feeds in the market, says why the replica is absent and keeps the house method', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marginal-derive-'))
    const bare = JSON.parse(readFileSync(market, 'utf8')) as Record<string, unknown>
    delete bare.derive
    const file = join(dir, 'no-feeds.market.json')
    writeFileSync(file, JSON.stringify(bare))
    const r = await cli('margin', '--portfolio', portfolio, '--market', file)
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/Derive PM not computed for ETH: market file:no-feeds\.market\.json@\S+ has no Derive feeds/)
    expect(r.out).toMatch(/Derive ETH\s+ETH\s+USD\s+span/)
  })

  it('a feed at or before asOf is refused naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marginal-derive-'))
    const doc = JSON.parse(readFileSync(market, 'utf8')) as { derive: { ETH: { expiries: Record<string, unknown> } } }
    doc.derive.ETH.expiries['2026-11-20T08:00:00Z'] = { forward: 3080, svi: { a: 0.02, b: 0.1, rho: 0, m: 0, sigma: 0.1 } }
    const file = join(dir, 'stale.market.json')
    writeFileSync(file, JSON.stringify(doc))
    const r = await cli('margin', '--portfolio', portfolio, '--market', file)
    expect(r.code).not.toBe(0)
    expect(r.err).toMatch(/stale\.market\.json/)
    expect(r.err).toMatch(/derive\.ETH\.expiries\["2026-11-20T08:00:00Z"\]|derive.*2026-11-20T08:00:00Z.*not after asOf/)
  })
})
