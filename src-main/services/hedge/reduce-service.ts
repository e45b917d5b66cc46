/**
 * Reduce to target: the cheapest partial closes of a margining group's positions that bring its
 * pool's utilisation (IM / equity) under a target, by the exact LP of engine/hedge/reduce-lp.ts
 * for methods with a linear form (the scenario part otherwise), then whole lots and, when rounding
 * or the non-linear part leaves the pool above target, one more lot at a time where it helps most.
 * Equity is charged the half-spread of every close.
 */
import type { AccountBalance } from '../../book/balances-repository'
import type { HeldPosition } from '../../book/positions-repository'
import { isCoinCurrency } from '../../engine/market/currency'
import type { MarketView } from '../../engine/market/market-view'
import { buildModelState, totalOf, type LinearForm } from '../../engine/margin/additive-model'
import type { MarginMethod } from '../../engine/margin/margin-result'
import type { Instrument } from '../../engine/instruments/instrument'
import { readReduceFractions, reduceLpText, type ReduceLp } from '../../engine/hedge/reduce-lp'
import { bookMargin, groupModels, marginGroups, toMarginPosition } from '../margin-service'
import { marginParamSets } from '../margin-params'
import { solveLp } from './lp-solver'
import { halfSpreadCostUsd } from './candidates'
import type { HedgeRun } from './hedge-service'

export interface ReduceRequest {
  account: string
  currency: string
  riskUnit: string | null
  method: MarginMethod
  /** Target utilisation IM / equity (0.8 = 80 %). */
  target: number
  balances: readonly AccountBalance[]
  params?: unknown
  paramsSource?: string
}

export interface ReduceClose {
  symbol: string
  instrument: Instrument
  /** Signed trade that closes part of the position (opposite to it). */
  contracts: number
  fraction: number
  cost: number
}

export interface ReduceResult {
  group: string
  method: MarginMethod
  currency: string
  lpScope: 'exact' | 'scenario part'
  equity: number
  target: number
  before: { initialMargin: number; utilisation: number }
  after: { initialMargin: number; utilisation: number }
  closes: ReduceClose[]
  costTotal: number
  reached: boolean
}

export async function reduceToTarget(held: readonly HeldPosition[], view: MarketView, req: ReduceRequest, run: HedgeRun = {}): Promise<ReduceResult> {
  run.onProgress?.(0, 3)
  const sets = marginParamSets(req.params, req.paramsSource)
  const name = `${req.account} · ${req.currency}${req.riskUnit ? ` · ${req.riskUnit}` : ''}`
  const group = marginGroups(held, view, []).find((g) => g.account === req.account && g.currency === req.currency && g.riskUnit === req.riskUnit)
  if (!group) throw new RangeError(`no margin group ${name} in this book`)
  const margin = bookMargin(held, view, { balances: req.balances, liquidation: false, addOns: false, methods: [req.method], params: req.params, paramsSource: req.paramsSource })
  const poolGroups = margin.accounts.filter((a) => a.pool === group.pool)
  if (poolGroups.length !== 1) throw new RangeError(`pool ${group.pool} holds ${poolGroups.length} margining groups: reduce to target works on single-group pools (a Deribit settlement currency)`)
  const health = margin.health.find((h) => h.pool === group.pool)
  if (!health) throw new RangeError(`no collateral recorded for ${group.pool}: utilisation needs the account's balances`)
  const equity = health.equity
  if (!(equity > 0)) throw new RangeError(`${group.pool} has no positive equity (${equity} ${req.currency}): no close reaches a utilisation target`)

  const model = groupModels(group, view, sets, [req.method])[0]
  if (!model) throw new RangeError(`${req.method} does not margin ${name}`)
  const form: LinearForm = model.linearForm ?? { lossFrom: 0, lossTo: model.scenarioLabels.length, absTerms: [], excessTerms: [] }
  const total = totalOf(buildModelState(model, group.positions))
  const currencyUsd = isCoinCurrency(req.currency) ? view.curves.get(req.currency.toUpperCase())!.indexUsd : 1
  const liquidity = sets.addOns.liquidity
  const rows = group.held.map((h, j) => {
    const pos = group.positions[j]!
    const record = new Float64Array(model.width)
    model.record(pos, record, 0)
    return { h, instrument: h.instrument as Instrument, record, closeCost: halfSpreadCostUsd(pos, liquidity) / currencyUsd }
  })
  const imOf = (sizes: number[]): number => model.evaluate(totalOf(buildModelState(model, rows.map((r, j) => toMarginPosition(r.instrument, sizes[j]!, view)))), 0, false).initialMargin
  const costOf = (sizes: number[]): number => rows.reduce((s, r, j) => s + (r.h.sizeContracts === 0 ? 0 : (Math.abs(r.h.sizeContracts - sizes[j]!) / Math.abs(r.h.sizeContracts)) * r.closeCost), 0)
  const utilisation = (sizes: number[]): number => imOf(sizes) / (equity - costOf(sizes))
  const beforeIm = model.evaluate(total, 0, false).initialMargin
  const base = rows.map((r) => r.h.sizeContracts)

  let fractions = rows.map(() => 0)
  if (beforeIm / equity > req.target) {
    const lp: ReduceLp = { total, form, positions: rows.map((r) => ({ id: r.instrument.symbol, record: r.record, closeCost: r.closeCost })), equity, target: req.target }
    try {
      run.onProgress?.(1, 3)
      fractions = readReduceFractions(lp, (await solveLp(reduceLpText(lp), run.signal)).columns)
    } catch (e) {
      if (/Infeasible/i.test((e as Error).message)) throw new RangeError(`${name}: no set of closes brings ${req.method} utilisation under ${(req.target * 100).toFixed(1)} % (the LP is infeasible)`, { cause: e })
      throw e
    }
  }
  run.onProgress?.(2, 3)
  const lot = (j: number): number => rows[j]!.instrument.lotSize
  // Whole lots, never past flat.
  let sizes = base.map((s, j) => {
    const close = Math.round((fractions[j]! * Math.abs(s)) / lot(j)) * lot(j)
    return Math.sign(s) * Math.max(Math.abs(s) - close, 0)
  })
  // Rounding (or a method beyond its linear form) may leave the pool above target: one more lot where it helps most.
  for (let step = 0; step < 500 && utilisation(sizes) > req.target; step++) {
    let best: { j: number; u: number } | null = null
    for (let j = 0; j < sizes.length; j++) {
      if (Math.abs(sizes[j]!) < 1e-12) continue
      const trial = [...sizes]
      trial[j] = Math.sign(sizes[j]!) * Math.max(Math.abs(sizes[j]!) - lot(j), 0)
      const u = utilisation(trial)
      if (!best || u < best.u) best = { j, u }
    }
    if (!best || best.u >= utilisation(sizes)) break
    sizes[best.j] = Math.sign(sizes[best.j]!) * Math.max(Math.abs(sizes[best.j]!) - lot(best.j), 0)
    sizes = [...sizes]
  }
  const closes = rows
    .map((r, j) => ({ r, j, trade: Number((sizes[j]! - base[j]!).toFixed(8)) }))
    .filter((c) => c.trade !== 0)
    .map(({ r, j, trade }) => ({ symbol: r.instrument.symbol, instrument: r.instrument, contracts: trade, fraction: Math.abs(trade / base[j]!), cost: (Math.abs(trade) / Math.abs(base[j]!)) * r.closeCost }))
  const afterIm = imOf(sizes)
  const costTotal = costOf(sizes)
  const afterU = afterIm / (equity - costTotal)
  return {
    group: name,
    method: req.method,
    currency: req.currency,
    lpScope: model.linearForm ? 'exact' : 'scenario part',
    equity,
    target: req.target,
    before: { initialMargin: beforeIm, utilisation: beforeIm / equity },
    after: { initialMargin: afterIm, utilisation: afterU },
    closes,
    costTotal,
    reached: afterU <= req.target
  }
}
