/**
 * Hedges a trader can trust (issue 17 §6), on the demo book (id 1 of a new book file), through the
 * API's own dispatch (so the request schema's defaults apply):
 * - no new short options by default: a Deribit PM hedge that writes a new put when allowed does not
 *   by default;
 * - a SPAN-objective hedge lists every method, pool and stress scenario it makes worse, the list
 *   recomputed here from the response's own before/after figures (it lifts Standard IM);
 * - its cost and equity change reconcile: equity change = valuation gap − estimated cost (+ the
 *   collateral haircut in USD pools) within 1 % of the cost, the gap recomputed here from the marks;
 *   applying the trades to a what-if copy at the fills shown should give the equity shown (a known
 *   failure outside the hedge code, marked below).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import engineWorkerPath from '../../src-main/workers/engine.worker?modulePath'
import type { MethodName, ResponseOf } from '@contract/api'
import { openBook } from '../../src-main/book/open-book'
import { WorkerPool } from '../../src-main/workers/pool'
import { createServices } from '../../src-main/services/api-service'
import { dispatch } from '../../src-main/services/dispatch'
import { parseSymbol } from '../../src-main/engine/instruments/parse-symbol'
import { buildMarketView } from '../../src-main/engine/market/market-view'
import { loadMarketSnapshot } from '../../src-main/book/market-repository'
import { findBook } from '../../src-main/book/books-repository'
import { valuePosition } from '../../src-main/engine/valuation/position-valuation'
import { hedgeCommand } from '../../src-main/cli/hedge-command'

const DEMO = 1
const services = createServices({ book: openBook(join(mkdtempSync(join(tmpdir(), 'marginal-hedge-review-')), 'book.sqlite')), pool: new WorkerPool(engineWorkerPath, 1), host: 'browser' })
afterAll(() => services.close())

/** A request as the API receives it: parsed by the method's schema (defaults filled), then handled. */
async function api<M extends MethodName>(method: M, request: Record<string, unknown>): Promise<ResponseOf<M>> {
  const envelope = await dispatch(services.handlers, method, request)
  if (!envelope.ok) throw new Error(envelope.error.message)
  return envelope.value as ResponseOf<M>
}

const heldSizes = async (): Promise<Map<string, number>> => new Map((await api('listPositions', { bookId: DEMO })).rows.map((r) => [`${r.accountName}|${r.symbol}`, r.sizeContracts]))
/** Options sold beyond what the account held long, where it held none short: new short options. */
const newShorts = (trades: { kind: string; side: string; symbol: string; contracts: number }[], held: Map<string, number>): string[] =>
  trades.filter((t) => t.kind === 'option' && t.side === 'sell').filter((t) => {
    const h = held.get(`Deribit main|${t.symbol}`) ?? 0
    return h >= 0 && t.contracts > h + 1e-9
  }).map((t) => t.symbol)

type Diff = ResponseOf<'suggestHedge'>['diff']
type Stress = ResponseOf<'suggestHedge'>['stress']
/** Every figure that moved the wrong way, from before/after alone (the module's rule: beyond 1e-9 of its size). */
function expectedWorsens(diff: Diff, stress: Stress): string[] {
  const up = (a: number, b: number): boolean => b - a > 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))
  const out: string[] = []
  for (const r of diff.margin) {
    if (up(r.initialMargin.base ?? 0, r.initialMargin.other ?? 0)) out.push(`method|${r.group}|${r.method}|IM`)
    if (up(r.maintenanceMargin.base ?? 0, r.maintenanceMargin.other ?? 0)) out.push(`method|${r.group}|${r.method}|MM`)
  }
  for (const r of diff.health)
    for (const [measure, p] of [['IM utilisation', r.imUtilisation], ['MM utilisation', r.mmUtilisation]] as const) {
      const before = r.statusBase === null ? 0 : p.base === null ? Infinity : p.base * 100
      const after = r.statusOther === null ? 0 : p.other === null ? Infinity : p.other * 100
      if (after === Infinity ? before !== Infinity : before !== Infinity && up(before, after)) out.push(`pool|${r.pool}|${r.method}|${measure}`)
    }
  for (const s of stress) if (up(-(s.pnlUsd.base ?? 0), -(s.pnlUsd.other ?? 0))) out.push(`stress|${s.scenario}||P&L`)
  return out.sort()
}
const keys = (ws: ResponseOf<'suggestHedge'>['worsens']): string[] => ws.map((w) => `${w.kind}|${w.name}|${w.method ?? ''}|${w.measure}`).sort()

describe('hedging defaults to no new short options', () => {
  it('the Deribit PM hedge writes a new put only when new short options are allowed', async () => {
    const held = await heldSizes()
    const req = { bookId: DEMO, account: 'Deribit main', currency: 'BTC', riskUnit: null, method: 'deribit-pm' }
    const allowed = await api('suggestHedge', { ...req, noNewShortOptions: false })
    expect(newShorts(allowed.trades, held).length).toBeGreaterThan(0)
    const byDefault = await api('suggestHedge', req)
    expect(newShorts(byDefault.trades, held)).toEqual([])
    expect(byDefault.after.initialMargin).toBeLessThan(byDefault.before.initialMargin)
  })
})

describe('a SPAN-objective hedge of the demo book', async () => {
  const h = await api('suggestHedge', { bookId: DEMO, account: 'Deribit main', currency: 'BTC', riskUnit: null, method: 'span' })

  it('lists every method, pool and stress scenario it makes worse (Standard IM among them), and nothing else', () => {
    expect(h.trades.length).toBeGreaterThan(0)
    expect(keys(h.worsens)).toEqual(expectedWorsens(h.diff, h.stress))
    const standard = h.diff.margin.find((r) => r.group === 'Deribit main · BTC' && r.method === 'standard')!
    expect(standard.initialMargin.other!).toBeGreaterThan(standard.initialMargin.base!)
    expect(h.worsens.find((w) => w.kind === 'method' && w.method === 'standard' && w.measure === 'IM')).toEqual({
      kind: 'method', name: 'Deribit main · BTC', method: 'standard', measure: 'IM', before: standard.initialMargin.base, after: standard.initialMargin.other, unit: 'BTC'
    })
    expect(h.worsens.some((w) => w.method === 'span' && w.kind === 'method')).toBe(false)
    console.log(`SPAN hedge: SPAN IM ${h.before.initialMargin.toFixed(4)} → ${h.after.initialMargin.toFixed(4)} BTC; worse: ${h.worsens.map((w) => `${w.name} ${w.method ?? ''} ${w.measure} ${w.before.toFixed(4)} → ${w.after?.toFixed(4)} ${w.unit}`).join('; ')}`)
  })

  it('its equity change reconciles with its cost within 1 % of the cost (equity change = valuation gap − cost)', () => {
    const pool = h.reconciliation.find((p) => p.pool === 'Deribit main · BTC')!
    const health = h.diff.health.find((r) => r.pool === 'Deribit main · BTC')!
    expect([pool.equityBefore, pool.equityAfter]).toEqual([health.equity.base, health.equity.other])
    expect(pool.cashChange + pool.positionsValueChange).toBeCloseTo(pool.equityChange, 12)
    expect(pool.costTotal).toBeCloseTo(h.costTotal, 12)
    // The valuation gap from the marks: each traded contract at our valuation minus at its mark.
    const view = buildMarketView(loadMarketSnapshot(services.db, findBook(services.db, DEMO)!.marketSnapshotId!)!)
    const gap = h.trades.reduce((s, t) => s + valuePosition(parseSymbol('deribit', t.symbol), (t.side === 'buy' ? 1 : -1) * t.contracts, t.markPrice, view).pnlSettle!, 0)
    expect(pool.valuationGap).toBeCloseTo(gap, 12)
    expect(Math.abs(pool.equityChange - (gap - h.costTotal))).toBeLessThanOrEqual(0.01 * h.costTotal)
    expect(pool.explanation).toMatch(/^Equity −0\.\d{6} BTC = cash [+−]\d\.\d{6} BTC \(premiums, P&L realised by closes\) \+ positions/)
    console.log(`SPAN hedge, ${pool.pool}: ${pool.explanation}`)
  })

  // "Apply" books through whatif/trade-ticket.ts withRealisedPnl, which realises a future's close
  // at the fill from the position's session (or entry) price: closing 25,000 BTC-PERPETUAL
  // contracts at the ask leaves exactly the equity the suggestion shows.
  it('applying the trades to a what-if copy at the fills shown books the equity the suggestion shows', async () => {
    const pool = h.reconciliation.find((p) => p.pool === 'Deribit main · BTC')!
    const copy = await api('copyBook', { bookId: DEMO, name: 'SPAN hedge at the fills' })
    const accountId = (await api('tradeInstruments', { bookId: copy.id })).accounts.find((a) => a.name === 'Deribit main')!.id
    await api('applyTrades', { bookId: copy.id, tickets: h.trades.map((t) => ({ accountId, symbol: t.symbol, side: t.side, sizeContracts: t.contracts, price: t.fillPrice })) })
    const booked = (await api('bookMargin', { bookId: copy.id })).health.find((p) => p.pool === 'Deribit main · BTC')!
    expect(booked.equity).toBeCloseTo(pool.equityAfter, 9)
  })

  it('cli hedge prints the warnings and the reconciliation', async () => {
    const out: string[] = []
    const code = await hedgeCommand(services, DEMO, { out: (t) => out.push(t) }, { objective: 'span', account: 'Deribit main', currency: 'BTC', riskUnit: undefined, maxLegs: undefined, underlying: undefined, instrument: undefined, confidence: undefined, lookback: undefined }, false)
    expect(code).toBe(0)
    const text = out.join('\n')
    expect(text).toContain('no new short options (--allow-new-short-options to allow)')
    expect(text).toContain(`WARNING: the trades make ${h.worsens.length} figures worse:`)
    expect(text).toMatch(/IM +Deribit main · BTC +standard +3\.3855 BTC +4\.0230 BTC/)
    expect(text).toContain(`Cost and equity, per pool:\nDeribit main · BTC: equity ${h.reconciliation[0]!.equityBefore.toFixed(4)} BTC → ${h.reconciliation[0]!.equityAfter.toFixed(4)} BTC. ${h.reconciliation[0]!.explanation}`)
  })
})

describe('every hedging method carries the same review', () => {
  it('reduce to target and Greek targets: the method and pool warnings follow the same rule; a pool reconciliation for the trades', async () => {
    const reduced = await api('reduceToTarget', { bookId: DEMO, account: 'Deribit main', currency: 'BTC', riskUnit: null, method: 'deribit-pm', target: 0.3 })
    const greeks = await api('greekHedge', { bookId: DEMO, account: 'Deribit main', underlying: 'BTC', mode: 'targets', bands: { vega: [-300, 300] } })
    for (const r of [reduced, greeks]) {
      expect(keys(r.worsens.filter((w) => w.kind !== 'stress'))).toEqual(expectedWorsens(r.diff, []))
      expect(r.reconciliation.map((p) => p.pool)).toEqual(['Deribit main · BTC'])
      const p = r.reconciliation[0]!
      expect(Math.abs(p.equityChange - (p.valuationGap - p.costTotal))).toBeLessThanOrEqual(0.01 * p.costTotal)
    }
  })

  it('a USD pool (OKX) reconciles too, its collateral haircut on the coin premium itemised', async () => {
    const h = await api('suggestHedge', { bookId: DEMO, account: 'OKX portfolio', currency: 'USD', riskUnit: 'BTC', method: 'okx-pm' })
    const p = h.reconciliation.find((x) => x.pool === 'OKX portfolio · USD')!
    expect(p.costTotal).toBeCloseTo(h.costTotal, 9)
    // Coin-settled (inverse) option premiums move BTC cash, which a USD pool counts after its haircut.
    expect(p.haircutEffect).not.toBe(0)
    expect(Math.abs(p.equityChange - (p.valuationGap - p.costTotal + p.haircutEffect))).toBeLessThanOrEqual(0.01 * p.costTotal)
    expect(p.explanation).toContain('the collateral haircut on the coin cash moved')
  })
})
