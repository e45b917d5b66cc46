/**
 * Deribit portfolio margin on the venue's own parameters (issue 21, acceptance 1): the model_params
 * block of Deribit's published private/pme/simulate example, fed verbatim
 * (tests/fixtures/venues/deribit/pme-simulate-btc-2024-06-17.json, from
 * https://docs.deribit.com/api-reference/account-management/private-simulate), reproduces every
 * entry of the response's aggregated_risk_vectors and its MM to 1e-9 BTC; the same block with
 * pnl_offset / max_offsetable_pnl changed moves the aggregated vector's gains as the venue's
 * responses show, and not the margin. A live ETH response (2026-02-15) checks pnl_offset on real
 * numbers. Expected values are the venue's, or computed here from the positions, never read back
 * from the engine.
 */
import { describe, expect, it } from 'vitest'
import btcResponse from '../fixtures/venues/deribit/pme-simulate-btc-2024-06-17.json'
import ethResponse from '../fixtures/venues/deribit/pme-simulate-eth-2026-02-15.json'
import { deribitPmMargin, pmAggregatedRiskVectors, pmShockedVol, type DeribitPmParams } from '../../src-main/engine/margin/deribit-pm'
import { deltaOnePosition, optionPosition, type MarginPosition } from '../../src-main/engine/margin/margin-position'
import { deribitPmFromModelParams } from '../../src-main/services/deribit/pme-model-params'
import { marginParamSets, prepareUserParamSet, shippedDeribitPmSet } from '../../src-main/services/margin-params'

const within = (actual: number, expected: number, tol = 1e-9): void => expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol)
const clone = <T>(x: T): T => structuredClone(x)

// The example's book (its portfolio and ticker): sizes in BTC as Deribit states them.
const asOfMs = Date.parse('2024-06-17T08:00:00Z')
const INDEX = btcResponse.result.index_price.btc_usd
const perp = deltaOnePosition({ kind: 'perpetual', sizeCoin: btcResponse.result.portfolio.position['BTC-PERPETUAL'], priceUsd: btcResponse.result.ticker['BTC-PERPETUAL'].mark_price, indexUsd: INDEX })
const future = deltaOnePosition({ kind: 'future', sizeCoin: btcResponse.result.portfolio.position['BTC-28JUN24'], priceUsd: btcResponse.result.ticker['BTC-28JUN24'].mark_price, expiryMs: Date.parse('2024-06-28T08:00:00Z'), indexUsd: INDEX })
const golden: MarginPosition[] = [perp, future]

function run(params: DeribitPmParams, positions = golden) {
  const r = deribitPmMargin(positions, { currency: 'BTC', asOfMs, params, paramsId: 'venue', marketId: 'golden' })
  return { r, vectors: pmAggregatedRiskVectors(r.scenarioPnl!, 0, params, true, INDEX) }
}

describe('Deribit PM from the venue\'s model_params, verbatim (pme/simulate example, 2024-06-17)', () => {
  const set = deribitPmFromModelParams(btcResponse, 'pme-simulate-btc-2024-06-17.json')
  const BTC = set.currencies.BTC!

  it('reads the block into the project\'s keys, the venue\'s values where they map', () => {
    expect(set.date).toBe('2024-06-17')
    expect(set.id).toBe('deribit-pme-2024-06-17T10:22Z')
    expect(BTC).toMatchObject({ range: 0.16, volUp: 0.5, volDown: 0.25, minVolUp: 0.5, shortTermVegaPower: 0.3, longTermVegaPower: 0.13, extendedFactor: 1, extendedDampener: 1, extendedDampenerUsd: 100_000, pnlOffset: 0, maxOffsetablePnlUsd: 0, minAnnualisedMove: 0.01, annualisedMoveRisk: 0.075, mmFactor: 0.8 })
    // Deribit's linear contracts settle in USDC: the "usd" block, with btc_usd's ranges.
    expect(set.currencies.USDC).toMatchObject({ range: 0.16, extendedDampenerUsd: 25_000, annualisedMoveRisk: 0.1 })
    // Keys the engine does not use are listed, each with its path.
    for (const key of ['result.model_params.currency_pair.btc_usd.m_inc', 'result.model_params.currency_pair.btc_usd.max_delta_shock', 'result.model_params.currency.btc.haircut', 'result.model_params.currency.usd.correlation_set']) {
      expect(set.notes.some((n) => n.startsWith(`ignored: ${key}:`)), key).toBe(true)
    }
  })

  it('the whole response, its result and the bare block read as the same set', () => {
    const fromResult = deribitPmFromModelParams(btcResponse.result, 'result')
    const fromBlock = deribitPmFromModelParams(btcResponse.result.model_params, 'block')
    expect(fromResult.currencies).toEqual(set.currencies)
    expect(fromBlock.currencies).toEqual(set.currencies)
  })

  it('reproduces every aggregated_risk_vectors entry, each instrument\'s vectors, worst case, roll shock and MM to 1e-9 BTC', () => {
    const { r, vectors } = run(BTC)
    const published = btcResponse.result.aggregated_risk_vectors.btc_btc
    expect(vectors.standard).toHaveLength(published.standard.length)
    expect(vectors.extended).toHaveLength(published.extended.length)
    published.standard.forEach((x, s) => within(vectors.standard[s]!, x))
    published.extended.forEach((x, e) => within(vectors.extended[e]!, x))
    // Before aggregation, each instrument's vector is the venue's initial_risk_vectors entry.
    for (const [pos, name] of [[perp, 'BTC-PERPETUAL'], [future, 'BTC-28JUN24']] as const) {
      const one = run(BTC, [pos]).r.scenarioPnl!
      const venue = btcResponse.result.initial_risk_vectors[name]
      venue.standard.forEach((x, s) => within(one[s]!, x))
      venue.extended.forEach((x, e) => within(one[27 + e]!, x))
    }
    const details = btcResponse.result.margins.btc.initial_margin_details
    within(r.components.find((c) => c.name === 'worst case')!.amount, details.risk_matrix_margin_details.worst_case)
    within(r.components.find((c) => c.name === 'roll shock')!.amount, details.risk_matrix_margin_details.roll_shock)
    within(r.components.find((c) => c.name === 'delta shock')!.amount, details.risk_matrix_margin_details.delta_shock)
    within(r.initialMargin, details.risk_matrix_margin)
    within(r.maintenanceMargin, btcResponse.result.margins.btc.maintenance_margin)
  })

  it('pnl_offset and max_offsetable_pnl changed: the aggregated gains are the offset share, capped; the margin does not move', () => {
    // Independent expectation: the book's inverse P&L (q_perp + q_future)·m/(1 + m) at each of the 9 moves.
    const q = perp.sizeCoin + future.sizeCoin
    const gain = (k: number): number => (q * ((0.16 * k) / 4)) / (1 + (0.16 * k) / 4)
    for (const [offset, capUsd] of [[0.6, 20_000_000], [0.5, 250], [1, 0]] as const) {
      const doc = clone(btcResponse)
      doc.result.model_params.currency.btc.pnl_offset = offset
      doc.result.model_params.currency.btc.max_offsetable_pnl = capUsd
      const p = deribitPmFromModelParams(doc, 'changed').currencies.BTC!
      const { r, vectors } = run(p)
      for (let k = -4; k <= 4; k++) {
        const raw = gain(k)
        const expected = raw > 0 ? Math.min(offset * raw, capUsd / INDEX) : raw
        for (let v = 0; v < 3; v++) within(vectors.standard[(k + 4) * 3 + v]!, expected)
      }
      // One settlement currency's vector: its worst case reads losses only (as in the venue's ETH response below).
      within(r.maintenanceMargin, btcResponse.result.margins.btc.maintenance_margin)
    }
  })

  it('a live ETH response (2026-02-15): pnl_offset 0.6 on the gains, every vector entry and the MM to 1e-9 ETH', () => {
    const p = deribitPmFromModelParams(ethResponse, 'pme-simulate-eth-2026-02-15.json').currencies.ETH!
    expect(p).toMatchObject({ range: 0.18, volUp: 0.4, pnlOffset: 0.6, maxOffsetablePnlUsd: 20_000_000, extendedDampenerUsd: 200_000, minAnnualisedMove: 0.005, annualisedMoveRisk: 0.05 })
    const index = ethResponse.result.index_price.eth_usd
    const short = deltaOnePosition({ underlying: 'ETH', kind: 'perpetual', sizeCoin: ethResponse.result.portfolio.position['ETH-PERPETUAL'], priceUsd: ethResponse.result.ticker['ETH-PERPETUAL'].mark_price, indexUsd: index })
    const r = deribitPmMargin([short], { currency: 'ETH', asOfMs: Date.parse('2026-02-15T23:20:09Z'), params: p, paramsId: 'live', marketId: 'live' })
    const vectors = pmAggregatedRiskVectors(r.scenarioPnl!, 0, p, true, index)
    const pre = ethResponse.result.pre_aggregated_risk_vectors.eth_eth
    const agg = ethResponse.result.aggregated_risk_vectors.eth_eth
    pre.standard.forEach((x, s) => within(r.scenarioPnl![s]!, x))
    pre.extended.forEach((x, e) => within(r.scenarioPnl![27 + e]!, x))
    agg.standard.forEach((x, s) => within(vectors.standard[s]!, x))
    agg.extended.forEach((x, e) => within(vectors.extended[e]!, x))
    const details = ethResponse.result.margins.eth.initial_margin_details
    within(r.components.find((c) => c.name === 'roll shock')!.amount, details.risk_matrix_margin_details.roll_shock)
    within(r.initialMargin, details.risk_matrix_margin)
    within(r.maintenanceMargin, ethResponse.result.margins.eth.maintenance_margin)
  })
})

describe('the USD extended dampener (ours: each extended loss less the dampener at the index; labelled)', () => {
  // Far out-of-the-money short puts: the −66 % extended scenario is their worst.
  const puts = [optionPosition({ sizeCoin: -400, forwardUsd: 65_000, strikeUsd: 30_000, expiryMs: asOfMs + 60 * 86_400_000, vol: 0.8, optionType: 'put', indexUsd: 65_000 })]
  const base = deribitPmFromModelParams(btcResponse, 'x').currencies.BTC!

  it('lowers the extended loss by exactly dampener / index, and the note says the form is ours', () => {
    const undamped = deribitPmMargin(puts, { currency: 'BTC', asOfMs, params: { ...base, extendedDampenerUsd: 0 }, paramsId: 'a', marketId: 'm' })
    const damped = deribitPmMargin(puts, { currency: 'BTC', asOfMs, params: { ...base, extendedDampenerUsd: 100_000 }, paramsId: 'b', marketId: 'm' })
    const raw = undamped.scenarioPnl!
    const standardWorst = Math.max(0, ...Array.from(raw.slice(0, 27), (x) => -x))
    const extendedWorst = Math.max(0, ...Array.from(raw.slice(27), (x) => -x))
    expect(extendedWorst).toBeGreaterThan(standardWorst + 100_000 / 65_000)
    const ext = (r: typeof damped): number => r.components.find((c) => c.name === 'extended scenarios')!.amount
    within(ext(undamped), extendedWorst - standardWorst)
    within(ext(damped), extendedWorst - 100_000 / 65_000 - standardWorst)
    const note = damped.components.find((c) => c.name === 'extended scenarios')!
    expect(note.published).toBe(false)
    expect(note.note).toMatch(/ours/)
  })

  it('the vega powers are parameters: a set\'s own power moves the shocked vol', () => {
    expect(pmShockedVol(0.6, 7, 'up', base)).toBeCloseTo(1.064225, 6)
    expect(pmShockedVol(0.6, 7, 'up', { ...base, shortTermVegaPower: 0.5 })).toBeCloseTo(0.6 * (1 + 0.5 * Math.pow(30 / 7, 0.5)), 12)
    expect(pmShockedVol(0.6, 60, 'down', { ...base, longTermVegaPower: 0.2 })).toBeCloseTo(0.6 * (1 - 0.25 * Math.pow(0.5, 0.2)), 12)
  })
})

describe('model_params validation: every error names the key path', () => {
  const read = (doc: unknown): (() => unknown) => () => deribitPmFromModelParams(doc, 'venue.json')

  it('a mistyped number, a missing key, a value out of range, an unsupported grid', () => {
    const block = clone(btcResponse.result.model_params) as Record<string, any>
    block.currency_pair.btc_usd.price_range = '0.16'
    expect(read({ model_params: block })).toThrow('venue.json: model_params.currency_pair.btc_usd.price_range: expected a number')
    const missing = clone(btcResponse) as Record<string, any>
    delete missing.result.model_params.currency.btc.pnl_offset
    expect(read(missing)).toThrow('result.model_params.currency.btc.pnl_offset: missing (expected a number)')
    const range = clone(btcResponse.result.model_params) as Record<string, any>
    range.currency.btc.pnl_offset = 1.5
    expect(read(range)).toThrow('currency.btc.pnl_offset: 1.5 is above 1')
    const grid = clone(btcResponse.result.model_params) as Record<string, any>
    grid.general.buckets_count = 5
    expect(read(grid)).toThrow('general.buckets_count: 5 is not supported')
    expect(read({ jsonrpc: '2.0', result: {} })).toThrow('no model_params block')
  })

  it('an unknown venue key: read on, listed as ignored', () => {
    const doc = clone(btcResponse.result.model_params) as Record<string, any>
    doc.currency.btc.new_risk_knob = 3
    doc.general.new_general = true
    const set = deribitPmFromModelParams(doc, 'venue.json')
    expect(set.notes).toContain('ignored: currency.btc.new_risk_knob: unknown key, not used')
    expect(set.notes).toContain('ignored: general.new_general: unknown key, not used')
    expect(set.currencies.BTC!.annualisedMoveRisk).toBe(0.075)
  })

  it('where parameters enter: an override naming the venue document, top level or under "deribit-pm", a shipped id; the project\'s own keys still valid', () => {
    expect(marginParamSets(btcResponse, 'f.json').deribitPm.currencies.BTC!.annualisedMoveRisk).toBe(0.075)
    expect(marginParamSets({ 'deribit-pm': btcResponse.result }, 'f.json').deribitPm.currencies.BTC!.extendedDampenerUsd).toBe(100_000)
    expect(marginParamSets({ 'deribit-pm': 'deribit-pm-2024-06-published' }, 'f.json').deribitPm.id).toBe('deribit-pm-2024-06-published')
    expect(() => marginParamSets({ 'deribit-pm': 'deribit-pm-2099' }, 'f.json')).toThrow('"deribit-pm-2099" is not a shipped set')
    const bad = clone(btcResponse) as Record<string, any>
    bad.result.model_params.currency_pair.btc_usd.volatility_range_up = null
    expect(() => marginParamSets({ 'deribit-pm': bad }, 'f.json')).toThrow('f.json (deribit-pm): result.model_params.currency_pair.btc_usd.volatility_range_up: expected a number')
    // Stored from the parameters view: the venue document becomes the set it reads as, notes and all.
    const stored = prepareUserParamSet('deribit-pm', btcResponse, 'deribit-pm parameters')
    expect(stored).toMatchObject({ id: 'deribit-pme-2024-06-17T10:22Z', date: '2024-06-17' })
    expect((stored.currencies as Record<string, DeribitPmParams>).BTC!.extendedDampenerUsd).toBe(100_000)
    // Edited afterwards (saved in the project's keys), it no longer passes as the venue's set; a shipped venue set likewise.
    const now = new Date('2026-12-05T03:00:00Z')
    const edited = { ...stored, currencies: { ...(stored.currencies as object), BTC: { ...(stored.currencies as Record<string, DeribitPmParams>).BTC!, range: 0.2 } } }
    expect(prepareUserParamSet('deribit-pm', edited, 'p', now).id).toBe('deribit-pme-2024-06-17T10:22Z+edited-2026-12-05T03:00Z')
    const published = shippedDeribitPmSet('deribit-pm-2024-06-published')!
    expect(prepareUserParamSet('deribit-pm', published, 'p', now).id).toBe('deribit-pm-2024-06-published')
    expect(prepareUserParamSet('deribit-pm', { ...published, currencies: { BTC: { ...published.currencies.BTC!, volUp: 0.6 } } }, 'p', now).id).toBe('deribit-pm-2024-06-published+edited-2026-12-05T03:00Z')
    // The project's own file format, old keys only, is still a valid set.
    expect(marginParamSets().deribitPm.currencies.BTC!.extendedDampenerUsd).toBeUndefined()
  })

  it('the shipped sets: Marginal\'s default, the published 2024-06 BTC set, the live 2026-02 ETH set', () => {
    expect(shippedDeribitPmSet('deribit-pm-2024-06')!.currencies.BTC!.annualisedMoveRisk).toBe(0.1)
    const published = shippedDeribitPmSet('deribit-pm-2024-06-published')!
    expect(published).toMatchObject({ id: 'deribit-pm-2024-06-published', date: '2024-06-17' })
    expect(published.currencies.BTC).toEqual(deribitPmFromModelParams(btcResponse, 'x').currencies.BTC)
    expect(Object.keys(published.currencies).sort()).toEqual(['BTC', 'USDC'])
    const live = shippedDeribitPmSet('deribit-pm-2026-02-live')!
    expect(live.currencies.ETH).toEqual(deribitPmFromModelParams(ethResponse, 'x').currencies.ETH)
    expect(Object.keys(live.currencies).sort()).toEqual(['ETH', 'USDC'])
  })
})
