import { describe, expect, it } from 'vitest'
import { buildMarketView, type MarketView } from '../../../src-main/engine/market/market-view'
import type { MarketSnapshotData } from '../../../src-main/engine/market/snapshot'
import { parseSymbol } from '../../../src-main/engine/instruments/parse-symbol'
import { black76PriceUsd, yearsBetween } from '../../../src-main/engine/pricing/black76'
import { explainPnl } from '../../../src-main/engine/explain/explain-book'
import { EXPLAIN_COMPONENTS, type ExplainAmounts, type ExplainHolding, type ExplainInput, type ExplainRow } from '../../../src-main/engine/explain/explain-types'
import { optionSensitivities } from '../../../src-main/engine/explain/option-taylor'
import { shiftMarket } from './shift-market'

const asOfMs = Date.parse('2026-06-01T08:00:00Z')
const expiryMs = Date.parse('2026-06-26T08:00:00Z')
const DAY = 24 * 3600 * 1000
const base: MarketSnapshotData = {
  id: 'base',
  asOfMs,
  source: 'test',
  indexUsd: { BTC: 100_000 },
  forwardsUsd: { BTC: { [String(expiryMs)]: 100_500 } },
  volQuotes: { BTC: [{ expiryMs, strikeUsd: 105_000, forwardUsd: 100_500, vol: 0.5 }] },
  marks: {
    'deribit:BTC-26JUN26-105000-C': { price: 0.02, currency: 'BTC', ivPct: 50 },
    'deribit:BTC-PERPETUAL': { price: 100_020, currency: 'USD' },
    'okx:BTC-USDT-SWAP': { price: 100_030, currency: 'USDT' }
  },
  fundingRate8h: { 'deribit:BTC-PERPETUAL': 0.0001, 'okx:BTC-USDT-SWAP': 0.0002 }
}

const coinCall = parseSymbol('deribit', 'BTC-26JUN26-105000-C')
const usdcCall = parseSymbol('deribit', 'BTC_USDC-26JUN26-105000-C')
const inversePerp = parseSymbol('deribit', 'BTC-PERPETUAL')
const linearPerp = parseSymbol('okx', 'BTC-USDT-SWAP')

const hold = (instrument: ExplainHolding['instrument'], sizeContracts: number, account = 'A'): ExplainHolding => ({ account, venue: instrument.venue, instrument, sizeContracts })
const explainedSum = (a: ExplainAmounts): number => a.delta + a.gamma + a.vega + a.theta + a.vanna + a.volga + a.charm + a.veta + a.newTrades + a.closes + a.residual
const componentSum = (a: ExplainAmounts): number => EXPLAIN_COMPONENTS.reduce((s, c) => s + a[c], 0)
/** |a − b| relative to |b|: finite differences carry their own truncation error. */
const relErr = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b)
const rowOf = (rows: ExplainRow[], symbol: string): ExplainRow => rows.find((r) => r.symbol === symbol)!

function run(holdFrom: ExplainHolding[], holdTo: ExplainHolding[], to: MarketView, extra: Partial<ExplainInput> = {}) {
  return explainPnl({ from: { view: buildMarketView(base), holdings: holdFrom, balances: [] }, to: { view: to, holdings: holdTo, balances: [] }, fills: [], cashFlows: [], ...extra })
}

describe('P&L explain: one long call', () => {
  const moved = (move: number, volPoints: number, elapsedMs: number) => buildMarketView(shiftMarket(base, { move, volPoints, elapsedMs }))

  it('delta + gamma match a brute-force price move, theta a brute-force day, on a small move (USDC-settled call)', () => {
    const move = 0.001
    const r = rowOf(run([hold(usdcCall, 2)], [hold(usdcCall, 2)], moved(move, 0, DAY)).rows, usdcCall.symbol)
    const f0 = 100_500
    const years = yearsBetween(asOfMs, expiryMs)
    const price = (f: number, t: number) => black76PriceUsd({ forwardUsd: f, strikeUsd: 105_000, years: t, vol: 0.5, optionType: 'call' })
    const bruteMove = 2 * (price(f0 * (1 + move), years) - price(f0, years))
    const bruteDay = 2 * (price(f0, years - 1 / 365) - price(f0, years))
    // Third-order term of a 0.1 % move: ~1e-6 of the move's P&L.
    expect(Math.abs(r.settle.delta + r.settle.gamma - bruteMove)).toBeLessThan(1e-4 * Math.abs(bruteMove))
    // Theta is V_t·Δt + ½·V_tt·Δt²: what is left is third order in time, (Δt/τ)² ≈ 0.2 % of a day's decay at 25 days.
    expect(Math.abs(r.settle.theta - bruteDay)).toBeLessThan(0.002 * Math.abs(bruteDay))
    expect(r.settle.theta).toBeLessThan(0)
    expect(r.settle.vega).toBe(0)
    expect(r.settle.vanna).toBe(0)
    expect(Math.abs(r.settle.residual)).toBeLessThan(0.02 * Math.abs(r.settle.revaluation))
  })

  it("the coin call's derivatives of B/F are the finite differences of the engine's own coin price", () => {
    const input = { forwardUsd: 100_500, strikeUsd: 105_000, years: 0.07, vol: 0.5, optionType: 'call' as const }
    const s = optionSensitivities(input, true)
    const coin = (f: number, vol: number) => black76PriceUsd({ ...input, forwardUsd: f, vol }) / f
    const h = 1
    const dv = 1e-4
    expect(s.dF).toBeCloseTo((coin(input.forwardUsd + h, 0.5) - coin(input.forwardUsd - h, 0.5)) / (2 * h), 10)
    expect(s.dFF).toBeCloseTo((coin(input.forwardUsd + 50, 0.5) - 2 * coin(input.forwardUsd, 0.5) + coin(input.forwardUsd - 50, 0.5)) / 2500, 12)
    expect(s.dVol).toBeCloseTo((coin(input.forwardUsd, 0.5 + dv) - coin(input.forwardUsd, 0.5 - dv)) / (2 * dv), 8)
    const cross = (coin(input.forwardUsd + h, 0.5 + dv) - coin(input.forwardUsd + h, 0.5 - dv) - coin(input.forwardUsd - h, 0.5 + dv) + coin(input.forwardUsd - h, 0.5 - dv)) / (4 * h * dv)
    expect(s.dFVol).toBeCloseTo(cross, 8)
    // Calendar time t: τ = 0.07 − t.
    const at = (f: number, vol: number, t: number) => black76PriceUsd({ ...input, forwardUsd: f, vol, years: input.years - t }) / f
    const dt = 1e-4
    const f0 = input.forwardUsd
    expect(relErr(s.dTime, (at(f0, 0.5, dt) - at(f0, 0.5, -dt)) / (2 * dt))).toBeLessThan(1e-5)
    expect(relErr(s.dTimeTime, (at(f0, 0.5, dt) - 2 * at(f0, 0.5, 0) + at(f0, 0.5, -dt)) / (dt * dt))).toBeLessThan(1e-3)
    expect(relErr(s.dFTime, (at(f0 + h, 0.5, dt) - at(f0 + h, 0.5, -dt) - at(f0 - h, 0.5, dt) + at(f0 - h, 0.5, -dt)) / (4 * h * dt))).toBeLessThan(1e-4)
    expect(relErr(s.dVolTime, (at(f0, 0.5 + dv, dt) - at(f0, 0.5 + dv, -dt) - at(f0, 0.5 - dv, dt) + at(f0, 0.5 - dv, -dt)) / (4 * dv * dt))).toBeLessThan(1e-4)
  })

  it('the USD-settled call derivatives in time are the finite differences of Black-76 (put too)', () => {
    for (const optionType of ['call', 'put'] as const) {
      const input = { forwardUsd: 100_500, strikeUsd: 95_000, years: 0.02, vol: 0.6, optionType }
      const s = optionSensitivities(input, false)
      const at = (f: number, vol: number, t: number) => black76PriceUsd({ ...input, forwardUsd: f, vol, years: input.years - t })
      const dt = 1e-5
      const f0 = input.forwardUsd
      expect(relErr(s.dTimeTime, (at(f0, 0.6, dt) - 2 * at(f0, 0.6, 0) + at(f0, 0.6, -dt)) / (dt * dt))).toBeLessThan(1e-3)
      expect(relErr(s.dFTime, (at(f0 + 1, 0.6, dt) - at(f0 + 1, 0.6, -dt) - at(f0 - 1, 0.6, dt) + at(f0 - 1, 0.6, -dt)) / (4 * dt))).toBeLessThan(1e-4)
    }
  })

  it('components + residual = full revaluation (coin and USD) with a 5 % move, +3 vol points and a day', () => {
    const to = moved(0.05, 3, DAY)
    const res = run([hold(coinCall, 3)], [hold(coinCall, 3)], to)
    const r = rowOf(res.rows, coinCall.symbol)
    const coinPrice = (view: MarketView) => {
      const f = view.curves.get('BTC')!.quotes[0]!.forwardUsd
      return black76PriceUsd({ forwardUsd: f, strikeUsd: 105_000, years: yearsBetween(view.snapshot.asOfMs, expiryMs), vol: view.snapshot.marks[`deribit:${coinCall.symbol}`]!.ivPct! / 100, optionType: 'call' }) / f
    }
    const v0 = 3 * coinPrice(buildMarketView(base))
    const v1 = 3 * coinPrice(to)
    expect(r.settleCurrency).toBe('BTC')
    expect(Math.abs(explainedSum(r.settle) - (v1 - v0))).toBeLessThan(1e-12)
    // USD: the coin value at today's index less yesterday's: components at X1 plus the currency term.
    expect(Math.abs(componentSum(r.usd) - (v1 * 105_000 - v0 * 100_000))).toBeLessThan(1e-9)
    expect(r.usd.currency).toBeCloseTo(v0 * 5_000, 9)
    expect(r.usd.delta).toBeCloseTo(r.settle.delta * 105_000, 9)
    expect(r.settle.vanna).not.toBe(0)
    expect(r.settle.volga).not.toBe(0)
    expect(r.settle.vega).toBeGreaterThan(0)
  })
})

describe('P&L explain: perpetuals', () => {
  const to = buildMarketView(shiftMarket(base, { move: 0.05, volPoints: 0, elapsedMs: DAY }))

  it("an inverse perpetual's P&L is all delta, N·(1/F0 − 1/F1) in coin, plus funding", () => {
    const r = rowOf(run([hold(inversePerp, 1000)], [hold(inversePerp, 1000)], to).rows, inversePerp.symbol)
    const notional = 1000 * 10
    expect(r.settle.delta).toBeCloseTo(notional * (1 / 100_020 - 1 / (100_020 * 1.05)), 14)
    expect(r.settle.gamma).toBe(0)
    expect(r.settle.theta).toBe(0)
    expect(r.settle.residual).toBe(0)
    // Three 8-hour periods at 0.01 %: a long pays size in coin × rate.
    expect(r.settle.funding).toBeCloseTo(-(notional / 100_020) * 0.0001 * 3, 14)
    expect(r.fundingSource).toBe('market-rate')
    expect(r.settle.total).toBeCloseTo(r.settle.delta + r.settle.funding, 15)
    expect(r.usd.currency).toBe(0)
  })

  it("a linear perpetual's P&L is all delta in USDT; the ledger's funding replaces the estimate", () => {
    const res = run([hold(linearPerp, -50)], [hold(linearPerp, -50)], to, {
      cashFlows: [{ account: 'A', venue: 'okx', kind: 'funding', currency: 'USDT', amount: 1.25, atMs: asOfMs + 8 * 3600 * 1000, instrumentSymbol: linearPerp.symbol }]
    })
    const r = rowOf(res.rows, linearPerp.symbol)
    expect(r.settleCurrency).toBe('USDT')
    expect(r.settle.delta).toBeCloseTo(-50 * 0.01 * 100_030 * 0.05, 8)
    expect(r.settle.residual).toBe(0)
    expect(r.settle.funding).toBe(1.25)
    expect(r.fundingSource).toBe('statement')
    expect(r.usd.delta).toBe(r.settle.delta)
  })

  it("a ledger funding row naming no instrument (Binance's) replaces the estimate: counted once, in the cash row", () => {
    const res = run([hold(linearPerp, -50)], [hold(linearPerp, -50)], to, {
      cashFlows: [{ account: 'A', venue: 'okx', kind: 'funding', currency: 'USDT', amount: 1.25, atMs: asOfMs + 8 * 3600 * 1000, instrumentSymbol: null }]
    })
    const perp = rowOf(res.rows, linearPerp.symbol)
    expect(perp.settle.funding).toBe(0)
    expect(perp.fundingSource).toBe('statement')
    const funded = res.rows.filter((r) => r.settle.funding !== 0)
    expect(funded.map((r) => [r.kind, r.settle.funding])).toEqual([['cash', 1.25]])
  })

  it('the imported funding-rate history is used when the ledger has none', () => {
    const res = run([hold(linearPerp, 10)], [hold(linearPerp, 10)], to, {
      fundingRates: [
        { venue: 'okx', symbol: linearPerp.symbol, atMs: asOfMs + 8 * 3600 * 1000, rate: 0.0003 },
        { venue: 'okx', symbol: linearPerp.symbol, atMs: asOfMs + 16 * 3600 * 1000, rate: -0.0001 },
        { venue: 'okx', symbol: linearPerp.symbol, atMs: asOfMs + 2 * DAY, rate: 0.5 }
      ]
    })
    const r = rowOf(res.rows, linearPerp.symbol)
    expect(r.fundingSource).toBe('funding-history')
    expect(r.settle.funding).toBeCloseTo(-10 * 0.01 * 100_030 * 0.0002, 10)
  })
})

describe('P&L explain: trades between the snapshots', () => {
  const to = buildMarketView(shiftMarket(base, { move: 0.02, volPoints: 0, elapsedMs: DAY }))
  const f1 = 100_020 * 1.02

  it('a new position lands in new trades (trade price to the to mark), a closed one in closes', () => {
    const res = run([hold(linearPerp, 10)], [hold(coinCall, 1)], to, {
      fills: [
        { account: 'A', venue: 'okx', instrument: linearPerp, signedContracts: -10, price: 101_000, atMs: asOfMs + 3600_000 },
        { account: 'A', venue: 'deribit', instrument: coinCall, signedContracts: 1, price: 0.019, atMs: asOfMs + 7200_000 }
      ]
    })
    const perp = rowOf(res.rows, linearPerp.symbol)
    const call = rowOf(res.rows, coinCall.symbol)
    const f1Linear = 100_030 * 1.02
    // The from size carried to the to market, and the close locks in 101,000 instead of the to mark.
    expect(perp.settle.delta).toBeCloseTo(10 * 0.01 * (f1Linear - 100_030), 8)
    expect(perp.settle.closes).toBeCloseTo(-10 * 0.01 * (f1Linear - 101_000), 8)
    expect(perp.settle.delta + perp.settle.closes).toBeCloseTo(10 * 0.01 * (101_000 - 100_030), 8)
    expect(perp.settle.newTrades).toBe(0)
    expect(call.settle.delta).toBe(0)
    expect(call.settle.closes).toBe(0)
    expect(call.settle.newTrades).toBeCloseTo(call.settle.revaluation, 15)
    expect(call.settle.newTrades).not.toBe(0)
    expect(Math.abs(call.settle.residual)).toBeLessThan(1e-15)
  })

  it('a fill without a price, and a size change no fill explains, count at the to mark (nothing in trades)', () => {
    const res = run([hold(inversePerp, 100)], [hold(inversePerp, 300)], to, {
      fills: [{ account: 'A', venue: 'deribit', instrument: inversePerp, signedContracts: 100, price: null, atMs: asOfMs + 1 }]
    })
    const r = rowOf(res.rows, inversePerp.symbol)
    expect(r.settle.newTrades).toBe(0)
    expect(r.settle.delta).toBeCloseTo(1000 * (1 / 100_020 - 1 / f1), 14)
    expect(r.notes.join(' ')).toMatch(/without a trade/)
    expect(r.notes.join(' ')).toMatch(/without a price/)
  })

  it('fills outside the window are ignored, and trade fees count when the ledger has none', () => {
    const res = run([], [hold(linearPerp, 5)], to, {
      fills: [
        { account: 'A', venue: 'okx', instrument: linearPerp, signedContracts: 5, price: 100_000, atMs: asOfMs + 1, fee: 0.7, feeCurrency: 'USDT' },
        { account: 'A', venue: 'okx', instrument: linearPerp, signedContracts: 5, price: 90_000, atMs: asOfMs - 1, fee: 9, feeCurrency: 'USDT' }
      ]
    })
    const r = rowOf(res.rows, linearPerp.symbol)
    expect(r.settle.newTrades).toBeCloseTo(5 * 0.01 * (100_030 * 1.02 - 100_000), 8)
    expect(r.settle.fees).toBe(-0.7)
    expect(r.notes).toEqual([])
  })

  it("the ledger's fee rows replace the trades' fee column for the account", () => {
    const res = run([], [hold(linearPerp, 5)], to, {
      fills: [{ account: 'A', venue: 'okx', instrument: linearPerp, signedContracts: 5, price: 100_000, atMs: asOfMs + 1, fee: 0.7, feeCurrency: 'USDT' }],
      cashFlows: [{ account: 'A', venue: 'okx', kind: 'fee', currency: 'USDT', amount: -0.65, atMs: asOfMs + 1, instrumentSymbol: linearPerp.symbol }]
    })
    expect(rowOf(res.rows, linearPerp.symbol).settle.fees).toBe(-0.65)
  })
})

describe('P&L explain: currencies', () => {
  const to = buildMarketView(shiftMarket(base, { move: 0.04, volPoints: 1, elapsedMs: DAY }))

  it('a coin-settled call explains in BTC with a currency term; a USDC-settled one in USDC without', () => {
    const res = run([hold(coinCall, 1), hold(usdcCall, 1)], [hold(coinCall, 1), hold(usdcCall, 1)], to)
    const coin = rowOf(res.rows, coinCall.symbol)
    const usdc = rowOf(res.rows, usdcCall.symbol)
    expect(coin.settleCurrency).toBe('BTC')
    expect(usdc.settleCurrency).toBe('USDC')
    expect(coin.usd.currency).toBeGreaterThan(0)
    expect(usdc.usd.currency).toBe(0)
    expect(usdc.usd.delta).toBe(usdc.settle.delta)
    // The same option in two currencies: the USD P&L agrees up to the basis (coin price × index / forward).
    expect(coin.usd.total).toBeCloseTo(usdc.usd.total * (104_000 / (100_500 * 1.04)), 6)
    // The coin call's USD delta is smaller than the USDC one's: its premium's own coin exposure is in currency.
    expect(coin.usd.delta).toBeLessThan(usdc.usd.delta * (100_000 / 100_500))
  })

  it('coin cash held at from is revalued in USD; USD-like cash is not', () => {
    const res = explainPnl({
      from: { view: buildMarketView(base), holdings: [], balances: [{ account: 'A', venue: 'deribit', currency: 'BTC', amount: 2 }, { account: 'B', venue: 'okx', currency: 'USDT', amount: 5000 }] },
      to: { view: to, holdings: [], balances: [] },
      fills: [],
      cashFlows: []
    })
    expect(res.rows).toHaveLength(1)
    const cash = res.rows[0]!
    expect(cash.kind).toBe('cash')
    expect(cash.settle.total).toBe(0)
    expect(cash.usd.currency).toBeCloseTo(2 * 4_000, 9)
    expect(res.book.usd.total).toBeCloseTo(8_000, 9)
  })

  it('a position expiring between the two markets without a settlement price is listed, never valued nor dropped', () => {
    const expiredTo = buildMarketView(shiftMarket(base, { move: 0, volPoints: 0, elapsedMs: expiryMs - asOfMs + DAY }))
    const res = run([hold(coinCall, 1)], [], expiredTo)
    expect(res.rows.filter((r) => r.kind === 'position')).toHaveLength(0)
    expect(res.notExplained).toHaveLength(1)
    expect(res.notExplained[0]!.reason).toBe(
      "expired between the two instants and no settlement price is known: expired 2026-06-26 08:00 UTC, awaiting its settlement price (import the venue's statement with its delivery, or daily BTC history covering the expiry)"
    )
  })
})

describe('P&L explain: an expiry between the two markets', () => {
  const expiredTo = buildMarketView(shiftMarket(base, { move: 0.1, volPoints: 0, elapsedMs: expiryMs - asOfMs + DAY }))
  // Not the `to` index (110,000): a payoff priced, or converted, at the wrong one shows.
  const settlementUsd = 120_000
  const settlementPrices = [{ venue: 'deribit', underlying: 'BTC', expiryMs, priceUsd: settlementUsd, source: "the venue's delivery price (test)" }]
  const future = parseSymbol('deribit', 'BTC-26JUN26')
  /** The coin call's value per contract at the `from` market (B/F, Black-76 at the surface's vol), and at its expiry (payoff/S). */
  const callFromCoin = black76PriceUsd({ forwardUsd: 100_500, strikeUsd: 105_000, years: yearsBetween(asOfMs, expiryMs), vol: 0.5, optionType: 'call' }) / 100_500
  const callAtExpiryCoin = (settlementUsd - 105_000) / settlementUsd

  it('a held option settled in the window runs to its payoff: revaluation = payoff − value at from, components + residual equal to it', () => {
    const res = run([hold(coinCall, 2)], [], expiredTo, { settlementPrices })
    expect(res.notExplained).toEqual([])
    const r = rowOf(res.rows, coinCall.symbol)
    expect(r.settle.revaluation).toBeCloseTo(2 * (callAtExpiryCoin - callFromCoin), 12)
    // All its remaining life passes in theta; no vol exists at expiry, so no vega terms (ours).
    expect(r.settle.theta).toBeLessThan(0)
    expect([r.settle.vega, r.settle.vanna, r.settle.volga, r.settle.veta].map(Math.abs)).toEqual([0, 0, 0, 0])
    expect(r.to).toMatchObject({ priceUsd: settlementUsd, vol: null, years: 0 })
    expect(r.notes).toEqual([
      `expired 2026-06-26 08:00 UTC, before the "to" instant: valued at its settlement price, 120000 USD (the venue's delivery price (test))`,
      'long 2 contracts settled at expiry'
    ])
    // USD: the coins the payoff leaves are worth the to index; what the option was worth at from gains the coin's move.
    const x0 = 100_000
    const x1 = 110_000
    expect(r.usd.total).toBeCloseTo(2 * (callAtExpiryCoin * x1 - callFromCoin * x0), 6)
    expect(res.book.usd.total).toBe(r.usd.total)
  })

  it('bought inside the window and expired: the new trade earns the payoff less its price', () => {
    const buy = { account: 'A', venue: 'deribit', instrument: coinCall, signedContracts: 3, price: 0.01, atMs: asOfMs + DAY }
    const res = run([], [], expiredTo, { settlementPrices, fills: [buy] })
    const r = rowOf(res.rows, coinCall.symbol)
    expect(r.settle.newTrades).toBeCloseTo(3 * (callAtExpiryCoin - 0.01), 15)
    expect(r.settle.revaluation).toBe(r.settle.newTrades)
    expect(r.notes[1]).toBe('long 3 contracts settled at expiry')
    // A size that is not a short decimal in binary prints as the statement wrote it.
    const odd = run([], [], expiredTo, { settlementPrices, fills: [{ ...buy, signedContracts: 0.1 }, { ...buy, signedContracts: 0.2 }] })
    expect(rowOf(odd.rows, coinCall.symbol).notes[1]).toBe('long 0.3 contracts settled at expiry')
    // Each settlement price used is reported with how many positions it valued.
    expect(odd.settlementsUsed).toEqual([{ price: settlementPrices[0], positions: 1 }])
  })

  it('a window ending after the expiry values it at its settlement even when the "to" market was taken before it', () => {
    const staleTo = buildMarketView(shiftMarket(base, { move: 0.1, volPoints: 0, elapsedMs: expiryMs - asOfMs - 3600_000 }))
    const res = run([hold(coinCall, -2)], [], staleTo, { settlementPrices, window: { fromMs: asOfMs, toMs: expiryMs + DAY } })
    const r = rowOf(res.rows, coinCall.symbol)
    expect(r.settle.revaluation).toBeCloseTo(-2 * (callAtExpiryCoin - callFromCoin), 12)
    expect(r.notes[1]).toBe('short 2 contracts settled at expiry')
    // Without the window past the expiry, the stale market values it alive (nothing settled by then).
    expect(rowOf(run([hold(coinCall, -2)], [hold(coinCall, -2)], staleTo, { settlementPrices }).rows, coinCall.symbol).to!.years).toBeGreaterThan(0)
    // Past it without a price: listed, never valued alive on the stale market.
    const unpriced = run([hold(coinCall, -2)], [], staleTo, { window: { fromMs: asOfMs, toMs: expiryMs + DAY } })
    expect(unpriced.rows.filter((r) => r.kind === 'position')).toEqual([])
    expect(unpriced.notExplained.map((n) => n.reason)).toEqual([expect.stringMatching(/^expired between the two instants and no settlement price is known: expired 2026-06-26 08:00 UTC/)])
  })

  it('a delivery fill at the payoff (Deribit) closes at no P&L of its own: the same revaluation as a settlement', () => {
    const delivery = { account: 'A', venue: 'deribit', instrument: coinCall, signedContracts: -2, price: Math.max(0, settlementUsd - 105_000) / settlementUsd, atMs: expiryMs }
    const delivered = run([hold(coinCall, 2)], [], expiredTo, { settlementPrices, fills: [delivery] })
    const settled = run([hold(coinCall, 2)], [], expiredTo, { settlementPrices })
    const r = rowOf(delivered.rows, coinCall.symbol)
    expect(r.settle.closes).toBe(0)
    expect(r.settle.revaluation).toBeCloseTo(rowOf(settled.rows, coinCall.symbol).settle.revaluation, 15)
    expect(r.notes).toHaveLength(1)
    // A statement that prints the index as the delivery's price (not the option's payoff) changes nothing.
    const atIndex = rowOf(run([hold(coinCall, 2)], [], expiredTo, { settlementPrices, fills: [{ ...delivery, price: settlementUsd }] }).rows, coinCall.symbol)
    expect(atIndex.settle.closes).toBe(0)
    expect(atIndex.settle.revaluation).toBe(r.settle.revaluation)
  })

  it('an option still held past its expiry (not yet settled in the book) is valued at its payoff too', () => {
    const res = run([hold(coinCall, 2)], [hold(coinCall, 2)], expiredTo, { settlementPrices })
    expect(rowOf(res.rows, coinCall.symbol).settle.revaluation).toBeCloseTo(2 * (callAtExpiryCoin - callFromCoin), 12)
  })

  it('a future expiring in the window runs from its from forward to the settlement price', () => {
    const res = run([hold(future, 1000)], [], expiredTo, { settlementPrices })
    const r = rowOf(res.rows, future.symbol)
    // Inverse, USD 10 a contract: 10,000 USD × (1/F0 − 1/S) in BTC.
    expect(r.settle.revaluation).toBeCloseTo(10_000 * (1 / 100_500 - 1 / settlementUsd), 15)
    expect(r.settle.delta).toBe(r.settle.revaluation)
  })

  it('a settlement price of another venue or expiry does not value it', () => {
    const other = [{ ...settlementPrices[0]!, venue: 'okx' }, { ...settlementPrices[0]!, expiryMs: expiryMs + DAY }]
    const res = run([hold(coinCall, 2)], [], expiredTo, { settlementPrices: other })
    expect(res.rows.filter((r) => r.kind === 'position')).toHaveLength(0)
    expect(res.notExplained[0]!.reason).toMatch(/no settlement price is known/)
  })
})
